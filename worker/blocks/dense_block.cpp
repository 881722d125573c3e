#include "worker/blocks/dense_block.h"

#include "worker/blocks/layer_makers.h"
#include "worker/kernels/concat.h"

namespace hpsweep {

DenseBlock::DenseBlock(int64_t in_channels, int64_t convs, int64_t growth)
    : in_channels_(in_channels), growth_(growth), net_(std::make_unique<SequentialBlock>()) {
  for (int64_t i = 0; i < convs; ++i) {
    const int64_t in = in_channels + i * growth;
    net_->add(sequential(batch_norm2d(in), relu(), conv2d(in, growth, 3, 1)));
  }
  features_.resize(convs);
}

int64_t DenseBlock::out_channels() const {
  return in_channels_ + static_cast<int64_t>(net_->size()) * growth_;
}

Shape DenseBlock::output_shape(const Shape& input) const {
  Shape shape = input;
  for (size_t i = 0; i < net_->size(); ++i)
    shape = concat_shape({shape, (*net_)[i].output_shape(shape)}, 1);
  return shape;
}

const Tensor& DenseBlock::forward(const Tensor& x, const BatchContext& context) {
  input_ = &x;
  const Tensor* current = &x;
  stop_ = context.stop;
  for (size_t i = 0; i < net_->size(); ++i) {
    throw_if_stopped(stop_);
    concat({current, &(*net_)[i].forward(*current, context)}, 1, features_[i]);
    current = &features_[i];
  }
  return *current;
}

const Tensor& DenseBlock::backward(const Tensor& dy, bool need_input_grad) {
  // grad_ holds dL/dX_{i+1}; its first channels flow straight to X_i, the rest through conv i.
  grad_.resize(dy.shape());
  std::copy(dy.data(), dy.data() + dy.size(), grad_.data());
  for (size_t i = net_->size(); i-- > 0;) {
    throw_if_stopped(stop_);
    const int64_t earlier = grad_.dim(1) - growth_;
    slice_axis(grad_, 1, earlier, grad_.dim(1), new_grad_);
    const bool need = i > 0 || need_input_grad;
    const Tensor& through_conv = (*net_)[i].backward(new_grad_, need);
    if (!need) break;
    slice_axis(grad_, 1, 0, earlier, earlier_grad_);
    for (int64_t j = 0; j < earlier_grad_.size(); ++j) earlier_grad_[j] += through_conv[j];
    std::swap(grad_, earlier_grad_);
  }
  if (!need_input_grad) grad_ = Tensor();
  return grad_;
}

std::vector<ChildLayer> DenseBlock::children() const {
  return {{"net", net_.get()}};
}

std::unique_ptr<SequentialBlock> transition_block(int64_t in, int64_t out) {
  return sequential(batch_norm2d(in), relu(), conv2d(in, out, 1), avg_pool(2, 2));
}

}  // namespace hpsweep
