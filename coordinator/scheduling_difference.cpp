#include "coordinator/scheduling_difference.h"

#include <utility>
#include <vector>

#include "common/config_fields.h"
#include "common/distribution_kinds.h"
#include "common/spec_names.h"

namespace hpsweep {
namespace {

std::string kind_name(EarlyTerminateKind kind) {
  if (kind == EarlyTerminateKind::none) return "(none)";
  return name_of(early_terminate_names(), kind);
}

// The keys of the kind's settings, with their values (the parser leaves the others at their
// defaults).
std::vector<std::pair<std::string, std::string>> settings(const EarlyTerminateSpec& et) {
  auto text = [](int64_t v) { return std::to_string(v); };
  switch (et.kind) {
    case EarlyTerminateKind::none:
      return {};
    case EarlyTerminateKind::asha:
      return {{"grace_period", text(et.grace_period)},
              {"reduction_factor", text(et.reduction_factor)},
              {"max_epochs", text(et.max_epochs)},
              {"brackets", text(et.brackets)}};
    case EarlyTerminateKind::hyperband:
      return {
          {"min_iter", text(et.min_iter)}, {"max_iter", text(et.max_iter)}, {"eta", text(et.eta)}};
    case EarlyTerminateKind::median:
      return {{"grace_period", text(et.grace_period)}, {"min_samples", text(et.min_samples)}};
  }
  return {};
}

std::string values_text(const std::vector<ConfigValue>& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + value_string(values[i]);
  return text + "]";
}

// A swept parameter or mutation as written: its distribution, its values or bounds, and the
// conditions under which it exists.
std::string distribution_text(const ParameterSpec& p) {
  std::string text = distribution_name(p.distribution);
  if (!p.values.empty())
    text += " " + values_text(p.values);
  else if (shape_of(p.distribution) == DistributionShape::gaussian)
    text += " mu " + value_string(p.mu) + " sigma " + value_string(p.sigma);
  else
    text += " " + value_string(p.min) + " to " + value_string(p.max);
  if (p.values.empty() && is_quantized(p.distribution)) text += " q " + value_string(p.q);
  for (const Condition& c : p.when) text += " when " + c.path + " in " + values_text(c.values);
  return text;
}

std::string distributions_text(const std::vector<ParameterSpec>& mutations) {
  std::string text;
  for (const ParameterSpec& m : mutations)
    text += (text.empty() ? "" : ", ") + m.path + ": " + distribution_text(m);
  return "{" + text + "}";
}

}  // namespace

std::optional<std::string> describe_scheduling_difference(const SweepSpec& stored,
                                                          const SweepSpec& current) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> keys = {
      {"method", {search_method_name(stored.method), search_method_name(current.method)}},
      {"seed", {std::to_string(stored.seed), std::to_string(current.seed)}},
      {"run_cap", {std::to_string(stored.run_cap), std::to_string(current.run_cap)}},
      {"repeats", {std::to_string(stored.repeats), std::to_string(current.repeats)}},
      {"early_terminate",
       {kind_name(stored.early_terminate.kind), kind_name(current.early_terminate.kind)}}};
  const auto old_settings = settings(stored.early_terminate);
  const auto new_settings = settings(current.early_terminate);
  if (stored.early_terminate.kind == current.early_terminate.kind)
    for (size_t i = 0; i < old_settings.size(); ++i)
      keys.push_back({"early_terminate." + old_settings[i].first,
                      {old_settings[i].second, new_settings[i].second}});
  if (stored.method == SearchMethod::pbt && current.method == SearchMethod::pbt) {
    const PbtSpec &a = stored.pbt, &b = current.pbt;
    keys.push_back(
        {"pbt.population", {std::to_string(a.population), std::to_string(b.population)}});
    keys.push_back(
        {"pbt.perturbation_interval",
         {std::to_string(a.perturbation_interval), std::to_string(b.perturbation_interval)}});
    keys.push_back({"pbt.quantile_fraction",
                    {value_string(a.quantile_fraction), value_string(b.quantile_fraction)}});
    keys.push_back({"pbt.resample_probability",
                    {value_string(a.resample_probability), value_string(b.resample_probability)}});
    keys.push_back({"pbt.exploit", {a.exploit ? "true" : "false", b.exploit ? "true" : "false"}});
    keys.push_back(
        {"pbt.mutations", {distributions_text(a.mutations), distributions_text(b.mutations)}});
  }
  if (stored.method == SearchMethod::bayes && current.method == SearchMethod::bayes) {
    // Trials are made as they start: their values' distributions are not in the trials yet.
    keys.push_back(
        {"parameters",
         {distributions_text(stored.parameters), distributions_text(current.parameters)}});
    const auto bayes_text = [](const BayesSpec& b) {
      return "{startup_trials: " + std::to_string(b.startup_trials) +
             ", ei_candidates: " + std::to_string(b.ei_candidates) +
             ", prior_weight: " + value_string(b.prior_weight) +
             ", magic_clip: " + (b.magic_clip ? "true" : "false") +
             ", gamma: " + value_string(b.gamma) + ", gamma_cap: " + std::to_string(b.gamma_cap) +
             ", constant_liar: " + (b.constant_liar ? "true" : "false") +
             ", multivariate: " + (b.multivariate ? "true" : "false") +
             ", joint_bandwidth: " + name_of(bayes_joint_bandwidth_names(), b.joint_bandwidth) +
             ", weighting: " + name_of(bayes_weighting_names(), b.weighting) +
             ", min_bandwidth: " + value_string(b.min_bandwidth) +
             ", bandwidth_exponent: " + value_string(b.bandwidth_exponent) +
             ", consider_endpoints: " + (b.consider_endpoints ? "true" : "false") +
             ", seed: " + (b.seed ? std::to_string(*b.seed) : "the sweep's") + "}";
    };
    keys.push_back({"bayes", {bayes_text(stored.bayes), bayes_text(current.bayes)}});
  }
  for (const auto& [key, values] : keys)
    if (values.first != values.second)
      return key + " is " + values.first + " in the stored spec, " + values.second + " in this one";
  return std::nullopt;
}

}  // namespace hpsweep
