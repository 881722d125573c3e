// Fault injection for the kill and failure tests (tests/test_kill.cpp, tests/test_cluster.cpp).
// With HPSWEEP_FAILPOINT=NAME:N in the environment, the process kills itself with SIGKILL the
// N-th time it passes failpoint("NAME"): a kill at a chosen moment (mid-checkpoint-write,
// mid-sweep.h5-update, mid-epoch) that a timer could only hit by luck. NAME:N:throw throws a
// std::runtime_error("failpoint NAME") instead: an exception in one process of an MPI job.
// Without the variable, a failpoint costs one relaxed atomic load.
#pragma once

namespace hpsweep {

void failpoint(const char* name);

}  // namespace hpsweep
