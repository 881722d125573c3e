#include "worker/data/holdout.h"

#include <algorithm>
#include <cmath>

#include "common/config_fields.h"
#include "common/error.h"
#include "common/rng.h"
#include "worker/data/class_selection.h"

namespace hpsweep {
namespace {

constexpr uint64_t kHoldoutStream = 0x686f6c64;  // "hold"

// Each class's sample indices in file order, shuffled by the rule of holdout.h.
std::vector<std::vector<int64_t>> shuffled_classes(uint64_t seed,
                                                   const std::vector<int32_t>& labels,
                                                   int64_t classes, int64_t size) {
  std::vector<std::vector<int64_t>> members(std::max<int64_t>(classes, 1));
  for (int64_t i = 0; i < size; ++i) members[labels.empty() ? 0 : labels[i]].push_back(i);
  for (size_t c = 0; c < members.size(); ++c) {
    std::vector<int64_t>& m = members[c];
    Rng rng(counter_hash({seed, kHoldoutStream, static_cast<uint64_t>(c)}));
    for (int64_t i = static_cast<int64_t>(m.size()) - 1; i > 0; --i)
      std::swap(m[i], m[rng.below(i + 1)]);
  }
  return members;
}

// Largest-remainder quotas: class c's share of `total`, summing to `total` exactly.
std::vector<int64_t> quotas(const std::vector<std::vector<int64_t>>& members, int64_t total,
                            int64_t size) {
  std::vector<int64_t> quota(members.size());
  std::vector<std::pair<double, size_t>> remainders;
  int64_t given = 0;
  for (size_t c = 0; c < members.size(); ++c) {
    const double exact = static_cast<double>(total) * static_cast<double>(members[c].size()) / size;
    quota[c] = static_cast<int64_t>(std::floor(exact));
    given += quota[c];
    remainders.push_back({exact - std::floor(exact), c});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; given < total; ++i, ++given) ++quota[remainders[i].second];
  return quota;
}

Dataset subset(const Dataset& set, int64_t n, const char* key) {
  if (n == 0) return set;
  if (n > set.size())
    throw UserError(std::string(key) + ": " + std::to_string(n) + " is more than the " +
                    std::to_string(set.size()) + " samples available");
  return set.first(n);
}

}  // namespace

int64_t validation_count(const DatasetConfig& config, int64_t train_size) {
  if (config.validation > 0 && config.kfold > 0)
    throw UserError("dataset.validation and dataset.kfold: give one of them, not both");
  if (config.kfold == 1)
    throw UserError("dataset.kfold: needs at least 2 folds, got 1 (0 turns it off)");
  if (config.kfold > train_size)
    throw UserError("dataset.kfold: " + std::to_string(config.kfold) + " folds of " +
                    std::to_string(train_size) + " training samples leave some folds empty");
  if (config.validation == 0) return 0;
  const bool fraction = config.validation < 1;
  if (!fraction && config.validation != std::floor(config.validation))
    throw UserError("dataset.validation: a count of samples (or a fraction below 1), got " +
                    value_string(config.validation));
  const auto count = static_cast<int64_t>(
      fraction ? std::llround(config.validation * static_cast<double>(train_size))
               : config.validation);
  if (count < 1 || count >= train_size)
    throw UserError("dataset.validation: holds out " + std::to_string(count) + " of the " +
                    std::to_string(train_size) +
                    " training samples; it must leave at least one on each side");
  return count;
}

std::vector<int64_t> holdout_indices(const DatasetConfig& config,
                                     const std::vector<int32_t>& labels, int64_t classes,
                                     int64_t size) {
  const int64_t count = validation_count(config, size);
  if (count == 0 && config.kfold == 0) return {};
  const auto members = shuffled_classes(static_cast<uint64_t>(config.seed), labels, classes, size);
  std::vector<int64_t> held;
  if (config.kfold > 0) {
    int64_t position = 0;
    for (const std::vector<int64_t>& m : members)
      for (int64_t id : m)
        if (position++ % config.kfold == config.fold) held.push_back(id);
  } else {
    const std::vector<int64_t> quota = quotas(members, count, size);
    for (size_t c = 0; c < members.size(); ++c)
      held.insert(held.end(), members[c].begin(), members[c].begin() + quota[c]);
  }
  std::sort(held.begin(), held.end());
  return held;
}

TrialData split_trial_data(const TrainTestData& data, const DatasetConfig& config) {
  TrialData parts;
  parts.train = select_classes(subset(data.train, config.train_subset, "dataset.train_subset"),
                               config.classes, config.train_per_class);
  parts.test = select_classes(subset(data.test, config.test_subset, "dataset.test_subset"),
                              config.classes, 0);
  const std::vector<int64_t> held =
      holdout_indices(config, parts.train.labels, parts.train.classes, parts.train.size());
  if (held.empty()) return parts;
  std::vector<int64_t> kept;
  kept.reserve(parts.train.size() - held.size());
  for (int64_t i = 0, h = 0; i < parts.train.size(); ++i) {
    if (h < static_cast<int64_t>(held.size()) && held[h] == i)
      ++h;
    else
      kept.push_back(i);
  }
  parts.validation = gather(parts.train, held);
  parts.train = gather(parts.train, kept);
  return parts;
}

}  // namespace hpsweep
