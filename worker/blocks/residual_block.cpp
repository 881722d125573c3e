#include "worker/blocks/residual_block.h"

#include "worker/blocks/layer_makers.h"
#include "worker/layers/batch_norm_layer.h"

namespace hpsweep {
namespace {

// out = a + b, element-wise, over raw pointers: Tensor::size() in the loop condition is an
// out-of-line call per element, which also kept the loop from vectorizing.
void add(const Tensor& a, const Tensor& b, Tensor& out) {
  const int64_t n = out.size();
  const float* __restrict pa = a.data();
  const float* __restrict pb = b.data();
  float* __restrict po = out.data();
  for (int64_t i = 0; i < n; ++i) po[i] = pa[i] + pb[i];
}

}  // namespace

ResidualBlock::ResidualBlock(int64_t in_channels, int64_t channels, bool use_1x1conv,
                             int64_t stride)
    : conv1_(conv2d(in_channels, channels, 3, 1, stride)),
      conv2_(conv2d(channels, channels, 3, 1)),
      conv3_(use_1x1conv ? conv2d(in_channels, channels, 1, 0, stride) : nullptr),
      bn2_(batch_norm2d(channels)) {
  auto bn1 = std::make_unique<BatchNormLayer>(channels, /*images=*/true);
  bn1->take_over(relu1_);  // bn1 applies relu1, as in a Sequential block
  bn1_ = std::move(bn1);
}

Shape ResidualBlock::output_shape(const Shape& input) const {
  const Shape main =
      bn2_->output_shape(conv2_->output_shape(bn1_->output_shape(conv1_->output_shape(input))));
  const Shape shortcut = conv3_ ? conv3_->output_shape(input) : input;
  if (main != shortcut)
    throw std::invalid_argument("Residual: the block's output " + shape_string(main) +
                                " does not match its shortcut " + shape_string(shortcut) +
                                " (use a 1x1 convolution)");
  return main;
}

const Tensor& ResidualBlock::forward(const Tensor& x, const BatchContext& context) {
  input_ = &x;
  stop_ = context.stop;
  const Tensor& y1 = relu1_.forward(bn1_->forward(conv1_->forward(x, context), context), context);
  throw_if_stopped(stop_);
  const Tensor& y2 = bn2_->forward(conv2_->forward(y1, context), context);
  const Tensor& shortcut = conv3_ ? conv3_->forward(x, context) : x;
  if (y2.shape() != shortcut.shape()) output_shape(x.shape());  // throws, naming both shapes
  sum_.resize(y2.shape());
  add(y2, shortcut, sum_);
  return relu_out_.forward(sum_, context);
}

const Tensor& ResidualBlock::backward(const Tensor& dy, bool need_input_grad) {
  const Tensor& d_sum = relu_out_.backward(dy, true);
  throw_if_stopped(stop_);
  const Tensor& d_main = conv1_->backward(
      bn1_->backward(relu1_.backward(conv2_->backward(bn2_->backward(d_sum, true), true), true),
                     true),
      need_input_grad);
  throw_if_stopped(stop_);
  const Tensor& d_shortcut = conv3_ ? conv3_->backward(d_sum, need_input_grad) : d_sum;
  if (!need_input_grad) {
    input_grad_ = Tensor();
    return input_grad_;
  }
  input_grad_.resize(input_->shape());
  add(d_main, d_shortcut, input_grad_);
  return input_grad_;
}

std::vector<ChildLayer> ResidualBlock::children() const {
  std::vector<ChildLayer> result = {{"conv1", conv1_.get()}, {"conv2", conv2_.get()}};
  if (conv3_) result.push_back({"conv3", conv3_.get()});
  result.push_back({"bn1", bn1_.get()});
  result.push_back({"bn2", bn2_.get()});
  return result;
}

}  // namespace hpsweep
