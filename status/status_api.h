// The routes of the status server (docs/status-api.md), apart from HTTP itself: a request's
// method, target and credentials in, a response out. Read-only: GET and HEAD only. No route
// reads a file: the page is compiled into the binary (status_page.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "status/status_board.h"

namespace hpsweep {

struct ApiRequest {
  std::string_view method;         // "GET"
  std::string_view target;         // "/api/v1/decisions?since=4"
  std::string_view authorization;  // the Authorization header, if any
  std::string_view last_event_id;  // an EventSource reconnecting says where it was
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // /api/v1/events: the server streams events after this sequence number instead of `body`.
  bool event_stream = false;
  int64_t events_after = 0;
};

class StatusApi {
 public:
  // `token`: when not empty, every request must carry it (Authorization: Bearer TOKEN, or
  // ?token=TOKEN for the page's own requests, which a browser's EventSource cannot give
  // headers).
  StatusApi(const StatusBoard& board, std::string token)
      : board_(board), token_(std::move(token)) {}

  ApiResponse answer(const ApiRequest& request) const;

 private:
  bool authorized(const ApiRequest& request, std::string_view query) const;

  const StatusBoard& board_;
  const std::string token_;
};

// The value of `name` in a query string ("a=1&since=4"), if present; no percent-decoding (no
// parameter of the API needs it).
std::optional<std::string_view> query_value(std::string_view query, std::string_view name);

}  // namespace hpsweep
