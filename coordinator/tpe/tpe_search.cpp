#include "coordinator/tpe/tpe_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "common/conditions.h"
#include "common/rng.h"
#include "coordinator/distributions.h"
#include "coordinator/search_space.h"
#include "coordinator/tpe/search_coordinates.h"

namespace hpsweep {
namespace {

constexpr uint64_t kSuggestionStream = 0x74706573;  // "tpes"
constexpr double kNotThere = std::numeric_limits<double>::quiet_NaN();
constexpr int kModelRedraws = 3, kRedraws = 20;  // of which the rest are start-up draws

}  // namespace

TpeSearch::TpeSearch(const SweepSpec& spec)
    : spec_(spec),
      order_(dependency_order(spec.parameters)),
      settings_{spec.bayes.startup_trials,
                spec.bayes.ei_candidates,
                spec.bayes.prior_weight,
                spec.bayes.magic_clip,
                spec.bayes.gamma,
                spec.bayes.gamma_cap,
                spec.bayes.min_bandwidth,
                spec.bayes.bandwidth_exponent,
                spec.bayes.consider_endpoints,
                spec.bayes.joint_bandwidth == BayesJointBandwidth::neighbours,
                spec.bayes.weighting == BayesWeighting::improvement},
      constant_liar_(spec.bayes.constant_liar),
      seed_(spec.bayes.seed.value_or(spec.seed)),
      trials_(static_cast<size_t>(spec.run_cap)) {
  // Every trial has the unconditional parameters; one alone is as well modelled univariately.
  if (spec.bayes.multivariate)
    for (size_t i = 0; i < parameters_.size(); ++i)
      if (parameters_[i].when.empty()) joint_.push_back(i);
  if (joint_.size() < 2) joint_.clear();
}

const ParameterSpec* TpeSearch::find_parameter(const std::string& path) const {
  for (const ParameterSpec& p : parameters_)
    if (p.path == path) return &p;
  return nullptr;
}

std::pair<int64_t, int64_t> TpeSearch::budget() const {
  int64_t last = 0;
  for (const Observed& t : trials_) last = std::max(last, static_cast<int64_t>(t.scores.size()));
  for (int64_t epoch = last; epoch >= 1; --epoch) {
    int64_t count = 0;
    for (const Observed& t : trials_)
      if (t.suggested && (static_cast<int64_t>(t.scores.size()) >= epoch || t.ended_early)) ++count;
    if (count >= settings_.startup_trials) return {epoch, count};
  }
  return {0, 0};
}

double TpeSearch::score_at(const Observed& trial, int64_t epoch) const {
  if (static_cast<int64_t>(trial.scores.size()) >= epoch) return trial.scores[epoch - 1];
  if (trial.ended_early) return std::numeric_limits<double>::infinity();
  return kNotThere;
}

TpeSearch::Split TpeSearch::split_at(int64_t id, int64_t epoch,
                                     const std::vector<int64_t>& running) const {
  Split split;
  std::vector<size_t> finished;
  std::vector<double> losses;
  for (size_t t = 0; t < trials_.size(); ++t) {
    const Observed& other = trials_[t];
    if (static_cast<int64_t>(t) == id || !other.suggested) continue;
    const double score = score_at(other, epoch);
    if (std::isnan(score)) continue;
    finished.push_back(t);
    losses.push_back(score);
  }
  split.results = static_cast<int64_t>(finished.size());
  if (constant_liar_)
    for (int64_t r : running)
      if (std::isnan(score_at(trials_[static_cast<size_t>(r)], epoch)))
        split.bad.push_back(static_cast<size_t>(r));
  const std::vector<bool> good = good_observations(losses, split.bad.size(), settings_);
  std::vector<double> good_losses;
  double threshold = HUGE_VAL;  // the best bad loss
  for (size_t k = 0; k < finished.size(); ++k) {
    (good[k] ? split.good : split.bad).push_back(finished[k]);
    if (good[k])
      good_losses.push_back(losses[k]);
    else
      threshold = std::min(threshold, losses[k]);
  }
  if (settings_.improvement_weights)
    split.good_weights = improvement_weights(good_losses, threshold);
  return split;
}

std::map<size_t, ConfigValue> TpeSearch::draw_jointly(const Split& split, Rng& rng) const {
  const auto points = [&](const std::vector<size_t>& trials) {
    std::vector<std::vector<double>> all;
    for (size_t t : trials) {
      std::vector<double> point;
      for (size_t i : joint_) point.push_back(trials_[t].coordinates[i]);
      all.push_back(std::move(point));
    }
    return all;
  };
  std::vector<TpeParameter> dimensions;
  for (size_t i : joint_) dimensions.push_back(search_range(parameters_[i]));
  const std::vector<double> point = suggest_joint_tpe(
      dimensions, points(split.good), points(split.bad), settings_, rng, split.good_weights);
  std::map<size_t, ConfigValue> values;
  for (size_t j = 0; j < joint_.size(); ++j)
    if (std::optional<ConfigValue> value = value_at(parameters_[joint_[j]], point[j]))
      values.emplace(joint_[j], *value);
  return values;
}

std::vector<SweptValue> TpeSearch::draw(int64_t id, int64_t epoch,
                                        const std::vector<int64_t>& running, Rng& rng) {
  Observed& trial = trials_.at(static_cast<size_t>(id));
  trial.coordinates.assign(parameters_.size(), kNotThere);
  const Split split = epoch > 0 ? split_at(id, epoch, running) : Split{};
  const bool model = split.results >= settings_.startup_trials;
  const std::map<size_t, ConfigValue> joint =
      model && !joint_.empty() ? draw_jointly(split, rng) : std::map<size_t, ConfigValue>{};
  // A parameter's values among the trials of `group` that have it, and the good ones' weights.
  const auto values_of = [&](const std::vector<size_t>& group, size_t i) {
    std::vector<double> values;
    for (size_t t : group)
      if (!std::isnan(trials_[t].coordinates[i])) values.push_back(trials_[t].coordinates[i]);
    return values;
  };
  const auto good_weights_of = [&](size_t i) {
    std::vector<double> weights;
    for (size_t k = 0; k < split.good_weights.size(); ++k)
      if (!std::isnan(trials_[split.good[k]].coordinates[i]))
        weights.push_back(split.good_weights[k]);
    return weights;
  };
  std::vector<SweptValue> chosen;
  for (size_t i : order_) {
    const ParameterSpec& p = parameters_[i];
    if (!conditions_hold(p, chosen)) continue;
    std::optional<ConfigValue> value;
    if (const auto it = joint.find(i); it != joint.end())
      value = it->second;
    else if (model)
      value = value_at(p, suggest_tpe(search_range(p), values_of(split.good, i),
                                      values_of(split.bad, i), settings_, rng, good_weights_of(i)));
    // Start-up, or a normal-family suggestion the field refuses: the distribution's own draw.
    if (!value) value = draw_value(p, rng);
    trial.coordinates[i] = coordinate_of(p, *value);
    chosen.push_back({p.path, *value});
  }
  return chosen;
}

bool TpeSearch::tried(int64_t id) const {
  const std::vector<double>& mine = trials_[static_cast<size_t>(id)].coordinates;
  for (size_t t = 0; t < trials_.size(); ++t) {
    if (static_cast<int64_t>(t) == id || !trials_[t].suggested) continue;
    const std::vector<double>& other = trials_[t].coordinates;
    if (std::equal(mine.begin(), mine.end(), other.begin(), other.end(),
                   [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); }))
      return true;
  }
  return false;
}

