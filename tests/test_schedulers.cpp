// The trial schedulers without training: hand-worked examples driven call by call, the
// Hyperband paper's bracket table, PBT's exploit and explore steps, determinism, and ASHA
// against the full grid on simulated learning curves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "common/error.h"
#include "common/spec.h"
#include "coordinator/schedulers/asha_scheduler.h"
#include "coordinator/schedulers/fifo_scheduler.h"
#include "coordinator/schedulers/hyperband_scheduler.h"
#include "coordinator/schedulers/make_scheduler.h"
#include "coordinator/schedulers/median_scheduler.h"
#include "coordinator/schedulers/pbt_explore.h"
#include "coordinator/schedulers/pbt_scheduler.h"
#include "coordinator/search_space.h"
#include "coordinator/simulated_trials.h"

namespace hpsweep {
namespace {

// n trials whose only swept value is training.lr = lr(i).
SchedulerContext context_of(
    int64_t n, int64_t max_epochs, const std::function<double(int64_t)>& lr = [](int64_t i) {
      return 0.001 * static_cast<double>(i + 1);
    }) {
  SchedulerContext context;
  for (int64_t i = 0; i < n; ++i) context.configs.push_back({{"training.lr", lr(i)}});
  context.max_epochs = max_epochs;
  context.seed = 7;
  return context;
}

std::string brief(const Decision& d) {
  return decision_kind_name(d.kind) + " " + std::to_string(d.trial) + "@" + std::to_string(d.epoch);
}

std::vector<std::string> briefs(const Scheduler& scheduler) {
  std::vector<std::string> out;
  for (const Decision& d : scheduler.decisions()) out.push_back(brief(d));
  return out;
}

// One worker: runs whatever next_trial() gives, reporting value(trial, epoch) until the
// verdict ends the run, until the sweep is over.
void run_one_worker(Scheduler& scheduler, const std::function<double(int64_t, int64_t)>& value) {
  while (std::optional<TrialRun> run = scheduler.next_trial()) {
    for (int64_t epoch = run->from_epoch + 1;; ++epoch)
      if (scheduler.report(run->trial, epoch, value(run->trial, epoch)).kind !=
          VerdictKind::proceed)
        break;
  }
}

// ASHA, grace_period 1, reduction_factor 3, max_epochs 9: rungs at epochs 1 and 3, and
// trials that pass rung 1 complete at epoch 9. One worker, 9 trials; results at the rungs:
//   trial        0    1    2    3    4    5    6    7    8
//   epoch 1     .50  .40  .60  .30  .70  .45  .35  .80  .55
//   epoch 3     .40  .30  .50  .20  .60  .35  .25  .70  .45
// A trial reaching a rung is promoted at once if it ranks in the top floor(n/3) of the n
// results there so far, and pauses otherwise; a free worker first promotes the best paused
// trial that now ranks in its rung's top floor(n/3) (higher rung first), then starts a new
// trial.
//   0 @1: n=1, top 0 -> pause.   1 @1: n=2 -> pause.   2 @1: n=3, top 1 = {1} -> pause.
//   free worker: rung 0's best paused is 1, in the top 1 -> promote 1; 1 @3: n=1 -> pause.
//   free: rung 1 (n=1) top 0; rung 0's best paused 0 ranks 2nd of 3 -> start 3.
//   3 @1: .30 ranks 1st of 4 (top 1) -> promoted at once; 3 @3: n=2, top 0 -> pause.
//   start 4; 4 @1: 5th of 5 -> pause.   start 5; 5 @1: .45 3rd of 6, top 2 -> pause.
//   start 6; 6 @1: .35 2nd of 7, top 2 -> promoted at once; 6 @3: .25 2nd of 3, top 1 -> pause.
//   free: rung 1's best paused is 3 (.20), 1st of 3 -> promote 3, which completes at 9.
//   start 7; 7 @1: 8th of 8 -> pause.   start 8; 8 @1: 6th of 9 (top 3 = 3, 6, 1) -> pause.
//   free: nothing promotable, no new trials, nothing running: the sweep ends and the paused
//   trials stop, rung 0 before rung 1, best first.
TEST(Asha, HandWorkedPromotionsAndStops) {
  const double at1[] = {.50, .40, .60, .30, .70, .45, .35, .80, .55};
  EarlyTerminateSpec spec;
  spec.kind = EarlyTerminateKind::asha;
  spec.grace_period = 1;
  spec.reduction_factor = 3;
  spec.max_epochs = 9;
  EXPECT_EQ(asha_rungs(spec), (std::vector<std::vector<int64_t>>{{1, 3}}));
  AshaScheduler asha(context_of(9, 9), spec);
  run_one_worker(asha, [&](int64_t t, int64_t epoch) {
    return at1[t] - (epoch >= 3 ? 0.1 : 0.0) - (epoch > 3 ? 0.001 * epoch : 0.0);
  });
  EXPECT_EQ(
      briefs(asha),
      (std::vector<std::string>{
          "start 0@0",   "pause 0@1",    "start 1@0", "pause 1@1",   "start 2@0",   "pause 2@1",
          "promote 1@1", "pause 1@3",    "start 3@0", "promote 3@1", "pause 3@3",   "start 4@0",
          "pause 4@1",   "start 5@0",    "pause 5@1", "start 6@0",   "promote 6@1", "pause 6@3",
          "promote 3@3", "complete 3@9", "start 7@0", "pause 7@1",   "start 8@0",   "pause 8@1",
          "stop 5@1",    "stop 0@1",     "stop 8@1",  "stop 2@1",    "stop 4@1",    "stop 7@1",
          "stop 6@3",    "stop 1@3"}));
  const Decision& last = asha.decisions().back();
  EXPECT_EQ(last.reason, "not in the top 1/3 of the 3 results at rung 1 (epoch 3)");
  EXPECT_EQ(asha.decisions()[0].hyperparameters, "training.lr: 0.001");
}

TEST(Asha, BracketsOffsetTheRungs) {
  EarlyTerminateSpec spec;
  spec.grace_period = 1;
  spec.reduction_factor = 3;
  spec.max_epochs = 27;
  spec.brackets = 3;
  EXPECT_EQ(asha_rungs(spec), (std::vector<std::vector<int64_t>>{{1, 3, 9}, {3, 9}, {9}}));
  // Each trial joins one bracket; a trial of bracket 2 first pauses at epoch 9.
  AshaScheduler asha(context_of(60, 27), spec);
  run_one_worker(asha, [](int64_t t, int64_t e) { return 1.0 / static_cast<double>(e + t); });
  std::set<int64_t> first_pause;
  std::map<int64_t, bool> seen;
  for (const Decision& d : asha.decisions())
    if ((d.kind == DecisionKind::pause || d.kind == DecisionKind::promote) && !seen[d.trial]) {
      seen[d.trial] = true;
      first_pause.insert(d.epoch);
    }
  EXPECT_EQ(first_pause, (std::set<int64_t>{1, 3, 9}));
}

// The Hyperband paper's Table 1 (Li et al., JMLR 2018): R = 81, eta = 3, n_i configurations
// trained for r_i each.
TEST(Hyperband, BracketsMatchThePaperTable) {
  const std::vector<HyperbandBracket> brackets = hyperband_brackets(1, 81, 3);
  const std::vector<std::vector<std::pair<int64_t, int64_t>>> table = {
      {{81, 1}, {27, 3}, {9, 9}, {3, 27}, {1, 81}},
      {{34, 3}, {11, 9}, {3, 27}, {1, 81}},
      {{15, 9}, {5, 27}, {1, 81}},
      {{8, 27}, {2, 81}},
      {{5, 81}}};
  ASSERT_EQ(brackets.size(), table.size());
  for (size_t b = 0; b < table.size(); ++b) {
    EXPECT_EQ(brackets[b].s, static_cast<int64_t>(4 - b));
    ASSERT_EQ(brackets[b].rungs.size(), table[b].size());
    for (size_t i = 0; i < table[b].size(); ++i) {
      EXPECT_EQ(brackets[b].rungs[i].trials, table[b][i].first) << "s=" << 4 - b << " i=" << i;
      EXPECT_EQ(brackets[b].rungs[i].epochs, table[b][i].second) << "s=" << 4 - b << " i=" << i;
    }
  }
}

// min_iter 1, max_iter 9, eta 3: brackets s=2 (9 trials at 1 epoch, 3 at 3, 1 at 9),
// s=1 (5 at 3, 1 at 9) and s=0 (3 at 9): 17 trials, and epochs 9+3*2+6 + 5*3+6 + 3*9 = 69.
TEST(Hyperband, SuccessiveHalvingInEachBracket) {
  EarlyTerminateSpec spec;
  spec.kind = EarlyTerminateKind::hyperband;
  spec.min_iter = 1;
  spec.max_iter = 9;
  spec.eta = 3;
  SchedulerContext context = context_of(17, 9);
  HyperbandScheduler hyperband(context, spec);
  SimulationOptions options;
  options.workers = 3;
  options.curves = hashed_curves(1);
  const SimulationResult result = simulate_sweep(hyperband, context.configs, options);
  EXPECT_EQ(result.epochs_trained, 69);
  std::map<std::string, int64_t> count;  // "kind@epoch"
  for (const Decision& d : hyperband.decisions())
    ++count[decision_kind_name(d.kind) + "@" + std::to_string(d.epoch)];
  EXPECT_EQ(count["stop@1"], 6);
  EXPECT_EQ(count["stop@3"], 2 + 4);
  EXPECT_EQ(count["complete@9"], 1 + 1 + 3);
  EXPECT_EQ(count["start@0"], 17);
  // Bracket s=2 kept the 3 lowest errors at epoch 1 among trials 0..8.
  std::vector<std::pair<double, int64_t>> first;
  for (int64_t t = 0; t < 9; ++t) first.push_back({result.curves[t][0], t});
  std::sort(first.begin(), first.end());
  for (int64_t r = 0; r < 9; ++r)
    EXPECT_EQ(result.curves[first[r].second].size() >= 3, r < 3) << "rank " << r;
}

// Bracket s=2 of min_iter 1, max_iter 9 cut short at 5 trials, one of which fails: the rung
// closes on the other 4 reports and keeps max(1, 4/3) = 1.
TEST(Hyperband, ACutShortBracketWithAFailure) {
  EarlyTerminateSpec spec;
  spec.min_iter = 1;
  spec.max_iter = 9;
  spec.eta = 3;
  HyperbandScheduler hyperband(context_of(5, 9), spec);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(hyperband.next_trial()->kind, DecisionKind::start);
  hyperband.trial_ended(0);
  EXPECT_EQ(hyperband.report(1, 1, .5).kind, VerdictKind::pause);
  EXPECT_EQ(hyperband.report(2, 1, .3).kind, VerdictKind::pause);
  EXPECT_EQ(hyperband.report(3, 1, .6).kind, VerdictKind::pause);
  EXPECT_EQ(hyperband.report(4, 1, .7).kind, VerdictKind::stop);
  const TrialRun promoted = *hyperband.next_trial();
  EXPECT_EQ(promoted.trial, 2);
  EXPECT_EQ(promoted.from_epoch, 1);
  EXPECT_FALSE(hyperband.next_trial());
}

// The median rule with grace_period 2, min_samples 2, max_epochs 5. Reports, in order:
//   0@1 .5, 1@1 .7, 2@1 .9: before the grace period.
//   0@2 .4: no other trial at epoch 2 -> on (running average .45).
//   1@2 .6: 1 other (< min_samples) -> on (average .65).
//   2@2 .8: best .8 > median(.45, .65) = .55 -> stop (average .85 still counts).
//   3@1 .6, 3@2 .5: best .5 < median(.45, .65, .85) = .65 -> on (average .55).
//   4@1 .3, 4@2 .9: best so far .3 < median(.45, .55, .65, .85) = .6 -> on, although .9 is bad.
//   5@1 .8, 5@2 .7: best .7 > median(.45, .55, .6, .65, .85) = .6 -> stop.
TEST(Median, HandWorkedStops) {
  EarlyTerminateSpec spec;
  spec.kind = EarlyTerminateKind::median;
  spec.grace_period = 2;
  spec.min_samples = 2;
  MedianScheduler median(context_of(6, 5), spec);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(median.next_trial());
  auto on = [&](int64_t t, int64_t e, double v) {
    return median.report(t, e, v).kind == VerdictKind::proceed;
  };
  EXPECT_TRUE(on(0, 1, .5));
  EXPECT_TRUE(on(1, 1, .7));
  EXPECT_TRUE(on(2, 1, .9));
  EXPECT_TRUE(on(0, 2, .4));
  EXPECT_TRUE(on(1, 2, .6));
  const Verdict stop = median.report(2, 2, .8);
  EXPECT_EQ(stop.kind, VerdictKind::stop);
  EXPECT_EQ(stop.reason,
            "epoch 2: best 0.8 is worse than the median 0.55 of 2 other trials' running averages");
  EXPECT_TRUE(on(3, 1, .6));
  EXPECT_TRUE(on(3, 2, .5));
  EXPECT_TRUE(on(4, 1, .3));
  EXPECT_TRUE(on(4, 2, .9));
  EXPECT_TRUE(on(5, 1, .8));
  EXPECT_FALSE(on(5, 2, .7));
  EXPECT_EQ(median.decisions().back().reason,
            "epoch 2: best 0.7 is worse than the median 0.6 of 5 other trials' running averages");
  // The last epoch is never judged.
  EXPECT_TRUE(on(0, 3, .9));
  EXPECT_TRUE(on(0, 4, .9));
  EXPECT_EQ(median.report(0, 5, .9).kind, VerdictKind::complete);
}

TEST(Median, MaximizedMetricsAndNan) {
  EarlyTerminateSpec spec;
  spec.grace_period = 1;
  spec.min_samples = 1;
  SchedulerContext context = context_of(3, 4);
  context.minimize = false;
  MedianScheduler median(context, spec);
  for (int i = 0; i < 3; ++i) median.next_trial();
  EXPECT_EQ(median.report(0, 1, 0.9).kind, VerdictKind::proceed);
  EXPECT_EQ(median.report(1, 1, 0.95).kind, VerdictKind::proceed);  // higher is better
  EXPECT_EQ(median.report(2, 1, std::nan("")).kind, VerdictKind::stop);
}

PbtSpec lr_mutation(double resample_probability) {
  PbtSpec pbt;
  pbt.population = 4;
  pbt.perturbation_interval = 2;
  pbt.quantile_fraction = 0.25;
  pbt.resample_probability = resample_probability;
  ParameterSpec lr;
  lr.path = "training.lr";
  lr.distribution = Distribution::log_uniform_values;
  lr.min = 0.001;
  lr.max = 1;
  pbt.mutations = {lr};
  return pbt;
}

double lr_of(const std::vector<SweptValue>& values) {
  return std::get<double>(values.at(0).value);
}

// Population 4 (lr .1 .2 .3 .4), perturbation every 2 epochs, quantile 0.25: q = ceil(4/4)
// = 1. At epoch 2 the errors are .5 .3 .4 .6, so trial 1 is the top and trial 3 the bottom:
// trial 3 copies trial 1's epoch-2 checkpoint and takes lr 0.2 * 0.8 or 0.2 * 1.2; the others
// resume in rank order (1, 2, 0). Trials 0-2 paused waiting for the population; trial 3,
// reporting last, pauses to be restarted from trial 1's checkpoint.
TEST(Pbt, ExploitsTheTopQuantileAndPerturbs) {
  PbtScheduler pbt(context_of(4, 6, [](int64_t i) { return 0.1 * static_cast<double>(i + 1); }),
                   lr_mutation(0));
  for (int i = 0; i < 4; ++i) ASSERT_EQ(pbt.next_trial()->kind, DecisionKind::start);
  EXPECT_FALSE(pbt.next_trial());
  const double at2[] = {.5, .3, .4, .6};
  for (int64_t t = 0; t < 4; ++t) EXPECT_EQ(pbt.report(t, 1, .8).kind, VerdictKind::proceed);
  for (int64_t t = 0; t < 4; ++t) EXPECT_EQ(pbt.report(t, 2, at2[t]).kind, VerdictKind::pause);
  std::vector<TrialRun> runs;
  while (std::optional<TrialRun> run = pbt.next_trial()) runs.push_back(*run);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].trial, 1);
  EXPECT_EQ(runs[1].trial, 2);
  EXPECT_EQ(runs[2].trial, 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(runs[i].kind, DecisionKind::resume);
    EXPECT_EQ(runs[i].source_trial, runs[i].trial);
    EXPECT_EQ(runs[i].from_epoch, 2);
  }
  const TrialRun& exploit = runs[3];
  EXPECT_EQ(exploit.trial, 3);
  EXPECT_EQ(exploit.kind, DecisionKind::exploit);
  EXPECT_EQ(exploit.source_trial, 1);
  EXPECT_EQ(exploit.from_epoch, 2);
  const double lr = lr_of(exploit.hyperparameters);
  EXPECT_TRUE(std::abs(lr - 0.16) < 1e-12 || std::abs(lr - 0.24) < 1e-12) << lr;
  EXPECT_EQ(lr_of(pbt.hyperparameters(3)), lr);
  const Decision& d = pbt.decisions().back();
  EXPECT_EQ(d.kind, DecisionKind::exploit);
  EXPECT_EQ(d.trial, 3);
  EXPECT_EQ(d.source_trial, 1);
  EXPECT_EQ(d.epoch, 2);
  EXPECT_EQ(d.hyperparameters, "training.lr: " + value_string(lr));
}

