// One way to report errors in hpsweep: exceptions whose message already names the place
// (file:line:column and key for specs, file name for data and checkpoints). Library code never
// exits; the app maps the error kind to an exit code, and a worker turns it into a failed trial.
#pragma once

#include <stdexcept>
#include <string>

namespace hpsweep {

// Something is wrong inside hpsweep or the system (I/O failure, broken invariant): exit 1.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file system is full (ENOSPC, EDQUOT): no trial's fault, so a cluster job's worker ends the
// whole job (exit 1) instead of failing its trial; the rerun resumes once there is room.
class NoSpaceError : public Error {
 public:
  using Error::Error;
};

// The user's input is wrong (spec, command line, data file, checkpoint): exit 2.
class UserError : public Error {
 public:
  using Error::Error;
};

// "FILE:LINE:COL: KEY: what" with 1-based line and column, the format compilers use, so
// editors can jump to the place.
std::string located_message(const std::string& file, int line, int column, const std::string& key,
                            const std::string& what);

}  // namespace hpsweep
