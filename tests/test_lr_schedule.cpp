// Learning-rate schedules (training.lr_schedule): each type's rates against PyTorch's formulas
// worked by hand, the spec's keys and their errors (file:line:column: key: what), and sweeping
// them by dotted path.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "common/error.h"
#include "common/spec.h"
#include "common/trial.h"
#include "coordinator/search_space.h"
#include "support/spec_error.h"
#include "worker/lr_schedule.h"

namespace hpsweep {
namespace {

TrainingConfig training(const std::string& type) {
  TrainingConfig t;
  t.lr = 0.1;
  t.lr_schedule.type = type;
  return t;
}

// The rate of the first update of each epoch 0..epochs-1, with `per_epoch` updates each.
std::vector<double> epoch_rates(const TrainingConfig& t, int64_t epochs, int64_t per_epoch = 1) {
  std::vector<double> rates;
  for (int64_t e = 0; e < epochs; ++e) rates.push_back(scheduled_lr(t, e, e * per_epoch));
  return rates;
}

void expect_rates(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_DOUBLE_EQ(got[i], want[i]) << "epoch " << i;
}

TEST(LrSchedule, NoneKeepsTheBaseRate) {
  expect_rates(epoch_rates(training("none"), 3), {0.1, 0.1, 0.1});
}

// StepLR(step_size=3, gamma=0.5): lr * 0.5^floor(t / 3).
TEST(LrSchedule, StepDecaysEveryStepSizeEpochs) {
  TrainingConfig t = training("step");
  t.lr_schedule.step_size = 3;
  t.lr_schedule.gamma = 0.5;
  expect_rates(epoch_rates(t, 8), {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025});
}

// MultiStepLR(milestones=[2, 5], gamma=0.1): decays once at epoch 2 and again at 5.
TEST(LrSchedule, MultistepDecaysAtEachMilestone) {
  TrainingConfig t = training("multistep");
  t.lr_schedule.milestones = {2, 5};
  expect_rates(epoch_rates(t, 7), {0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001});
}

// CosineAnnealingLR(T_max=4, eta_min=0.01): 0.01 + 0.09 * (1 + cos(pi t / 4)) / 2, which after
// T_max climbs again (PyTorch's closed form has no clamp).
TEST(LrSchedule, CosineAnnealsToEtaMinAtTMax) {
  TrainingConfig t = training("cosine");
  t.lr_schedule.t_max = 4;
  t.lr_schedule.eta_min = 0.01;
  const double half_root2 = std::sqrt(2.0) / 2;
  expect_rates(epoch_rates(t, 6),
               {0.1, 0.01 + 0.09 * (1 + half_root2) / 2, 0.055, 0.01 + 0.09 * (1 - half_root2) / 2,
                0.01, 0.01 + 0.09 * (1 - half_root2) / 2});
}

// Unset t_max spans the epochs after the warm-up: 10 epochs, 2 of warm-up, t_max 8.
TEST(LrSchedule, CosineTMaxDefaultsToTheEpochsAfterWarmup) {
  TrainingConfig t = training("cosine");
  t.epochs = 10;
  t.lr_schedule.warmup_epochs = 2;
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 2, 0), 0.1);
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 6, 0), 0.05);  // t = 4 = t_max / 2
  EXPECT_NEAR(scheduled_lr(t, 10, 0), 0.0, 1e-17);
}

// SequentialLR([LinearLR(start_factor=0.25, total_iters=2), StepLR(2, 0.5)], milestones=[2]):
// 0.1 * (0.25 + 0.75 * e / 2) for e < 2, then StepLR counting from 0 at epoch 2.
TEST(LrSchedule, EpochWarmupPrecedesTheScheduleWhichStartsAfterIt) {
  TrainingConfig t = training("step");
  t.lr_schedule.step_size = 2;
  t.lr_schedule.gamma = 0.5;
  t.lr_schedule.warmup_epochs = 2;
  t.lr_schedule.warmup_start_factor = 0.25;
  expect_rates(epoch_rates(t, 6), {0.025, 0.0625, 0.1, 0.1, 0.05, 0.05});
}

