#include "common/model_types.h"

#include <algorithm>

#include "common/layer_spec_estimate.h"

namespace hpsweep {
namespace {

// softmax, linear: Flatten, Linear(inputs, outputs).
double dense_parameters(const ModelType&, const ModelConfig&, const ModelInputs& in) {
  return (in.features + 1) * in.outputs;
}

// mlp: `depth` hidden layers of `width` units.
double mlp_parameters(const ModelType&, const ModelConfig& config, const ModelInputs& in) {
  const double width = static_cast<double>(config.width);
  const double depth = static_cast<double>(config.depth);
  if (depth == 0) return (in.features + 1) * in.outputs;
  return (in.features + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * in.outputs;
}

// The book's count times (width / book width)^2 and, deeper than the book's, depth / book depth.
double scaled_book_parameters(const ModelType& type, const ModelConfig& config,
                              const ModelInputs&) {
  const double scale = static_cast<double>(config.width) / static_cast<double>(type.width);
  const double deeper =
      std::max(1.0, static_cast<double>(config.depth) / static_cast<double>(type.depth));
  return type.book_parameters * scale * scale * deeper;
}

// DenseNet's channels grow with its depth too: the depth factor counts twice.
double scaled_book_parameters_depth_squared(const ModelType& type, const ModelConfig& config,
                                            const ModelInputs& inputs) {
  const double deeper =
      std::max(1.0, static_cast<double>(config.depth) / static_cast<double>(type.depth));
  return scaled_book_parameters(type, config, inputs) * deeper;
}

// sequential: the written layers, walked over the input's shape.
double written_parameters(const ModelType&, const ModelConfig& config, const ModelInputs& in) {
  if (!config.layers) return 0;
  return estimate_layer_parameters(*config.layers, config, in.sample_shape,
                                   static_cast<int64_t>(in.outputs));
}

// rnn-lm: the input (an embedding, or none for one-hot), `depth` stacked cells of `width`
// (PyTorch's four tensors per layer) and a Linear(width, vocabulary); outputs is the vocabulary.
double rnn_lm_parameters(const ModelType&, const ModelConfig& config, const ModelInputs& in) {
  const double gates = config.cell == "lstm" ? 4 : config.cell == "gru" ? 3 : 1;
  const double hidden = static_cast<double>(config.width);
  const double embedding = static_cast<double>(config.embedding);
  const double input = embedding > 0 ? embedding : in.outputs;
  double total = embedding * in.outputs + (hidden + 1) * in.outputs;
  for (int64_t layer = 0; layer < config.depth; ++layer)
    total += gates * hidden * ((layer == 0 ? input : hidden) + hidden + 2);
  return total;
}

double no_parameters(const ModelType&, const ModelConfig&, const ModelInputs&) {
  return 0;
}

std::vector<ModelType> make_model_types() {
  return {
      {.name = "softmax", .estimate_parameters = dense_parameters},
      {.name = "linear", .estimate_parameters = dense_parameters},
      // width: units per hidden layer; depth: hidden layers
      {.name = "mlp", .width = 256, .depth = 1, .estimate_parameters = mlp_parameters},
      // width: channels of the first conv; depth: hidden Linear layers
      {.name = "lenet",
       .width = 6,
       .depth = 2,
       .needs_images = true,
       .small_gemm = true,
       .book_parameters = 61706,
       .book_input_size = 28,
       .estimate_parameters = scaled_book_parameters},
      // width: channels of the first conv; depth: hidden Linear layers
      {.name = "lenet-bn",
       .width = 6,
       .depth = 2,
       .needs_images = true,
       .small_gemm = true,
       .book_parameters = 62158,
       .book_input_size = 28,
       .estimate_parameters = scaled_book_parameters},
      // width: channels of the first conv; depth: 3x3 convs of the third stage
      {.name = "alexnet",
       .width = 96,
       .depth = 3,
       .needs_images = true,
       .book_parameters = 46764746,
       .book_input_size = 224,
       .estimate_parameters = scaled_book_parameters},
      // width: channels of the first VGG block; depth: VGG blocks
      {.name = "vgg",
       .width = 64,
       .depth = 5,
       .needs_images = true,
       .book_parameters = 128807306,
       .book_input_size = 224,
       .estimate_parameters = scaled_book_parameters},
      // width: channels of the first NiN block; depth: NiN blocks before the classifier
      {.name = "nin",
       .width = 96,
       .depth = 3,
       .needs_images = true,
       .book_parameters = 1992166,
       .book_input_size = 224,
       .estimate_parameters = scaled_book_parameters},
      // width: channels of the first conv; depth: Inception stages
      {.name = "googlenet",
       .width = 64,
       .depth = 3,
       .needs_images = true,
       .book_parameters = 5977530,  // on one input channel, as every count here
       .book_input_size = 96,
       .estimate_parameters = scaled_book_parameters},
      // width: channels of the first stage; depth: residual blocks per stage
      {.name = "resnet",
       .width = 64,
       .depth = 2,
       .needs_images = true,
       .book_parameters = 11178378,
       .book_input_size = 96,
       .estimate_parameters = scaled_book_parameters},
      // width: channels of the first conv; depth: conv blocks per dense block
      {.name = "densenet",
       .width = 64,
       .depth = 4,
       .needs_images = true,
       .book_parameters = 758226,
       .book_input_size = 96,
       .estimate_parameters = scaled_book_parameters_depth_squared},
      // width: hidden size; depth: stacked recurrent layers (d2l 9.3's defaults, one layer of 256)
      {.name = "rnn-lm",
       .width = 256,
       .depth = 1,
       .needs_tokens = true,
       .estimate_parameters = rnn_lm_parameters},
      // The network `model.layers` writes; width and depth mean what its references make them.
      // (unset, they stay unset: a reference to one is an error).
      {.name = kSequentialType,
       .depth = ModelConfig::kDefaultDepth,
       .estimate_parameters = written_parameters},
      // No model: a synthetic learning curve (worker/simulated_trial.h).
      {.name = ModelConfig::kSimulatedType, .estimate_parameters = no_parameters},
  };
}

}  // namespace

const std::vector<ModelType>& model_types() {
  static const std::vector<ModelType> types = make_model_types();
  return types;
}

const ModelType* find_model_type(const std::string& name) {
  for (const ModelType& type : model_types())
    if (type.name == name) return &type;
  return nullptr;
}

std::vector<std::string> model_type_names() {
  std::vector<std::string> names;
  for (const ModelType& type : model_types()) names.push_back(type.name);
  return names;
}

bool small_gemm_models(const std::vector<std::string>& types) {
  if (types.empty()) return false;
  return std::all_of(types.begin(), types.end(), [](const std::string& name) {
    const ModelType* type = find_model_type(name);
    return type && type->small_gemm;
  });
}

ModelConfig with_model_defaults(ModelConfig config) {
  const ModelType* type = find_model_type(config.type);  // unknown: no width, no depth
  if (config.width == 0) config.width = type ? type->width : 0;
  if (config.depth == ModelConfig::kDefaultDepth) config.depth = type ? type->depth : 0;
  return config;
}

}  // namespace hpsweep
