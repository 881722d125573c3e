#include "status/sweep_file_board.h"

#include "common/error.h"
#include "storage/sweep_file.h"

namespace hpsweep {

bool SweepFileWatch::refresh() {
  std::error_code error;
  const std::filesystem::file_time_type modified = std::filesystem::last_write_time(path_, error);
  if (error) throw UserError(path_.string() + ": " + error.message());
  if (loaded_ && *loaded_ == modified) return false;
  board_.load(read_sweep_file(path_.string()));
  loaded_ = modified;
  return true;
}

}  // namespace hpsweep
