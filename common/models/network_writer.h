// Helpers to write the built-in networks (common/models/*.cpp) as the layer lists a spec's
// `model.layers` writes (common/layer_spec.h): every model type is data, built by one builder
// (worker/models/spec_network.cpp) and counted by one walk (common/layer_spec_estimate.h).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/layer_spec.h"
#include "common/trial_config.h"

// In a namespace of their own: the worker's layer makers (worker/blocks/layer_makers.h) have
// the same names for the layers themselves.
namespace hpsweep::writer {

// An argument's literal value, from a count or a rate alike.
struct Literal {
  Literal(double v) : value(v) {}
  Literal(int64_t v) : value(static_cast<double>(v)) {}
  Literal(int v) : value(v) {}
  double value;
};
using Arguments = std::vector<std::pair<std::string, Literal>>;

// A layer of `kind` with literal arguments: layer("conv2d", {{"out_channels", 6}, ...}).
LayerSpec layer(const std::string& kind, const Arguments& arguments = {});
// A layer whose argument `name` is the dataset's outputs (${outputs}), e.g. the classifier.
LayerSpec outputs_layer(const std::string& kind, const std::string& name,
                        const Arguments& arguments = {});
LayerSpec sequential(LayerList layers);
// d2l's Inception(c1, c2, c3, c4).
LayerSpec inception(int64_t c1, std::pair<int64_t, int64_t> c2, std::pair<int64_t, int64_t> c3,
                    int64_t c4);
// Conv2d(out, kernel, padding, stride), the layer_makers.h order.
LayerSpec conv(int64_t out, int64_t kernel, int64_t padding = 0, int64_t stride = 1);
LayerSpec max_pool(int64_t kernel, int64_t stride, int64_t padding = 0);

// The book's channel count scaled by config.width / book_width, rounded, at least 1: how
// `model.width` scales every channel count of a network (docs/models.md).
int64_t scaled(int64_t book_channels, const ModelConfig& config, int64_t book_width);

// Names each layer by its place ("layer 3", "layer 3.1") for messages: a built-in network has
// no file to point into.
LayerList placed(LayerList layers);

}  // namespace hpsweep::writer
