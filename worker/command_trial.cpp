#include "worker/command_trial.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "common/command_template.h"
#include "common/error.h"
#include "worker/child_process.h"
#include "worker/command_report.h"
#include "worker/command_state.h"
#include "worker/epoch_end.h"

namespace hpsweep {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How often the loop looks at `stop` while the program is silent.
constexpr int kPollMilliseconds = 100;
// The descriptor the program reports on.
constexpr int kReportFd = 3;
// A report is a line of numbers: anything longer is not one, and is not kept in memory.
constexpr size_t kMaxReportBytes = size_t{1} << 20;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string state_folder_of_epoch(int64_t epoch) {
  return "epoch-" + std::to_string(epoch);
}

// Removes the state folders of epochs before `epoch`: the program has moved past them and
// the checkpoint holds what hpsweep keeps.
void remove_older_states(const fs::path& state, int64_t epoch) {
  for (const auto& entry : fs::directory_iterator(state)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("epoch-", 0) != 0) continue;
    char* end = nullptr;
    const long long e = std::strtoll(name.c_str() + 6, &end, 10);
    if (*end == '\0' && e < epoch) fs::remove_all(entry.path());
  }
}

// A state folder of its own for each start of a program: a program left over from a killed
// sweep, which ends only at its next report, cannot write into its successor's.
std::string launch_state_name() {
  static std::atomic<int64_t> launches{0};
  return "state-" + std::to_string(getpid()) + "-" + std::to_string(++launches);
}

// Removes the state folders of earlier starts; one a leftover program still writes into may
// resist, and is harmless.
void remove_earlier_states(const fs::path& folder) {
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename().string().rfind("state-", 0) == 0) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
}

class CommandRun {
 public:
  CommandRun(const Trial& trial, const TrialStart& start, TrialObserver& observer,
             const std::atomic<bool>& stop)
      : trial_(trial),
        start_(start),
        observer_(observer),
        stop_(stop),
        folder_(program_folder(start.out_dir, trial.id)),
        state_dir_(folder_ / launch_state_name()) {}

  TrialOutcome run() {
    prepare_state();
    const ModelConfig& m = trial_.config.model;
    ChildOptions options;
    options.argv = expand_command(m.command, trial_, folder_.string());
    options.extra_env = {
        "HPSWEEP_REPORT_FD=" + std::to_string(kReportFd),
        "HPSWEEP_STATE_DIR=" + state_dir_.string(),
        "HPSWEEP_RESUME_EPOCH=" + std::to_string(state_.epoch),
        "HPSWEEP_EPOCHS=" + std::to_string(trial_.config.training.epochs),
        "HPSWEEP_TRIAL_ID=" + std::to_string(trial_.id),
        "HPSWEEP_TRIAL_SEED=" + std::to_string(trial_.seed),
        "HPSWEEP_TRIAL_FOLDER=" + folder_.string(),
    };
    options.stdout_path = (folder_ / "stdout.log").string();
    options.stderr_path = (folder_ / "stderr.log").string();
    options.report_fd = kReportFd;
    ChildProcess child(options);
    reports_.open(folder_ / "reports.jsonl", std::ios::app);
    return follow(child);
  }

 private:
  // The state folder holds the resumed epoch's state only (HPSWEEP_RESUME_EPOCH), or nothing.
  void prepare_state() {
    fs::create_directories(folder_);
    remove_earlier_states(folder_);
    fs::create_directories(state_dir_);
    if (start_.resume) {
      state_ = *start_.resume;
      unpack_folder(state_.params, state_dir_ / state_folder_of_epoch(state_.epoch));
    }
    state_.trial_id = trial_.id;
    state_.seed = trial_.seed;
    state_.metric_name = trial_.metric.name;
  }

  std::string failure(const std::string& cause) const {
    return "trial " + trial_name(trial_.id) + "'s program failed after epoch " +
           std::to_string(state_.epoch) + ": " + cause + "; its output is in " + folder_.string();
  }

  TrialOutcome failed(ChildProcess& child, const std::string& cause) {
    child.terminate(trial_.config.model.command_grace);
    return {TrialStatus::failed, state_.epoch, failure(cause)};
  }

