#include "coordinator/sweep_inputs.h"

#include <set>

#include "common/dataset_types.h"
#include "common/error.h"
#include "common/finetune_fields.h"
#include "common/language_model_rules.h"
#include "coordinator/search_space.h"
#include "storage/checkpoint_file.h"
#include "worker/data/class_selection.h"
#include "worker/data/holdout.h"
#include "worker/data/text_dataset.h"
#include "worker/finetune.h"
#include "worker/model_factory.h"
#include "worker/trainer.h"

namespace hpsweep {
namespace {

void check_subset(int64_t wanted, int64_t available, const std::string& key,
                  const std::string& path) {
  if (wanted > available)
    throw UserError(key + ": " + std::to_string(wanted) + " is more than the " +
                    std::to_string(available) + " samples in " + path);
}

// Builds the trial's model once per distinct architecture, input and finetune layer names, so
// a network too deep for its images, or a reinit, freeze or lr_mult prefix that names no
// parameter, fails here, naming the trial (and the spec's line for a prefix), rather than when
// the trial starts.
void check_model_fits(const SweepSpec& spec, const Trial& trial, const DatasetShape& shape,
                      std::set<std::string>& checked) {
  const ModelConfig& m = trial.config.model;
  const FinetuneConfig& f = trial.config.training.finetune;
  const std::string key = architecture_key(m, shape.sample_shape) + finetune_layers_text(f);
  if (!checked.insert(key).second) return;
  Model model;
  try {
    model = build_model(m, shape.sample_shape, model_outputs(shape.classes));
  } catch (const UserError& e) {
    throw UserError("trial " + trial_name(trial.id) + ": " + e.what());
  }
  if (auto problem = finetune_name_problem(model, f))
    throw UserError(located_at_key(spec, problem->key,
                                   "trial " + trial_name(trial.id) + ": " + problem->message));
}

// The training part has a minibatch through time at every offset an epoch can draw.
void check_text_batches(const SweepSpec& spec, const Trial& trial, const DatasetShape& shape) {
  try {
    check_sequence_batches(shape.train_size, sequence_batch_config(trial.config, trial.seed));
  } catch (const UserError& e) {
    throw UserError(located_at_key(spec, "training.num_steps",
                                   "trial " + trial_name(trial.id) + ": the training part of " +
                                       trial.config.dataset.path + ": " + e.what()));
  }
}

}  // namespace

std::shared_ptr<const CheckpointData> SweepInputs::init_for(const Trial& trial) const {
  const std::string& path = trial.config.training.finetune.from;
  return path.empty() ? nullptr : init_checkpoints.at(path);
}

SweepInputs load_sweep_inputs(const SweepSpec& spec, DataUse use) {
  SweepInputs inputs;
  inputs.trials = expand_trials(spec);
  std::map<std::string, DatasetShape> shapes;
  std::set<std::string> checked_models;
  std::map<std::string, std::vector<int64_t>> class_counts;  // by dataset key
  for (const Trial& trial : inputs.trials) {
    if (trial.config.model.trains_no_network()) continue;  // no data, no model
    const DatasetConfig& d = trial.config.dataset;
    if (auto problem = text_pairing_problem(trial.config))
      throw UserError(
          located_at_key(spec, "model.type", "trial " + trial_name(trial.id) + ": " + *problem));
    const std::string key = dataset_key(d);
    // Trials with different image options or classes share the data but not its inspected
    // shape.
    const std::string shape_key = key + ":" + std::to_string(d.input_size) + ":" +
                                  std::to_string(d.flip) + ":" + std::to_string(d.crop_padding) +
                                  ":" + integer_list_text(d.classes);
    if (!shapes.count(shape_key)) shapes.emplace(shape_key, inspect_dataset(d));
    if (use == DataUse::load && !inputs.data.count(key)) inputs.data.emplace(key, load_dataset(d));
    const DatasetShape& shape = shapes.at(shape_key);
    const DatasetType* type = find_dataset_type(d.name);
    const std::string where = type && type->from_files ? d.path : "the " + d.name + " set";
    check_subset(d.train_subset, shape.train_size, "dataset.train_subset", where);
    check_subset(d.test_subset, shape.test_size, "dataset.test_subset", where);
    int64_t train_size = d.train_subset > 0 ? d.train_subset : shape.train_size;
    if (!d.classes.empty() || d.train_per_class > 0) {
      if (!class_counts.count(key)) class_counts.emplace(key, training_class_counts(d));
      const std::vector<int64_t>& counts = class_counts.at(key);
      if (auto shortage = class_shortage(counts, d))
        throw UserError(
            located_at_key(spec, "dataset.train_per_class", *shortage + " in " + where));
      train_size = selected_size(counts, d);
    }
    validation_count(d, train_size);
    if (type && type->text) check_text_batches(spec, trial, shape);

    check_model_fits(spec, trial, shape, checked_models);
    const std::string& init_path = trial.config.training.finetune.from;
    if (init_path.empty()) continue;
    try {
      if (!inputs.init_checkpoints.count(init_path))
        inputs.init_checkpoints.emplace(
            init_path, std::make_shared<const CheckpointData>(read_checkpoint_file(init_path)));
      build_trial_model(trial, shape.sample_shape, model_outputs(shape.classes),
                        inputs.init_for(trial).get());
    } catch (const UserError& e) {
      throw UserError(located_at_key(spec, "training.finetune.from",
                                     "trial " + trial_name(trial.id) + ": " + e.what()));
    }
  }
  return inputs;
}

}  // namespace hpsweep
