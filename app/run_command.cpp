// `hpsweep run SPEC --out DIR`: validates the spec, runs (or resumes) the sweep on local worker
// threads (dev mode) or MPI rank groups (cluster mode), and prints a summary. Ctrl-C (SIGINT),
// SIGTERM or --time-limit stops the running trials within the step in flight (at the next step
// for a group of several ranks, docs/resume.md); everything recorded stays in DIR, and the same
// command continues the sweep.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "app/command_line.h"
#include "app/commands.h"
#include "app/dry_run.h"
#include "app/live_status.h"
#include "cluster/cluster_run.h"
#include "cluster/communicator.h"
#include "common/error.h"
#include "common/spec.h"
#include "coordinator/sweep_run_steps.h"
#include "coordinator/sweep_runner.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

// A signal handler can only reach static storage; the flag is passed on as a reference.
std::atomic<bool> g_stop_requested{false};
std::atomic<int> g_stop_signal{0};

extern "C" void request_stop(int signal) {
  g_stop_signal = signal;
  g_stop_requested = true;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C kills at once
}

// --time-limit and --watchdog: "3600" (seconds), "90m", "4h", "1h30m", "2h15m30s".
std::chrono::seconds parse_duration(const std::string& text, const std::string& option) {
  const std::string usage =
      option + ": expected a duration like 3600, 90m or 1h30m, got '" + text + "'";
  if (text.empty()) throw UserError(usage);
  std::chrono::seconds total{0};
  for (size_t i = 0; i < text.size();) {
    size_t end = i;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    if (end == i) throw UserError(usage);
    const long value = std::stol(text.substr(i, end - i));
    const char unit = end < text.size() ? text[end] : 's';
    if (unit == 'h')
      total += std::chrono::hours(value);
    else if (unit == 'm')
      total += std::chrono::minutes(value);
    else if (unit == 's')
      total += std::chrono::seconds(value);
    else
      throw UserError(usage);
    i = end + 1;
  }
  return total;
}

// Sets the stop flag once `limit` has passed, as SIGTERM would. Every rank of a job keeps its
// own clock, and the ranks of a group vote at every step, so they stop together.
void stop_after(std::chrono::seconds limit) {
  std::thread([limit] {
    std::this_thread::sleep_for(limit);
    g_stop_requested = true;
  }).detach();
}

// 128 + the signal for SIGINT/SIGTERM, as shells report a death by signal; EX_TEMPFAIL (75)
// for --time-limit: the sweep is unfinished and a rerun continues it.
int stopped_exit_code() {
  const int signal = g_stop_signal.load();
  return signal ? 128 + signal : kExitStoppedByTimeLimit;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description options("run options");
  std::string spec_path, out_dir, time_limit, watchdog = "60", status, status_token;
  int workers = 0;
  bool restart = false, no_worker_binding = false, verbose = false, dry_run = false;
  options.add_options()("spec", po::value(&spec_path)->required(), "the sweep's YAML spec")(
      "out,o", po::value(&out_dir)->value_name("DIR"),
      "output folder: created, or resumed when it holds an unfinished sweep of the same spec")(
      "workers,w", po::value(&workers)->default_value(0)->value_name("N"),
      "local worker threads (0: one per core)")(
      "restart", po::bool_switch(&restart),
      "move a sweep already in the output folder aside (DIR.old-TIME) and start over")(
      "time-limit", po::value(&time_limit)->value_name("T"),
      "stop cleanly after this long (3600, 90m, 1h30m), e.g. before a batch job's time limit")(
      "dry-run,n", po::bool_switch(&dry_run),
      "list the trials with an estimated time and disk each and in total; train and write "
      "nothing")(
      "verbose,v", po::bool_switch(&verbose),
      "also print the coordinator's own statistics (its loop's busy time per event; under MPI, "
      "rank 0's CPU time)")(
      "no-worker-binding", po::bool_switch(&no_worker_binding),
      "cluster mode: leave worker ranks unbound even where the launcher bound none "
      "(cluster/README.md)")(
      "watchdog", po::value(&watchdog)->value_name("T"),
      "cluster mode: end the job when a rank, its node or the network is silent this long "
      "(default 60; 0: never), so that a rerun resumes it (cluster/README.md)")(
      "status", po::value(&status)->value_name("HOST:PORT"),
      "serve a live status page and JSON API (docs/status-api.md) while the sweep runs; :0 "
      "picks a free port on 127.0.0.1; overrides the spec's status.address")(
      "status-token", po::value(&status_token)->value_name("FILE"),
      "require the token in FILE from status clients (created with a new token if missing)");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map values;
  const std::string usage =
      "usage: hpsweep run SPEC --out DIR [--workers N] [--restart] [--time-limit T] [--dry-run] "
      "[--verbose] [--no-worker-binding] [--watchdog T] [--status HOST:PORT [--status-token FILE]]";
  if (!parse_command_line(args, options, positional, usage, values)) return kExitOk;
  if (workers < 0)
    throw UserError("--workers: expected 0 (one per core) or a number of threads, got " +
                    std::to_string(workers));

  if (dry_run) {
    const SweepSpec spec = load_spec_file(spec_path);
    for (const std::string& warning : spec.warnings)
      std::cerr << "hpsweep: warning: " << warning << "\n";
    configure_blas_for(spec);
    print_dry_run(spec, workers, std::cout);
    return kExitOk;
  }
  if (out_dir.empty()) throw UserError("missing --out DIR: the output folder\n" + usage);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  if (!time_limit.empty()) stop_after(parse_duration(time_limit, "--time-limit"));
  const std::chrono::seconds watchdog_timeout = parse_duration(watchdog, "--watchdog");
  RunOptions run_options{
      out_dir, workers, static_cast<bool>(isatty(STDERR_FILENO)), restart, !no_worker_binding,
      verbose};
  std::optional<LiveStatus> live;  // stops once the sweep has returned
  const auto start_status = [&](const SweepSpec& spec, RunOptions& options, bool workers_here) {
    if (const auto server = status_server_options(status, status_token, spec.status, std::cerr)) {
      live.emplace(*server, workers_here, std::cerr);
      options.observer = &live->board();
    }
  };
  if (launched_by_mpi())
    return run_cluster(
        spec_path, run_options, watchdog_timeout, g_stop_requested, stopped_exit_code,
        [&](const SweepSpec& spec, RunOptions& options) { start_status(spec, options, false); });

  const SweepSpec spec = load_spec_file(spec_path);
  configure_blas_for(spec);
  start_status(spec, run_options, true);
  const SweepSummary summary = run_local_sweep(spec, run_options, g_stop_requested, std::cerr);
  print_summary(summary, spec, out_dir, verbose);
  if (!summary.interrupted) return kExitOk;
  print_resume_hint(spec_path, out_dir);
  return stopped_exit_code();
}

}  // namespace hpsweep
