#include "worker/blocks/parallel_concat.h"

#include "worker/blocks/layer_makers.h"
#include "worker/kernels/concat.h"

namespace hpsweep {
namespace {

// A branch from its layers in order.
template <typename... Steps>
Branch branch_of(Steps... steps) {
  Branch result;
  (result.push_back(std::move(steps)), ...);
  return result;
}

BranchLayer named(std::string name, std::unique_ptr<Layer> layer) {
  return {std::move(name), std::move(layer)};
}

// The book's F.relu in Inception.forward: a step without a name.
BranchLayer functional_relu() {
  return {"", relu()};
}

}  // namespace

ParallelConcat::ParallelConcat(std::string kind, std::vector<Branch> branches)
    : kind_(std::move(kind)), branches_(std::move(branches)) {}

Shape ParallelConcat::output_shape(const Shape& input) const {
  std::vector<Shape> shapes;
  for (const Branch& branch : branches_) {
    Shape shape = input;
    for (const BranchLayer& step : branch) shape = step.layer->output_shape(shape);
    shapes.push_back(shape);
  }
  return concat_shape(shapes, 1);
}

const Tensor& ParallelConcat::forward(const Tensor& x, const BatchContext& context) {
  std::vector<const Tensor*> parts;
  channels_.clear();
  stop_ = context.stop;
  for (Branch& branch : branches_) {
    const Tensor* current = &x;
    for (BranchLayer& step : branch) {
      throw_if_stopped(stop_);
      current = &step.layer->forward(*current, context);
    }
    parts.push_back(current);
    channels_.push_back(current->dim(1));
  }
  concat(parts, 1, output_);
  return output_;
}

const Tensor& ParallelConcat::backward(const Tensor& dy, bool need_input_grad) {
  int64_t begin = 0;
  bool first = true;
  for (size_t i = 0; i < branches_.size(); ++i) {
    slice_axis(dy, 1, begin, begin + channels_[i], branch_grad_);
    begin += channels_[i];
    const Tensor* grad = &branch_grad_;
    for (size_t j = branches_[i].size(); j-- > 0;) {
      throw_if_stopped(stop_);
      grad = &branches_[i][j].layer->backward(*grad, j > 0 || need_input_grad);
    }
    if (!need_input_grad) continue;
    if (first) {
      input_grad_.resize(grad->shape());
      std::copy(grad->data(), grad->data() + grad->size(), input_grad_.data());
      first = false;
    } else {
      for (int64_t k = 0; k < grad->size(); ++k) input_grad_[k] += (*grad)[k];
    }
  }
  if (!need_input_grad) input_grad_ = Tensor();
  return input_grad_;
}

std::vector<ChildLayer> ParallelConcat::children() const {
  std::vector<ChildLayer> result;
  for (const Branch& branch : branches_)
    for (const BranchLayer& step : branch)
      if (!step.name.empty()) result.push_back({step.name, step.layer.get()});
  return result;
}

std::unique_ptr<ParallelConcat> inception_block(int64_t in, int64_t c1,
                                                std::pair<int64_t, int64_t> c2,
                                                std::pair<int64_t, int64_t> c3, int64_t c4) {
  std::vector<Branch> branches;
  branches.push_back(branch_of(named("p1_1", conv2d(in, c1, 1)), functional_relu()));
  branches.push_back(branch_of(named("p2_1", conv2d(in, c2.first, 1)), functional_relu(),
                               named("p2_2", conv2d(c2.first, c2.second, 3, 1)),
                               functional_relu()));
  branches.push_back(branch_of(named("p3_1", conv2d(in, c3.first, 1)), functional_relu(),
                               named("p3_2", conv2d(c3.first, c3.second, 5, 2)),
                               functional_relu()));
  branches.push_back(branch_of(named("p4_1", max_pool(3, 1, 1)), named("p4_2", conv2d(in, c4, 1)),
                               functional_relu()));
  return std::make_unique<ParallelConcat>("Inception", std::move(branches));
}

}  // namespace hpsweep
