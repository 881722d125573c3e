#include "common/lr_schedule_fields.h"

namespace hpsweep {
namespace {

template <typename T>
constexpr ValueKind kind_of() {
  if constexpr (std::is_same_v<T, int64_t>)
    return ValueKind::integer;
  else if constexpr (std::is_same_v<T, double>)
    return ValueKind::real;
  else
    return ValueKind::text;
}

// The row of training.lr_schedule.<path> for `member` of LrScheduleConfig.
template <typename T>
ConfigField schedule_field(const std::string& path, T LrScheduleConfig::*member,
                           ValueRange range = {}, std::vector<std::string> choices = {}) {
  return ConfigField{"training.lr_schedule." + path,
                     kind_of<T>(),
                     range,
                     std::move(choices),
                     [member](TrialConfig& config, const ConfigValue& value) {
                       T& out = config.training.lr_schedule.*member;
                       if constexpr (std::is_same_v<T, double>) {
                         // Integers are acceptable reals ("gamma: 1").
                         if (auto* i = std::get_if<int64_t>(&value)) {
                           out = static_cast<double>(*i);
                           return;
                         }
                       }
                       out = std::get<T>(value);
                     },
                     [member](const TrialConfig& config) -> ConfigValue {
                       return config.training.lr_schedule.*member;
                     }};
}

ConfigField milestones_field() {
  return ConfigField{"training.lr_schedule.milestones",
                     ValueKind::integer_list,
                     ValueRange{1.0, std::nullopt, true, true},
                     {},
                     [](TrialConfig& config, const ConfigValue& value) {
                       config.training.lr_schedule.milestones =
                           *parse_integer_list(std::get<std::string>(value));
                     },
                     [](const TrialConfig& config) -> ConfigValue {
                       return integer_list_text(config.training.lr_schedule.milestones);
                     }};
}

ValueRange at_least(double min) {
  return {min, std::nullopt, true, true};
}

}  // namespace

std::vector<ConfigField> lr_schedule_fields() {
  using S = LrScheduleConfig;
  return {
      schedule_field("type", &S::type, {}, {"none", "step", "multistep", "cosine"}),
      schedule_field("step_size", &S::step_size, at_least(1)),
      milestones_field(),
      schedule_field("gamma", &S::gamma, {0.0, std::nullopt, false, true}),
      schedule_field("t_max", &S::t_max, at_least(1)),
      schedule_field("eta_min", &S::eta_min, at_least(0)),
      schedule_field("warmup.epochs", &S::warmup_epochs, at_least(0)),
      schedule_field("warmup.iterations", &S::warmup_iterations, at_least(0)),
      schedule_field("warmup.start_factor", &S::warmup_start_factor, {0.0, 1.0, false, true}),
  };
}

}  // namespace hpsweep