// Population 8, quantile 0.25: q = 2; each of the two worst copies one of the two best.
TEST(Pbt, BottomQuantileDrawsItsSourceFromTheTop) {
  PbtSpec spec = lr_mutation(0.25);
  std::set<std::pair<int64_t, int64_t>> pairs;  // (exploiter, source) over many seeds
  for (uint64_t seed = 0; seed < 40; ++seed) {
    SchedulerContext context = context_of(8, 4);
    context.seed = seed;
    PbtScheduler pbt(context, spec);
    for (int i = 0; i < 8; ++i) pbt.next_trial();
    for (int64_t t = 0; t < 8; ++t) {
      pbt.report(t, 1, 0.9);
      pbt.report(t, 2, 0.1 * static_cast<double>((t * 5) % 8));
    }
    // Errors by trial: 0 .5 .2 .7 .4 .1 .6 .3 -> best 0, 5; worst 3, 6.
    while (std::optional<TrialRun> run = pbt.next_trial())
      if (run->kind == DecisionKind::exploit) pairs.insert({run->trial, run->source_trial});
  }
  EXPECT_EQ(pairs, (std::set<std::pair<int64_t, int64_t>>{{3, 0}, {3, 5}, {6, 0}, {6, 5}}));
}

TEST(PbtExplore, PerturbsByFactorsOrResamples) {
  for (double p : {0.0, 0.25, 1.0}) {
    PbtSpec spec = lr_mutation(p);
    Rng rng(3);
    int down = 0, up = 0, resampled = 0;
    const int draws = 4000;
    for (int i = 0; i < draws; ++i) {
      const double lr = lr_of(explore({{"training.lr", 0.1}}, spec, rng));
      ASSERT_GE(lr, 0.001);
      ASSERT_LE(lr, 1.0);
      if (std::abs(lr - 0.08) < 1e-12)
        ++down;
      else if (std::abs(lr - 0.12) < 1e-12)
        ++up;
      else
        ++resampled;
    }
    EXPECT_NEAR(static_cast<double>(resampled) / draws, p, 0.03) << p;
    if (p < 1) {
      EXPECT_NEAR(static_cast<double>(down) / (down + up), 0.5, 0.05) << p;
    }
  }
}

