// The registry of model types: for each `model.type`, its book width and depth, what it needs
// as input, and its network written as a layer list. Every network is data: one file in
// common/models/ per network (or family) holds its entry and the function that writes its
// layers, as a spec's `model.layers` would; the worker builds every type with one builder
// (worker/models/spec_network.cpp), and the limits count every type with one walk
// (common/layer_spec_estimate.h). The spec loader, the defaults, `describe`, the limits and the
// docs read this table; tests/test_model_registry.cpp checks it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/layer_spec.h"
#include "common/trial_config.h"

namespace hpsweep {

// The type whose network the spec writes (`model.layers`, common/layer_spec.h).
inline constexpr const char* kSequentialType = "sequential";
// d2l's RNNModel (common/models/rnn_lm.cpp).
inline constexpr const char* kRnnLmType = "rnn-lm";

struct ModelType {
  std::string name;
  int64_t width = 0, depth = 0;  // the book's, taken when the spec leaves them out
  bool needs_images = false;     // samples [C, H, W]
  bool needs_tokens = false;     // a text dataset's token stream (language models)
  bool small_gemm = false;       // made of small products (common/blas.h)
  int64_t book_input_size = 0;   // the book's image side, for docs and tests
  // The network of `config` (defaults applied) as a layer list, the form `model.layers`
  // writes: what the worker builds (worker/models/spec_network.cpp) and what the limits'
  // estimate walks (common/layer_spec_estimate.h). Null: no model (simulated), or one the
  // layer kinds cannot write yet (rnn-lm, whose recurrent layers have none): then
  // count_parameters counts it for `limits`, and the worker builds it by name
  // (worker/model_factory.cpp).
  LayerList (*write_layers)(const ModelConfig& config) = nullptr;
  double (*count_parameters)(const ModelConfig& config, int64_t outputs) = nullptr;
};

// Every model type, in the order error messages and docs list them.
const std::vector<ModelType>& model_types();
// nullptr when no type has this name.
const ModelType* find_model_type(const std::string& name);
std::vector<std::string> model_type_names();

// Whether every model of `types` is made of small products (LeNet), for blas_configure().
bool small_gemm_models(const std::vector<std::string>& types);

// `config` with an unset width (0) or depth (kDefaultDepth) replaced by the type's default.
ModelConfig with_model_defaults(ModelConfig config);

}  // namespace hpsweep
