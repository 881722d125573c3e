#include "coordinator/sweep_recovery.h"

#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "coordinator/scheduling_difference.h"
#include "coordinator/search_space.h"
#include "storage/checkpoint_file.h"
#include "storage/journal.h"

namespace hpsweep {
namespace {

bool is_final(TrialStatus status) {
  return status == TrialStatus::completed || status == TrialStatus::diverged ||
         status == TrialStatus::stopped;
}

// The first line where two texts differ, as "LINE_A" vs "LINE_B".
std::pair<std::string, std::string> first_difference(const std::string& a, const std::string& b) {
  std::istringstream in_a(a), in_b(b);
  std::string line_a, line_b;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(in_a, line_a));
    const bool more_b = static_cast<bool>(std::getline(in_b, line_b));
    if (!more_a && !more_b) return {"", ""};
    if (!more_a) line_a = "(nothing)";
    if (!more_b) line_b = "(nothing)";
    if (line_a != line_b) return {line_a, line_b};
  }
}

// A checkpoint a resume may continue from: the trial's own, with an epoch the trial can have
// reached and a curve for each of those epochs. Anything else (another trial's file copied in
// its place, a damaged or edited one) is refused rather than trained on.
void check_checkpoint(const std::string& path, const Trial& trial,
                      const CheckpointProgress& progress) {
  const auto refuse = [&](const std::string& what) {
    throw UserError(path + ": " + what +
                    "; delete it to train the trial afresh, or rerun with --restart");
  };
  if (progress.trial_id != trial.id)
    refuse("holds trial " + trial_name(progress.trial_id) + ", not " + trial_name(trial.id) +
           " (a file copied in its place?)");
  const int64_t epochs = trial.config.training.epochs;
  if (progress.epoch < 1 || progress.epoch > epochs)
    refuse("holds epoch " + std::to_string(progress.epoch) + ", outside the trial's 1.." +
           std::to_string(epochs));
  if (static_cast<int64_t>(progress.history.size()) != progress.epoch)
    refuse("holds epoch " + std::to_string(progress.epoch) + " but curves for " +
           std::to_string(progress.history.size()) + " epochs");
}

}  // namespace

std::vector<TrialRecovery> recover_trials(const std::string& out_dir,
                                          const std::vector<Trial>& trials, int64_t max_retries,
                                          bool scheduled) {
  std::vector<TrialRecovery> states(trials.size());
  for (const JournalRecord& r : read_journal(out_dir + "/journal.log")) {
    if (r.trial_id < 0 || r.trial_id >= static_cast<int64_t>(trials.size())) continue;
    TrialRecovery& s = states[r.trial_id];
    s.status = r.status;
    s.message = r.message;
    if (r.status == TrialStatus::failed) ++s.failures;
    s.finished =
        is_final(r.status) || (r.status == TrialStatus::failed && s.failures > max_retries);
  }
  for (const Trial& trial : trials) {
    TrialRecovery& s = states[trial.id];
    const std::string path = checkpoint_path(out_dir, trial.id);
    if (!std::filesystem::exists(path)) continue;
    CheckpointProgress progress = read_checkpoint_progress(path);
    check_checkpoint(path, trial, progress);
    s.history = std::move(progress.history);
    s.copied_from = progress.copied_from;
    s.copied_at = progress.copied_at;
    if (s.finished) continue;
    // The last epoch's checkpoint is written before the trial reports its end: a kill in
    // between leaves a finished trial without its journal line.
    if (!scheduled && progress.epoch >= trial.config.training.epochs) {
      s.finished = true;
      s.status = TrialStatus::completed;
      s.message.clear();
      continue;
    }
    s.resume_epoch = progress.epoch;
  }
  for (TrialRecovery& s : states)
    if (!s.finished && s.status != TrialStatus::pending && s.status != TrialStatus::paused)
      s.status = TrialStatus::interrupted;
  return states;
}

std::optional<std::string> describe_spec_difference(const SweepSpec& stored,
                                                    const SweepSpec& current) {
  auto differ = [](const std::string& what, const std::string& a, const std::string& b) {
    return what + " is " + a + " in the stored spec, " + b + " in this one";
  };
  auto metric_text = [](const MetricSpec& m) {
    return m.name + (m.minimize ? " (minimize)" : " (maximize)");
  };
  if (stored.metric.name != current.metric.name ||
      stored.metric.minimize != current.metric.minimize)
    return differ("metric", metric_text(stored.metric), metric_text(current.metric));
  if (auto difference = describe_scheduling_difference(stored, current)) return difference;
  if (stored.resources.ranks_per_trial != current.resources.ranks_per_trial)
    return differ("resources.ranks_per_trial", std::to_string(stored.resources.ranks_per_trial),
                  std::to_string(current.resources.ranks_per_trial));
  const std::vector<Trial> old_trials = expand_trials(stored), new_trials = expand_trials(current);
  if (old_trials.size() != new_trials.size())
    return differ("the number of trials", std::to_string(old_trials.size()),
                  std::to_string(new_trials.size()));
  for (size_t i = 0; i < old_trials.size(); ++i) {
    if (old_trials[i].seed != new_trials[i].seed)
      return "trial " + trial_name(old_trials[i].id) +
             " has another seed (the sweep seed or method changed)";
    const auto [a, b] =
        first_difference(config_text(old_trials[i].config), config_text(new_trials[i].config));
    if (!a.empty())
      return "trial " + trial_name(old_trials[i].id) + ": `" + a + "` in the stored spec, `" + b +
             "` in this one";
  }
  return std::nullopt;
}

}  // namespace hpsweep