TEST(LrSchedule, EpochWarmupAloneRisesToTheBaseRate) {
  TrainingConfig t = training("none");
  t.lr_schedule.warmup_epochs = 3;  // PyTorch's default start_factor, 1/3
  expect_rates(epoch_rates(t, 4), {0.1 / 3, 0.1 * (1.0 / 3 + (2.0 / 3) / 3),
                                   0.1 * (1.0 / 3 + (2.0 / 3) * 2 / 3), 0.1});
}

// LinearLR(start_factor=0.5, total_iters=4) stepped per update, times StepLR(1, 0.5) stepped
// per epoch: the warm-up runs over the schedule's first decay.
TEST(LrSchedule, IterationWarmupMultipliesTheEpochSchedule) {
  TrainingConfig t = training("step");
  t.lr_schedule.step_size = 1;
  t.lr_schedule.gamma = 0.5;
  t.lr_schedule.warmup_iterations = 4;
  t.lr_schedule.warmup_start_factor = 0.5;
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 0, 0), 0.05);
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 0, 1), 0.0625);
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 0, 2), 0.075);
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 1, 3), 0.05 * 0.875);
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 1, 4), 0.05);
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 1, 100), 0.05);
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 2, 101), 0.025);
}

// PBT's exploit may change training.lr mid-trial: the schedule scales with it, in place.
TEST(LrSchedule, TheRateScalesWithTheBaseRate) {
  TrainingConfig t = training("multistep");
  t.lr_schedule.milestones = {1};
  t.lr = 0.3;
  EXPECT_DOUBLE_EQ(scheduled_lr(t, 2, 0), 0.03);
}

std::string error_of(const std::string& yaml) {
  return testing::spec_error_of(yaml);
}

TEST(LrScheduleSpec, ReadsEveryKey) {
  const SweepSpec spec = parse_spec(
      "method: grid\ntraining:\n  lr_schedule:\n    type: multistep\n    milestones: [3, 8]\n"
      "    gamma: 0.2\n    warmup: {iterations: 500, start_factor: 0.01}\n",
      "s.yaml");
  const LrScheduleConfig& s = spec.base.training.lr_schedule;
  EXPECT_EQ(s.type, "multistep");
  EXPECT_EQ(s.milestones, (std::vector<int64_t>{3, 8}));
  EXPECT_EQ(s.gamma, 0.2);
  EXPECT_EQ(s.warmup_iterations, 500);
  EXPECT_EQ(s.warmup_epochs, 0);
  EXPECT_EQ(s.warmup_start_factor, 0.01);
  const SweepSpec cosine = parse_spec(
      "method: grid\ntraining: {lr_schedule: {type: cosine, t_max: 20, eta_min: 1.0e-4}}\n",
      "s.yaml");
  EXPECT_EQ(cosine.base.training.lr_schedule.t_max, 20);
  EXPECT_EQ(cosine.base.training.lr_schedule.eta_min, 1e-4);
  EXPECT_EQ(parse_spec("method: grid\n", "s.yaml").base.training.lr_schedule.type, "none");
}

TEST(LrScheduleSpecErrors, KeysTheTypeNeedsOrDoesNotUse) {
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: {type: step}}\n"),
            "s.yaml:2:32: training.lr_schedule.step_size: missing: type step needs step_size");
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: {type: cosine, gamma: 0.5}}\n"),
            "s.yaml:2:47: training.lr_schedule.gamma: goes with type step or multistep; this "
            "schedule's type is cosine");
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: {milestones: [2]}}\n"),
            "s.yaml:2:38: training.lr_schedule.milestones: goes with type multistep; this "
            "schedule's type is none");
  EXPECT_EQ(
      error_of("method: grid\ntraining: {lr_schedule: {warmup: {epochs: 2, iterations: 100}}}\n"),
      "s.yaml:2:58: training.lr_schedule.warmup.iterations: a warm-up lasts warmup.epochs or "
      "warmup.iterations, not both");
  // A swept type brings the needs of each of its values.
  EXPECT_EQ(error_of("method: grid\nparameters:\n  training.lr_schedule.type: {values: [cosine, "
                     "step]}\n"),
            "s.yaml:3:30: training.lr_schedule.step_size: missing: type step needs step_size");
}

