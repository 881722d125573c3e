// `hpsweep run SPEC --out DIR`: validates the spec, runs (or resumes) the sweep on local worker
// threads (dev mode) or MPI rank groups (cluster mode), and prints a summary. Ctrl-C (SIGINT),
// SIGTERM or --time-limit stops the running trials at their next step; everything recorded
// stays in DIR, and the same command continues the sweep.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "app/command_line.h"
#include "app/commands.h"
#include "app/job_watch.h"
#include "common/blas.h"
#include "common/communicator.h"
#include "common/cpu_binding.h"
#include "common/error.h"
#include "common/model_defaults.h"
#include "common/spec.h"
#include "common/trial.h"
#include "coordinator/mpi_worker_pool.h"
#include "coordinator/rank_layout.h"
#include "coordinator/search_space.h"
#include "coordinator/sweep_runner.h"
#include "worker/group_worker.h"

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

void print_resume_hint(const std::string& spec_path, const std::string& out_dir) {
  std::cerr << "to resume: hpsweep run " << spec_path << " --out " << out_dir
            << "  (finished trials are kept; interrupted ones continue from their last "
               "checkpoint)\n";
}

// This process's CPU time so far. The coordinator reports its own while the sweep runs: it
// waits by polling with sleeps and should stay far below a core.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

void print_summary(const SweepSummary& summary, const SweepSpec& spec, const std::string& out_dir) {
  std::cerr << "\n"
            << (summary.interrupted ? "interrupted" : "finished") << " after "
            << static_cast<int64_t>(summary.seconds) << " s:";
  for (const auto& [status, count] : summary.counts)
    if (count) std::cerr << " " << count << " " << status_name(status);
  std::cerr << "\n";
  if (summary.best_trial)
    std::cerr << "best " << spec.metric.name << ": " << summary.best_value << " (trial "
              << trial_name(*summary.best_trial) << ")\n";
  const LoopTiming& t = summary.timing;
  std::cerr << "coordinator loop: " << t.loop_seconds << " s, busy " << t.busy_seconds
            << " s handling " << t.events << " events ("
            << 1e6 * t.busy_seconds / static_cast<double>(std::max<int64_t>(t.events, 1))
            << " us each)\n";
  std::cerr << "results: " << out_dir << "/sweep.h5; analyse with `hpsweep analyze " << out_dir
            << "`\n";
}

// Before any product: BLIS's kernels suit the sweep's models (common/blas.h).
void configure_blas_for(const SweepSpec& spec) {
  std::vector<std::string> model_types;
  for (const Trial& trial : expand_trials(spec)) model_types.push_back(trial.config.model.type);
  blas_configure(small_gemm_models(model_types) ? GemmSizes::small : GemmSizes::large);
}

