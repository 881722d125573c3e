#include "worker/data/class_selection.h"

#include <algorithm>

#include "common/error.h"

namespace hpsweep {
namespace {

// The listed classes, or every class of a set of `classes`.
std::vector<int64_t> kept_classes(const std::vector<int64_t>& listed, int64_t classes) {
  if (!listed.empty()) return listed;
  std::vector<int64_t> all(classes);
  for (int64_t c = 0; c < classes; ++c) all[c] = c;
  return all;
}

}  // namespace

std::optional<std::string> class_shortage(const std::vector<int64_t>& counts,
                                          const DatasetConfig& config) {
  if (config.train_per_class == 0) return std::nullopt;
  for (int64_t c : kept_classes(config.classes, static_cast<int64_t>(counts.size())))
    if (counts[c] < config.train_per_class)
      return "class " + std::to_string(c) + " has " + std::to_string(counts[c]) +
             " training samples" +
             (config.train_subset > 0
                  ? " in the first " + std::to_string(config.train_subset) + " (train_subset)"
                  : "") +
             ", fewer than " + std::to_string(config.train_per_class);
  return std::nullopt;
}

int64_t selected_size(const std::vector<int64_t>& counts, const DatasetConfig& config) {
  int64_t size = 0;
  for (int64_t c : kept_classes(config.classes, static_cast<int64_t>(counts.size())))
    size += config.train_per_class > 0 ? std::min(counts[c], config.train_per_class) : counts[c];
  return size;
}

Dataset select_classes(const Dataset& set, const std::vector<int64_t>& classes, int64_t per_class) {
  if (classes.empty() && per_class == 0) return set;
  // new_label[c]: class c's position in the list, -1 when it is left out.
  std::vector<int32_t> new_label(set.classes, -1);
  for (size_t i = 0; i < classes.size(); ++i) {
    if (classes[i] >= set.classes)
      throw UserError("dataset.classes: class " + std::to_string(classes[i]) +
                      " is not one of the set's classes 0.." + std::to_string(set.classes - 1));
    new_label[classes[i]] = static_cast<int32_t>(i);
  }
  if (classes.empty())
    for (int32_t c = 0; c < set.classes; ++c) new_label[c] = c;
  std::vector<int64_t> ids, taken(set.classes, 0), counts(set.classes, 0);
  for (int64_t i = 0; i < set.size(); ++i) {
    const int32_t label = set.labels[i];
    ++counts[label];
    if (new_label[label] < 0 || (per_class > 0 && taken[label] == per_class)) continue;
    ++taken[label];
    ids.push_back(i);
  }
  DatasetConfig wanted;
  wanted.classes = classes;
  wanted.train_per_class = per_class;
  if (auto shortage = class_shortage(counts, wanted))
    throw UserError("dataset.train_per_class: " + *shortage);
  Dataset selected = gather(set, ids);
  for (int32_t& label : selected.labels) label = new_label[label];
  if (!classes.empty()) selected.classes = static_cast<int64_t>(classes.size());
  return selected;
}

}  // namespace hpsweep