TEST(PbtExplore, ClampsRoundsAndStepsThroughLists) {
  PbtSpec spec;
  spec.resample_probability = 0;
  ParameterSpec lr{"training.lr", Distribution::uniform, {}, 0.01, 0.5};
  ParameterSpec depth{"model.depth", Distribution::int_uniform, {}, 1, 8};
  ParameterSpec wd{"training.weight_decay", Distribution::values, {0.0, 1e-4, 1e-3}, 0, 0};
  spec.mutations = {lr, depth, wd};
  Rng rng(5);
  std::set<double> lrs, wds_from_zero;
  std::set<int64_t> depths;
  for (int i = 0; i < 200; ++i) {
    const std::vector<SweptValue> v = explore(
        {{"training.lr", 0.45}, {"model.depth", int64_t{5}}, {"training.weight_decay", 0.0}}, spec,
        rng);
    lrs.insert(std::get<double>(v[0].value));
    depths.insert(std::get<int64_t>(v[1].value));
    wds_from_zero.insert(std::get<double>(v[2].value));
  }
  EXPECT_EQ(lrs, (std::set<double>{0.45 * 0.8, 0.5}));  // 0.54 clamps to max
  EXPECT_EQ(depths, (std::set<int64_t>{4, 6}));
  EXPECT_EQ(wds_from_zero, (std::set<double>{0.0, 1e-4}));  // below the first entry: stays
}

