#include "common/temp_folder.h"

#include <cstdlib>

#include "common/error.h"

namespace hpsweep {

TempFolder::TempFolder(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data()))
    throw Error("cannot create a temporary folder in " +
                std::filesystem::temp_directory_path().string());
  path_ = pattern;
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace hpsweep
