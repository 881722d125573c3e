#include "status/status_api.h"

#include <charconv>
#include <optional>

#include "common/json_writer.h"
#include "status/status_page.h"

namespace hpsweep {
namespace {

ApiResponse error(int status, std::string_view message) {
  JsonWriter json;
  json.begin_object().key("error").value(message).end_object();
  return {status, "application/json", json.take()};
}

// A non-negative decimal integer, nothing else.
std::optional<int64_t> parse_count(std::string_view text) {
  int64_t value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      value < 0)
    return std::nullopt;
  return value;
}

// Compares in time independent of where the texts differ, so a token cannot be guessed byte
// by byte from response times.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() != b.size();
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) difference |= a[i] ^ b[i];
  return difference == 0;
}

constexpr std::string_view kTrialsPrefix = "/api/v1/trials/";

}  // namespace

std::optional<std::string_view> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    const size_t equals = pair.find('=');
    if (pair.substr(0, equals) == name)
      return equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return std::nullopt;
}

bool StatusApi::authorized(const ApiRequest& request, std::string_view query) const {
  if (token_.empty()) return true;
  constexpr std::string_view kBearer = "Bearer ";
  if (request.authorization.substr(0, kBearer.size()) == kBearer &&
      same_secret(request.authorization.substr(kBearer.size()), token_))
    return true;
  const std::optional<std::string_view> token = query_value(query, "token");
  return token && same_secret(*token, token_);
}

ApiResponse StatusApi::answer(const ApiRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD")
    return error(405, "read-only: only GET and HEAD");
  const size_t question = request.target.find('?');
  const std::string_view path = request.target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : request.target.substr(question + 1);
  if (!authorized(request, query)) return error(401, "a bearer token is required");

  if (path == "/") return {200, "text/html; charset=utf-8", std::string(status_page_html())};
  if (path == "/api/v1/sweep") return {200, "application/json", board_.sweep_json()};
  if (path == "/api/v1/trials") return {200, "application/json", board_.trials_json()};
  if (path == "/api/v1/decisions") {
    const std::optional<std::string_view> since = query_value(query, "since");
    if (!since) return {200, "application/json", board_.decisions_json(-1)};
    const std::optional<int64_t> n = parse_count(*since);
    if (!n) return error(400, "since: expected a decision's sequence number (0, 1, ...)");
    return {200, "application/json", board_.decisions_json(*n)};
  }
  if (path == "/api/v1/events") {
    ApiResponse stream{200, "text/event-stream", ""};
    stream.event_stream = true;
    std::optional<std::string_view> after = query_value(query, "after");
    if (!request.last_event_id.empty()) after = request.last_event_id;
    if (after) {
      const std::optional<int64_t> n = parse_count(*after);
      if (!n) return error(400, "after: expected an event's sequence number (0, 1, ...)");
      stream.events_after = *n;
    }
    return stream;
  }
  if (path.substr(0, kTrialsPrefix.size()) == kTrialsPrefix) {
    const std::optional<int64_t> id = parse_count(path.substr(kTrialsPrefix.size()));
    if (id)
      if (std::optional<std::string> body = board_.trial_json(*id))
        return {200, "application/json", std::move(*body)};
    return error(404, "no such trial");
  }
  return error(404, "not found");
}

}  // namespace hpsweep
