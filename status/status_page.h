// The status page (status_page.html), compiled into the binary by status/CMakeLists.txt: the
// server never reads a file.
#pragma once

#include <string_view>

namespace hpsweep {

std::string_view status_page_html();

}  // namespace hpsweep