TEST(PbtExplore, QuantizedAndNormalSteps) {
  PbtSpec spec;
  spec.resample_probability = 0;
  ParameterSpec width{"model.width", Distribution::q_log_uniform_values, {}, 32, 512};
  width.q = 32;
  ParameterSpec dropout{"model.dropout", Distribution::normal, {}, 0, 0};
  dropout.mu = 0.5;
  dropout.sigma = 0.2;
  spec.mutations = {width, dropout};
  Rng rng(8);
  std::set<int64_t> widths;
  std::set<double> dropouts;
  for (int i = 0; i < 200; ++i) {
    const std::vector<SweptValue> v =
        explore({{"model.width", int64_t{160}}, {"model.dropout", 0.9}}, spec, rng);
    widths.insert(std::get<int64_t>(v[0].value));
    dropouts.insert(std::get<double>(v[1].value));
  }
  EXPECT_EQ(widths, (std::set<int64_t>{128, 192}));         // 160 * 0.8, 160 * 1.2 = 192
  EXPECT_EQ(dropouts, (std::set<double>{0.9 * 0.8, 0.9}));  // 1.08 is no dropout: not taken
}

// A q_normal step is rounded first and then checked: dropout 0.75 * 1.2 = 0.9 rounds to 1.0,
// which is no dropout rate, so the member keeps 0.75.
TEST(PbtExplore, AQuantizedNormalStepOutOfTheFieldIsNotTaken) {
  PbtSpec spec;
  spec.resample_probability = 0;
  ParameterSpec dropout{"model.dropout", Distribution::q_normal, {}, 0, 0};
  dropout.mu = 0.5;
  dropout.sigma = 0.2;
  dropout.q = 0.25;
  spec.mutations = {dropout};
  Rng rng(3);
  std::set<double> dropouts;
  for (int i = 0; i < 100; ++i)
    dropouts.insert(std::get<double>(explore({{"model.dropout", 0.75}}, spec, rng)[0].value));
  EXPECT_EQ(dropouts, (std::set<double>{0.5, 0.75}));  // 0.6 rounds to 0.5
}

