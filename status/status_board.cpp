#include "status/status_board.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/json_writer.h"
#include "common/spec_names.h"

namespace hpsweep {
namespace {

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Statuses after which a trial trains no more in this run.
bool finished(TrialStatus status) {
  return status == TrialStatus::completed || status == TrialStatus::diverged ||
         status == TrialStatus::stopped || status == TrialStatus::failed;
}

void write_value(JsonWriter& json, const ConfigValue& value) {
  std::visit([&](const auto& v) { json.value(v); }, value);
}

void write_swept(JsonWriter& json, const std::vector<SweptValue>& swept) {
  json.begin_object();
  for (const SweptValue& s : swept) {
    json.key(s.path);
    write_value(json, s.value);
  }
  json.end_object();
}

// The best value of `metric` over the epochs, and its epoch; NaN and 0 when there is none.
std::pair<double, int64_t> best_of(const std::vector<EpochMetrics>& curves,
                                   const MetricSpec& metric) {
  double best = kNoValue;
  int64_t epoch = 0;
  for (const EpochMetrics& m : curves) {
    const double v = curve_value(m, metric.name);
    if (std::isnan(v)) continue;
    if (std::isnan(best) || (metric.minimize ? v < best : v > best)) {
      best = v;
      epoch = m.epoch;
    }
  }
  return {best, epoch};
}

std::string status_event(int64_t trial, TrialStatus status, const std::string& message,
                         const std::string& worker) {
  JsonWriter json;
  json.begin_object().key("trial").value(trial).key("status").value(status_name(status));
  json.key("message").value(message).key("worker").value(worker).end_object();
  return json.take();
}

void write_epoch(JsonWriter& json, const EpochMetrics& m) {
  json.begin_object().key("epoch").value(m.epoch);
  for (const std::string& name : curve_names()) json.key(name).value(curve_value(m, name));
  json.end_object();
}

void write_decision(JsonWriter& json, const DecisionRow& d) {
  json.begin_object().key("sequence").value(d.sequence).key("time").value(d.time);
  json.key("trial").value(d.trial).key("kind").value(d.kind).key("epoch").value(d.epoch);
  json.key("source_trial");
  if (d.source_trial >= 0)
    json.value(d.source_trial);
  else
    json.null();
  json.key("hyperparameters").value(d.hyperparameters).key("reason").value(d.reason);
  json.end_object();
}

}  // namespace

StatusBoard::StatusBoard(std::string host_name) : host_(std::move(host_name)) {}

void StatusBoard::publish(const std::string& type, std::string data) {
  events_.push_back({next_sequence_++, type, std::move(data)});
  if (events_.size() > kEventWindow) events_.pop_front();
  version_.fetch_add(1, std::memory_order_release);
}

void StatusBoard::count_status(TrialStatus from, TrialStatus to) {
  --counts_[from];
  ++counts_[to];
}

void StatusBoard::on_sweep_begin(const SweepSpec& spec, const std::vector<Trial>& trials) {
  std::lock_guard lock(mutex_);
  name_ = spec.name;
  spec_text_ = spec.yaml_text;
  method_ = search_method_name(spec.method);
  metric_ = spec.metric;
  parameters_.clear();
  for (const ParameterSpec& p : spec.parameters) parameters_.push_back(p.path);
  start_unix_ = unix_seconds();
  rows_.clear();
  std::vector<int64_t> planned;
  for (const Trial& t : trials) {
    rows_.push_back({t.id, TrialStatus::pending, "", "", t.swept, {}, nullptr});
    planned.push_back(t.config.training.epochs);
  }
  counts_.clear();
  counts_[TrialStatus::pending] = static_cast<int64_t>(trials.size());
  progress_ = std::make_unique<Progress>(discard_, false, std::move(planned), metric_,
                                         std::chrono::hours(24));
  publish("sweep_begin", "{}");
}

void StatusBoard::on_trial_status(int64_t trial, TrialStatus status, int64_t,
                                  const std::string& message) {
  std::lock_guard lock(mutex_);
  Row& row = rows_.at(trial);
  count_status(row.status, status);
  if (finished(status) && !finished(row.status)) progress_->record_finished(trial);
  row.status = status;
  row.message = message;
  row.json.reset();
  publish("status", status_event(trial, status, message, row.worker));
}

void StatusBoard::on_trial_values(int64_t trial, const Trial& configured) {
  std::lock_guard lock(mutex_);
  Row& row = rows_.at(trial);
  row.swept = configured.swept;
  row.json.reset();
}

void StatusBoard::on_trial_placed(int64_t trial, const std::string& worker) {
  std::lock_guard lock(mutex_);
  Row& row = rows_.at(trial);
  row.worker = host_.empty() ? worker : worker + " on " + host_;
  row.json.reset();
}

void StatusBoard::on_epoch(int64_t trial, const EpochMetrics& metrics) {
  std::lock_guard lock(mutex_);
  Row& row = rows_.at(trial);
  // A running trial's epoch was trained in this run; others are a resumed sweep's history.
  if (row.status == TrialStatus::running)
    progress_->epoch_finished(trial, metrics);
  else
    progress_->record_epoch(trial, metrics);
  row.curves.push_back(metrics);
  row.json.reset();
  JsonWriter json;
  json.begin_object().key("trial").value(trial).key("metrics");
  write_epoch(json, metrics);
  json.end_object();
  publish("epoch", json.take());
}

void StatusBoard::on_curves_truncated(int64_t trial, int64_t epochs) {
  std::lock_guard lock(mutex_);
  Row& row = rows_.at(trial);
  if (static_cast<int64_t>(row.curves.size()) > epochs) row.curves.resize(epochs);
  row.json.reset();
  JsonWriter json;
  json.begin_object().key("trial").value(trial).key("epochs").value(epochs).end_object();
  publish("truncated", json.take());
}

void StatusBoard::on_decision(const DecisionRow& decision) {
  std::lock_guard lock(mutex_);
  decisions_.push_back(decision);
  JsonWriter json;
  write_decision(json, decision);
  publish("decision", json.take());
}

void StatusBoard::on_sweep_end(bool stopped) {
  std::lock_guard lock(mutex_);
  end_unix_ = unix_seconds();
  stopped_ = stopped;
  JsonWriter json;
  json.begin_object().key("stopped").value(stopped).end_object();
  publish("sweep_end", json.take());
}

void StatusBoard::load(const SweepRecord& record) {
  std::lock_guard lock(mutex_);
  live_ = false;
  name_ = record.name;
  spec_text_ = record.spec_text;
  method_.clear();
  metric_ = record.metric;
  parameters_ = record.swept_parameters;
  rows_.clear();
  counts_.clear();
  for (const TrialRecord& t : record.trials) {
    Row row{t.id, t.status, t.message, "", t.swept, {}, nullptr};
    size_t epochs = 0;  // (TrialRecord::epochs() would link the HDF5 reader into the fuzzer)
    for (const auto& [name, values] : t.curves) epochs = std::max(epochs, values.size());
    for (size_t e = 0; e < epochs; ++e) {
      EpochMetrics m;
      m.epoch = static_cast<int64_t>(e) + 1;
      for (const auto& [name, values] : t.curves)
        if (e < values.size()) set_curve_value(m, name, values[e]);
      row.curves.push_back(m);
    }
    ++counts_[t.status];
    rows_.push_back(std::move(row));
  }
  decisions_ = record.decisions;
  progress_.reset();
  publish("reload", "{}");
}

bool StatusBoard::ended() const {
  std::lock_guard lock(mutex_);
  return end_unix_.has_value();
}

std::string StatusBoard::sweep_json() const {
  std::lock_guard lock(mutex_);
  JsonWriter json;
  json.begin_object().key("api_version").value(1).key("live").value(live_);
  json.key("name").value(name_).key("spec").value(spec_text_);
  json.key("method");
  if (method_.empty())
    json.null();
  else
    json.value(method_);
  json.key("metric").begin_object().key("name").value(metric_.name);
  json.key("goal").value(metric_.minimize ? "minimize" : "maximize").end_object();
  json.key("parameters").begin_array();
  for (const std::string& p : parameters_) json.value(p);
  json.end_array();
  json.key("trials").value(static_cast<int64_t>(rows_.size()));
  json.key("counts").begin_object();
  for (const auto& [status, count] : counts_)
    if (count > 0) json.key(status_name(status)).value(count);
  json.end_object();
  json.key("decisions").value(static_cast<int64_t>(decisions_.size()));
  if (live_ && start_unix_ > 0) {
    json.key("start_time").value(start_unix_);
    json.key("elapsed_seconds").value(end_unix_.value_or(unix_seconds()) - start_unix_);
  } else {
    json.key("start_time").null().key("elapsed_seconds").null();
  }
  json.key("eta_seconds");
  const std::optional<double> eta =
      progress_ && !end_unix_ ? progress_->eta_seconds() : std::nullopt;
  if (eta)
    json.value(*eta);
  else
    json.null();
  json.key("ended").value(end_unix_.has_value() || !live_);
  json.key("stopped").value(stopped_);
  json.key("last_event").value(next_sequence_ - 1);
  json.end_object();
  return json.take();
}

const std::shared_ptr<const std::string>& StatusBoard::row_json(const Row& row) const {
  if (row.json) return row.json;
  JsonWriter json;
  json.begin_object().key("id").value(row.id).key("status").value(status_name(row.status));
  json.key("message").value(row.message).key("swept");
  write_swept(json, row.swept);
  json.key("epochs").value(static_cast<int64_t>(row.curves.size()));
  json.key("latest");
  if (row.curves.empty())
    json.null();
  else
    json.value(curve_value(row.curves.back(), metric_.name));
  const auto [best, best_epoch] = best_of(row.curves, metric_);
  json.key("best").value(best).key("best_epoch").value(best_epoch);
  json.key("worker").value(row.worker).end_object();
  row.json = std::make_shared<const std::string>(json.take());
  return row.json;
}

// Under the lock only the rows' shared texts are taken (a changed row's is made anew): the
// sweep loop, which tells the board every change, never waits while megabytes are joined.
std::string StatusBoard::trials_json() const {
  std::vector<std::shared_ptr<const std::string>> rows;
  std::string metric;
  int64_t last_event = 0;
  {
    std::lock_guard lock(mutex_);
    rows.reserve(rows_.size());
    for (const Row& row : rows_) rows.push_back(row_json(row));
    metric = metric_.name;
    last_event = next_sequence_ - 1;
  }
  JsonWriter json;
  json.begin_object().key("metric").value(metric).key("trials").begin_array();
  for (const auto& row : rows) json.raw(*row);
  json.end_array().key("last_event").value(last_event).end_object();
  return json.take();
}

std::optional<std::string> StatusBoard::trial_json(int64_t trial) const {
  std::lock_guard lock(mutex_);
  if (trial < 0 || trial >= static_cast<int64_t>(rows_.size())) return std::nullopt;
  const Row& row = rows_[trial];
  JsonWriter json;
  json.begin_object().key("trial").raw(*row_json(row)).key("curves").begin_object();
  for (const std::string& name : curve_names()) {
    json.key(name).begin_array();
    for (const EpochMetrics& m : row.curves) json.value(curve_value(m, name));
    json.end_array();
  }
  json.end_object().end_object();
  return json.take();
}

std::string StatusBoard::decisions_json(int64_t since) const {
  std::lock_guard lock(mutex_);
  JsonWriter json;
  json.begin_object().key("decisions").begin_array();
  // Decisions come in sequence order.
  const auto first =
      std::upper_bound(decisions_.begin(), decisions_.end(), since,
                       [](int64_t s, const DecisionRow& d) { return s < d.sequence; });
  for (auto d = first; d != decisions_.end(); ++d) write_decision(json, *d);
  json.end_array();
  json.key("last").value(decisions_.empty() ? int64_t{-1} : decisions_.back().sequence);
  json.end_object();
  return json.take();
}

EventBatch StatusBoard::events_after(int64_t sequence) const {
  std::lock_guard lock(mutex_);
  EventBatch batch;
  if (events_.empty()) return batch;
  batch.missed = events_.front().sequence > sequence + 1;
  const int64_t skip = std::max<int64_t>(0, sequence + 1 - events_.front().sequence);
  for (auto e = events_.begin() + std::min<int64_t>(skip, events_.size()); e != events_.end(); ++e)
    batch.events.push_back(*e);
  return batch;
}

}  // namespace hpsweep
