// A stop request honoured inside a training step (docs/resume.md, "Signals and time limits"):
// a group of one abandons the step between two layers, applies nothing of it, reports the
// trial `interrupted` at its last finished epoch, and the trial resumed from its last
// checkpoint ends bitwise as an uninterrupted one.
#include <gtest/gtest.h>

#include <atomic>

#include "common/spec.h"
#include "coordinator/search_space.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/blocks/layer_makers.h"
#include "worker/trainer.h"

namespace hpsweep::testing {
namespace {

class Recorder : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics& m, std::optional<CheckpointData> c) override {
    metrics.push_back(m);
    if (c) checkpoints.push_back(std::move(*c));
  }
  std::vector<EpochMetrics> metrics;
  std::vector<CheckpointData> checkpoints;
};

// A group of one that sets `stop` during its `at`-th sum: the step's statistics, summed after
// the forward pass and before the backward pass, so the stop lands in the middle of a step
// after that step's stop vote has been taken.
class StopAtSum : public SoloGroup {
 public:
  StopAtSum(std::atomic<bool>& stop, int at) : stop_(stop), at_(at) {}
  void sum(double*, int) override {
    if (++calls == at_) stop_ = true;
  }
  int calls = 0;

 private:
  std::atomic<bool>& stop_;
  int at_;
};

Trial lenet_bn_trial(const std::string& data_dir) {
  // 300 training samples in batches of 64: 5 steps per epoch (5 sums), then one sum per
  // evaluation of the 60 test samples. Momentum, so a half-applied step would show.
  const SweepSpec spec =
      parse_spec("seed: 3\nmethod: grid\ndataset: {path: " + data_dir +
                     "}\nmodel: {type: lenet-bn, width: 4}\n"
                     "training: {epochs: 3, batch_size: 64, lr: 0.05, momentum: 0.9}\n",
                 "stop.yaml");
  return expand_trials(spec)[0];
}

void expect_same_parameters(const CheckpointData& a, const CheckpointData& b) {
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t p = 0; p < a.params.size(); ++p) {
    ASSERT_EQ(a.params[p].tensor.size(), b.params[p].tensor.size()) << a.params[p].name;
    for (int64_t i = 0; i < a.params[p].tensor.size(); ++i)
      ASSERT_EQ(a.params[p].tensor[i], b.params[p].tensor[i]) << a.params[p].name << " " << i;
  }
}

TEST(BoundedStop, AStoppedModelPassThrowsBeforeAnyLayer) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 300, 60, 7);
  const Trial trial = lenet_bn_trial((dir / "data").string());
  Model model = build_trial_model(trial, Shape{1, 28, 28}, 10, nullptr);
  std::atomic<bool> stop{true};
  Tensor x({2, 1, 28, 28});
  EXPECT_THROW(model.forward(x, BatchContext{.mode = Mode::eval, .stop = &stop}), StepCancelled);
  stop = false;
  const Tensor& y = model.forward(x, BatchContext{.mode = Mode::eval, .stop = &stop});
  EXPECT_EQ(y.dim(1), 10);
}

TEST(BoundedStop, AConvolutionChecksTheStopFlagBetweenChunksOfSamples) {
  // A layer alone, so only the kernel can notice the flag; set while the flag is on the thread.
  const std::unique_ptr<Layer> conv = conv2d(3, 8, 3, 1);
  std::atomic<bool> stop{true};
  Tensor x({4, 3, 16, 16});
  EXPECT_THROW(conv->forward(x, BatchContext{.mode = Mode::eval, .stop = &stop}), StepCancelled);
  EXPECT_EQ(t_kernel_stop, nullptr) << "the scope ends with the layer's call";
  stop = false;
  EXPECT_EQ(conv->forward(x, BatchContext{.mode = Mode::train, .stop = &stop}).dim(1), 8);
  Tensor dy({4, 8, 16, 16});
  stop = true;
  EXPECT_THROW(conv->backward(dy, true), StepCancelled);
  EXPECT_NO_THROW(conv->forward(x, BatchContext{.mode = Mode::eval}));  // no flag, no check
}

TEST(BoundedStop, AStopInsideAStepAppliesNothingAndTheResumeIsBitwise) {
  TempDir dir;
  write_synthetic_fashion_mnist(dir / "data", 300, 60, 7);
  const TrainTestData data = load_fashion_mnist((dir / "data").string());
  const Trial trial = lenet_bn_trial((dir / "data").string());

  std::atomic<bool> never{false};
  SoloGroup solo;
  Recorder whole;
  ASSERT_EQ(run_trial(trial, data, {}, whole, never, solo).status, TrialStatus::completed);
  ASSERT_EQ(whole.checkpoints.size(), 3u);

  // Epoch 1 takes 5 step sums and 1 evaluation sum; the 3rd sum of epoch 2 is its 3rd step.
  for (const int at : {8, 6, 11}) {
    SCOPED_TRACE(at);
    std::atomic<bool> stop{false};
    StopAtSum stopping(stop, at);
    Recorder cut;
    const TrialOutcome outcome = run_trial(trial, data, {}, cut, stop, stopping);
    EXPECT_EQ(outcome.status, TrialStatus::interrupted) << outcome.message;
    EXPECT_EQ(outcome.epoch, 1);
    EXPECT_EQ(stopping.calls, at) << "no step after the stop";
    ASSERT_EQ(cut.checkpoints.size(), 1u) << "no checkpoint of a half step";
    expect_same_parameters(cut.checkpoints[0], whole.checkpoints[0]);

    Recorder resumed;
    TrialStart start;
    start.resume = &cut.checkpoints[0];
    ASSERT_EQ(run_trial(trial, data, start, resumed, never, solo).status, TrialStatus::completed);
    ASSERT_EQ(resumed.checkpoints.size(), 2u);
    expect_same_parameters(resumed.checkpoints.back(), whole.checkpoints.back());
    EXPECT_EQ(resumed.metrics.back().train_loss, whole.metrics.back().train_loss);
    EXPECT_EQ(resumed.metrics.back().test_loss, whole.metrics.back().test_loss);
  }
}

}  // namespace
}  // namespace hpsweep::testing
