#include "worker/models/tiny_ssd.h"

#include <algorithm>
#include <stdexcept>

#include "common/error.h"
#include "common/models/tiny_ssd.h"
#include "worker/blocks/layer_makers.h"
#include "worker/blocks/sequential_block.h"
#include "worker/detection/anchors.h"

namespace hpsweep {
namespace {

// d2l's down_sample_blk: two conv3x3-BN-ReLU, then a 2x2 max pool that halves the map.
std::unique_ptr<SequentialBlock> down_sample_block(int64_t in, int64_t out) {
  return sequential(conv2d(in, out, 3, 1), batch_norm2d(out), relu(), conv2d(out, out, 3, 1),
                    batch_norm2d(out), relu(), max_pool(2, 2));
}

// Copies between a predictor's [B, P, H, W] output and its part of the model's rows, where
// pixel (h, w)'s P values are contiguous (the book's permute(0, 2, 3, 1).flatten(1)).
void to_rows(const Tensor& nchw, int64_t offset, int64_t row_size, Tensor& rows) {
  const int64_t batch = nchw.dim(0), p = nchw.dim(1), pixels = nchw.dim(2) * nchw.dim(3);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < p; ++c)
      for (int64_t q = 0; q < pixels; ++q)
        rows[b * row_size + offset + q * p + c] = nchw[(b * p + c) * pixels + q];
}

void from_rows(const Tensor& rows, int64_t offset, int64_t row_size, Tensor& nchw) {
  const int64_t batch = nchw.dim(0), p = nchw.dim(1), pixels = nchw.dim(2) * nchw.dim(3);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < p; ++c)
      for (int64_t q = 0; q < pixels; ++q)
        nchw[(b * p + c) * pixels + q] = rows[b * row_size + offset + q * p + c];
}

}  // namespace

TinySsd::TinySsd(const ModelConfig& config, const Shape& sample_shape, int64_t classes)
    : classes_(classes), per_pixel_(tiny_ssd_anchors_per_pixel()) {
  if (config.depth < 1)
    throw UserError("model.depth: tiny-ssd needs at least one scale, got " +
                    std::to_string(config.depth));
  const std::vector<int64_t> channels = tiny_ssd_block_channels(config);
  if (config.anchor_size_min > config.anchor_size_max)
    throw UserError("model.anchor_size_min: tiny-ssd's smallest anchor size " +
                    std::to_string(config.anchor_size_min) + " is above its largest " +
                    std::to_string(config.anchor_size_max) + " (model.anchor_size_max)");
  const std::vector<std::vector<float>> sizes = tiny_ssd_anchor_sizes(config);
  const std::vector<float> ratios = tiny_ssd_anchor_ratios(config);
  Shape shape = {1, sample_shape[0], sample_shape[1], sample_shape[2]};  // a batch of one
  int64_t in = sample_shape[0];
  auto base = std::make_unique<SequentialBlock>();
  for (int64_t scale = 0; scale < config.depth; ++scale) {
    std::unique_ptr<Layer> block;
    if (scale == 0) {
      for (int64_t b = 0; b <= tiny_ssd_scale_block(0); ++b) {
        base->add(down_sample_block(in, channels[b]));
        in = channels[b];
      }
      block = std::move(base);
    } else if (scale + 1 < config.depth) {
      const int64_t out = channels[tiny_ssd_scale_block(scale)];
      block = down_sample_block(in, out);
      in = out;
    } else {
      block = max_pool(shape[2], shape[2]);  // d2l's AdaptiveMaxPool2d((1, 1)) on a square map
    }
    shape = block->output_shape(shape);
    sides_.push_back(shape[2]);
    const std::vector<Box> anchors = multibox_prior(shape[2], shape[3], sizes[scale], ratios);
    anchors_.insert(anchors_.end(), anchors.begin(), anchors.end());
    scales_.push_back({std::move(block), conv2d(in, per_pixel_ * (classes + 1), 3, 1),
                       conv2d(in, per_pixel_ * 4, 3, 1)});
  }
}

Shape TinySsd::output_shape(const Shape& input) const {
  return {input[0], static_cast<int64_t>(anchors_.size()) * (classes_ + 1 + 4)};
}

