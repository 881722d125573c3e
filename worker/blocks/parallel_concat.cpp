#include "worker/blocks/parallel_concat.h"

#include "worker/blocks/layer_makers.h"
#include "worker/blocks/sequential_block.h"
#include "worker/kernels/concat.h"

namespace hpsweep {

ParallelConcat::ParallelConcat(std::string kind, std::vector<NamedBranch> branches)
    : kind_(std::move(kind)), branches_(std::move(branches)) {}

Shape ParallelConcat::output_shape(const Shape& input) const {
  std::vector<Shape> shapes;
  for (const NamedBranch& b : branches_) shapes.push_back(b.layer->output_shape(input));
  return concat_shape(shapes, 1);
}

const Tensor& ParallelConcat::forward(const Tensor& x, const BatchContext& context) {
  std::vector<const Tensor*> parts;
  channels_.clear();
  stop_ = context.stop;
  for (NamedBranch& b : branches_) {
    throw_if_stopped(stop_);
    parts.push_back(&b.layer->forward(x, context));
    channels_.push_back(parts.back()->dim(1));
  }
  concat(parts, 1, output_);
  return output_;
}

const Tensor& ParallelConcat::backward(const Tensor& dy, bool need_input_grad) {
  int64_t begin = 0;
  bool first = true;
  for (size_t i = 0; i < branches_.size(); ++i) {
    throw_if_stopped(stop_);
    slice_axis(dy, 1, begin, begin + channels_[i], branch_grad_);
    begin += channels_[i];
    const Tensor& dx = branches_[i].layer->backward(branch_grad_, need_input_grad);
    if (!need_input_grad) continue;
    if (first) {
      input_grad_.resize(dx.shape());
      std::copy(dx.data(), dx.data() + dx.size(), input_grad_.data());
      first = false;
    } else {
      for (int64_t j = 0; j < dx.size(); ++j) input_grad_[j] += dx[j];
    }
  }
  if (!need_input_grad) input_grad_ = Tensor();
  return input_grad_;
}

std::vector<ChildLayer> ParallelConcat::children() const {
  std::vector<ChildLayer> result;
  for (const NamedBranch& b : branches_) result.push_back({b.name, b.layer.get()});
  return result;
}

std::unique_ptr<ParallelConcat> inception_block(int64_t in, int64_t c1,
                                                std::pair<int64_t, int64_t> c2,
                                                std::pair<int64_t, int64_t> c3, int64_t c4) {
  std::vector<NamedBranch> branches;
  branches.push_back({"p1", sequential(conv2d(in, c1, 1), relu())});
  branches.push_back({"p2", sequential(conv2d(in, c2.first, 1), relu(),
                                       conv2d(c2.first, c2.second, 3, 1), relu())});
  branches.push_back({"p3", sequential(conv2d(in, c3.first, 1), relu(),
                                       conv2d(c3.first, c3.second, 5, 2), relu())});
  branches.push_back({"p4", sequential(max_pool(3, 1, 1), conv2d(in, c4, 1), relu())});
  return std::make_unique<ParallelConcat>("Inception", std::move(branches));
}

}  // namespace hpsweep
