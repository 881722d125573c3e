// The live status server against running dev-mode sweeps of simulated trials: the API follows
// the sweep (curves grow, counts add up, decisions arrive incrementally, events stream), and
// the server holds against bad clients (oversized, malformed and slow requests, path
// traversal, 1,000 connections) while the sweep finishes with the same sweep.h5 as without it.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/json_writer.h"
#include "coordinator/sweep_runner.h"
#include "status/status_board.h"
#include "status/status_server.h"
#include "status/sweep_file_board.h"
#include "storage/sweep_file.h"
#include "support/http_client.h"
#include "support/shell.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

using namespace std::chrono_literals;

SweepSpec simulated_spec(const std::string& body, const std::string& epoch_seconds) {
  return parse_spec(
      "name: live\nseed: 5\ndataset: {path: /nonexistent}\nmodel: {type: simulated}\n"
      "simulated: {seed: 9, epoch_seconds: " +
          epoch_seconds + "}\n" + body,
      "live.yaml");
}

const char* kGrid =
    "method: grid\ntraining: {epochs: 6}\n"
    "parameters:\n  training.lr: {values: [0.01, 0.1, 0.3]}\n  model.dropout: {values: [0, 0.5]}\n";

const char* kAsha =
    "method: random\nrun_cap: 9\ntraining: {epochs: 9}\n"
    "early_terminate: {type: asha, grace_period: 1, reduction_factor: 3}\n"
    "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n";

