#include "common/failpoint.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hpsweep {
namespace {

struct Armed {
  std::string name;  // empty: no failpoint armed
  long count = 0;
  bool throws = false;  // throw an exception instead of SIGKILL
};

Armed read_environment() {
  const char* value = std::getenv("HPSWEEP_FAILPOINT");
  if (!value) return {};
  std::string text(value);
  Armed armed;
  constexpr std::string_view kThrow = ":throw";
  if (text.ends_with(kThrow)) {
    armed.throws = true;
    text.resize(text.size() - kThrow.size());
  }
  const size_t colon = text.rfind(':');
  armed.name = text.substr(0, colon);
  armed.count = colon == std::string::npos ? 1 : std::atol(text.c_str() + colon + 1);
  return armed;
}

}  // namespace

void failpoint(const char* name) {
  static const Armed armed = read_environment();
  static std::atomic<long> passes{0};
  if (armed.name.empty() || armed.name != name) return;
  if (passes.fetch_add(1, std::memory_order_relaxed) + 1 != armed.count) return;
  if (armed.throws) throw std::runtime_error(std::string("failpoint ") + name);
  std::raise(SIGKILL);
}

}  // namespace hpsweep
