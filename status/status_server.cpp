#include "status/status_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "common/error.h"
#include "status/status_api.h"

namespace hpsweep {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr const char* kServerName = "hpsweep";

std::string_view view(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

// The parser's refusals of what the client sent, as opposed to the connection ending.
bool is_refusal(const beast::error_code& error) {
  return error.category() == http::make_error_code(http::error::bad_target).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

// A response for a request the parser refused, before any route saw it.
int status_for_read_error(const beast::error_code& error) {
  if (error == http::error::body_limit) return 413;
  if (error == http::error::header_limit || error == http::error::buffer_overflow) return 431;
  return 400;
}

std::string canned_response(int status, const std::string& reason) {
  const std::string body = "{\"error\":\"" + reason + "\"}";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nServer: hpsweep\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

struct StatusServer::Impl {
  Impl(const StatusBoard& board, StatusServerOptions options)
      : board(board), api(board, options.token), options(std::move(options)) {}

  void accept();
  void run() { io.run(); }

  const StatusBoard& board;
  const StatusApi api;
  const StatusServerOptions options;
  size_t connections = 0;  // only touched on the server's thread
  // Declared after what sessions use: destroying `io` destroys the sessions its handlers hold.
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  net::steady_timer accept_retry{io};
  std::thread thread;
};

namespace {

// One connection: requests answered in turn (keep-alive), or an event stream.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(StatusServer::Impl& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), timer_(stream_.get_executor()) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, size_t) { self->on_read(error); });
  }

 private:
  void on_read(const beast::error_code& error) {
    if (error && is_refusal(error)) return refuse(status_for_read_error(error));
    if (error) return close();  // gone, timed out (a slow client) or server stopping
    const http::request<http::string_body>& request = parser_->get();
    if (static_cast<size_t>(std::distance(request.begin(), request.end())) >
        server_.options.max_header_fields)
      return refuse(431);
    const ApiResponse answer = server_.api.answer(
        {view(request.method_string()), view(request.target()),
         view(request[http::field::authorization]), view(request["Last-Event-ID"])});
    if (answer.event_stream && answer.status == 200) return start_events(answer.events_after);
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(answer.status), request.version());
    response->set(http::field::server, kServerName);
    response->set(http::field::content_type, answer.content_type);
    response->set(http::field::cache_control, "no-store");
    if (answer.status == 405) response->set(http::field::allow, "GET, HEAD");
    if (answer.status == 401) response->set(http::field::www_authenticate, "Bearer");
    response->keep_alive(request.keep_alive() && answer.status < 400);
    response->body() = answer.body;
    response->prepare_payload();
    if (request.method() == http::verb::head) response->body().clear();  // keeps the length
    send(response);
  }

  void send(std::shared_ptr<http::response<http::string_body>> response) {
    stream_.expires_after(server_.options.write_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code error, size_t) {
                        if (error || !response->keep_alive()) return self->close();
                        self->read();
                      });
  }

  // A request the parser refused: its status, then close (what follows cannot be trusted).
  void refuse(int status) {
    const char* reason = status == 413   ? "Payload Too Large"
                         : status == 431 ? "Request Header Fields Too Large"
                                         : "Bad Request";
    write_then(std::make_shared<std::string>(canned_response(status, reason)),
               [](Session& self) { self.close(); });
  }

  void start_events(int64_t after) {
    last_sequence_ = after;
    stream_start_ = last_write_ = std::chrono::steady_clock::now();
    auto header = std::make_shared<std::string>(
        "HTTP/1.1 200 OK\r\nServer: hpsweep\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n\n");
    write_then(header, [](Session& self) { self.poll_events(); });
  }

  void poll_events() {
    if (std::chrono::steady_clock::now() - stream_start_ > server_.options.event_stream_lifetime)
      return close();
    const uint64_t version = server_.board.version();
    if (version == seen_version_) {
      if (std::chrono::steady_clock::now() - last_write_ < server_.options.keepalive_interval)
        return wait_then_poll();
      return write_then(std::make_shared<std::string>(": keepalive\n\n"),
                        [](Session& self) { self.wait_then_poll(); });
    }
    seen_version_ = version;
    EventBatch batch = server_.board.events_after(last_sequence_);
    auto text = std::make_shared<std::string>();
    if (batch.missed) *text += "event: reset\ndata: {}\n\n";
    for (const StatusEvent& e : batch.events) {
      *text +=
          "id: " + std::to_string(e.sequence) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
      last_sequence_ = e.sequence;
    }
    if (text->empty()) return wait_then_poll();
    write_then(text, [](Session& self) { self.wait_then_poll(); });
  }

  void wait_then_poll() {
    timer_.expires_after(server_.options.event_poll);
    timer_.async_wait([self = shared_from_this()](beast::error_code error) {
      if (!error) self->poll_events();
    });
  }

  template <typename Next>
  void write_then(std::shared_ptr<std::string> text, Next next) {
    stream_.expires_after(server_.options.write_timeout);
    last_write_ = std::chrono::steady_clock::now();
    net::async_write(stream_, net::buffer(*text),
                     [self = shared_from_this(), text, next](beast::error_code error, size_t) {
                       if (error) return self->close();
                       next(*self);
                     });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    timer_.cancel();
  }

  StatusServer::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  net::steady_timer timer_;
  uint64_t seen_version_ = 0;
  int64_t last_sequence_ = 0;
  std::chrono::steady_clock::time_point stream_start_, last_write_;
};

}  // namespace

void StatusServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (error == net::error::operation_aborted) return;
    if (error) {  // out of file descriptors, say: try again shortly rather than spin
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e) accept();
      });
      return;
    }
    if (connections >= options.max_connections) {
      // Best effort without waiting: a fresh socket's send buffer takes this at once.
      static const std::string busy = canned_response(503, "Service Unavailable");
      beast::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(net::buffer(busy), ignored);
      socket.close(ignored);
    } else {
      std::make_shared<Session>(*this, std::move(socket))->read();
    }
    accept();
  });
}

StatusServer::StatusServer(const StatusBoard& board, StatusServerOptions options)
    : impl_(std::make_unique<Impl>(board, std::move(options))) {
  const StatusAddress& address = impl_->options.address;
  try {
    const tcp::endpoint endpoint(net::ip::make_address(address.host), address.port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(net::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw UserError("status server: cannot listen on " + address.host + ":" +
                    std::to_string(address.port) + ": " + e.code().message());
  }
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

StatusServer::~StatusServer() {
  stop();
}

void StatusServer::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->io.stop();
  impl_->thread.join();
}

uint16_t StatusServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string StatusServer::url() const {
  const std::string& host = impl_->options.address.host;
  std::string url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                    ":" + std::to_string(port()) + "/";
  if (!impl_->options.token.empty()) url += "?token=" + impl_->options.token;
  return url;
}

}  // namespace hpsweep
