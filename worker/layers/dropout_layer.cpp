#include "worker/layers/dropout_layer.h"

#include <stdexcept>

#include "common/rng.h"
#include "worker/kernels/dropout.h"

namespace hpsweep {

namespace {
constexpr uint64_t kDropoutStream = 0x64726f70;  // "drop"
}

const Tensor& DropoutLayer::forward(const Tensor& x, const BatchContext& context) {
  active_ = context.mode == Mode::train && p_ > 0.0;
  if (!active_) {
    input_ = x;
    return input_;
  }
  if (!context.sample_ids) throw std::logic_error("dropout in training needs sample ids");
  const int64_t batch = x.dim(0);
  const int64_t features = x.size() / batch;
  mask_.resize(x.shape());
  output_.resize(x.shape());
  const uint64_t key = counter_hash({context.seed, kDropoutStream, static_cast<uint64_t>(index()),
                                     static_cast<uint64_t>(context.epoch)});
  dropout_make_mask(key, context.sample_ids, batch, features, p_, mask_.data());
  dropout_apply(x.data(), mask_.data(), output_.data(), x.size());
  return output_;
}

const Tensor& DropoutLayer::backward(const Tensor& dy, bool) {
  if (!active_) {
    input_grad_ = dy;
    return input_grad_;
  }
  input_grad_.resize(dy.shape());
  dropout_apply(dy.data(), mask_.data(), input_grad_.data(), dy.size());
  return input_grad_;
}

}  // namespace hpsweep
