#include "common/error.h"

namespace hpsweep {

std::string located_message(const std::string& file, int line, int column, const std::string& key,
                            const std::string& what) {
  std::string message = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!key.empty()) message += key + ": ";
  return message + what;
}

}  // namespace hpsweep