Suggestion TpeSearch::suggest(int64_t id, const std::vector<int64_t>& running) {
  Rng rng(counter_hash({seed_, kSuggestionStream, static_cast<uint64_t>(id)}));
  const auto [epoch, results] = budget();
  Observed& trial = trials_.at(static_cast<size_t>(id));
  trial.suggested = true;
  std::vector<SweptValue> chosen = draw(id, epoch, running, rng);
  // A configuration already tried teaches nothing new (tpe_search.h): drawn again.
  const bool repeated = epoch > 0 && tried(id);
  for (int redraw = 0; redraw < kRedraws && tried(id); ++redraw)
    chosen = draw(id, redraw < kModelRedraws ? epoch : 0, running, rng);
  std::vector<SweptValue> values;  // in file order
  for (const ParameterSpec& p : parameters_)
    for (const SweptValue& v : chosen)
      if (v.path == p.path) values.push_back(v);
  // A suggested model type brings its width and depth: they default by type
  // (common/model_types.h), and the trial's fixed values hold its base type's.
  if (find_parameter("model.type")) {
    const Trial made = make_trial(spec_, id, chosen);
    for (const char* path : {"model.width", "model.depth"})
      if (!find_parameter(path))
        values.push_back({path, find_config_field(path)->get(made.config)});
  }
  std::string reason = epoch == 0
                           ? "random start-up draw: fewer than " +
                                 std::to_string(settings_.startup_trials) + " results at any epoch"
                           : "TPE from " + std::to_string(results) + " results at epoch " +
                                 std::to_string(epoch) + " and " + std::to_string(running.size()) +
                                 " running trials";
  if (repeated) reason += "; its first suggestion repeated an earlier trial's, drawn again";
  return {std::move(values), reason};
}

// The scheduler hears a trial's epochs in order (a promoted trial's continue its curve).
void TpeSearch::heard(int64_t trial, int64_t, double score) {
  trials_.at(static_cast<size_t>(trial)).scores.push_back(score);
}

void TpeSearch::ended(int64_t trial) {
  trials_.at(static_cast<size_t>(trial)).ended_early = true;
}

}  // namespace hpsweep
