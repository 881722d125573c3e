#include "worker/layers/batch_norm_layer.h"

#include <stdexcept>

namespace hpsweep {

BatchNormLayer::BatchNormLayer(int64_t features, bool images)
    : features_(features),
      images_(images),
      weight_{"weight", Tensor({features}), Tensor({features}), false, true},
      bias_{"bias", Tensor({features}), Tensor({features}), false},
      running_mean_{"running_mean", Tensor({features})},
      running_var_{"running_var", Tensor({features})},
      num_batches_tracked_{"num_batches_tracked", Tensor({1})} {
  weight_.value.fill(1.0f);
  running_var_.value.fill(1.0f);
}

void BatchNormLayer::take_over(ActivationLayer& relu) {
  if (!relu.is_relu()) throw std::logic_error(kind() + " can take over a ReLU only");
  relu.pass_through();
  relu_ = true;
}

Shape BatchNormLayer::output_shape(const Shape& input) const {
  if (input.size() != (images_ ? 4u : 2u) || input[1] != features_)
    throw std::invalid_argument(kind() + "(" + std::to_string(features_) + ") got input " +
                                shape_string(input));
  return input;
}

BatchNormShape BatchNormLayer::shape_of(const Shape& input) const {
  output_shape(input);
  return {input[0], features_, images_ ? input[2] * input[3] : 1};
}

const Tensor& BatchNormLayer::forward(const Tensor& x, const BatchContext& context) {
  shape_ = shape_of(x.shape());
  batch_stats_ = context.mode == Mode::train;
  group_ = context.group;
  if (batch_stats_) {
    batch_statistics(x.data(), shape_, kEps, group_, stats_);
    update_running_statistics();
  } else {
    running_statistics(running_mean_.value.data(), running_var_.value.data(), features_, kEps,
                       stats_);
  }
  input_ = x;
  output_.resize(x.shape());
  batch_norm_forward(x.data(), weight_.value.data(), bias_.value.data(), stats_, shape_, relu_,
                     output_.data());
  return output_;
}

void BatchNormLayer::update_running_statistics() {
  // PyTorch's update: the running variance takes the unbiased batch variance.
  const double unbiased = stats_.count > 1 ? stats_.count / (stats_.count - 1) : 1.0;
  for (int64_t c = 0; c < features_; ++c) {
    float& mean = running_mean_.value[c];
    float& var = running_var_.value[c];
    mean = static_cast<float>((1 - kMomentum) * mean + kMomentum * stats_.mean[c]);
    var = static_cast<float>((1 - kMomentum) * var + kMomentum * stats_.var[c] * unbiased);
  }
  num_batches_tracked_.value[0] += 1.0f;
}

const Tensor& BatchNormLayer::backward(const Tensor& dy, bool need_input_grad) {
  float* dx = nullptr;
  if (need_input_grad) {
    input_grad_.resize(dy.shape());
    dx = input_grad_.data();
  } else {
    input_grad_ = Tensor();
  }
  batch_norm_backward(dy.data(), input_.data(), weight_.value.data(), bias_.value.data(), stats_,
                      batch_stats_, relu_, shape_, group_, weight_.grad.data(), bias_.grad.data(),
                      dx);
  return input_grad_;
}

}  // namespace hpsweep