  // Reads reports until the program ends, is ended, or fails.
  TrialOutcome follow(ChildProcess& child) {
    const double timeout = trial_.config.model.command_timeout;
    auto heard = Clock::now();
    std::string pending;
    while (true) {
      if (stop_.load(std::memory_order_relaxed)) {
        child.terminate(trial_.config.model.command_grace);
        return {TrialStatus::interrupted, state_.epoch, kStoppedTrialMessage};
      }
      pollfd p{child.report_fd(), POLLIN, 0};
      const int ready = poll(&p, 1, kPollMilliseconds);
      if (ready < 0 && errno != EINTR) throw Error("poll failed on a program's report pipe");
      if (ready <= 0) {
        if (seconds_since(heard) > timeout) {
          char text[64];
          std::snprintf(text, sizeof text, "%g", timeout);
          return failed(child,
                        std::string("reported nothing for ") + text + " s (model.command_timeout)");
        }
        continue;
      }
      char buffer[4096];
      const ssize_t got = read(child.report_fd(), buffer, sizeof buffer);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got <= 0) return finish(child, pending);
      pending.append(buffer, static_cast<size_t>(got));
      for (size_t end; (end = pending.find('\n')) != std::string::npos;) {
        const std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        if (auto outcome = take_report(child, line)) return *outcome;
      }
      if (pending.size() > kMaxReportBytes)
        return failed(child, "reported garbage on HPSWEEP_REPORT_FD: a line of more than " +
                                 std::to_string(kMaxReportBytes) + " bytes");
      heard = Clock::now();  // after judging: the verdict's wait is not the program's silence
    }
  }

  // One report line: the epoch ends as any trial's does (worker/epoch_end.h).
  std::optional<TrialOutcome> take_report(ChildProcess& child, const std::string& line) {
    reports_ << line << "\n" << std::flush;
    const int64_t epoch = state_.epoch + 1;
    if (epoch > trial_.config.training.epochs)
      return failed(child, "reported more than training.epochs (" +
                               std::to_string(trial_.config.training.epochs) + ") epochs");
    EpochMetrics metrics;
    try {
      metrics = parse_report(line, epoch, trial_.metric.name);
    } catch (const std::runtime_error& e) {
      return failed(child, std::string("reported garbage on HPSWEEP_REPORT_FD: ") + e.what());
    }
    if (std::isnan(metrics.wall_seconds)) metrics.wall_seconds = seconds_since(epoch_start_);
    epoch_start_ = Clock::now();
    const fs::path epoch_state = state_dir_ / state_folder_of_epoch(epoch);
    const auto snapshot = [&](CheckpointData& s, bool) { s.params = pack_folder(epoch_state); };
    std::string observer_error;
    const auto end = end_epoch(trial_, metrics, state_, observer_, observer_error, snapshot);
    remove_older_states(state_dir_, epoch);
    if (!observer_error.empty()) {
      child.terminate(trial_.config.model.command_grace);
      return TrialOutcome{TrialStatus::failed, epoch, observer_error};
    }
    if (end) child.terminate(trial_.config.model.command_grace);  // paused or stopped
    return end;
  }

  // The report pipe is closed: the program has ended, or is about to.
  TrialOutcome finish(ChildProcess& child, const std::string& pending) {
    const std::optional<int> status = child.wait_for(trial_.config.model.command_grace);
    if (!status) return failed(child, "closed HPSWEEP_REPORT_FD but did not exit");
    const bool clean = WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
    if (!clean) return failed(child, wait_status_text(*status));
    if (!pending.empty())
      return failed(child, "ended its reports with an unfinished line '" + pending + "'");
    const int64_t epochs = trial_.config.training.epochs;
    if (state_.epoch < epochs)
      return failed(child, "exited (status 0) before reporting all " + std::to_string(epochs) +
                               " epochs (training.epochs)");
    return {TrialStatus::completed, epochs, ""};
  }

  const Trial& trial_;
  const TrialStart& start_;
  TrialObserver& observer_;
  const std::atomic<bool>& stop_;
  const fs::path folder_, state_dir_;
  CheckpointData state_;
  std::ofstream reports_;
  Clock::time_point epoch_start_ = Clock::now();
};

}  // namespace

fs::path program_folder(const std::string& out_dir, int64_t trial_id) {
  return fs::path(out_dir) / "programs" / trial_name(trial_id);
}

TrialOutcome run_command_trial(const Trial& trial, const TrialStart& start, TrialObserver& observer,
                               const std::atomic<bool>& stop, TrainingGroup& group) {
  try {
    // The spec loader refuses larger groups; this is the last guard.
    if (group.size() > 1)
      throw UserError("trial " + trial_name(trial.id) +
                      ": command trials run on one rank (resources.ranks_per_trial: 1)");
    return CommandRun(trial, start, observer, stop).run();
  } catch (const std::exception& e) {
    if (group.size() > 1) throw;
    return {TrialStatus::failed, start.resume ? start.resume->epoch : 0,
            "trial " + trial_name(trial.id) + "'s program: " + e.what()};
  }
}

}  // namespace hpsweep
