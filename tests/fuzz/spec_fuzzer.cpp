// libFuzzer target over the spec loader: any input must either parse or be refused with a
// UserError (which names file, line, column and key). Anything else -- another exception, a
// crash, a hang, a sanitizer report -- is a bug. Built and run by run_spec_fuzzer.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "common/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    hpsweep::parse_spec(text, "fuzz.yaml");
  } catch (const hpsweep::UserError&) {
    // Refused with a message: the expected outcome for bad input.
  }
  return 0;
}