const Tensor& TinySsd::forward(const Tensor& x, const BatchContext& context) {
  stop_ = context.stop;
  const int64_t row = static_cast<int64_t>(anchors_.size()) * (classes_ + 1 + 4);
  output_.resize({x.dim(0), row});
  int64_t cls_offset = 0, box_offset = static_cast<int64_t>(anchors_.size()) * (classes_ + 1);
  const Tensor* features = &x;
  for (Scale& s : scales_) {
    throw_if_stopped(stop_);
    features = &s.block->forward(*features, context);
    const Tensor& cls = s.cls->forward(*features, context);
    to_rows(cls, cls_offset, row, output_);
    cls_offset += cls.size() / x.dim(0);
    const Tensor& bbox = s.bbox->forward(*features, context);
    to_rows(bbox, box_offset, row, output_);
    box_offset += bbox.size() / x.dim(0);
  }
  return output_;
}

const Tensor& TinySsd::backward(const Tensor& dy, bool need_input_grad) {
  const int64_t batch = dy.dim(0), row = dy.dim(1);
  const int64_t cls_total = static_cast<int64_t>(anchors_.size()) * (classes_ + 1);
  int64_t cls_offset = cls_total, box_offset = row;  // walked backwards from the ends
  const Tensor* from_deeper = nullptr;  // d loss / d this scale's features via deeper scales
  for (size_t i = scales_.size(); i-- > 0;) {
    throw_if_stopped(stop_);
    Scale& s = scales_[i];
    const int64_t pixels = sides_[i] * sides_[i];
    cls_offset -= pixels * per_pixel_ * (classes_ + 1);
    box_offset -= pixels * per_pixel_ * 4;
    part_grad_.resize({batch, per_pixel_ * (classes_ + 1), sides_[i], sides_[i]});
    from_rows(dy, cls_offset, row, part_grad_);
    const Tensor& via_cls = s.cls->backward(part_grad_, true);
    feature_grad_.resize(via_cls.shape());
    std::copy(via_cls.data(), via_cls.data() + via_cls.size(), feature_grad_.data());
    part_grad_.resize({batch, per_pixel_ * 4, sides_[i], sides_[i]});
    from_rows(dy, box_offset, row, part_grad_);
    const Tensor& via_box = s.bbox->backward(part_grad_, true);
    for (int64_t k = 0; k < feature_grad_.size(); ++k) feature_grad_[k] += via_box[k];
    if (from_deeper)
      for (int64_t k = 0; k < feature_grad_.size(); ++k) feature_grad_[k] += (*from_deeper)[k];
    from_deeper = &s.block->backward(feature_grad_, i > 0 || need_input_grad);
  }
  return *from_deeper;
}

// In the order the book's __init__ sets them, which is its state_dict's order.
std::vector<ChildLayer> TinySsd::children() const {
  std::vector<ChildLayer> result;
  for (size_t i = 0; i < scales_.size(); ++i) {
    const std::string n = std::to_string(i);
    result.push_back({"blk_" + n, scales_[i].block.get()});
    result.push_back({"cls_" + n, scales_[i].cls.get()});
    result.push_back({"bbox_" + n, scales_[i].bbox.get()});
  }
  return result;
}

Model build_tiny_ssd(const ModelConfig& config, const Shape& sample_shape, int64_t classes) {
  if (sample_shape.size() != 3)
    throw UserError("model.type: tiny-ssd needs images [C, H, W], got samples " +
                    shape_string(sample_shape));
  std::unique_ptr<TinySsd> ssd;
  try {
    ssd = std::make_unique<TinySsd>(config, sample_shape, classes);
  } catch (const UserError& e) {
    throw UserError("model: tiny-ssd (width " + std::to_string(config.width) + ", depth " +
                    std::to_string(config.depth) + ") does not fit input " +
                    shape_string(sample_shape) + ": " + e.what() +
                    " (a larger dataset.input_size or a smaller model.depth)");
  }
  Model model;
  model.add(std::move(ssd), "");
  model.pack_gradients();
  return model;
}

const TinySsd& tiny_ssd_block(const Model& model) {
  for (const auto& layer : model.layers())
    if (auto* ssd = dynamic_cast<const TinySsd*>(layer.get())) return *ssd;
  throw std::logic_error("not a tiny-ssd model");
}

}  // namespace hpsweep
