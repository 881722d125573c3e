#include "common/status_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace hpsweep {
namespace {

bool ip_literal(const std::string& host) {
  unsigned char bytes[16];
  return inet_pton(AF_INET, host.c_str(), bytes) == 1 ||
         inet_pton(AF_INET6, host.c_str(), bytes) == 1;
}

}  // namespace

bool StatusAddress::loopback() const {
  return host == "::1" || host.rfind("127.", 0) == 0;
}

std::optional<StatusAddress> parse_status_address(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto parsed = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || parsed.ec != std::errc() ||
      parsed.ptr != port_text.data() + port_text.size() || port > 65535)
    return std::nullopt;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string::npos) return std::nullopt;
  } else if (host.find(':') != std::string::npos) {
    return std::nullopt;  // an IPv6 address needs brackets
  }
  StatusAddress address;
  address.port = static_cast<uint16_t>(port);
  if (host.empty() || host == "localhost")
    address.host = "127.0.0.1";
  else if (ip_literal(host))
    address.host = host;
  else
    return std::nullopt;
  return address;
}

}  // namespace hpsweep
