// A raw HTTP/1.1 client over a blocking socket, for the status server's tests: requests are
// sent as written (malformed ones too) and the answer is read until the server closes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace hpsweep::testing {

struct HttpReply {
  int status = 0;  // 0: the server closed without a status line
  std::string headers, body;
};

// Sends `request` to 127.0.0.1:port and reads until the server closes the connection or
// `timeout` passes.
HttpReply http_exchange(uint16_t port, const std::string& request,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// GET `target` with Connection: close (and a bearer token when not empty).
HttpReply http_get(uint16_t port, const std::string& target, const std::string& token = "");

// Splits a reply's raw bytes into status, headers and body.
HttpReply parse_reply(const std::string& raw);

// A connected socket's file descriptor, or -1.
int connect_local(uint16_t port);

// Reads from `fd` until EOF or `timeout`; the bytes read. Sets `closed` when EOF was seen.
std::string read_until_closed(int fd, std::chrono::milliseconds timeout, bool* closed = nullptr);

}  // namespace hpsweep::testing
