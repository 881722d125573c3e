#include "common/spec_limits.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/conditions.h"
#include "common/dataset_types.h"
#include "common/distribution_kinds.h"
#include "common/error.h"
#include "common/layer_spec_estimate.h"
#include "common/model_types.h"
#include "common/text_corpus.h"

namespace hpsweep {
namespace {

// Whether a later parameter's conditions name `path`: only then do its values change which
// parameters follow, and the count has to go through them one by one.
bool is_named_by_conditions(const SweepSpec& spec, const std::string& path) {
  for (const ParameterSpec& p : spec.parameters)
    for (const Condition& c : p.when)
      if (c.path == path) return true;
  return false;
}

// The grid's combinations from parameter order[level] on, times `factor`, added to `total`;
// stops once `total` passes `stop_above`, setting `cut` if any combinations were left.
void count_grid(const SweepSpec& spec, const std::vector<size_t>& order, size_t level,
                double factor, std::vector<SweptValue>& chosen, double& total, double stop_above,
                bool& cut) {
  if (total > stop_above) {
    cut = true;
    return;
  }
  if (level == order.size()) {
    total += factor;
    return;
  }
  const ParameterSpec& p = spec.parameters[order[level]];
  if (!conditions_hold(p, chosen))
    return count_grid(spec, order, level + 1, factor, chosen, total, stop_above, cut);
  if (!is_named_by_conditions(spec, p.path))
    return count_grid(spec, order, level + 1, factor * static_cast<double>(p.values.size()), chosen,
                      total, stop_above, cut);
  for (const ConfigValue& value : p.values) {
    chosen.push_back({p.path, value});
    count_grid(spec, order, level + 1, factor, chosen, total, stop_above, cut);
    chosen.pop_back();
  }
}

// The values `path` may take with model type `type`: the swept ones where its parameter may
// apply, the fixed one where it may not. Ranges give their maximum.
std::vector<int64_t> values_with_type(const SweepSpec& spec, const std::string& path,
                                      const std::string& type, int64_t fixed) {
  const auto p = std::find_if(spec.parameters.begin(), spec.parameters.end(),
                              [&](const ParameterSpec& q) { return q.path == path; });
  if (p == spec.parameters.end()) return {fixed};
  std::vector<int64_t> values;
  bool always = true, with_type = true;
  for (const Condition& c : p->when) {
    always = false;
    if (c.path == "model.type")
      with_type = std::find(c.values.begin(), c.values.end(), ConfigValue(type)) != c.values.end();
  }
  if (!always) values.push_back(fixed);
  if (!with_type) return values;
  if (p->values.empty()) values.push_back(static_cast<int64_t>(std::floor(value_bounds(*p).hi)));
  for (const ConfigValue& v : p->values) values.push_back(std::get<int64_t>(v));
  return values;
}

// A model's outputs on `dataset`: its classes (or the k of dataset.classes), a language
// model's vocabulary, else one (regression).
int64_t output_count(const DatasetConfig& dataset) {
  const DatasetType* set = find_dataset_type(dataset.name);
  if (!dataset.classes.empty()) return static_cast<int64_t>(dataset.classes.size());
  if (set && set->classes > 0) return set->classes;
  if (!set || !set->text) return 1;
  // The vocabulary is in the file only: numbered here as training numbers it. A path that is
  // not a regular file (missing, or a device that might never end) or not UTF-8 text counts
  // one output; training fails on it, naming the file, before any model is built.
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(dataset.path, ignored)) return 1;
  try {
    return load_text_corpus(dataset.path, text_corpus_options(dataset)).vocabulary.size();
  } catch (const UserError&) {
    return 1;
  }
}

double estimate_with_outputs(const ModelConfig& given, const DatasetConfig& dataset,
                             int64_t outputs) {
  const ModelType* type = find_model_type(given.type);
  if (!type || (!type->write_layers && !type->count_parameters)) return 0;
  const DatasetType* set = find_dataset_type(dataset.name);
  const int64_t side = dataset.input_size ? dataset.input_size : 28;
  const std::vector<int64_t> sample_shape =
      set && set->images
          ? std::vector<int64_t>{1, side, side}
          : std::vector<int64_t>{std::max<int64_t>(dataset.features ? dataset.features
                                                   : set            ? set->default_features
                                                                    : 1,
                                                   1)};
  const ModelConfig config = with_model_defaults(given);
  if (!type->write_layers) return type->count_parameters(config, outputs);
  return estimate_layer_parameters(type->write_layers(config), config, sample_shape, outputs);
}

}  // namespace

