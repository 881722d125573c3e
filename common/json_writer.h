// JSON output without a library (Boost.JSON is not in Boost 1.74): string escaping, and a
// writer that places the commas and colons, for analysis tables and the status API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hpsweep {

// `text` as a quoted JSON string: quotes, backslashes and control characters escaped.
std::string json_string(std::string_view text);

// Appends values in order: begin_object().key("a").value(1).end_object() gives {"a":1}.
// Non-finite numbers are written as null (JSON has no NaN).
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(bool flag);
  template <typename Integer>
  requires std::is_integral_v<Integer> &&
      (!std::is_same_v<Integer, bool>)JsonWriter& value(Integer number) {
    separate();
    out_ += std::to_string(number);
    return *this;
  }
  JsonWriter& null();
  // Text that is JSON already (a cached row), placed as one value.
  JsonWriter& raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();

  std::string out_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

}  // namespace hpsweep
