#include "worker/models/spec_network.h"

#include <stdexcept>

#include "common/error.h"
#include "worker/blocks/dense_block.h"
#include "worker/blocks/layer_makers.h"
#include "worker/blocks/parallel_concat.h"
#include "worker/blocks/residual_block.h"
#include "worker/blocks/sequential_block.h"
#include "worker/layers/activation_layer.h"

namespace hpsweep {
namespace {

bool is_image_layer(const std::string& kind) {
  return kind == "conv2d" || kind == "max_pool2d" || kind == "avg_pool2d" ||
         kind == "adaptive_avg_pool2d" || kind == "residual" || kind == "inception" ||
         kind == "dense_block" || kind == "transition";
}

// Builds the layers a LayerList writes, one after another, tracking the shape (batch of 1)
// each layer's output will have, so that channels and features come from the input as
// PyTorch's Lazy layers take them, and a layer that does not fit is named with its shapes.
class SpecNetworkBuilder {
 public:
  SpecNetworkBuilder(const ModelConfig& config, int64_t outputs)
      : config_(config), outputs_(outputs) {}

  // Appends every layer of `list` to `add`, starting from `shape`, which becomes their output.
  template <typename Add>
  void build(const LayerList& list, Shape& shape, Add add) {
    for (const LayerSpec& layer : list)
      for (int64_t r = layer_repeat(layer, config_, outputs_); r > 0; --r) {
        std::unique_ptr<Layer> made = make(layer, shape);
        try {
          shape = made->output_shape(shape);
        } catch (const std::invalid_argument& e) {
          throw misfit(layer, shape, e.what());
        } catch (const UserError& e) {
          throw misfit(layer, shape, e.what());
        }
        add(std::move(made));
      }
  }

 private:
  UserError misfit(const LayerSpec& layer, const Shape& shape, const std::string& why) const {
    return UserError(
        layer_message(layer, "does not fit its input " + sample_text(shape) + ": " + why));
  }

  // "16x5x5": the shape without its batch axis.
  static std::string sample_text(const Shape& shape) {
    std::string text;
    for (size_t i = 1; i < shape.size(); ++i) text += (i > 1 ? "x" : "") + std::to_string(shape[i]);
    return text;
  }

  int64_t integer(const LayerSpec& layer, const char* name) const {
    return layer_integer(layer, name, config_, outputs_);
  }

  // A given in_channels, in_features or num_features must be what the input has.
  void check_input_size(const LayerSpec& layer, const char* name, int64_t actual,
                        const Shape& shape) const {
    const int64_t given = integer(layer, name);
    const char* unit = shape.size() == 4 ? " channels" : " features";
    if (given != 0 && given != actual)
      throw UserError(layer_message(layer, std::string(name) + " is " + std::to_string(given) +
                                               ", but its input " + sample_text(shape) + " has " +
                                               std::to_string(actual) + unit));
  }

  std::unique_ptr<Layer> make(const LayerSpec& layer, const Shape& shape) {
    const std::string& kind = layer.kind;
    if (is_image_layer(kind) && shape.size() != 4)
      throw UserError(
          layer_message(layer, "needs images [C, H, W], got input " + sample_text(shape)));
    if (kind == "linear" && shape.size() != 2)
      throw UserError(layer_message(
          layer, "needs features, got input " + sample_text(shape) + " (add a flatten before it)"));
    const int64_t in = shape[1];
    if (kind == "conv2d") {
      check_input_size(layer, "in_channels", in, shape);
      return conv2d(in, integer(layer, "out_channels"), integer(layer, "kernel_size"),
                    integer(layer, "padding"), integer(layer, "stride"));
    }
    if (kind == "linear") {
      check_input_size(layer, "in_features", in, shape);
      return linear(in, integer(layer, "out_features"));
    }
    if (kind == "batch_norm") {
      check_input_size(layer, "num_features", in, shape);
      return shape.size() == 4 ? batch_norm2d(in) : batch_norm1d(in);
    }
    if (kind == "relu") return relu();
    if (kind == "sigmoid") return sigmoid();
    if (kind == "tanh") return std::make_unique<ActivationLayer>(Activation::tanh);
    if (kind == "max_pool2d" || kind == "avg_pool2d") {
      const int64_t k = integer(layer, "kernel_size"), stride = integer(layer, "stride");
      const auto pool = kind == "max_pool2d" ? max_pool : avg_pool;
      return pool(k, stride ? stride : k, integer(layer, "padding"));
    }
    if (kind == "adaptive_avg_pool2d") return global_avg_pool();
    if (kind == "dropout") return dropout(layer_real(layer, "p", config_, outputs_));
    if (kind == "flatten") return flatten();
    if (kind == "residual")
      return std::make_unique<ResidualBlock>(in, integer(layer, "num_channels"),
                                             layer_flag(layer, "use_1x1conv", config_, outputs_),
                                             integer(layer, "strides"));
    if (kind == "inception")
      return inception_block(in, integer(layer, "c1"), layer_pair(layer, "c2", config_, outputs_),
                             layer_pair(layer, "c3", config_, outputs_), integer(layer, "c4"));
    if (kind == "dense_block")
      return std::make_unique<DenseBlock>(in, integer(layer, "num_convs"),
                                          integer(layer, "num_channels"));
    if (kind == "transition") return transition_block(in, integer(layer, "num_channels"));
    if (kind == "sequential") {
      auto block = std::make_unique<SequentialBlock>();
      Shape inner = shape;
      build(layer.layers, inner, [&](std::unique_ptr<Layer> l) { block->add(std::move(l)); });
      return block;
    }
    throw Error("no builder for layer kind " + kind);
  }

  const ModelConfig& config_;
  int64_t outputs_;
};

}  // namespace

Model build_sequential(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  if (!config.layers) throw UserError("model.type: sequential needs `model.layers`");
  Model model;
  Shape shape = sample_shape;
  shape.insert(shape.begin(), 1);
  SpecNetworkBuilder(config, outputs).build(*config.layers, shape, [&](std::unique_ptr<Layer> l) {
    model.add(std::move(l));
  });
  const Shape expected = {1, outputs};
  if (shape != expected)
    throw UserError(
        config.layers->back().place + ": model.layers: the network's output is " +
        shape_string(Shape(shape.begin() + 1, shape.end())) + " per sample; it must be [" +
        std::to_string(outputs) +
        "], the dataset's outputs (end with a linear layer of out_features: ${outputs})");
  model.pack_gradients();
  return model;
}

}  // namespace hpsweep
