// The registry of datasets: for each `dataset.name`, its classes (or real targets), its sample
// kind and its defaults. The spec loader, the limits and the docs read this table; the loaders
// live in worker/data/ (worker/data/dataset_sources.h), joined to it by name, for the reason
// common/model_types.h gives, and tests/test_model_registry.cpp checks the join.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hpsweep {

struct DatasetType {
  std::string name;
  int64_t classes = 0;  // labels 0..classes-1; 0: real targets (regression, squared loss)
  // A token stream for language models (docs/text-data.md): its classes are the vocabulary,
  // known once the file is read, and only model types with `needs_tokens` train on it.
  bool text = false;
  // Samples are images [C, H, W]: input_size, flip and crop_padding apply.
  bool images = false;
  // Read from dataset.path (and cut by train_subset before loading); otherwise drawn from
  // dataset.seed.
  bool from_files = false;
  // Samples are canvases with boxes (docs/detection.md): they need a detector model, and
  // dataset.max_objects applies.
  bool detection = false;
  std::vector<std::string> class_names = {};  // by label, where the set names its classes
  int64_t default_features = 0;               // synthetic sets: inputs when dataset.features is 0
  int64_t max_features = 0;                   // 0: no limit
};

// fmnist-detection's canvas side (dataset.input_size) and objects per canvas
// (dataset.max_objects): defaults and bounds (docs/detection.md). Items are pasted at S/4 to S/2
// pixels, hence a least side of 16: items of 4 pixels or more.
inline constexpr int64_t kDefaultCanvasSize = 64, kMinCanvasSize = 16;
inline constexpr int64_t kDefaultDetectionObjects = 3, kMaxDetectionObjects = 16;

// Every dataset, in the order error messages and docs list them.
const std::vector<DatasetType>& dataset_types();
// nullptr when no dataset has this name.
const DatasetType* find_dataset_type(const std::string& name);
std::vector<std::string> dataset_type_names();

}  // namespace hpsweep
