#include "storage/checkpoint_file.h"

#include <filesystem>

#include "common/error.h"
#include "common/failpoint.h"
#include "common/trial.h"
#include "common/version.h"
#include "storage/hdf5_util.h"

namespace hpsweep {
namespace {

void write_params(H5::Group& group, const std::vector<NamedTensor>& params) {
  H5::Group tensors = group.createGroup("params");
  std::vector<std::string> order;
  for (const NamedTensor& p : params) {
    h5::write_tensor(tensors, p.name, p.tensor);
    order.push_back(p.name);
  }
  h5::write_string_list(group, "params_order", order);
}

std::vector<NamedTensor> read_params(const H5::Group& group) {
  std::vector<NamedTensor> params;
  const H5::Group tensors = group.openGroup("params");
  for (const std::string& name : h5::read_string_list(group, "params_order"))
    params.push_back({name, h5::read_tensor(tensors, name)});
  return params;
}

// /optimizer: the settings as attributes (those of the optimizer's type only) and a group per
// kind of per-parameter state, with one dataset per parameter.
void write_optimizer(H5::Group& root, const OptimizerState& o) {
  H5::Group group = root.createGroup("optimizer");
  h5::write_attribute(group, "type", o.type);
  h5::write_attribute(group, "lr", o.lr);
  h5::write_attribute(group, "weight_decay", o.weight_decay);
  h5::write_attribute(group, "steps", o.steps);
  if (o.type == "sgd") h5::write_attribute(group, "momentum", o.momentum);
  if (o.type == "adam") {
    h5::write_attribute(group, "beta1", o.beta1);
    h5::write_attribute(group, "beta2", o.beta2);
    h5::write_attribute(group, "eps", o.eps);
  }
  for (const ParameterStates& states : o.buffers) {
    H5::Group kind = group.createGroup(states.kind);
    for (const NamedTensor& t : states.tensors) h5::write_tensor(kind, t.name, t.tensor);
  }
}

double read_optional_double(const H5::Group& group, const std::string& name) {
  return h5::has_attribute(group, name) ? h5::read_double_attribute(group, name) : 0.0;
}

// Checkpoints from before momentum and Adam have no `momentum` attribute and no state groups.
// The tensors are read in the order of `params` (forward order), not HDF5's alphabetical one;
// `params` also lists buffers (batch norm's running statistics), which have no optimizer state.
OptimizerState read_optimizer(const H5::Group& root, const std::vector<NamedTensor>& params) {
  OptimizerState o;
  const H5::Group group = root.openGroup("optimizer");
  o.type = h5::read_string_attribute(group, "type");
  o.lr = h5::read_double_attribute(group, "lr");
  o.weight_decay = h5::read_double_attribute(group, "weight_decay");
  o.steps = h5::read_int_attribute(group, "steps");
  o.momentum = read_optional_double(group, "momentum");
  o.beta1 = read_optional_double(group, "beta1");
  o.beta2 = read_optional_double(group, "beta2");
  o.eps = read_optional_double(group, "eps");
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    ParameterStates states{group.getObjnameByIdx(i), {}};
    const H5::Group kind = group.openGroup(states.kind);
    for (const NamedTensor& p : params)
      if (kind.nameExists(p.name))
        states.tensors.push_back({p.name, h5::read_tensor(kind, p.name)});
    o.buffers.push_back(std::move(states));
  }
  return o;
}

std::vector<EpochMetrics> read_history(const H5::Group& root) {
  std::vector<EpochMetrics> history;
  const H5::Group curves = root.openGroup("curves");
  for (const std::string& name : curve_names()) {
    if (!curves.nameExists(name)) continue;  // a curve added after the file's schema: NaN
    const std::vector<double> values = h5::read_doubles(curves, name);
    history.resize(values.size());
    for (size_t i = 0; i < values.size(); ++i) set_curve_value(history[i], name, values[i]);
  }
  return history;
}

}  // namespace

std::string checkpoint_path(const std::string& out_dir, int64_t trial_id) {
  return (std::filesystem::path(out_dir) / "checkpoints" / (trial_name(trial_id) + ".h5")).string();
}