TEST(Pbt, AFailedTrialReleasesTheBarrier) {
  PbtSpec spec = lr_mutation(0);
  spec.population = 3;
  PbtScheduler pbt(context_of(3, 6), spec);
  for (int i = 0; i < 3; ++i) pbt.next_trial();
  for (int64_t t = 0; t < 3; ++t) pbt.report(t, 1, .9);
  EXPECT_EQ(pbt.report(0, 2, .3).kind, VerdictKind::pause);
  EXPECT_EQ(pbt.report(1, 2, .4).kind, VerdictKind::pause);
  EXPECT_FALSE(pbt.next_trial());
  pbt.trial_ended(2);
  // n = 2, q = min(ceil(0.5), 1) = 1: trial 1 exploits trial 0.
  const TrialRun first = *pbt.next_trial(), second = *pbt.next_trial();
  EXPECT_EQ(first.kind, DecisionKind::resume);
  EXPECT_EQ(first.trial, 0);
  EXPECT_EQ(second.kind, DecisionKind::exploit);
  EXPECT_EQ(second.trial, 1);
  EXPECT_EQ(second.source_trial, 0);
}

// A smooth landscape for PBT: the error floor grows with lr's distance from 0.05 in log10.
CurveShape lr_landscape(const std::vector<SweptValue>& values) {
  const double distance = std::abs(std::log10(lr_of(values)) - std::log10(0.05));
  return {0.9, 0.1 + 0.1 * distance, 0.3};
}

