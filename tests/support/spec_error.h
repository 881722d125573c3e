// The error a spec text gets, for tests of exact messages.
#pragma once

#include <string>

namespace hpsweep::testing {

// The UserError's message parse_spec throws for `yaml`, read as file `file`; "no error" when
// it parses.
std::string spec_error_of(const std::string& yaml, const std::string& file = "s.yaml");

}  // namespace hpsweep::testing
