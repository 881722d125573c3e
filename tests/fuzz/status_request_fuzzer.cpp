// libFuzzer target over the status server's request path: any bytes go through Beast's
// request parser with the server's limits (status/status_server.h) and, when they parse, to
// the API's routes over a board with a few trials. A refusal is expected; a crash, a hang, an
// exception or a sanitizer report is a bug. Built and run by run_status_fuzzer.sh.
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "status/status_api.h"
#include "status/status_board.h"
#include "status/status_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static hpsweep::StatusBoard board;
  static const bool filled = [] {
    hpsweep::SweepSpec spec;
    spec.name = "fuzz";
    std::vector<hpsweep::Trial> trials(3);
    for (int64_t id = 0; id < 3; ++id) {
      trials[id].id = id;
      trials[id].swept = {{"training.lr", 0.1 * static_cast<double>(id + 1)}};
    }
    board.on_sweep_begin(spec, trials);
    hpsweep::EpochMetrics m;
    m.epoch = 1;
    board.on_epoch(0, m);
    board.on_decision({0, 0, 1, "stop", 1, -1, "", "fuzz"});
    return true;
  }();
  (void)filled;
  static const hpsweep::StatusApi open_api(board, ""), guarded_api(board, "token");
  const hpsweep::StatusServerOptions limits;

  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  boost::beast::error_code error;
  size_t used = 0;
  while (used < size && !parser.is_done()) {
    const size_t n = parser.put(boost::asio::buffer(data + used, size - used), error);
    if (error == http::error::need_more) break;
    if (error || n == 0) return 0;
    used += n;
  }
  if (!parser.is_done()) return 0;
  const auto& request = parser.get();
  auto view = [](boost::beast::string_view s) { return std::string_view(s.data(), s.size()); };
  const hpsweep::ApiRequest api_request{view(request.method_string()), view(request.target()),
                                        view(request[http::field::authorization]),
                                        view(request["Last-Event-ID"])};
  for (const hpsweep::StatusApi* api : {&open_api, &guarded_api}) {
    const hpsweep::ApiResponse response = api->answer(api_request);
    if (response.status < 200 || response.status > 599) __builtin_trap();
  }
  return 0;
}