SimulationResult simulate_pbt(uint64_t seed, int workers, std::vector<Decision>* decisions) {
  PbtSpec spec = lr_mutation(0.25);
  spec.population = 8;
  SchedulerContext context =
      context_of(8, 12, [](int64_t i) { return 0.002 * std::pow(2.0, static_cast<double>(i)); });
  context.seed = seed;
  PbtScheduler pbt(context, spec);
  SimulationOptions options;
  options.workers = workers;
  options.curves = lr_landscape;
  SimulationResult result = simulate_sweep(pbt, context.configs, options);
  *decisions = pbt.decisions();
  return result;
}

// `exploit: false`: the same barriers, every trial resumes with its own values and curve.
TEST(Pbt, WithoutExploitTrainsThePopulationAsDrawn) {
  PbtSpec spec = lr_mutation(0.25);
  spec.population = 8;
  spec.exploit = false;
  const SchedulerContext context =
      context_of(8, 12, [](int64_t i) { return 0.002 * std::pow(2.0, static_cast<double>(i)); });
  PbtScheduler pbt(context, spec);
  SimulationOptions options;
  options.workers = 3;
  options.curves = lr_landscape;
  const SimulationResult result = simulate_sweep(pbt, context.configs, options);
  FifoScheduler fifo(context);
  const SimulationResult straight = simulate_sweep(fifo, context.configs, options);
  EXPECT_EQ(result.curves, straight.curves);
  int64_t exploits = 0, pauses = 0;
  for (const Decision& d : pbt.decisions()) {
    exploits += d.kind == DecisionKind::exploit;
    pauses += d.kind == DecisionKind::pause;
  }
  EXPECT_EQ(exploits, 0);
  EXPECT_GT(pauses, 0) << "still synchronous at every perturbation interval";
}

