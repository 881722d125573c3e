// method bayes: each new trial's swept values suggested by the Tree-structured Parzen Estimator
// (coordinator/tpe/tpe_sampler.h) from every result so far. The results are split into good and
// bad once, over all trials, as Optuna does; then the parameters are suggested one at a time in
// dependency order, so a conditional parameter is suggested only where its conditions hold and
// modelled only from the good and bad trials that have it. With bayes.multivariate the
// parameters without conditions are suggested first, together (coordinator/tpe/joint_parzen.h).
//
// Results at several budgets (epochs), as early termination gives them, are used as BOHB does
// (Falkner et al. 2018): the model is fitted at the largest epoch that at least
// `bayes.startup_trials` trials have reached, from their scores at that epoch; until one has,
// values are drawn from the spec's distributions as random search draws them. A trial that
// diverged or failed counts as the worst at every epoch. Without early termination every
// completed trial reaches the last epoch, and this is plain TPE on the final results.
//
// A suggestion that repeats an earlier trial's values is made again: by the model up to 3 times,
// then by start-up draws up to 17 more. In a finite space (`values` lists) the model's
// favourite keeps coming back, and a repeat teaches nothing new; once every configuration has
// been tried, a repeat is accepted.
//
// With `bayes.constant_liar`, the values of trials still training (without a score at that
// epoch yet) join the bad ones, so that workers asking in turn are steered apart.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "common/spec.h"
#include "coordinator/schedulers/value_suggester.h"
#include "coordinator/tpe/tpe_sampler.h"

namespace hpsweep {

class TpeSearch final : public ValueSuggester {
 public:
  explicit TpeSearch(const SweepSpec& spec);

  Suggestion suggest(int64_t trial, const std::vector<int64_t>& running) override;
  void heard(int64_t trial, int64_t epoch, double score) override;
  void ended(int64_t trial) override;

 private:
  struct Observed {
    bool suggested = false;
    std::vector<double> coordinates;  // per parameter; NaN: the trial does not have it
    std::vector<double> scores;       // by epoch, from epoch 1
    bool ended_early = false;         // diverged or failed: the worst from then on
  };
  // The largest epoch at least startup_trials trials have a score for (0: none), and how many.
  std::pair<int64_t, int64_t> budget() const;
  double score_at(const Observed& trial, int64_t epoch) const;
  // Trial `id`'s values, parameter by parameter, modelled at `epoch` (0: start-up draws).
  std::vector<SweptValue> draw(int64_t id, int64_t epoch, const std::vector<int64_t>& running,
                               Rng& rng);
  // The trials with a score at `epoch` split as Optuna splits them: the best good_count() of
  // all of them are good, the rest bad, with the constant liar's running trials; a conditional
  // parameter is modelled from the good and bad trials that have it.
  struct Split {
    int64_t results = 0;  // finished trials
    std::vector<size_t> good, bad;
    std::vector<double> good_weights;  // bayes.weighting improvement: one per good trial
  };
  Split split_at(int64_t id, int64_t epoch, const std::vector<int64_t>& running) const;
  // With bayes.multivariate, the values of the parameters in joint_ suggested together, by
  // parameter index. A value the field refuses is left out, to be drawn as start-up values are.
  std::map<size_t, ConfigValue> draw_jointly(const Split& split, Rng& rng) const;
  // Whether an earlier trial has all of trial `id`'s values.
  bool tried(int64_t id) const;
  const ParameterSpec* find_parameter(const std::string& path) const;

  const SweepSpec spec_;
  const std::vector<ParameterSpec>& parameters_ = spec_.parameters;
  std::vector<size_t> order_;  // dependency order
  std::vector<size_t> joint_;  // bayes.multivariate: the parameters modelled together
  TpeSettings settings_;
  bool constant_liar_;
  uint64_t seed_;
  std::vector<Observed> trials_;
};

}  // namespace hpsweep
