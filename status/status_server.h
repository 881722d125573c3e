// The status server: HTTP/1.1 over Boost.Asio and Beast on one thread of its own, answering
// StatusApi's routes. It guards itself against clients: requests are capped in header size,
// header count and body, connections in number (one more gets 503), every read and write has
// a deadline (a slow client is closed), and a malformed request gets a 4xx and a close.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>  // before Asio (status_server.cpp): Boost 1.74's awaitable.hpp needs it

#include "common/status_address.h"
#include "status/status_board.h"

namespace hpsweep {

struct StatusServerOptions {
  StatusAddress address;
  std::string token;  // empty: no token needed
  size_t max_connections = 256;
  size_t max_header_bytes = 8192;
  size_t max_header_fields = 64;
  size_t max_body_bytes = 1024;  // read-only: requests have no use for a body
  // To receive a whole request (also the next one on a kept-alive connection), and to send a
  // response or a batch of events.
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  // How often an event stream looks for new events, and sends a comment when there were none
  // for `keepalive_interval` (so proxies keep it open).
  std::chrono::milliseconds event_poll{100};
  std::chrono::milliseconds keepalive_interval{15000};
  // An event stream ends after this long; the browser's EventSource reconnects with the last
  // event's id and misses nothing. Bounds how long a proxy or a stalled tab holds a connection.
  std::chrono::milliseconds event_stream_lifetime{60000};
};

class StatusServer {
 public:
  // Binds and starts serving; throws UserError when the address cannot be bound.
  StatusServer(const StatusBoard& board, StatusServerOptions options);
  // Stops within a few milliseconds: open connections are dropped.
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  uint16_t port() const;
  // http://HOST:PORT/ (with ?token=... when one is needed): what to open in a browser.
  std::string url() const;
  void stop();

  struct Impl;  // status_server.cpp: keeps Asio and Beast out of this header

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hpsweep
