// The optimizer interface: an update of every parameter from its gradient, the number of
// updates made, and the state a checkpoint keeps so that a resumed trial continues bitwise.
// Under MPI every rank of a group applies the same update to the same gradients, so the
// optimizer state stays identical across the group without communication. Frozen parameters
// (training.finetune.freeze) are skipped, with no state; the others move at lr() times their
// lr_mult (worker/finetune.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/checkpoint_data.h"
#include "common/trial_config.h"
#include "worker/model.h"
#include "worker/parameter_state.h"

namespace hpsweep {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;  // buffers_ points into the subclass
  Optimizer& operator=(const Optimizer&) = delete;

  void step(const Model& model) {
    ++steps_;
    update(model);
  }
  int64_t steps() const { return steps_; }
  // The rate of the next updates: training.lr until a schedule sets it (worker/lr_schedule.h).
  // Checkpoints keep training.lr in the settings; the rate follows from the step count.
  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }

  // The settings, the step count and copies of the per-parameter buffers.
  OptimizerState state() const;
  // Continues from a checkpoint's state. Throws UserError naming `source` when the state is
  // another optimizer's or lacks a buffer this one needs.
  void load_state(const OptimizerState& state, const Model& model, const std::string& source);

 protected:
  // `settings`: the type and hyperparameters, without steps or buffers.
  Optimizer(OptimizerState settings, std::vector<ParameterState*> buffers)
      : settings_(std::move(settings)), buffers_(std::move(buffers)), lr_(settings_.lr) {}
  // One update; steps() already counts it.
  virtual void update(const Model& model) = 0;

 private:
  const OptimizerState settings_;
  std::vector<ParameterState*> buffers_;
  int64_t steps_ = 0;
  double lr_;
};

// training.optimizer with its hyperparameters.
std::unique_ptr<Optimizer> make_optimizer(const TrainingConfig& config);

}  // namespace hpsweep
