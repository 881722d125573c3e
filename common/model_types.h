// The registry of model types: for each `model.type`, its book width and depth (what they
// count is in a comment on each entry and in docs/models.md), what it needs as input, and how many
// parameters it has (for `limits`). The spec loader, the defaults, the limits and the docs read
// this table; the builders live in worker/models/ (worker/model_builders.h), joined to it by name.
//
// Why two halves: a builder makes layers (worker/), while the spec loader that validates
// `model.type` sits in common/, which must not link worker/. So the names, defaults and
// options are here, once, and tests/test_model_registry.cpp checks that every entry has a
// builder and every builder an entry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/trial_config.h"

namespace hpsweep {

// The type whose network the spec writes (`model.layers`, common/layer_spec.h).
inline constexpr const char* kSequentialType = "sequential";

// What a model sees of its dataset, for parameter estimates.
struct ModelInputs {
  double features;                    // per sample (pixels of an image)
  double outputs;                     // classes, or 1 for regression
  std::vector<int64_t> sample_shape;  // [C, H, W] for images, [features] otherwise
};

struct ModelType {
  std::string name;
  int64_t width = 0, depth = 0;  // the book's, taken when the spec leaves them out
  bool needs_images = false;     // samples [C, H, W]
  bool needs_tokens = false;     // a text dataset's token stream (language models)
  bool small_gemm = false;       // made of small products (common/blas.h)
  // The parameter count at the book's width and depth, 10 classes and the book's input size
  // (its side in pixels); 0 for the dense models, whose count follows their input.
  double book_parameters = 0;
  int64_t book_input_size = 0;
  // An estimate of the parameters of `config` (defaults applied) on `inputs`.
  double (*estimate_parameters)(const ModelType& type, const ModelConfig& config,
                                const ModelInputs& inputs) = nullptr;
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