// Every trial trains each of its 12 epochs exactly once, whatever it copied.
TEST(Pbt, SimulatedRunLosesAndRepeatsNoEpoch) {
  std::vector<Decision> decisions;
  const SimulationResult result = simulate_pbt(11, 3, &decisions);
  EXPECT_EQ(result.epochs_trained, 8 * 12);
  for (const auto& curve : result.curves) EXPECT_EQ(curve.size(), 12u);
  int64_t exploits = 0, completes = 0;
  for (const Decision& d : decisions) {
    exploits += d.kind == DecisionKind::exploit;
    completes += d.kind == DecisionKind::complete;
  }
  EXPECT_EQ(exploits, 2 * 5);  // q = 2 at epochs 2, 4, 6, 8, 10
  EXPECT_EQ(completes, 8);
}

bool same(const std::vector<Decision>& a, const std::vector<Decision>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (brief(a[i]) != brief(b[i]) || a[i].source_trial != b[i].source_trial ||
        a[i].hyperparameters != b[i].hyperparameters || a[i].reason != b[i].reason)
      return false;
  return true;
}

TEST(Determinism, SameSeedAndOrderSameDecisions) {
  std::vector<Decision> a, b, c;
  simulate_pbt(11, 3, &a);
  simulate_pbt(11, 3, &b);
  simulate_pbt(12, 3, &c);
  EXPECT_TRUE(same(a, b));
  EXPECT_FALSE(same(a, c));  // other explore draws

  EarlyTerminateSpec spec;
  spec.kind = EarlyTerminateKind::asha;
  spec.max_epochs = 27;
  spec.brackets = 2;
  std::vector<std::vector<Decision>> runs;
  for (int i = 0; i < 2; ++i) {
    SchedulerContext context = context_of(50, 27);
    AshaScheduler asha(context, spec);
    SimulationOptions options;
    options.workers = 4;
    options.curves = hashed_curves(2);
    options.noise = 0.01;
    simulate_sweep(asha, context.configs, options);
    runs.push_back(asha.decisions());
  }
  EXPECT_TRUE(same(runs[0], runs[1]));
}

