// The text sample `analyze` and `report` print for a language-model sweep: the best trial's
// (analysis/analyze.h, best_trial_id) greedy continuation of a prefix, from its checkpoint's
// /best parameters (the epoch the metric selected) or, when the checkpoint keeps none, its
// last; by the code of `hpsweep sample` (worker/trained_language_model.h).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "analysis/analyze.h"

namespace hpsweep {

struct SampleOptions {
  std::string prefix;   // empty: the training text's first kOpeningTokens tokens
  int64_t tokens = 50;  // 0: no sample
};

void add_sample_options(boost::program_options::options_description& options,
                        SampleOptions& sample);

// None unless `sweep` (in `dir`) is a language-model sweep with a best trial and
// `sample.tokens` > 0. A checkpoint that cannot give a sample gives a caption saying why.
std::optional<TextSample> best_trial_sample(const std::filesystem::path& dir,
                                            const SweepRecord& sweep, const DiagnosisRule& rule,
                                            const SampleOptions& sample);

}  // namespace hpsweep
