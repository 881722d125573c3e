#include "common/language_model_rules.h"

#include <algorithm>

#include "common/dataset_types.h"
#include "common/model_types.h"

namespace hpsweep {
namespace {

// The values of `path` over the sweep: its swept values, or the fixed one.
std::vector<std::string> texts_over_sweep(const SweepSpec& spec, const std::string& path,
                                          const std::string& fixed) {
  for (const ParameterSpec& p : spec.parameters)
    if (p.path == path) {
      std::vector<std::string> values;
      for (const ConfigValue& v : p.values) values.push_back(std::get<std::string>(v));
      return values;
    }
  return {fixed};
}

bool is_text(const std::string& dataset) {
  const DatasetType* type = find_dataset_type(dataset);
  return type && type->text;
}

bool is_language_model(const std::string& model_type) {
  const ModelType* type = find_model_type(model_type);
  return type && type->needs_tokens;
}

constexpr const char* kTextKeys[] = {"dataset.preprocess",    "dataset.tokens",
                                     "dataset.test_fraction", "dataset.min_freq",
                                     "dataset.sampling",      "training.num_steps"};
constexpr const char* kLanguageModelKeys[] = {"model.cell", "model.embedding"};
constexpr const char* kSampleSetKeys[] = {
    "dataset.train_subset", "dataset.test_subset",     "dataset.validation", "dataset.kfold",
    "dataset.classes",      "dataset.train_per_class", "dataset.features",   "training.eval_train"};

}  // namespace

std::optional<std::string> text_pairing_problem(const TrialConfig& config) {
  const std::string& dataset = config.dataset.name;
  const std::string& model = config.model.type;
  if (config.model.trains_no_network() || is_text(dataset) == is_language_model(model))
    return std::nullopt;
  if (is_text(dataset)) return model + " cannot train on text; language models are rnn-lm";
  return model + " trains on dataset.name: text, not the " + dataset + " set";
}

std::optional<LanguageModelProblem> language_model_problem(const SweepSpec& spec,
                                                           const std::set<std::string>& given) {
  const std::vector<std::string> datasets =
      texts_over_sweep(spec, "dataset.name", spec.base.dataset.name);
  const std::vector<std::string> models =
      texts_over_sweep(spec, "model.type", spec.base.model.type);
  const bool any_text = std::any_of(datasets.begin(), datasets.end(), is_text);
  const bool all_text = std::all_of(datasets.begin(), datasets.end(), is_text);
  const bool any_language_model = std::any_of(models.begin(), models.end(), is_language_model);
  for (const char* key : kTextKeys)
    if (given.count(key) && !any_text)
      return LanguageModelProblem{key, key, "applies to dataset.name: text only"};
  for (const char* key : kLanguageModelKeys)
    if (given.count(key) && !any_language_model)
      return LanguageModelProblem{key, key, "applies to model.type: rnn-lm only"};
  for (const char* key : kSampleSetKeys)
    if (given.count(key) && all_text)
      return LanguageModelProblem{key, key, "does not apply to the text set"};
  if (datasets.size() == 1 && models.size() == 1) {
    TrialConfig pair = spec.base;
    pair.dataset.name = datasets[0];
    pair.model.type = models[0];
    if (auto problem = text_pairing_problem(pair))
      return LanguageModelProblem{"model.type", "model.type", *problem};
  }
  return std::nullopt;
}

}  // namespace hpsweep