LargestModel largest_model(const SweepSpec& spec) {
  std::vector<std::string> types = {spec.base.model.type};
  for (const ParameterSpec& p : spec.parameters)
    if (p.path == "model.type") {
      types.clear();
      for (const ConfigValue& v : p.values) types.push_back(std::get<std::string>(v));
    }
  LargestModel largest;
  const int64_t outputs = output_count(spec.base.dataset);  // reads a text file once
  for (const std::string& type : types) {
    ModelConfig config = spec.base.model;
    config.type = type;
    for (int64_t width : values_with_type(spec, "model.width", type, spec.base.model.width))
      for (int64_t depth : values_with_type(spec, "model.depth", type, spec.base.model.depth)) {
        config.width = width;
        config.depth = depth;
        const double parameters = estimate_with_outputs(config, spec.base.dataset, outputs);
        if (parameters <= largest.parameters) continue;
        const ModelConfig book = with_model_defaults(ModelConfig{.type = type});
        const ModelConfig shaped = with_model_defaults(config);
        largest = {shaped, parameters,
                   type == kSequentialType     ? "model.layers"
                   : shaped.width > book.width ? "model.width"
                   : shaped.depth > book.depth ? "model.depth"
                                               : "model.type"};
      }
  }
  return largest;
}

TrialCount count_trials(const SweepSpec& spec, double stop_above) {
  double configurations = static_cast<double>(spec.run_cap);
  bool exact = true;
  if (spec.method == SearchMethod::grid) {
    std::vector<SweptValue> chosen;
    double total = 0;
    bool cut = false;
    count_grid(spec, dependency_order(spec.parameters), 0, 1, chosen, total, stop_above, cut);
    exact = !cut;
    if (spec.run_cap && spec.run_cap <= total) {
      total = static_cast<double>(spec.run_cap);
      exact = true;
    }
    configurations = total;
  }
  const double folds = static_cast<double>(std::max<int64_t>(spec.base.dataset.kfold, 1));
  return {configurations * static_cast<double>(spec.repeats) * folds, exact};
}

LargestData largest_data(const SweepSpec& spec) {
  const DatasetConfig& d = spec.base.dataset;
  const DatasetType* type = find_dataset_type(d.name);
  if (!type || !type->detection) return {};
  // The canvases count Fashion-MNIST's images unless a subset says otherwise.
  constexpr int64_t kTrainImages = 60000, kTestImages = 10000;
  const auto largest = [&](const std::string& path, int64_t fixed, int64_t unset) {
    int64_t most = 0;
    for (int64_t v : values_with_type(spec, path, spec.base.model.type, fixed))
      most = std::max(most, v > 0 ? v : unset);
    return most;
  };
  LargestData data;
  data.canvases = largest("dataset.train_subset", d.train_subset, kTrainImages) +
                  largest("dataset.test_subset", d.test_subset, kTestImages);
  data.side = largest("dataset.input_size", d.input_size, kDefaultCanvasSize);
  data.bytes = static_cast<double>(data.canvases) * static_cast<double>(data.side) *
               static_cast<double>(data.side) * sizeof(float);
  data.blame = data.side > kDefaultCanvasSize ? "dataset.input_size" : "dataset.train_subset";
  return data;
}

double estimate_parameters(const ModelConfig& config, const DatasetConfig& dataset) {
  return estimate_with_outputs(config, dataset, output_count(dataset));
}

}  // namespace hpsweep
