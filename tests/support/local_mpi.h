// Open MPI settings for tests that start mpirun: allowed as root (CI runs as root), more ranks
// than cores, shared memory on loopback only (so they run in containers too), and no hwloc
// I/O discovery (bench/local_mpi_env.sh says why). The same list
// is in tests/CMakeLists.txt (HPSWEEP_MPI_TEST_ENV) for tests ctest starts under mpirun.
#pragma once

namespace hpsweep::testing {

void use_local_mpi_settings();

}  // namespace hpsweep::testing
