#include "support/spec_error.h"

#include "common/error.h"
#include "common/spec.h"

namespace hpsweep::testing {

std::string spec_error_of(const std::string& yaml, const std::string& file) {
  try {
    parse_spec(yaml, file);
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace hpsweep::testing
