// `hpsweep serve DIR`: the status board of a sweep read from its sweep.h5, read again
// whenever the file changes (a running sweep replaces it by a rename at every flush).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "status/status_board.h"

namespace hpsweep {

class SweepFileWatch {
 public:
  SweepFileWatch(std::filesystem::path sweep_file, StatusBoard& board)
      : path_(std::move(sweep_file)), board_(board) {}

  // Loads the file into the board when its modification time differs from the last load's;
  // true when it did. Throws UserError when the file is missing or unreadable.
  bool refresh();

 private:
  std::filesystem::path path_;
  StatusBoard& board_;
  std::optional<std::filesystem::file_time_type> loaded_;
};

}  // namespace hpsweep