TEST(LrScheduleSpecErrors, BadValues) {
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: {type: exp}}\n"),
            "s.yaml:2:32: training.lr_schedule.type: must be one of none, step, multistep, "
            "cosine, got 'exp'");
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: {kind: step}}\n"),
            "s.yaml:2:26: training.lr_schedule.kind: unknown key (known: type, step_size, "
            "milestones, gamma, t_max, eta_min, warmup)");
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: step}\n"),
            "s.yaml:2:25: training.lr_schedule: expected a mapping of keys to values");
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: {type: step, step_size: 0}}\n"),
            "s.yaml:2:49: training.lr_schedule.step_size: must be >= 1, got 0");
  EXPECT_EQ(error_of("method: grid\ntraining: {lr_schedule: {type: step, step_size: 2, gamma: "
                     "0}}\n"),
            "s.yaml:2:59: training.lr_schedule.gamma: must be > 0, got 0");
  EXPECT_EQ(
      error_of("method: grid\ntraining: {lr_schedule: {warmup: {epochs: 2, start_factor: 0}}}\n"),
      "s.yaml:2:60: training.lr_schedule.warmup.start_factor: must be > 0, got 0");
  EXPECT_EQ(
      error_of("method: grid\ntraining: {lr_schedule: {warmup: {epochs: 2, start_factor: 1.5}}}\n"),
      "s.yaml:2:60: training.lr_schedule.warmup.start_factor: must be <= 1, got 1.5");
}

TEST(LrScheduleSpecErrors, Milestones) {
  const std::string head = "method: grid\ntraining: {lr_schedule: {type: multistep, milestones: ";
  EXPECT_EQ(error_of(head + "[5, 3]}}\n"),
            "s.yaml:2:55: training.lr_schedule.milestones: must increase, got 5, 3");
  EXPECT_EQ(error_of(head + "[0, 3]}}\n"),
            "s.yaml:2:55: training.lr_schedule.milestones: item 1: must be >= 1, got 0");
  EXPECT_EQ(error_of(head + "[]}}\n"),
            "s.yaml:2:55: training.lr_schedule.milestones: expected a non-empty list");
  EXPECT_EQ(error_of(head + "5}}\n"),
            "s.yaml:2:55: training.lr_schedule.milestones: expected a list of integers [a, b, "
            "...]");
  EXPECT_EQ(error_of(head + "[2, x]}}\n"),
            "s.yaml:2:59: training.lr_schedule.milestones: expected an integer, got 'x'");
  EXPECT_EQ(error_of("method: random\nrun_cap: 2\ntraining: {lr_schedule: {type: multistep, "
                     "milestones: [2]}}\nparameters:\n  training.lr_schedule.milestones: "
                     "{distribution: uniform, min: 1, max: 2}\n"),
            "s.yaml:5:51: training.lr_schedule.milestones.distribution: uniform needs a real "
            "parameter; this one's kind is list of integers");
}

// Every key is a dotted path: the type as a categorical, lists of milestones as values.
TEST(LrScheduleSpec, SweptByDottedPath) {
  const SweepSpec spec = parse_spec(
      "method: grid\ntraining: {lr_schedule: {step_size: 2, milestones: [1, 3]}}\n"
      "parameters:\n"
      "  training.lr_schedule.type: {distribution: categorical, values: [step, multistep]}\n"
      "  training.lr_schedule.gamma: {values: [0.5, 0.1]}\n"
      "  training.lr_schedule.milestones: {values: [[2, 4], [3]], when: "
      "{training.lr_schedule.type: multistep}}\n"
      "  training.lr_schedule.warmup.epochs: {values: [0, 2]}\n",
      "s.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  ASSERT_EQ(trials.size(), 2u * 2 * 2 + 2u * 2);  // step: gamma x warmup; multistep: x 2 lists
  const LrScheduleConfig& first = trials.front().config.training.lr_schedule;
  EXPECT_EQ(first.type, "step");
  EXPECT_EQ(first.gamma, 0.5);
  EXPECT_EQ(first.warmup_epochs, 0);
  const LrScheduleConfig& last = trials.back().config.training.lr_schedule;
  EXPECT_EQ(last.type, "multistep");
  EXPECT_EQ(last.gamma, 0.1);
  EXPECT_EQ(last.milestones, (std::vector<int64_t>{3}));
  EXPECT_EQ(last.warmup_epochs, 2);
  EXPECT_NE(config_text(trials.back().config).find("training.lr_schedule.milestones: 3\n"),
            std::string::npos);
}

}  // namespace
}  // namespace hpsweep