// Cluster mode: rank 0 coordinates, the other ranks serve trials in their groups. Every rank
// reads the spec and expands the same trials, so a trial travels as its index alone. A lost
// rank, node or network, or an error on any rank once the sweep runs, ends the whole job
// (app/job_watch.h): MPI cannot go on without a rank, and the rerun resumes.
int run_cluster(const std::string& spec_path, const RunOptions& options,
                std::chrono::milliseconds watchdog, const std::atomic<bool>& stop) {
  std::optional<JobWatch> watch;  // declared first: it outlives MPI_Finalize, which can wait
  MpiRuntime mpi(nullptr, nullptr);
  const Communicator world = Communicator::world();
  const bool coordinator = world.rank() == 0;
  SweepSpec spec;
  RankLayout layout;
  try {
    spec = load_spec_file(spec_path);
    layout = plan_ranks(world.size(), static_cast<int>(spec.resources.ranks_per_trial));
    configure_blas_for(spec);
  } catch (const UserError&) {
    if (coordinator) throw;  // every rank fails alike; one message is enough
    return kExitBadInput;
  }
  watch.emplace(world, layout, watchdog);
  const int group_index = layout.group_of(world.rank());
  const Communicator group = world.split(group_index, world.rank());
  if (options.bind_workers) {
    const std::string binding = bind_workers_to_cpus(world, group.valid());
    if (coordinator && !binding.empty()) std::cerr << binding << "\n";
  }
  if (!coordinator) {
    if (group.valid())
      serve_trials(expand_trials(spec), options.out_dir, spec.resources.reducer, world, group, stop,
                   [&](const std::string& error) { watch->fail(error); });
    return stop.load() ? stopped_exit_code() : kExitOk;
  }
  SweepSummary summary;
  try {
    MpiWorkerPool pool(world, layout, [&] { return watch->lost(); });
    const SweepInputs inputs = load_sweep_inputs(spec, DataUse::validate);
    const double cpu_before = cpu_seconds();
    summary = run_sweep(spec, inputs, pool, options, stop, std::cerr);
    watch->sweep_over();
    print_summary(summary, spec, options.out_dir);
    const double cpu = cpu_seconds() - cpu_before;
    std::cerr << "coordinator (rank 0): " << cpu << " s of CPU in " << summary.seconds
              << " s of sweep (" << 100.0 * cpu / std::max(summary.seconds, 1e-9)
              << "% of a core)\n";
  } catch (const JobLostError& e) {
    watch->end_job(e.what(), kExitJobLost);  // sweep.h5 is closed by now
  } catch (const UserError&) {
    throw;  // before any trial ran (inputs): the workers are told to finalize
  } catch (const std::exception& e) {
    watch->end_job(std::string("failure: ") + e.what() + "; ending the job", kExitFailure);
  }
  if (!summary.interrupted) return kExitOk;
  print_resume_hint(spec_path, options.out_dir);
  return stopped_exit_code();
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description options("run options");
  std::string spec_path, out_dir, time_limit, watchdog = "60";
  int workers = 0;
  bool restart = false, no_worker_binding = false;
  options.add_options()("spec", po::value(&spec_path)->required(), "experiment spec (YAML)")(
      "out,o", po::value(&out_dir)->required(),
      "output folder: created, or resumed when it holds an unfinished sweep of the same spec")(
      "workers,w", po::value(&workers)->default_value(0), "local worker threads (0: one per core)")(
      "restart", po::bool_switch(&restart),
      "move a sweep already in the output folder aside (DIR.old-TIME) and start over")(
      "time-limit", po::value(&time_limit),
      "stop cleanly after this long (3600, 90m, 1h30m), e.g. before a batch job's time limit")(
      "no-worker-binding", po::bool_switch(&no_worker_binding),
      "cluster mode: leave worker ranks unbound even where the launcher bound none "
      "(cluster/README.md)")(
      "watchdog", po::value(&watchdog),
      "cluster mode: end the job when a rank, its node or the network is silent this long "
      "(default 60; 0: never), so that a rerun resumes it (cluster/README.md)");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map values;
  if (!parse_command_line(args, options, positional,
                          "usage: hpsweep run SPEC --out DIR [--workers N] [--restart] "
                          "[--time-limit T] [--no-worker-binding] [--watchdog T]",
                          values))
    return kExitOk;

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  if (!time_limit.empty()) stop_after(parse_duration(time_limit, "--time-limit"));
  const std::chrono::seconds watchdog_timeout = parse_duration(watchdog, "--watchdog");
  RunOptions run_options{out_dir, workers, static_cast<bool>(isatty(STDERR_FILENO)), restart,
                         !no_worker_binding};
  if (launched_by_mpi())
    return run_cluster(spec_path, run_options, watchdog_timeout, g_stop_requested);

  const SweepSpec spec = load_spec_file(spec_path);
  configure_blas_for(spec);
  const SweepSummary summary = run_local_sweep(spec, run_options, g_stop_requested, std::cerr);
  print_summary(summary, spec, out_dir);
  if (!summary.interrupted) return kExitOk;
  print_resume_hint(spec_path, out_dir);
  return stopped_exit_code();
}

}  // namespace hpsweep
