// Batch normalization (PyTorch nn.BatchNorm1d after a Linear, nn.BatchNorm2d after a Conv2d):
// learned scale "weight" and shift "bias", running statistics as buffers "running_mean",
// "running_var" and "num_batches_tracked" (saved in checkpoints, as in PyTorch's state_dict).
// Training normalizes with the global batch's statistics (synchronized over the group) and
// updates the running ones with PyTorch's momentum 0.1 and unbiased variance; evaluation
// uses the running ones.
#pragma once

#include "worker/kernels/batch_norm.h"
#include "worker/layers/activation_layer.h"
#include "worker/layers/layer.h"

namespace hpsweep {

class BatchNormLayer : public Layer {
 public:
  // `images`: input [B, C, H, W] with per-channel statistics; otherwise [B, features].
  BatchNormLayer(int64_t features, bool images);
  std::string kind() const override { return images_ ? "BatchNorm2d" : "BatchNorm1d"; }
  // Applies the ReLU that follows this layer (SequentialBlock::add), which then passes
  // tensors through: two passes over the activations fewer each way, the same bits.
  void take_over(ActivationLayer& relu);
  Shape output_shape(const Shape& input) const override;
  const Tensor& forward(const Tensor& x, const BatchContext& context) override;
  const Tensor& backward(const Tensor& dy, bool need_input_grad) override;
  std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }
  std::vector<Buffer*> buffers() override {
    return {&running_mean_, &running_var_, &num_batches_tracked_};
  }

  static constexpr double kEps = 1e-5, kMomentum = 0.1;

 private:
  BatchNormShape shape_of(const Shape& input) const;
  void update_running_statistics();

  int64_t features_;
  bool images_;
  Parameter weight_, bias_;
  Buffer running_mean_, running_var_, num_batches_tracked_;
  BatchNormStatistics stats_;
  bool batch_stats_ = false;  // whether the last forward pass used the batch's statistics
  bool relu_ = false;         // whether this layer applies the ReLU after it
  GroupSum* group_ = nullptr;
  BatchNormShape shape_{};
  // input_ shares the last forward pass's input (backward recomputes xhat from it), which
  // layers leave untouched until their next forward pass.
  Tensor input_, output_, input_grad_;
};

}  // namespace hpsweep
