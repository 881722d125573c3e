// Where the live status server listens: "HOST:PORT" as `--status` and the spec's
// `status.address` write it. An empty host means loopback; port 0 an ephemeral port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hpsweep {

struct StatusAddress {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 literal, or localhost
  uint16_t port = 0;
  bool loopback() const;
};

// Nullopt when `text` is not [HOST]:PORT with HOST an IP literal (IPv6 in brackets) or
// localhost, and PORT 0..65535.
std::optional<StatusAddress> parse_status_address(const std::string& text);

// What a valid address looks like, for error messages.
inline constexpr const char* kStatusAddressForm =
    "expected HOST:PORT with an IP address or localhost, e.g. 127.0.0.1:8080, or :0 for an "
    "ephemeral port on 127.0.0.1";

}  // namespace hpsweep
