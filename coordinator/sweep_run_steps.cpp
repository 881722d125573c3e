#include "coordinator/sweep_run_steps.h"

#include <algorithm>
#include <iostream>
#include <vector>

#include "common/blas.h"
#include "common/model_defaults.h"
#include "common/trial.h"
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

}  // namespace hpsweep
