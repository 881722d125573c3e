// A fresh temporary folder per test, removed afterwards.
#pragma once

#include <filesystem>

namespace hpsweep::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace hpsweep::testing
