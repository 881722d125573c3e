#include "common/layer_spec_estimate.h"

#include <cmath>

#include "common/error.h"
#include "common/trial_config.h"

namespace hpsweep {
namespace {

// A sample's shape as doubles ([C, H, W] or [F]); empty once a layer does not fit.
using Dims = std::vector<double>;

double window_size(double in, double kernel, double stride, double padding) {
  return std::floor((in + 2 * padding - kernel) / stride) + 1;
}

double conv_parameters(double in, double out, double kernel) {
  return out * in * kernel * kernel + out;
}

class Walk {
 public:
  Walk(const ModelConfig& config, int64_t outputs) : config_(config), outputs_(outputs) {}

  // Adds the parameters of `layers` applied to `dims`, which becomes their output. A layer
  // that keeps its input's shape adds the same again at each repeat, so its remaining repeats
  // are counted at once.
  void layers(const LayerList& list, Dims& dims) {
    for (const LayerSpec& layer : list) {
      const int64_t repeats = layer_repeat(layer, config_, outputs_);
      for (int64_t r = 0; r < repeats && !dims.empty(); ++r) {
        const Dims before = dims;
        const double parameters_before = parameters, layers_before = layer_count;
        one(layer, dims);
        if (dims == before) {
          const double rest = static_cast<double>(repeats - 1 - r);
          parameters += rest * (parameters - parameters_before);
          layer_count += rest * (layer_count - layers_before);
          break;
        }
      }
      if (layer_count > kMaxLayers)
        throw UserError(layer_message(
            layer, "the network would have more than " + std::to_string(int64_t(kMaxLayers)) +
                       " layers (repeats and nested layers counted)"));
    }
  }

  double parameters = 0;
  double layer_count = 0;

 private:
  int64_t integer(const LayerSpec& layer, const char* name) {
    return layer_integer(layer, name, config_, outputs_);
  }

  // Shrinks H and W as a window (conv or pool) would; false when they vanish.
  bool window(Dims& dims, double kernel, double stride, double padding) {
    dims[1] = window_size(dims[1], kernel, stride, padding);
    dims[2] = window_size(dims[2], kernel, stride, padding);
    return dims[1] >= 1 && dims[2] >= 1;
  }

  void one(const LayerSpec& layer, Dims& dims) {
    ++layer_count;
    const std::string& kind = layer.kind;
    const bool images = dims.size() == 3;
    const double channels = dims[0];
    bool fits = true;
    if (kind == "sequential") {
      layers(layer.layers, dims);
      return;
    } else if (kind == "linear") {
      double in = 1;
      for (double d : dims) in *= d;
      const double out = static_cast<double>(integer(layer, "out_features"));
      parameters += in * out + out;
      fits = dims.size() == 1;
      dims = {out};
    } else if (kind == "batch_norm") {
      parameters += 2 * channels;
    } else if (kind == "flatten") {
      double features = 1;
      for (double d : dims) features *= d;
      dims = {features};
    } else if (!images) {
      fits = kind == "relu" || kind == "sigmoid" || kind == "tanh" || kind == "dropout";
    } else if (kind == "conv2d") {
      const double out = static_cast<double>(integer(layer, "out_channels"));
      const double k = static_cast<double>(integer(layer, "kernel_size"));
      parameters += conv_parameters(channels, out, k);
      dims[0] = out;
      fits = window(dims, k, static_cast<double>(integer(layer, "stride")),
                    static_cast<double>(integer(layer, "padding")));
    } else if (kind == "max_pool2d" || kind == "avg_pool2d") {
      const double k = static_cast<double>(integer(layer, "kernel_size"));
      const int64_t stride = integer(layer, "stride");
      fits = window(dims, k, stride ? static_cast<double>(stride) : k,
                    static_cast<double>(integer(layer, "padding")));
    } else if (kind == "adaptive_avg_pool2d") {
      dims = {channels, 1, 1};
    } else if (kind == "residual") {
      const double c = static_cast<double>(integer(layer, "num_channels"));
      parameters += conv_parameters(channels, c, 3) + conv_parameters(c, c, 3) + 4 * c;
      if (layer_flag(layer, "use_1x1conv", config_, outputs_))
        parameters += conv_parameters(channels, c, 1);
      dims[0] = c;
      fits = window(dims, 3, static_cast<double>(integer(layer, "strides")), 1);
    } else if (kind == "inception") {
      const auto [c2a, c2b] = layer_pair(layer, "c2", config_, outputs_);
      const auto [c3a, c3b] = layer_pair(layer, "c3", config_, outputs_);
      const double c1 = static_cast<double>(integer(layer, "c1"));
      const double c4 = static_cast<double>(integer(layer, "c4"));
      parameters += conv_parameters(channels, c1, 1) + conv_parameters(channels, c2a, 1) +
                    conv_parameters(c2a, c2b, 3) + conv_parameters(channels, c3a, 1) +
                    conv_parameters(c3a, c3b, 5) + conv_parameters(channels, c4, 1);
      dims[0] = c1 + c2b + c3b + c4;
    } else if (kind == "dense_block") {
      const double growth = static_cast<double>(integer(layer, "num_channels"));
      for (int64_t i = 0; i < integer(layer, "num_convs"); ++i) {
        parameters += 2 * dims[0] + conv_parameters(dims[0], growth, 3);
        dims[0] += growth;
      }
    } else if (kind == "transition") {
      const double out = static_cast<double>(integer(layer, "num_channels"));
      parameters += 2 * channels + conv_parameters(channels, out, 1);
      dims[0] = out;
      fits = window(dims, 2, 2, 0);
    }
    if (!fits) dims.clear();
  }

  const ModelConfig& config_;
  int64_t outputs_;
};

}  // namespace

double estimate_layer_parameters(const LayerList& layers, const ModelConfig& config,
                                 const std::vector<int64_t>& sample_shape, int64_t outputs) {
  Walk walk(config, outputs);
  Dims dims(sample_shape.begin(), sample_shape.end());
  walk.layers(layers, dims);
  return walk.parameters;
}

}  // namespace hpsweep
