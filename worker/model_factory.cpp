#include "worker/model_factory.h"

#include <stdexcept>

#include "common/error.h"
#include "common/model_types.h"
#include "worker/model_builders.h"

namespace hpsweep {
namespace {

// A network over images: the input must be images, and a shape a layer cannot take is a
// network too deep for its input, reported with both.
Model build_image_model(ModelBuilder builder, const ModelConfig& config, const Shape& sample_shape,
                        int64_t outputs) {
  if (sample_shape.size() != 3)
    throw UserError("model.type: " + config.type + " needs images [C, H, W], got samples " +
                    shape_string(sample_shape));
  if (config.depth < 1)
    throw UserError("model.depth: " + config.type + " needs a depth of at least 1");
  const auto does_not_fit = [&](const char* why) {
    return UserError("model: " + config.type + " (width " + std::to_string(config.width) +
                     ", depth " + std::to_string(config.depth) + ") does not fit input " +
                     shape_string(sample_shape) + ": " + why +
                     " (a larger dataset.input_size or a smaller model.depth)");
  };
  // Layers report shapes they cannot take as invalid_argument (dense, batch norm, concat)
  // or UserError (convolution, pooling).
  try {
    return builder(config, sample_shape, outputs);
  } catch (const std::invalid_argument& e) {
    throw does_not_fit(e.what());
  } catch (const UserError& e) {
    throw does_not_fit(e.what());
  }
}

}  // namespace

Model build_model(const ModelConfig& given, const Shape& sample_shape, int64_t outputs) {
  const ModelConfig config = with_model_defaults(given);
  const ModelType* type = find_model_type(config.type);
  const ModelBuilder builder = find_model_builder(config.type);
  if (!type || !builder) throw UserError("model.type: unknown model '" + config.type + "'");
  if (type->needs_images) return build_image_model(builder, config, sample_shape, outputs);
  return builder(config, sample_shape, outputs);
}

std::string architecture_key(const ModelConfig& config, const Shape& sample_shape) {
  const ModelConfig m = with_model_defaults(config);
  const std::string layers = m.layers ? resolved_layers_text(*m.layers, m) : "";
  const ModelType* type = find_model_type(m.type);
  const std::string cell =
      type && type->needs_tokens ? ":" + m.cell + ":" + std::to_string(m.embedding) : "";
  return m.type + ":" + std::to_string(m.width) + ":" + std::to_string(m.depth) + ":" +
         shape_string(sample_shape) + layers + cell;
}

}  // namespace hpsweep
