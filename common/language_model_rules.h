// The rules that tie text data to language models, which no single field's check sees: a
// text dataset trains rnn-lm and rnn-lm trains on text; the text keys (dataset.preprocess,
// tokens, test_fraction, min_freq, sampling, training.num_steps) need a text set, model.cell
// and model.embedding need rnn-lm, and the sample-set keys (subsets, held-out parts, classes,
// features, eval_train) do not apply to text. The spec loader locates the problem
// (common/spec_loader.cpp).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "common/spec.h"

namespace hpsweep {

struct LanguageModelProblem {
  std::string at;  // the dotted path whose value the error points at, and the key it names
  std::string key;
  std::string message;
};

// `given`: the dotted paths written in the spec's blocks or swept. A swept dataset.name or
// model.type brings each of its values; a pairing is checked when both are fixed (a swept
// pairing is checked trial by trial, coordinator/sweep_inputs.cpp).
std::optional<LanguageModelProblem> language_model_problem(const SweepSpec& spec,
                                                           const std::set<std::string>& given);

// For one trial: the dataset and model pairing's problem, if any.
std::optional<std::string> text_pairing_problem(const TrialConfig& config);

}  // namespace hpsweep
