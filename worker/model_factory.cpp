#include "worker/model_factory.h"

#include <cstdio>
#include <stdexcept>

#include "common/error.h"
#include "common/model_types.h"
#include "common/models/network_writer.h"
#include "common/models/tiny_ssd.h"
#include "worker/models/rnn_lm.h"
#include "worker/models/spec_network.h"
#include "worker/models/tiny_ssd.h"

namespace hpsweep {
namespace {

// A network over images: the input must be images, and a shape a layer cannot take is a
// network too deep for its input, reported with both.
Model build_image_model(const ModelConfig& config, const Shape& sample_shape, int64_t outputs) {
  if (sample_shape.size() != 3)
    throw UserError("model.type: " + config.type + " needs images [C, H, W], got samples " +
                    shape_string(sample_shape));
  if (config.depth < 1)
    throw UserError("model.depth: " + config.type + " needs a depth of at least 1");
  try {
    return build_sequential(config, sample_shape, outputs);
  } catch (const UserError& e) {
    throw UserError("model: " + config.type + " (width " + std::to_string(config.width) +
                    ", depth " + std::to_string(config.depth) + ") does not fit input " +
                    shape_string(sample_shape) + ": " + e.what() +
                    " (a larger dataset.input_size or a smaller model.depth)");
  }
}

}  // namespace

Model build_model(const ModelConfig& given, const Shape& sample_shape, int64_t outputs) {
  ModelConfig config = with_model_defaults(given);
  const ModelType* type = find_model_type(config.type);
  // The one type the layer kinds cannot write yet (common/models/rnn_lm.cpp).
  if (config.type == kRnnLmType) return build_rnn_lm(config, sample_shape, outputs);
  // A detector's graph is not a layer list either (worker/models/tiny_ssd.h).
  if (config.type == kTinySsdType) return build_tiny_ssd(config, sample_shape, outputs);
  if (!type || !type->write_layers)
    throw UserError("model.type: unknown model '" + config.type + "'");
  if (config.type != kSequentialType)
    config.layers = std::make_shared<const LayerList>(writer::placed(type->write_layers(config)));
  if (type->needs_images) return build_image_model(config, sample_shape, outputs);
  return build_sequential(config, sample_shape, outputs);
}

std::string architecture_key(const ModelConfig& config, const Shape& sample_shape) {
  const ModelConfig m = with_model_defaults(config);
  const std::string layers = m.layers ? resolved_layers_text(*m.layers, m) : "";
  const ModelType* type = find_model_type(m.type);
  const std::string cell =
      type && type->needs_tokens ? ":" + m.cell + ":" + std::to_string(m.embedding) : "";
  const auto exact = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, ":%.17g", v);
    return std::string(text);
  };
  const std::string anchors =
      m.type == kTinySsdType
          ? exact(m.anchor_size_min) + exact(m.anchor_size_max) + exact(m.anchor_ratio)
          : "";
  return m.type + ":" + std::to_string(m.width) + ":" + std::to_string(m.depth) + ":" +
         shape_string(sample_shape) + layers + cell + anchors;
}

}  // namespace hpsweep
