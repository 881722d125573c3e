// Everything a sweep reads before it starts: its trials, their datasets and
// training.finetune checkpoints. Loaded and checked up front so bad input fails before anything is
// written.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/checkpoint_data.h"
#include "common/spec.h"
#include "common/trial.h"
#include "coordinator/local_worker_pool.h"

namespace hpsweep {

enum class DataUse {
  validate,  // cluster coordinator: check the files' headers, load nothing
  load,      // dev mode: the local workers train on the loaded data
};

struct SweepInputs {
  std::vector<Trial> trials;
  DataCatalog data;  // empty with DataUse::validate
  std::map<std::string, std::shared_ptr<const CheckpointData>> init_checkpoints;  // by path

  std::shared_ptr<const CheckpointData> init_for(const Trial& trial) const;
};

// Throws UserError naming the spec key and trial for anything that would make a trial fail
// at start: a missing dataset, a subset larger than the data, a training.finetune.from checkpoint
// that is unreadable or does not fit the trial's model, a finetune prefix that names no
// parameter.
SweepInputs load_sweep_inputs(const SweepSpec& spec, DataUse use);

}  // namespace hpsweep
