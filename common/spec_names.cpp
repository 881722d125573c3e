#include "common/spec_names.h"

namespace hpsweep {

const NameTable<SearchMethod>& search_method_names() {
  static const NameTable<SearchMethod> names = {{SearchMethod::grid, "grid"},
                                                {SearchMethod::random, "random"},
                                                {SearchMethod::pbt, "pbt"},
                                                {SearchMethod::bayes, "bayes"}};
  return names;
}

const NameTable<Distribution>& distribution_names() {
  static const NameTable<Distribution> names = {
      {Distribution::categorical, "categorical"},
      {Distribution::constant, "constant"},
      {Distribution::uniform, "uniform"},
      {Distribution::int_uniform, "int_uniform"},
      {Distribution::q_uniform, "q_uniform"},
      {Distribution::log_uniform, "log_uniform"},
      {Distribution::log_uniform_values, "log_uniform_values"},
      {Distribution::q_log_uniform, "q_log_uniform"},
      {Distribution::q_log_uniform_values, "q_log_uniform_values"},
      {Distribution::inv_log_uniform, "inv_log_uniform"},
      {Distribution::inv_log_uniform_values, "inv_log_uniform_values"},
      {Distribution::normal, "normal"},
      {Distribution::q_normal, "q_normal"},
      {Distribution::log_normal, "log_normal"},
      {Distribution::q_log_normal, "q_log_normal"}};
  return names;
}

const NameTable<EarlyTerminateKind>& early_terminate_names() {
  static const NameTable<EarlyTerminateKind> names = {{EarlyTerminateKind::asha, "asha"},
                                                      {EarlyTerminateKind::hyperband, "hyperband"},
                                                      {EarlyTerminateKind::median, "median"}};
  return names;
}

const NameTable<ReducerKind>& reducer_names() {
  static const NameTable<ReducerKind> names = {{ReducerKind::shared, "shared"},
                                               {ReducerKind::fused, "fused"},
                                               {ReducerKind::bucketed, "bucketed"}};
  return names;
}

const NameTable<BayesPreset>& bayes_preset_names() {
  static const NameTable<BayesPreset> names = {{BayesPreset::hpsweep, "hpsweep"},
                                               {BayesPreset::optuna, "optuna"}};
  return names;
}

const NameTable<BayesWeighting>& bayes_weighting_names() {
  static const NameTable<BayesWeighting> names = {{BayesWeighting::age, "age"},
                                                  {BayesWeighting::improvement, "improvement"}};
  return names;
}

const NameTable<BayesJointBandwidth>& bayes_joint_bandwidth_names() {
  static const NameTable<BayesJointBandwidth> names = {
      {BayesJointBandwidth::scott, "scott"}, {BayesJointBandwidth::neighbours, "neighbours"}};
  return names;
}

std::string search_method_name(SearchMethod method) {
  return name_of(search_method_names(), method);
}

std::string distribution_name(Distribution distribution) {
  if (distribution == Distribution::values) return "values";
  return name_of(distribution_names(), distribution);
}

}  // namespace hpsweep
