// `model.type: simulated` sweeps through the real coordinator, worker threads and files: an
// ASHA sweep makes the decisions of the scheduler-only simulation (coordinator/
// simulated_trials.h) and records its curves, paused and promoted trials continuing from
// their tiny checkpoints, also across a stop and resume; a PBT sweep's exploits carry the
// source's curve state; simulated trials need no dataset.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "coordinator/schedulers/make_scheduler.h"
#include "coordinator/search_space.h"
#include "coordinator/simulated_trials.h"
#include "coordinator/sweep_runner.h"
#include "storage/sweep_file.h"
#include "support/stopped_sweep.h"
#include "support/temp_dir.h"

namespace hpsweep::testing {
namespace {

// No dataset anywhere: simulated trials must not look for one.
SweepSpec simulated_spec(const std::string& body, const std::string& epoch_seconds = "0") {
  return parse_spec(
      "name: sim\nseed: 5\ndataset: {path: /nonexistent}\nmodel: {type: simulated}\n"
      "simulated: {seed: 9, epoch_seconds: " +
          epoch_seconds + "}\n" + body,
      "sim.yaml");
}

SweepRecord run(const SweepSpec& spec, const std::string& out, int workers) {
  std::ostringstream log;
  std::atomic<bool> stop{false};
  run_local_sweep(spec, RunOptions{out, workers, false}, stop, log);
  return read_sweep_file(out + "/sweep.h5");
}

TEST(SimulatedSweep, AshaDecidesAsTheSchedulerSimulation) {
  // 27 trials, rungs at epochs 1 and 3, complete at 9.
  const SweepSpec spec = simulated_spec(
      "method: random\nrun_cap: 27\ntraining: {epochs: 9}\n"
      "early_terminate: {type: asha, grace_period: 1, reduction_factor: 3}\n"
      "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n"
      "  model.dropout: {distribution: uniform, min: 0, max: 0.5}\n");
  TempDir dir;
  // One worker: the real sweep makes its scheduler calls in the simulation's order.
  const SweepRecord real = run(spec, (dir / "asha").string(), 1);

  const std::vector<Trial> trials = expand_trials(spec);
  std::vector<std::vector<SweptValue>> configs;
  for (const Trial& t : trials) configs.push_back(t.swept);
  const std::unique_ptr<Scheduler> scheduler = make_scheduler(spec, trials);
  SimulationOptions options;
  options.workers = 1;
  options.curves = hashed_curves(9);
  const SimulationResult simulated = simulate_sweep(*scheduler, configs, options);

  const std::vector<Decision>& expected = scheduler->decisions();
  ASSERT_EQ(real.decisions.size(), expected.size());
  int pauses = 0, promotions = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const DecisionRow& r = real.decisions[i];
    const Decision& e = expected[i];
    EXPECT_EQ(std::make_tuple(r.sequence, r.trial, r.kind, r.epoch, r.hyperparameters, r.reason),
              std::make_tuple(e.sequence, e.trial, decision_kind_name(e.kind), e.epoch,
                              e.hyperparameters, e.reason))
        << "decision " << i;
    pauses += r.kind == "pause";
    promotions += r.kind == "promote";
  }
  EXPECT_GT(pauses, 0);
  EXPECT_GT(promotions, 0) << "a promoted trial resumes from its checkpoint";
  // The curves go on across pauses as if the trials had never stopped.
  for (const TrialRecord& t : real.trials) {
    EXPECT_EQ(t.curves.at("test_error"), simulated.curves[t.id]) << "trial " << t.id;
    EXPECT_EQ(t.curves.at("train_loss"), simulated.curves[t.id]) << "trial " << t.id;
  }
}

TEST(SimulatedSweep, PbtExploitContinuesTheSourcesCurve) {
  const SweepSpec spec = simulated_spec(
      "method: pbt\ntraining: {epochs: 4}\npbt: {population: 4, perturbation_interval: 2, "
      "mutations: {training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}}}\n"
      "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n");
  TempDir dir;
  const SweepRecord r = run(spec, (dir / "pbt").string(), 2);
  const DecisionRow* exploit = nullptr;
  for (const DecisionRow& d : r.decisions)
    if (d.kind == "exploit") exploit = &d;
  ASSERT_NE(exploit, nullptr);
  // Epoch 3 of the exploiting trial steps from the source's epoch-2 error along the curve of
  // its explored values.
  const std::vector<double>& source = r.trials[exploit->source_trial].curves.at("test_error");
  const std::vector<double>& target = r.trials[exploit->trial].curves.at("test_error");
  ASSERT_EQ(target.size(), 4u);
  const std::string prefix = "training.lr: ";
  ASSERT_EQ(exploit->hyperparameters.rfind(prefix, 0), 0u) << exploit->hyperparameters;
  // (Values are written in their shortest form that reads back exactly.)
  const double lr = std::stod(exploit->hyperparameters.substr(prefix.size()));
  const CurveShape explored = hashed_curves(9)({{"training.lr", lr}});
  EXPECT_NE(target[1], source[1]);
  EXPECT_EQ(target[2], next_error(explored, source[1]));
  EXPECT_EQ(target[3], next_error(explored, target[2]));
}

TEST(SimulatedSweep, StoppedAndResumedEndsAsUninterrupted) {
  // Paused and promoted trials resume from their tiny checkpoints, after a stop too: the
  // resumed sweep replays the journal's scheduler calls.
  const SweepSpec spec = simulated_spec(
      "method: random\nrun_cap: 9\ntraining: {epochs: 3}\n"
      "early_terminate: {type: asha, grace_period: 1, reduction_factor: 3}\n"
      "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n",
      "0.01");
  TempDir dir;
  const SweepRecord reference = run(spec, (dir / "reference").string(), 1);
  const std::string cut = (dir / "cut").string();
  int stops = 0;
  for (int delay_ms = 15;; delay_ms += 20) {
    if (!run_local_sweep_stopped_after(spec, RunOptions{cut, 1, false},
                                       std::chrono::milliseconds(delay_ms))
             .interrupted)
      break;
    ++stops;
  }
  EXPECT_GE(stops, 2);
  const SweepRecord resumed = read_sweep_file(cut + "/sweep.h5");
  ASSERT_EQ(resumed.decisions.size(), reference.decisions.size());
  for (size_t i = 0; i < reference.decisions.size(); ++i)
    EXPECT_EQ(std::tie(resumed.decisions[i].trial, resumed.decisions[i].kind,
                       resumed.decisions[i].epoch, resumed.decisions[i].reason),
              std::tie(reference.decisions[i].trial, reference.decisions[i].kind,
                       reference.decisions[i].epoch, reference.decisions[i].reason))
        << "decision " << i;
  for (size_t i = 0; i < reference.trials.size(); ++i) {
    EXPECT_EQ(resumed.trials[i].status, reference.trials[i].status) << "trial " << i;
    EXPECT_EQ(resumed.trials[i].curves.at("test_error"),
              reference.trials[i].curves.at("test_error"))
        << "trial " << i;
  }
}

// Readers of a running sweep (hpsweep analyze in a loop) always open a whole sweep.h5: the
// coordinator replaces it by a rename, never updates it in place.
TEST(LiveReaders, EveryReadDuringASweepSeesAWholeFile) {
  TempDir dir;
  const SweepSpec spec = parse_spec(
      "name: live\nmethod: random\nrun_cap: 200\nmodel: {type: simulated}\n"
      "simulated: {epoch_seconds: 0.005, seed: 3}\ntraining: {epochs: 4}\n"
      "early_terminate: {type: asha, grace_period: 1, reduction_factor: 2}\n"
      "parameters:\n  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1.0}\n",
      "live.yaml");
  const std::string out = (dir / "out").string(), path = out + "/sweep.h5";
  std::atomic<bool> done{false}, stop{false};
  std::thread sweep([&] {
    std::ostringstream log;
    run_local_sweep(spec, RunOptions{out, 2, false}, stop, log);
    done = true;
  });
  int reads = 0, failures = 0;
  std::string first_failure;
  while (!done) {
    if (!std::filesystem::exists(path)) continue;
    try {
      const SweepRecord record = read_sweep_file(path);
      EXPECT_EQ(record.trials.size(), 200u);
      ++reads;
    } catch (const std::exception& e) {
      if (failures++ == 0) first_failure = e.what();
    }
  }
  sweep.join();
  EXPECT_EQ(failures, 0) << first_failure;
  EXPECT_GT(reads, 10) << "the reads must overlap the sweep for the test to mean much";
}

}  // namespace
}  // namespace hpsweep::testing