// Synchronous PBT ranks the population at a common epoch, so its exploit decisions do not
// depend on the order in which results arrive (here: a different number of workers).
TEST(Determinism, PbtExploitsDoNotDependOnReportOrder) {
  auto exploits = [](int workers) {
    std::vector<Decision> decisions;
    simulate_pbt(11, workers, &decisions);
    std::vector<std::string> out;
    for (const Decision& d : decisions)
      if (d.kind == DecisionKind::exploit)
        out.push_back(brief(d) + " from " + std::to_string(d.source_trial) + " " +
                      d.hyperparameters);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(exploits(2), exploits(8));
}

TEST(Pbt, BeatsTheSamePopulationWithoutIt) {
  std::vector<Decision> decisions;
  const SimulationResult with = simulate_pbt(11, 4, &decisions);
  SchedulerContext context =
      context_of(8, 12, [](int64_t i) { return 0.002 * std::pow(2.0, static_cast<double>(i)); });
  FifoScheduler fifo(context);
  SimulationOptions options;
  options.curves = lr_landscape;
  const SimulationResult without = simulate_sweep(fifo, context.configs, options);
  EXPECT_EQ(with.epochs_trained, without.epochs_trained);
  EXPECT_LE(with.best_error, without.best_error);
}

// 81 configurations for 27 epochs on 4 workers: ASHA spends a fraction of the full grid's
// epochs and still finds a configuration close to the grid's best.
TEST(Asha, SimulatedSweepBeatsTheFullGrid) {
  EarlyTerminateSpec spec;
  spec.kind = EarlyTerminateKind::asha;
  spec.max_epochs = 27;
  SchedulerContext context = context_of(81, 27);
  SimulationOptions options;
  options.curves = hashed_curves(4);
  options.noise = 0.005;
  FifoScheduler grid(context);
  const SimulationResult full = simulate_sweep(grid, context.configs, options);
  AshaScheduler asha(context, spec);
  const SimulationResult fast = simulate_sweep(asha, context.configs, options);
  EXPECT_EQ(full.epochs_trained, 81 * 27);
  EXPECT_LT(fast.epochs_trained, full.epochs_trained / 4);
  EXPECT_LT(fast.makespan, full.makespan / 4);
  EXPECT_LE(fast.best_error, full.best_error + 0.02);
  std::cout << "full grid: " << full.epochs_trained << " epochs, best " << full.best_error
            << "; ASHA: " << fast.epochs_trained << " epochs, best " << fast.best_error << "\n";
}

// Misuse by the coordinator is loud: a report out of order, twice, or for a trial that is
// not running.
TEST(SchedulerContract, ReportsMustFollowTheRun) {
  FifoScheduler fifo(context_of(2, 3));
  EXPECT_THROW(fifo.report(0, 1, .5), Error);  // not started
  ASSERT_EQ(fifo.next_trial()->trial, 0);
  EXPECT_THROW(fifo.report(0, 2, .5), Error);  // skips epoch 1
  EXPECT_EQ(fifo.report(0, 1, .5).kind, VerdictKind::proceed);
  EXPECT_THROW(fifo.report(0, 1, .5), Error);  // twice
  EXPECT_THROW(fifo.report(5, 1, .5), Error);  // no such trial
  EXPECT_THROW(fifo.trial_ended(1), Error);
  fifo.trial_ended(0);
  EXPECT_THROW(fifo.report(0, 2, .5), Error);  // ended
}

TEST(MakeScheduler, FollowsTheSpec) {
  auto scheduler_for = [](const std::string& extra) {
    const SweepSpec spec = parse_spec(
        "method: grid\ntraining: {epochs: 9}\nparameters:\n  training.lr: {values: "
        "[0.1, 0.2]}\n" +
            extra,
        "s.yaml");
    return make_scheduler(spec, expand_trials(spec));
  };
  EXPECT_TRUE(dynamic_cast<FifoScheduler*>(scheduler_for("").get()));
  EXPECT_TRUE(dynamic_cast<AshaScheduler*>(scheduler_for("early_terminate: {type: asha}\n").get()));
  EXPECT_TRUE(dynamic_cast<HyperbandScheduler*>(
      scheduler_for("early_terminate: {type: hyperband, min_iter: 1}\n").get()));
  EXPECT_TRUE(
      dynamic_cast<MedianScheduler*>(scheduler_for("early_terminate: {type: median}\n").get()));
  const SweepSpec pbt_spec = parse_spec(
      "method: pbt\ntraining: {epochs: 9}\npbt: {population: 3, perturbation_interval: 3, "
      "mutations: {training.weight_decay: {distribution: uniform, min: 0, max: 0.1}}}\n",
      "p.yaml");
  const std::vector<Trial> trials = expand_trials(pbt_spec);
  ASSERT_EQ(trials.size(), 3u);
  auto scheduler = make_scheduler(pbt_spec, trials);
  auto* pbt = dynamic_cast<PbtScheduler*>(scheduler.get());
  ASSERT_TRUE(pbt);
  // An unswept mutated parameter starts at the base value.
  EXPECT_EQ(hyperparameters_text(pbt->hyperparameters(0)), "training.weight_decay: 0");
}

// The example specs in experiments/ parse and schedule as their comments say.
TEST(ExampleSpecs, AshaAndPbt) {
  const SweepSpec asha_spec =
      load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/fmnist-mlp-asha.yaml");
  const std::vector<Trial> trials = expand_trials(asha_spec);
  EXPECT_GE(trials.size(), 27u);
  std::unique_ptr<Scheduler> asha = make_scheduler(asha_spec, trials);
  ASSERT_TRUE(dynamic_cast<AshaScheduler*>(asha.get()));
  std::vector<std::vector<SweptValue>> configs;
  for (const Trial& t : trials) configs.push_back(t.swept);
  SimulationOptions options;
  options.curves = hashed_curves(1);
  const SimulationResult result = simulate_sweep(*asha, configs, options);
  // Synchronous successive halving would train 81 + 27 * 2 + 9 * 6 + 3 * 18 = 243 epochs; ASHA
  // promotes early, by how much depends on the draws (309 with seed 5).
  EXPECT_LT(result.epochs_trained, 2187 / 6);

  const SweepSpec pbt_spec =
      load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/fmnist-mlp-pbt.yaml");
  EXPECT_EQ(pbt_spec.method, SearchMethod::pbt);
  EXPECT_EQ(expand_trials(pbt_spec).size(), 8u);
}

}  // namespace
}  // namespace hpsweep