// A sweep running on its own thread, its board served on an ephemeral loopback port.
class LiveSweep {
 public:
  LiveSweep(const SweepSpec& spec, const std::string& out, StatusServerOptions options = {},
            int workers = 2)
      : server_(board_, options) {
    RunOptions run{out, workers, false};
    run.observer = &board_;
    thread_ = std::thread([this, spec, run] { run_local_sweep(spec, run, stop_, log_); });
  }
  ~LiveSweep() { join(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return server_.port(); }
  StatusServer& server() { return server_; }
  bool ended() const { return board_.ended(); }

 private:
  StatusBoard board_;
  StatusServer server_;
  std::atomic<bool> stop_{false};
  std::ostringstream log_;
  std::thread thread_;
};

// Occurrences of `needle` in `text`.
int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The integer after `"key":` at its first occurrence from `from`.
int64_t integer_after(const std::string& json, const std::string& key, size_t from = 0) {
  const size_t at = json.find("\"" + key + "\":", from);
  if (at == std::string::npos) return -1;
  return std::stoll(json.substr(at + key.size() + 3));
}

// Each trial's epochs in a /api/v1/trials body, in trial order.
std::vector<int64_t> epochs_per_trial(const std::string& trials_json) {
  std::vector<int64_t> epochs;
  for (size_t at = trials_json.find("\"epochs\":"); at != std::string::npos;
       at = trials_json.find("\"epochs\":", at + 1))
    epochs.push_back(std::stoll(trials_json.substr(at + 9)));
  return epochs;
}

std::string curve_json(const std::vector<double>& values) {
  JsonWriter json;
  json.begin_array();
  for (double v : values) json.value(v);
  json.end_array();
  return json.take();
}

void expect_bitwise_equal(const SweepRecord& a, const SweepRecord& b) {
  ASSERT_EQ(a.trials.size(), b.trials.size());
  for (size_t t = 0; t < a.trials.size(); ++t) {
    EXPECT_EQ(a.trials[t].status, b.trials[t].status) << "trial " << t;
    ASSERT_EQ(a.trials[t].curves.size(), b.trials[t].curves.size());
    for (const auto& [name, values] : a.trials[t].curves) {
      if (name == "wall_seconds" || name == "samples_per_second") continue;  // timings
      const std::vector<double>& other = b.trials[t].curves.at(name);
      ASSERT_EQ(values.size(), other.size()) << name;
      for (size_t e = 0; e < values.size(); ++e)
        EXPECT_EQ(std::bit_cast<uint64_t>(values[e]), std::bit_cast<uint64_t>(other[e]))
            << "trial " << t << " " << name << " epoch " << e + 1;
    }
  }
  ASSERT_EQ(a.decisions.size(), b.decisions.size());
  for (size_t d = 0; d < a.decisions.size(); ++d)
    EXPECT_EQ(std::tie(a.decisions[d].trial, a.decisions[d].kind, a.decisions[d].epoch),
              std::tie(b.decisions[d].trial, b.decisions[d].kind, b.decisions[d].epoch));
}

// One worker, as LiveSweep in the comparison.
SweepRecord run_without_server(const SweepSpec& spec, const std::string& out) {
  std::ostringstream log;
  std::atomic<bool> stop{false};
  run_local_sweep(spec, RunOptions{out, 1, false}, stop, log);
  return read_sweep_file(out + "/sweep.h5");
}

TEST(StatusServer, TrialsCurvesGrowAndCountsAddUp) {
  TempDir dir;
  const SweepSpec spec = simulated_spec(kGrid, "0.03");
  LiveSweep sweep(spec, (dir / "out").string());
  std::vector<int64_t> previous(6, 0);
  int growths = 0;
  while (!sweep.ended()) {
    const HttpReply reply = http_get(sweep.port(), "/api/v1/trials");
    ASSERT_EQ(reply.status, 200) << reply.headers;
    const std::vector<int64_t> epochs = epochs_per_trial(reply.body);
    if (epochs.empty()) continue;  // the sweep has not begun
    ASSERT_EQ(epochs.size(), 6u) << reply.body;
    for (size_t t = 0; t < epochs.size(); ++t) {
      EXPECT_GE(epochs[t], previous[t]) << "trial " << t << "'s curve shrank";
      growths += epochs[t] > previous[t];
    }
    previous = epochs;
    std::this_thread::sleep_for(20ms);
  }
  sweep.join();
  EXPECT_GT(growths, 6) << "the curves were seen growing while the sweep ran";

  const HttpReply summary = http_get(sweep.port(), "/api/v1/sweep");
  ASSERT_EQ(summary.status, 200);
  EXPECT_NE(summary.body.find("\"name\":\"live\""), std::string::npos) << summary.body;
  EXPECT_EQ(integer_after(summary.body, "trials"), 6);
  EXPECT_EQ(integer_after(summary.body, "completed"), 6) << summary.body;
  EXPECT_NE(summary.body.find("\"ended\":true"), std::string::npos) << summary.body;

  // Each trial's whole curves, as sweep.h5 recorded them, to the last bit.
  const SweepRecord record = read_sweep_file((dir / "out" / "sweep.h5").string());
  for (const TrialRecord& t : record.trials) {
    const HttpReply trial = http_get(sweep.port(), "/api/v1/trials/" + std::to_string(t.id));
    ASSERT_EQ(trial.status, 200);
    EXPECT_EQ(integer_after(trial.body, "epochs"), 6);
    EXPECT_NE(trial.body.find("\"test_error\":" + curve_json(t.curves.at("test_error"))),
              std::string::npos)
        << trial.body;
    EXPECT_NE(trial.body.find("\"train_loss\":" + curve_json(t.curves.at("train_loss"))),
              std::string::npos);
  }
  EXPECT_EQ(http_get(sweep.port(), "/api/v1/trials/6").status, 404);
  EXPECT_EQ(http_get(sweep.port(), "/api/v1/trials/x").status, 404);
}

TEST(StatusServer, DecisionsSinceReturnOnlyTheLaterOnes) {
  TempDir dir;
  LiveSweep sweep(simulated_spec(kAsha, "0"), (dir / "out").string());
  sweep.join();
  const HttpReply all = http_get(sweep.port(), "/api/v1/decisions");
  ASSERT_EQ(all.status, 200);
  const int total = count_of(all.body, "\"sequence\":");
  const SweepRecord record = read_sweep_file((dir / "out" / "sweep.h5").string());
  ASSERT_EQ(total, static_cast<int>(record.decisions.size()));
  ASSERT_GT(total, 4);
  const HttpReply later = http_get(sweep.port(), "/api/v1/decisions?since=3");
  EXPECT_EQ(count_of(later.body, "\"sequence\":"), total - 4);
  EXPECT_EQ(integer_after(later.body, "sequence"), 4) << later.body;
  EXPECT_EQ(http_get(sweep.port(), "/api/v1/decisions?since=-1").status, 400);
  EXPECT_EQ(http_get(sweep.port(), "/api/v1/decisions?since=abc").status, 400);
}

TEST(StatusServer, EventStreamCarriesStatusesEpochsAndTheEnd) {
  TempDir dir;
  LiveSweep sweep(simulated_spec(kGrid, "0.01"), (dir / "out").string());
  const int fd = connect_local(sweep.port());
  ASSERT_GE(fd, 0);
  const std::string request = "GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string stream;
  while (stream.find("event: sweep_end") == std::string::npos) {
    const std::string more = read_until_closed(fd, 200ms);
    stream += more;
    if (more.empty() && sweep.ended()) stream += read_until_closed(fd, 500ms);
    if (more.empty() && sweep.ended()) break;
  }
  close(fd);
  EXPECT_NE(stream.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_EQ(count_of(stream, "event: epoch\n"), 36) << "6 trials of 6 epochs";
  EXPECT_EQ(count_of(stream, "\"status\":\"completed\""), 6);
  EXPECT_EQ(count_of(stream, "event: sweep_end\n"), 1);
}

TEST(StatusServer, RefusesWhatItShouldWithoutDying) {
  TempDir dir;
  StatusServerOptions options;
  options.request_timeout = 500ms;
  LiveSweep sweep(simulated_spec(kGrid, "0.05"), (dir / "out").string(), options);
  const uint16_t port = sweep.port();
  const std::string get = "GET /api/v1/sweep HTTP/1.1\r\nHost: x\r\n";
  EXPECT_EQ(http_exchange(port, get + "X-Big: " + std::string(10000, 'a') + "\r\n\r\n").status,
            431);
  std::string many_headers = get;
  for (int i = 0; i < 100; ++i) many_headers += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(http_exchange(port, many_headers + "\r\n").status, 431);
  EXPECT_EQ(
      http_exchange(port, get + "Content-Length: 5000\r\n\r\n" + std::string(5000, 'b')).status,
      413);
  EXPECT_EQ(http_get(port, "/../etc/passwd").status, 404);
  EXPECT_EQ(http_get(port, "/%2e%2e/etc/passwd").status, 404);
  EXPECT_EQ(http_get(port, "/status/status_page.html").status, 404);
  EXPECT_EQ(http_exchange(port, "GARBAGE\r\n\r\n").status, 400);
  EXPECT_EQ(http_exchange(port, "GET / HTTP/1.1\r\nBad Header\r\n\r\n").status, 400);
  EXPECT_EQ(http_exchange(port, "DELETE /api/v1/sweep HTTP/1.1\r\nHost: x\r\n\r\n").status, 405);
  EXPECT_EQ(
      http_exchange(port, "POST /api/v1/sweep HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}").status,
      405);
  const HttpReply head = http_exchange(port, "HEAD /api/v1/sweep HTTP/1.1\r\nHost: x\r\n\r\n", 1s);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());

  // Slowloris: a header that never ends is cut off after the request timeout.
  const int slow = connect_local(port);
  ASSERT_GE(slow, 0);
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 30 && !closed; ++i) {
    (void)!write(slow, "X", 1);
    read_until_closed(slow, 100ms, &closed);
  }
  close(slow);
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);

  const HttpReply page = http_get(port, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.headers.find("text/html"), std::string::npos);
  sweep.join();
  EXPECT_EQ(http_get(port, "/api/v1/sweep").status, 200) << "still serving";
}

