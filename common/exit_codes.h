// hpsweep's process exit codes: 0 success, 1 internal or I/O failure, 2 bad input; a stopped
// sweep exits with 128 + the signal (130 for Ctrl-C, 143 for SIGTERM), or 75 after
// --time-limit; a cluster job that lost a rank or node ends with 69.
#pragma once

namespace hpsweep {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitStoppedByTimeLimit = 75;  // EX_TEMPFAIL: rerun to continue
inline constexpr int kExitJobLost = 69;  // EX_UNAVAILABLE: a rank or node was lost; rerun to resume

}  // namespace hpsweep
