#include "common/trial.h"

#include <cstdio>

namespace hpsweep {

std::string trial_name(int64_t id) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld", static_cast<long long>(id));
  return buffer;
}

}  // namespace hpsweep
