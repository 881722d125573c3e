#include "coordinator/sweep_run_steps.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <vector>

#include "common/blas.h"
#include "common/model_types.h"
#include "common/trial.h"
#include "coordinator/progress.h"
#include "coordinator/search_space.h"

namespace hpsweep {

void configure_blas_for(const SweepSpec& spec) {
  std::vector<std::string> model_types;
  for (const Trial& trial : expand_trials(spec)) model_types.push_back(trial.config.model.type);
  blas_configure(small_gemm_models(model_types) ? GemmSizes::small : GemmSizes::large);
}

void print_resume_hint(const std::string& spec_path, const std::string& out_dir) {
  std::cerr << "to resume: hpsweep run " << spec_path << " --out " << out_dir
            << "  (finished trials are kept; interrupted ones continue from their last "
               "checkpoint)\n";
}

void print_summary(const SweepSummary& summary, const SweepSpec& spec, const std::string& out_dir,
                   bool verbose) {
  // One write: under mpirun, rank 0's stderr is forwarded in chunks that other output can split.
  std::ostringstream text;
  text << "\n"
       << (summary.interrupted ? "interrupted" : "finished") << " after "
       << duration_text(summary.seconds) << ":";
  for (const auto& [status, count] : summary.counts)
    if (count) text << " " << count << " " << status_name(status);
  text << "\n";
  if (summary.best_trial)
    text << "best " << spec.metric.name << ": " << std::fixed << std::setprecision(4)
         << summary.best_value << " (trial " << trial_name(*summary.best_trial) << ")\n";
  if (verbose) {
    const LoopTiming& t = summary.timing;
    text << std::fixed << std::setprecision(3) << "coordinator loop: " << t.loop_seconds
         << " s, busy " << t.busy_seconds << " s handling " << t.events << " events ("
         << std::setprecision(1)
         << 1e6 * t.busy_seconds / static_cast<double>(std::max<int64_t>(t.events, 1))
         << " us each); sweep.h5 written " << t.flushes << " times in " << std::setprecision(3)
         << t.flush_seconds << " s; journal synced " << t.syncs << " times in " << t.sync_seconds
         << " s\n";
  }
  text << "results: " << out_dir << "/sweep.h5; analyse with `hpsweep analyze " << out_dir << "`\n";
  std::cerr << text.str() << std::flush;
}

}  // namespace hpsweep