namespace {

// The file's size, give or take: its tensors and curves, and room for the metadata.
size_t expected_bytes(const CheckpointData& c) {
  size_t floats = 0;
  if (c.has_last) {
    for (const NamedTensor& t : c.params) floats += static_cast<size_t>(t.tensor.size());
    for (const ParameterStates& states : c.optimizer.buffers)
      for (const NamedTensor& t : states.tensors) floats += static_cast<size_t>(t.tensor.size());
  }
  if (c.has_best) {
    for (const NamedTensor& t : c.best_params) floats += static_cast<size_t>(t.tensor.size());
    floats += 9 * c.best_detections.size();
  }
  return 4 * floats + 8 * curve_names().size() * c.history.size() + (size_t{64} << 10);
}

// /best/detections: image_index and class (int64), score [K] and boxes [K, 4] (float32).
void write_detections(H5::Group& best, const std::vector<StoredDetection>& detections) {
  H5::Group group = best.createGroup("detections");
  const int64_t count = static_cast<int64_t>(detections.size());
  std::vector<int64_t> images, classes;
  Tensor scores({count}), boxes({count, 4});
  for (int64_t i = 0; i < count; ++i) {
    const StoredDetection& d = detections[i];
    images.push_back(d.image);
    classes.push_back(d.class_id);
    scores[i] = d.score;
    const float corners[4] = {d.x1, d.y1, d.x2, d.y2};
    std::copy(corners, corners + 4, boxes.data() + 4 * i);
  }
  h5::write_integers(group, "image_index", images);
  h5::write_integers(group, "class", classes);
  h5::write_tensor(group, "score", scores);
  h5::write_tensor(group, "boxes", boxes);
}

std::vector<StoredDetection> read_detections(const H5::Group& best) {
  const H5::Group group = best.openGroup("detections");
  const std::vector<int64_t> images = h5::read_integers(group, "image_index");
  const std::vector<int64_t> classes = h5::read_integers(group, "class");
  const Tensor scores = h5::read_tensor(group, "score");
  const Tensor boxes = h5::read_tensor(group, "boxes");
  std::vector<StoredDetection> detections;
  for (size_t i = 0; i < images.size(); ++i) {
    const float* b = boxes.data() + 4 * i;
    detections.push_back(
        {images[i], classes[i], scores[static_cast<int64_t>(i)], b[0], b[1], b[2], b[3]});
  }
  return detections;
}

// Files from before the attributes existed hold their own weights, as far as they can tell.
void read_copy_provenance(const H5::Group& root, int64_t& copied_from, int64_t& copied_at) {
  if (!h5::has_attribute(root, "copied_from")) return;
  copied_from = h5::read_int_attribute(root, "copied_from");
  copied_at = h5::read_int_attribute(root, "copied_at");
}

}  // namespace

void write_checkpoint_file(const std::string& path, const CheckpointData& c,
                           const RunFence& fence) {
  h5::quiet_errors();
  h5::write_atomically(
      path,
      [&](H5::H5File& file) {
        H5::Group root = file.openGroup("/");
        h5::write_attribute(root, "hpsweep_version", std::string(kVersion));
        h5::write_attribute(root, "schema_version", int64_t{kSchemaVersion});
        h5::write_attribute(root, "trial_id", c.trial_id);
        h5::write_attribute(root, "epoch", c.epoch);
        h5::write_attribute(root, "copied_from", c.copied_from);
        h5::write_attribute(root, "copied_at", c.copied_at);
        if (!c.has_last || !c.has_best)
          h5::write_attribute(root, "keep", std::string(kept_name(c.has_last, c.has_best)));
        if (c.has_last) write_params(root, c.params);
        failpoint("checkpoint-write");  // half a checkpoint in the temporary file

        if (c.has_best) {
          H5::Group best = root.createGroup("best");
          h5::write_attribute(best, "epoch", c.best_epoch);
          h5::write_attribute(best, "metric_name", c.metric_name);
          h5::write_attribute(best, "metric", c.best_metric);
          write_params(best, c.best_params);
          if (!c.best_detections.empty()) write_detections(best, c.best_detections);
        }

        if (c.has_last) write_optimizer(root, c.optimizer);

        H5::Group curves = root.createGroup("curves");
        for (const std::string& name : curve_names()) {
          std::vector<double> values;
          for (const EpochMetrics& m : c.history) values.push_back(curve_value(m, name));
          h5::write_doubles(curves, name, values);
        }

        if (c.has_last) {
          H5::Group rng = root.createGroup("rng");
          h5::write_attribute(rng, "scheme", std::string("counter-splitmix64"));
          h5::write_attribute(rng, "seed", c.seed);
          h5::write_attribute(rng, "next_epoch", c.epoch + 1);
        }
      },
      expected_bytes(c), fence);
}

