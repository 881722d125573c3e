// A detection set (fmnist-detection) as an HDF5 file for readers outside hpsweep: each part's
// canvases and one flat table of objects (docs/hdf5-schema.md, "Detection sets").
#pragma once

#include <string>

#include "common/trial_config.h"
#include "worker/data/dataset.h"

namespace hpsweep {

// Writes `data`, drawn from `config`, to `path` through a temporary file renamed into place;
// `spec_text` is stored for the record. Throws Error naming the file.
void write_detection_set_file(const std::string& path, const TrainTestData& data,
                              const DatasetConfig& config, const std::string& spec_text);

}  // namespace hpsweep