TEST(StatusServer, TokenIsRequiredWhenSet) {
  StatusBoard board;
  StatusServerOptions options;
  options.token = "s3cret";
  StatusServer server(board, options);
  EXPECT_EQ(http_get(server.port(), "/api/v1/sweep").status, 401);
  EXPECT_EQ(http_get(server.port(), "/api/v1/sweep", "wrong").status, 401);
  EXPECT_EQ(http_get(server.port(), "/api/v1/sweep", "s3cret").status, 200);
  EXPECT_EQ(http_get(server.port(), "/api/v1/sweep?token=s3cret").status, 200);
  EXPECT_EQ(http_get(server.port(), "/?token=s3cre").status, 401);
  EXPECT_NE(server.url().find("?token=s3cret"), std::string::npos);
}

TEST(StatusServer, StopsWithinASecondWithClientsConnected) {
  StatusBoard board;
  auto server = std::make_unique<StatusServer>(board, StatusServerOptions{});
  const int idle = connect_local(server->port());
  const int events = connect_local(server->port());
  const std::string request = "GET /api/v1/events HTTP/1.1\r\n\r\n";
  ASSERT_EQ(write(events, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::this_thread::sleep_for(100ms);
  const auto start = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  bool closed = false;
  read_until_closed(idle, 1s, &closed);
  EXPECT_TRUE(closed);
  close(idle);
  close(events);
}

// 1,000 connections at once: the first max_connections are served, the others refused with
// 503, and the sweep's sweep.h5 is bitwise what it is without a server.
TEST(StatusServer, ThousandConnectionsLeaveTheSweepUnharmed) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 4096 && files.rlim_max >= 4096) {
    files.rlim_cur = 4096;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  if (files.rlim_cur < 2200) GTEST_SKIP() << "needs 2,200 file descriptors";
  TempDir dir;
  const SweepSpec spec = simulated_spec(kAsha, "0.01");
  const SweepRecord reference = run_without_server(spec, (dir / "reference").string());

  // One worker: the scheduler's calls, and so its decisions, come in one order.
  LiveSweep sweep(spec, (dir / "out").string(), {}, 1);
  std::vector<int> sockets;
  for (int i = 0; i < 1000; ++i) sockets.push_back(connect_local(sweep.port()));
  int served = 0, refused = 0;
  for (const int fd : sockets) {
    ASSERT_GE(fd, 0);
    const std::string request = "GET /api/v1/trials HTTP/1.1\r\nConnection: close\r\n\r\n";
    (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  }
  for (const int fd : sockets) {
    const HttpReply reply = parse_reply(read_until_closed(fd, 5s));
    served += reply.status == 200;
    refused += reply.status == 503;
    close(fd);
  }
  EXPECT_EQ(served + refused, 1000);
  EXPECT_GE(served, static_cast<int>(StatusServerOptions{}.max_connections));
  sweep.join();
  EXPECT_EQ(http_get(sweep.port(), "/api/v1/sweep").status, 200);
  expect_bitwise_equal(read_sweep_file((dir / "out" / "sweep.h5").string()), reference);
}

// hpsweep serve's board: sweep.h5 as written, read again only when the file is replaced.
TEST(StatusServer, ServesASweepFromItsFileAndRereadsItWhenReplaced) {
  TempDir dir;
  const SweepRecord record = run_without_server(simulated_spec(kAsha, "0"), (dir / "a").string());
  run_without_server(simulated_spec(kGrid, "0"), (dir / "b").string());
  StatusBoard board;
  const std::filesystem::path file = dir / "a" / "sweep.h5";
  SweepFileWatch watch(file, board);
  ASSERT_TRUE(watch.refresh());
  EXPECT_FALSE(watch.refresh()) << "unchanged: not read again";
  StatusServer server(board, {});
  const HttpReply sweep = http_get(server.port(), "/api/v1/sweep");
  EXPECT_EQ(integer_after(sweep.body, "trials"), 9);
  EXPECT_NE(sweep.body.find("\"live\":false"), std::string::npos) << sweep.body;
  EXPECT_EQ(count_of(http_get(server.port(), "/api/v1/decisions").body, "\"sequence\":"),
            static_cast<int>(record.decisions.size()));
  for (const TrialRecord& t : record.trials) {
    const HttpReply trial = http_get(server.port(), "/api/v1/trials/" + std::to_string(t.id));
    EXPECT_NE(trial.body.find("\"test_error\":" + curve_json(t.curves.at("test_error"))),
              std::string::npos);
  }
  // A running sweep replaces sweep.h5 by a rename at each flush.
  std::filesystem::copy_file(dir / "b" / "sweep.h5", dir / "a" / "next.h5");
  std::filesystem::last_write_time(dir / "a" / "next.h5",
                                   std::filesystem::last_write_time(file) + 1s);
  std::filesystem::rename(dir / "a" / "next.h5", file);
  ASSERT_TRUE(watch.refresh());
  EXPECT_EQ(integer_after(http_get(server.port(), "/api/v1/sweep").body, "trials"), 6);
}

// `hpsweep run --status`: the URL printed, with a token created in a private file; bad
// addresses refused before anything runs.
TEST(StatusCommandLine, PrintsTheUrlAndCreatesAToken) {
  TempDir dir;
  const std::string spec = (dir / "s.yaml").string(), token = (dir / "token").string();
  {
    std::ofstream out(spec);
    out << "name: cli\ndataset: {path: /nonexistent}\nmodel: {type: simulated}\nmethod: grid\n"
           "training: {epochs: 2}\nparameters:\n  training.lr: {values: [0.1, 0.2]}\n";
  }
  const std::string run = std::string(HPSWEEP_BINARY) + " run " + spec + " --out " +
                          (dir / "out").string() + " --workers 1 ";
  const CommandResult ok = run_shell(run + "--status :0 --status-token " + token + " 2>&1");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  std::ifstream in(token);
  std::string written;
  std::getline(in, written);
  EXPECT_EQ(written.size(), 32u);
  EXPECT_NE(ok.output.find("status: http://127.0.0.1:"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("/?token=" + written + "\n"), std::string::npos) << ok.output;
  EXPECT_EQ(std::filesystem::status(token).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  const CommandResult bad = run_shell(run + "--restart --status example.org:80 2>&1");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("--status: expected HOST:PORT"), std::string::npos) << bad.output;
  const CommandResult lone = run_shell(run + "--restart --status-token " + token + " 2>&1");
  EXPECT_NE(lone.output.find("--status-token needs --status HOST:PORT"), std::string::npos)
      << lone.output;
  const CommandResult wide = run_shell(run + "--restart --status 0.0.0.0:0 2>&1");
  EXPECT_EQ(wide.exit_code, 0) << wide.output;
  EXPECT_NE(wide.output.find("warning: the status server listens on 0.0.0.0"), std::string::npos)
      << wide.output;
}

// The sum of the integers in `attribute="N"` over `html`.
int64_t sum_of_attribute(const std::string& html, const std::string& attribute) {
  int64_t sum = 0;
  const std::string key = attribute + "=\"";
  for (size_t at = html.find(key); at != std::string::npos; at = html.find(key, at + 1))
    sum += std::stoll(html.substr(at + key.size()));
  return sum;
}

// The page in headless Chromium while a sweep runs: the table and a curve are drawn, and
// events from the stream update them. --virtual-time-budget lets the page's scripts run; an
// event stream open keeps virtual time still, so the server ends streams after a second and
// the page reconnects, as it would after any drop.
TEST(StatusPage, TableAndCurveUpdateInHeadlessChromium) {
  if (run_shell("command -v chromium").exit_code != 0)
    GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  TempDir dir;
  StatusServerOptions options;
  options.event_stream_lifetime = 1s;
  LiveSweep sweep(simulated_spec(kGrid, "0.5"), (dir / "out").string(), options);
  std::this_thread::sleep_for(1s);
  const std::string before = http_get(sweep.port(), "/api/v1/trials").body;
  int64_t api_epochs = 0;
  for (const int64_t e : epochs_per_trial(before)) api_epochs += e;
  const CommandResult page = run_shell(
      "chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 "
      "--dump-dom http://127.0.0.1:" +
      std::to_string(sweep.port()) + "/ 2>/dev/null");
  ASSERT_EQ(page.exit_code, 0) << page.output;
  EXPECT_FALSE(sweep.ended()) << "the sweep must outlast the page's load for this test";
  EXPECT_EQ(count_of(page.output, "<tr data-trial="), 6) << page.output;
  EXPECT_GT(sum_of_attribute(page.output, "data-events"), 0) << "no event reached the page";
  EXPECT_GT(sum_of_attribute(page.output, "data-epochs"), api_epochs)
      << "the table did not follow the sweep";
  EXPECT_GT(sum_of_attribute(page.output, "data-points"), 0) << "no curve drawn";
  EXPECT_NE(page.output.find("data-curve=\"test_error\""), std::string::npos);
  EXPECT_EQ(count_of(page.output, "data-parameter="), 2) << "one view per swept parameter";
}

}  // namespace
}  // namespace hpsweep::testing
