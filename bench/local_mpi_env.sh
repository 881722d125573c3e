# Sourced by the bench scripts that start mpirun: Open MPI as root on a small machine (allow
# root, oversubscribe), shared memory on loopback only, and no single-copy transfers (so it
# runs in containers too; bench_cluster.sh measures CMA as an extra). hwloc skips its I/O
# discovery (PCI devices, NICs): with shared memory only, nothing uses it, and in a VM, where
# every PCI configuration read traps to the hypervisor, it cost mpirun about 30 ms of a 75 ms
# start (docs/cluster-performance.md). A value already in the environment wins (an empty
# HWLOC_COMPONENTS turns the discovery back on). The tests use the same list
# (tests/support/local_mpi.cpp).
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1}
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
export OMPI_MCA_rmaps_base_oversubscribe=${OMPI_MCA_rmaps_base_oversubscribe:-1}
export OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}
export OMPI_MCA_oob_tcp_if_include=${OMPI_MCA_oob_tcp_if_include:-lo}
export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}
export HWLOC_COMPONENTS=${HWLOC_COMPONENTS--pci,-linuxio}
