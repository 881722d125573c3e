// `hpsweep run SPEC --out DIR`: validates the spec, runs the sweep on local worker threads
// (dev mode) and prints a summary. Ctrl-C (SIGINT) or SIGTERM stops the running trials at
// their next minibatch; everything already recorded stays in DIR.
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "app/command_line.h"
#include "app/commands.h"
#include "common/blas.h"
#include "common/spec.h"
#include "common/trial.h"
#include "coordinator/sweep_runner.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

// A signal handler can only reach static storage; the flag is passed on as a reference.
std::atomic<bool> g_stop_requested{false};

extern "C" void request_stop(int signal) {
  g_stop_requested = true;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C kills at once
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

  const SweepSpec spec = load_spec_file(spec_path);
  blas_configure();
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  RunOptions run_options{out_dir, workers, static_cast<bool>(isatty(STDERR_FILENO))};
  const SweepSummary summary = run_sweep(spec, run_options, g_stop_requested, std::cerr);
  print_summary(summary, spec, out_dir);
  return summary.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace hpsweep
