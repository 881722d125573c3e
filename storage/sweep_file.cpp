#include "storage/sweep_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "common/error.h"
#include "common/failpoint.h"
#include "common/metrics.h"
#include "common/version.h"
#include "storage/hdf5_util.h"

namespace hpsweep {
namespace {

void write_value_attribute(H5::H5Object& object, const std::string& name,
                           const ConfigValue& value) {
  if (auto* b = std::get_if<bool>(&value))
    h5::write_attribute(object, name, int64_t{*b});
  else if (auto* i = std::get_if<int64_t>(&value))
    h5::write_attribute(object, name, *i);
  else if (auto* d = std::get_if<double>(&value))
    h5::write_attribute(object, name, *d);
  else
    h5::write_attribute(object, name, std::get<std::string>(value));
}

ConfigValue read_value_attribute(const H5::H5Object& object, const std::string& name) {
  switch (h5::attribute_class(object, name)) {
    case H5T_INTEGER:
      return h5::read_int_attribute(object, name);
    case H5T_FLOAT:
      return h5::read_double_attribute(object, name);
    default:
      return h5::read_string_attribute(object, name);
  }
}

void create_curves(H5::Group& trial) {
  H5::Group curves = trial.createGroup("curves");
  for (const std::string& name : curve_names())
    h5::create_column(curves, name,
                      name == "epoch" ? H5::PredType::STD_I64LE : H5::PredType::IEEE_F64LE);
}

constexpr const char* kScheduleIntegers[] = {"epoch", "source_trial"};

void create_schedule(H5::Group& trial) {
  H5::Group schedule = trial.createGroup("schedule");
  for (const char* name : kScheduleIntegers)
    h5::create_column(schedule, name, H5::PredType::STD_I64LE);
  h5::create_string_column(schedule, "hyperparameters");
}

std::vector<ScheduleRow> read_schedule(const H5::Group& trial) {
  if (!trial.nameExists("schedule")) return {};
  const H5::Group group = trial.openGroup("schedule");
  const std::vector<double> epochs = h5::read_doubles(group, "epoch");
  const std::vector<double> sources = h5::read_doubles(group, "source_trial");
  const std::vector<std::string> values = h5::read_string_list(group, "hyperparameters");
  // While a sweep runs, a row may be half-appended: keep the rows every column has.
  std::vector<ScheduleRow> rows(std::min({epochs.size(), sources.size(), values.size()}));
  for (size_t i = 0; i < rows.size(); ++i)
    rows[i] = {static_cast<int64_t>(epochs[i]), static_cast<int64_t>(sources[i]), values[i]};
  return rows;
}

// The columns of /decisions: integers, one float (time) and strings.
constexpr const char* kDecisionIntegers[] = {"sequence", "trial", "epoch", "source_trial"};
constexpr const char* kDecisionStrings[] = {"kind", "hyperparameters", "reason"};

void create_decisions(H5::H5File& file) {
  H5::Group decisions = file.createGroup("decisions");
  for (const char* name : kDecisionIntegers)
    h5::create_column(decisions, name, H5::PredType::STD_I64LE);
  h5::create_column(decisions, "time", H5::PredType::IEEE_F64LE);
  for (const char* name : kDecisionStrings) h5::create_string_column(decisions, name);
}

std::vector<DecisionRow> read_decisions(const H5::H5File& file) {
  const H5::Group group = file.openGroup("decisions");
  std::map<std::string, std::vector<double>> numbers;
  for (const char* name : kDecisionIntegers) numbers[name] = h5::read_doubles(group, name);
  numbers["time"] = h5::read_doubles(group, "time");
  std::map<std::string, std::vector<std::string>> strings;
  for (const char* name : kDecisionStrings) strings[name] = h5::read_string_list(group, name);
  std::vector<DecisionRow> rows(numbers["sequence"].size());
  for (size_t i = 0; i < rows.size(); ++i)
    rows[i] = {static_cast<int64_t>(numbers["sequence"][i]),
               numbers["time"][i],
               static_cast<int64_t>(numbers["trial"][i]),
               strings["kind"][i],
               static_cast<int64_t>(numbers["epoch"][i]),
               static_cast<int64_t>(numbers["source_trial"][i]),
               strings["hyperparameters"][i],
               strings["reason"][i]};
  return rows;
}

}  // namespace

SweepWriter::SweepWriter(const std::string& path, const SweepSpec& spec,
                         const std::vector<Trial>& trials)
    : path_(path) {
  h5::quiet_errors();
  std::vector<std::string> swept;
  for (const ParameterSpec& p : spec.parameters) swept.push_back(p.path);
  file_ = h5::create_in_memory(path, size_t{1} << 20);
  try {
    H5::H5File& file = file_;
    h5::write_attribute(file, "hpsweep_version", std::string(kVersion));
    h5::write_attribute(file, "schema_version", int64_t{kSchemaVersion});
    h5::write_attribute(file, "name", spec.name);
    h5::write_attribute(file, "spec", spec.yaml_text);
    h5::write_attribute(file, "metric_name", spec.metric.name);
    h5::write_attribute(file, "metric_goal",
                        std::string(spec.metric.minimize ? "minimize" : "maximize"));
    h5::write_attribute(file, "seed", spec.seed);
    H5::Group root = file.openGroup("/");
    h5::write_string_list(root, "swept_parameters", swept);
    H5::Group all = file.createGroup("trials");
    for (const Trial& trial : trials) {
      H5::Group group = all.createGroup(trial_name(trial.id));
      h5::write_attribute(group, "id", trial.id);
      h5::write_attribute(group, "seed", trial.seed);
      h5::write_attribute(group, "status", status_name(TrialStatus::pending));
      h5::write_attribute(group, "message", std::string());
      h5::write_attribute(group, "config", config_text(trial.config));
      for (const SweptValue& v : trial.swept) write_value_attribute(group, v.path, v.value);
      h5::write_attribute(group, "configuration", trial.configuration);
      h5::write_attribute(group, "repeat", trial.repeat);
      h5::write_attribute(group, "fold",
                          trial.config.dataset.kfold > 0 ? trial.config.dataset.fold : int64_t{-1});
      create_curves(group);
      if (spec.method == SearchMethod::pbt) create_schedule(group);
    }
    create_decisions(file);
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot write: " + e.getDetailMsg());
  }
  dirty_ = true;
  flush();
}

SweepWriter::~SweepWriter() {
  try {
    flush();
  } catch (const std::exception&) {
    // A destructor must not throw; the file on disk is the last flushed one, whole.
  }
  try {
    file_.close();  // in memory: no disk to fail on
  } catch (const H5::Exception&) {
  }
}

H5::Group SweepWriter::trial_group(int64_t trial_id) {
  return file_.openGroup("/trials/" + trial_name(trial_id));
}

void SweepWriter::set_status(int64_t trial_id, TrialStatus status, const std::string& message) {
  dirty_ = true;
  try {
    H5::Group group = trial_group(trial_id);
    h5::write_attribute(group, "status", status_name(status));
    h5::write_attribute(group, "message", message);
  } catch (const H5::Exception& e) {
    throw Error(path_ + ": cannot record the status of trial " + trial_name(trial_id) + ": " +
                e.getDetailMsg());
  }
}

void SweepWriter::set_values(const Trial& trial) {
  dirty_ = true;
  try {
    H5::Group group = trial_group(trial.id);
    h5::write_attribute(group, "config", config_text(trial.config));
    for (const SweptValue& v : trial.swept) write_value_attribute(group, v.path, v.value);
  } catch (const H5::Exception& e) {
    throw Error(path_ + ": cannot record the values of trial " + trial_name(trial.id) + ": " +
                e.getDetailMsg());
  }
}

void SweepWriter::append_epoch(int64_t trial_id, const EpochMetrics& metrics) {
  dirty_ = true;
  try {
    H5::Group curves = trial_group(trial_id).openGroup("curves");
    for (const std::string& name : curve_names()) {
      h5::append_number(curves, name, curve_value(metrics, name));
      if (name == "train_error") failpoint("sweep-update");  // some curves appended, not all
    }
  } catch (const H5::Exception& e) {
    throw Error(path_ + ": cannot append epoch to trial " + trial_name(trial_id) + ": " +
                e.getDetailMsg());
  }
}

void SweepWriter::truncate_curves(int64_t trial_id, int64_t epochs) {
  dirty_ = true;
  try {
    H5::Group group = trial_group(trial_id);
    H5::Group curves = group.openGroup("curves");
    const hsize_t size = static_cast<hsize_t>(epochs);
    for (const std::string& name : curve_names()) curves.openDataSet(name).extend(&size);
    if (!group.nameExists("schedule")) return;
    H5::Group schedule = group.openGroup("schedule");
    for (const char* name : {"epoch", "source_trial", "hyperparameters"})
      schedule.openDataSet(name).extend(&size);
  } catch (const H5::Exception& e) {
    throw Error(path_ + ": cannot truncate the curves of trial " + trial_name(trial_id) + ": " +
                e.getDetailMsg());
  }
}

void SweepWriter::append_decision(const DecisionRow& row) {
  dirty_ = true;
  try {
    H5::Group decisions = file_.openGroup("decisions");
    const std::pair<const char*, int64_t> integers[] = {{"sequence", row.sequence},
                                                        {"trial", row.trial},
                                                        {"epoch", row.epoch},
                                                        {"source_trial", row.source_trial}};
    for (const auto& [name, value] : integers)
      h5::append_number(decisions, name, static_cast<double>(value));
    h5::append_number(decisions, "time", row.time);
    h5::append_string(decisions, "kind", row.kind);
    h5::append_string(decisions, "hyperparameters", row.hyperparameters);
    h5::append_string(decisions, "reason", row.reason);
  } catch (const H5::Exception& e) {
    throw Error(path_ + ": cannot append a decision: " + e.getDetailMsg());
  }
}

void SweepWriter::append_schedule(int64_t trial_id, const ScheduleRow& row) {
  dirty_ = true;
  try {
    H5::Group schedule = trial_group(trial_id).openGroup("schedule");
    h5::append_number(schedule, "epoch", static_cast<double>(row.epoch));
    h5::append_number(schedule, "source_trial", static_cast<double>(row.source_trial));
    h5::append_string(schedule, "hyperparameters", row.hyperparameters);
  } catch (const H5::Exception& e) {
    throw Error(path_ + ": cannot append to the schedule of trial " + trial_name(trial_id) + ": " +
                e.getDetailMsg());
  }
}

void SweepWriter::flush() {
  if (!dirty_) return;
  const auto start = std::chrono::steady_clock::now();
  h5::write_image_atomically(file_, path_);
  dirty_ = false;
  last_flush_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const ConfigValue* TrialRecord::value_of(const std::string& path) const {
  for (const SweptValue& v : swept)
    if (v.path == path) return &v.value;
  return nullptr;
}

int64_t TrialRecord::epochs() const {
  auto it = curves.find("epoch");
  return it == curves.end() ? 0 : static_cast<int64_t>(it->second.size());
}

SweepRecord read_sweep_file(const std::string& path) {
  h5::quiet_errors();
  if (!std::filesystem::exists(path))
    throw UserError(path + ": no such file (is this a sweep's --out folder?)");
  SweepRecord record;
  std::string where = "/";
  try {
    H5::H5File file(path, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT, h5::unlocked_access());
    record.hpsweep_version = h5::read_string_attribute(file, "hpsweep_version");
    const int64_t schema = h5::read_int_attribute(file, "schema_version");
    if (schema > kSchemaVersion)
      throw UserError(path + ": written by hpsweep " + record.hpsweep_version + " in schema " +
                      std::to_string(schema) + "; this hpsweep reads schemas up to " +
                      std::to_string(kSchemaVersion));
    record.name = h5::read_string_attribute(file, "name");
    record.spec_text = h5::read_string_attribute(file, "spec");
    record.metric.name = h5::read_string_attribute(file, "metric_name");
    const std::vector<std::string>& metrics = metric_names();
    if (std::find(metrics.begin(), metrics.end(), record.metric.name) == metrics.end())
      throw UserError(path + ": metric_name '" + record.metric.name +
                      "' is not a metric this hpsweep knows");
    record.metric.minimize = h5::read_string_attribute(file, "metric_goal") == "minimize";
    record.swept_parameters = h5::read_string_list(file.openGroup("/"), "swept_parameters");
    H5::Group all = file.openGroup("trials");
    for (hsize_t i = 0; i < all.getNumObjs(); ++i) {
      const std::string name = all.getObjnameByIdx(i);
      where = "/trials/" + name;
      H5::Group group = all.openGroup(name);
      TrialRecord trial;
      trial.id = h5::read_int_attribute(group, "id");
      trial.seed = h5::read_uint_attribute(group, "seed");
      trial.status = parse_status(h5::read_string_attribute(group, "status"));
      trial.message = h5::read_string_attribute(group, "message");
      for (const std::string& p : record.swept_parameters)  // absent: a failed condition
        if (group.attrExists(p)) trial.swept.push_back({p, read_value_attribute(group, p)});
      if (group.attrExists("repeat")) {  // schema 4
        trial.configuration = h5::read_int_attribute(group, "configuration");
        trial.repeat = h5::read_int_attribute(group, "repeat");
        trial.fold = h5::read_int_attribute(group, "fold");
      }
      H5::Group curves = group.openGroup("curves");
      // A curve the trial does not have (all NaN, or absent in an older schema) is left out.
      for (const std::string& curve : curve_names()) {
        if (!curves.nameExists(curve)) continue;
        std::vector<double> values = h5::read_doubles(curves, curve);
        if (!values.empty() &&
            std::all_of(values.begin(), values.end(), [](double v) { return std::isnan(v); }))
          continue;
        trial.curves[curve] = std::move(values);
      }
      trial.schedule = read_schedule(group);
      record.trials.push_back(std::move(trial));
    }
    where = "/decisions";
    if (file.nameExists("decisions")) record.decisions = read_decisions(file);
  } catch (const H5::Exception& e) {
    throw UserError(path + ": not a valid hpsweep sweep file (at " + where + ": " +
                    e.getDetailMsg() + ")");
  } catch (const std::invalid_argument& e) {
    throw UserError(path + ": not a valid hpsweep sweep file (at " + where + ": " + e.what() + ")");
  }
  return record;
}

}  // namespace hpsweep
