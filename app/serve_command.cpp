// `hpsweep serve DIR`: the status page and API of a finished or running sweep, from its
// sweep.h5 (read again whenever a running sweep replaces it), until Ctrl-C or SIGTERM.
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "app/command_line.h"
#include "app/commands.h"
#include "app/live_status.h"
#include "common/error.h"
#include "status/sweep_file_board.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

std::atomic<bool> g_serve_stop{false};

extern "C" void stop_serving(int) {
  g_serve_stop = true;
}

constexpr std::chrono::milliseconds kCheckInterval{250};

}  // namespace

int serve_command(const std::vector<std::string>& args) {
  po::options_description options("serve options");
  std::string dir, status = ":0", status_token;
  options.add_options()("dir", po::value(&dir)->required(), "a sweep's output folder")(
      "status", po::value(&status)->value_name("HOST:PORT")->default_value(":0"),
      "where to listen; :0 picks a free port on 127.0.0.1")(
      "status-token", po::value(&status_token)->value_name("FILE"),
      "require the token in FILE from clients (created with a new token if missing)");
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map values;
  const std::string usage = "usage: hpsweep serve DIR [--status HOST:PORT] [--status-token FILE]";
  if (!parse_command_line(args, options, positional, usage, values)) return kExitOk;

  const auto server = status_server_options(status, status_token, {}, std::cerr);
  LiveStatus live(*server, false, std::cerr);
  SweepFileWatch watch(std::filesystem::path(dir) / "sweep.h5", live.board());
  watch.refresh();
  std::signal(SIGINT, stop_serving);
  std::signal(SIGTERM, stop_serving);
  std::cerr << "serving " << dir << " until Ctrl-C\n";
  while (!g_serve_stop) {
    std::this_thread::sleep_for(kCheckInterval);
    try {
      watch.refresh();
    } catch (const UserError& e) {
      // Moved or deleted under us: keep serving what was read, and say so once per change.
      static std::string last;
      if (last != e.what()) std::cerr << "warning: " << (last = e.what()) << "\n";
    }
  }
  return kExitOk;
}

}  // namespace hpsweep
