// `hpsweep run SPEC --out DIR`: validates the spec, runs the sweep on local worker threads
// (dev mode) and prints a summary. Ctrl-C (SIGINT) or SIGTERM stops the running trials at
// their next minibatch; everything already recorded stays in DIR.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>

#include "app/command_line.h"
#include "app/commands.h"
#include "common/blas.h"
#include "common/communicator.h"
#include "common/error.h"
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

extern "C" void request_stop(int signal) {
  g_stop_requested = true;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C kills at once
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
  std::cerr << "results: " << out_dir << "/sweep.h5; analyse with `hpsweep analyze " << out_dir
            << "`\n";
}

// Cluster mode: rank 0 coordinates, the other ranks serve trials in their groups. Every rank
// reads the spec and expands the same trials, so a trial travels as its index alone.
int run_cluster(const std::string& spec_path, const RunOptions& options,
                const std::atomic<bool>& stop) {
  MpiRuntime mpi(nullptr, nullptr);
  const Communicator world = Communicator::world();
  const bool coordinator = world.rank() == 0;
  SweepSpec spec;
  RankLayout layout;
  try {
    spec = load_spec_file(spec_path);
    layout = plan_ranks(world.size(), static_cast<int>(spec.resources.ranks_per_trial));
  } catch (const UserError&) {
    if (coordinator) throw;  // every rank fails alike; one message is enough
    return kExitBadInput;
  }
  const int group_index = layout.group_of(world.rank());
  const Communicator group = world.split(group_index, world.rank());
  if (!coordinator) {
    if (group.valid())
      serve_trials(expand_trials(spec), options.out_dir, spec.resources.reducer, world, group,
                   stop);
    return stop.load() ? kExitInterrupted : kExitOk;
  }
  MpiWorkerPool pool(world, layout);  // shuts every group down when it goes, error or not
  const SweepInputs inputs = load_sweep_inputs(spec, DataUse::validate);
  const double cpu_before = cpu_seconds();
  const SweepSummary summary = run_sweep(spec, inputs, pool, options, stop, std::cerr);
  print_summary(summary, spec, options.out_dir);
  const double cpu = cpu_seconds() - cpu_before;
  std::cerr << "coordinator (rank 0): " << cpu << " s of CPU in " << summary.seconds
            << " s of sweep (" << 100.0 * cpu / std::max(summary.seconds, 1e-9) << "% of a core)\n";
  return summary.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description options("run options");
  std::string spec_path, out_dir;
  int workers = 0;
  options.add_options()("spec", po::value(&spec_path)->required(), "experiment spec (YAML)")(
      "out,o", po::value(&out_dir)->required(), "output folder (created; must not hold a sweep)")(
      "workers,w", po::value(&workers)->default_value(0), "local worker threads (0: one per core)");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map values;
  if (!parse_command_line(args, options, positional,
                          "usage: hpsweep run SPEC --out DIR [--workers N]", values))
    return kExitOk;

  blas_configure();
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  RunOptions run_options{out_dir, workers, static_cast<bool>(isatty(STDERR_FILENO))};
  if (launched_by_mpi()) return run_cluster(spec_path, run_options, g_stop_requested);

  const SweepSpec spec = load_spec_file(spec_path);
  const SweepSummary summary = run_local_sweep(spec, run_options, g_stop_requested, std::cerr);
  print_summary(summary, spec, out_dir);
  return summary.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace hpsweep
