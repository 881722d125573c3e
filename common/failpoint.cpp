#include "common/failpoint.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

namespace hpsweep {
namespace {

struct Armed {
  std::string name;  // empty: no failpoint armed
  long count = 0;
};

Armed read_environment() {
  const char* value = std::getenv("HPSWEEP_FAILPOINT");
  if (!value) return {};
  const std::string text(value);
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return {text, 1};
  return {text.substr(0, colon), std::atol(text.c_str() + colon + 1)};
}

}  // namespace

void failpoint(const char* name) {
  static const Armed armed = read_environment();
  static std::atomic<long> passes{0};
  if (armed.name.empty() || armed.name != name) return;
  if (passes.fetch_add(1, std::memory_order_relaxed) + 1 == armed.count) std::raise(SIGKILL);
}

}  // namespace hpsweep