namespace {

// The parts of the checkpoint at `path` that it holds and the caller asks for (`last`: the
// parameters, optimizer and RNG; `best`: /best); the curves and root attributes always.
CheckpointData read_parts(const std::string& path, bool last, bool best) {
  h5::quiet_errors();
  if (!std::filesystem::exists(path)) throw UserError(path + ": no such checkpoint file");
  CheckpointData c;
  try {
    H5::H5File file(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, h5::unlocked_access());
    H5::Group root = file.openGroup("/");
    c.trial_id = h5::read_int_attribute(root, "trial_id");
    c.epoch = h5::read_int_attribute(root, "epoch");
    read_copy_provenance(root, c.copied_from, c.copied_at);
    c.has_last = root.nameExists("params");
    c.has_best = root.nameExists("best");
    if (c.has_last && last) {
      c.params = read_params(root);
      c.optimizer = read_optimizer(root, c.params);
      c.seed = h5::read_uint_attribute(root.openGroup("rng"), "seed");
    }
    if (c.has_best && best) {
      H5::Group group = root.openGroup("best");
      c.best_epoch = h5::read_int_attribute(group, "epoch");
      c.metric_name = h5::read_string_attribute(group, "metric_name");
      c.best_metric = h5::read_double_attribute(group, "metric");
      c.best_params = read_params(group);
      if (group.nameExists("detections")) c.best_detections = read_detections(group);
    }
    c.history = read_history(root);
  } catch (const H5::Exception& e) {
    throw UserError(path + ": not a readable hpsweep checkpoint: " + e.getDetailMsg());
  }
  return c;
}

}  // namespace

CheckpointData read_checkpoint_parts(const std::string& path) {
  return read_parts(path, true, true);
}

CheckpointData read_checkpoint_file(const std::string& path) {
  CheckpointData c = read_parts(path, true, true);
  if (!c.has_last)
    throw UserError(path +
                    ": holds no last parameters: its trial finished under `checkpoint.keep: " +
                    kept_name(c.has_last, c.has_best) + "`, which keeps " +
                    (c.has_best ? "/best/params and the curves" : "only the curves"));
  return c;
}

CheckpointData read_resume_checkpoint(const std::string& out_dir, int64_t trial_id, int64_t epoch) {
  const std::string path = checkpoint_path(out_dir, trial_id);
  CheckpointData checkpoint = read_checkpoint_file(path);
  if (checkpoint.epoch != epoch)
    throw Error(path + ": holds epoch " + std::to_string(checkpoint.epoch) + ", expected " +
                std::to_string(epoch));
  return checkpoint;
}

CheckpointProgress read_checkpoint_progress(const std::string& path) {
  h5::quiet_errors();
  try {
    H5::H5File file(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, h5::unlocked_access());
    const H5::Group root = file.openGroup("/");
    CheckpointProgress progress{
        h5::read_int_attribute(root, "trial_id"), h5::read_int_attribute(root, "epoch"),
        read_history(root),
        h5::has_attribute(root, "keep") ? h5::read_string_attribute(root, "keep") : "both"};
    read_copy_provenance(root, progress.copied_from, progress.copied_at);
    return progress;
  } catch (const H5::Exception& e) {
    throw UserError(path + ": not a readable hpsweep checkpoint: " + e.getDetailMsg());
  }
}

const char* kept_name(bool last, bool best) {
  return last ? (best ? "both" : "last") : (best ? "best" : "none");
}

bool retain_checkpoint(const std::string& path, const std::string& keep) {
  if (keep == "both" || !std::filesystem::exists(path)) return false;
  const bool last = keep == "last", best = keep == "best";
  // What the file holds, from its `keep` attribute: no tensor is read when nothing is to go.
  const std::string held = read_checkpoint_progress(path).keep;
  const bool has_last = held == "both" || held == "last",
             has_best = held == "both" || held == "best";
  if ((has_last && last) == has_last && (has_best && best) == has_best) return false;
  // Only what stays is read (a ResNet's parameters are 45 MB a copy).
  CheckpointData c = read_parts(path, last, best);
  c.has_last = c.has_last && last;
  c.has_best = c.has_best && best;
  write_checkpoint_file(path, c);
  return true;
}

}  // namespace hpsweep
