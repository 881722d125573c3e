// The ranks that train one trial together, data-parallel: each computes gradients on its
// shard of every global minibatch, and the group sums them. A group of one (dev mode, or
// ranks_per_trial 1) needs no MPI at all, so both modes share one training loop.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "worker/gradient_reducer.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class Model;

class TrainingGroup : public GroupSum {
 public:
  virtual ~TrainingGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Where the group wants `model`'s gradients (before make_reducer): a group that sums in
  // shared memory moves them there. By default they stay where they are.
  virtual void place_gradients(Model&) {}
  virtual std::unique_ptr<GradientReducer> make_reducer() = 0;
  // Sums `count` doubles over the group in place (losses, error counts, votes, batch-norm
  // statistics).
  void sum(double* values, int count) override = 0;

  bool is_leader() const { return rank() == 0; }
};

// This rank's rows [first, last) of `count` rows split evenly over the group.
inline std::pair<int64_t, int64_t> group_rows(int64_t count, const TrainingGroup& group) {
  return {count * group.rank() / group.size(), count * (group.rank() + 1) / group.size()};
}

class SoloGroup : public TrainingGroup {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::unique_ptr<GradientReducer> make_reducer() override {
    return std::make_unique<LocalReducer>();
  }
  void sum(double*, int) override {}
};

}  // namespace hpsweep
