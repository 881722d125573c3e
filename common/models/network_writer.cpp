#include "common/models/network_writer.h"

#include <algorithm>
#include <cmath>

namespace hpsweep::writer {
namespace {

LayerArgument literal(const std::string& name, double value) {
  return {name, {LayerNumber{value, ""}}};
}

void place(LayerList& layers, const std::string& prefix) {
  for (size_t i = 0; i < layers.size(); ++i) {
    layers[i].path = prefix + std::to_string(i);
    place(layers[i].layers, layers[i].path + ".");
  }
}

}  // namespace

LayerSpec layer(const std::string& kind, const Arguments& arguments) {
  LayerSpec spec;
  spec.kind = kind;
  for (const auto& [name, value] : arguments) spec.arguments.push_back(literal(name, value.value));
  return spec;
}

LayerSpec outputs_layer(const std::string& kind, const std::string& name,
                        const Arguments& arguments) {
  LayerSpec spec = layer(kind, arguments);
  spec.arguments.insert(spec.arguments.begin(), {name, {LayerNumber{0, "outputs"}}});
  return spec;
}

LayerSpec sequential(LayerList layers) {
  LayerSpec spec = layer("sequential");
  spec.layers = std::move(layers);
  return spec;
}

LayerSpec inception(int64_t c1, std::pair<int64_t, int64_t> c2, std::pair<int64_t, int64_t> c3,
                    int64_t c4) {
  const auto pair = [](const char* name, std::pair<int64_t, int64_t> p) {
    return LayerArgument{name,
                         {LayerNumber{static_cast<double>(p.first), ""},
                          LayerNumber{static_cast<double>(p.second), ""}}};
  };
  LayerSpec spec = layer("inception", {{"c1", c1}, {"c4", c4}});
  spec.arguments.push_back(pair("c2", c2));
  spec.arguments.push_back(pair("c3", c3));
  return spec;
}

LayerSpec conv(int64_t out, int64_t kernel, int64_t padding, int64_t stride) {
  return layer(
      "conv2d",
      {{"out_channels", out}, {"kernel_size", kernel}, {"padding", padding}, {"stride", stride}});
}

LayerSpec max_pool(int64_t kernel, int64_t stride, int64_t padding) {
  return layer("max_pool2d", {{"kernel_size", kernel}, {"stride", stride}, {"padding", padding}});
}

int64_t scaled(int64_t book_channels, const ModelConfig& config, int64_t book_width) {
  const double channels = static_cast<double>(book_channels) * static_cast<double>(config.width) /
                          static_cast<double>(book_width);
  return std::max<int64_t>(1, std::llround(channels));
}

LayerList placed(LayerList layers) {
  place(layers, "layer ");
  return layers;
}

}  // namespace hpsweep::writer
