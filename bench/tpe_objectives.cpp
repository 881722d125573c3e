// Issue 22, benchmark 7, in process: method bayes's suggestions (coordinator/tpe/tpe_search.h,
// exactly as a sweep makes them, one trial after another) on the analytic objectives of
// bench/tpe_objective_functions.h, without starting a program per trial. bench/tpe_vs_optuna.py
// runs the benchmark as real command-trial sweeps; this is its quick form (--in-process), for
// working on the search itself.
//
//   tpe_objectives SPEC OBJECTIVE tpe|random SEEDS [FIRST_SEED]
//     ->  one line per seed: the best value
//
// SPEC is a spec tpe_vs_optuna.py writes: its `parameters`, `bayes` and `run_cap` are used; the
// sweep's seed is FIRST_SEED (0), FIRST_SEED + 1, ...; `random` makes every suggestion a
// start-up draw.
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "bench/tpe_objective_functions.h"
#include "common/program_arguments.h"
#include "common/spec.h"
#include "coordinator/tpe/tpe_search.h"

namespace hpsweep {
namespace {

double best_value(SweepSpec spec, const std::string& objective, bool model, uint64_t seed) {
  spec.seed = seed;
  if (!model) spec.bayes.startup_trials = spec.run_cap + 1;
  TpeSearch search(spec);
  double best = HUGE_VAL;
  for (int64_t t = 0; t < spec.run_cap; ++t) {
    std::map<std::string, std::string> values;
    for (const auto& [name, value] : spec.base.args)
      values[std::string(kProgramArgumentPrefix) + name] = value_string(value);
    for (const SweptValue& v : search.suggest(t, {}).values) values[v.path] = value_string(v.value);
    const double value = objective_value(objective, [&](const std::string& name) {
      return values.at(std::string(kProgramArgumentPrefix) + name);
    });
    search.heard(t, 1, value);
    best = std::min(best, value);
  }
  return best;
}

}  // namespace
}  // namespace hpsweep

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: tpe_objectives SPEC OBJECTIVE tpe|random SEEDS [FIRST_SEED]\n");
    return 2;
  }
  const hpsweep::SweepSpec spec = hpsweep::load_spec_file(argv[1]);
  const bool model = std::string(argv[3]) == "tpe";
  const int first = argc == 6 ? std::atoi(argv[5]) : 0;
  for (int seed = first; seed < first + std::atoi(argv[4]); ++seed)
    std::printf("%.17g\n", hpsweep::best_value(spec, argv[2], model, static_cast<uint64_t>(seed)));
}
