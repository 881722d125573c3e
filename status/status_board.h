// The live state of one sweep for the status server: fed by the coordinator as a
// SweepObserver (or by hpsweep serve from sweep.h5), read by the server's thread. Updates take
// the lock for a few assignments and never wait for a reader; readers render JSON (api.h)
// under the same lock, each trial's row cached until the trial changes.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "coordinator/progress.h"
#include "coordinator/sweep_observer.h"

namespace hpsweep {

// One message of /api/v1/events: `type` is the SSE event name, `data` its JSON.
struct StatusEvent {
  int64_t sequence = 0;  // 1, 2, ... in order of the changes
  std::string type;      // status, epoch, decision, sweep_end
  std::string data;
};

// Events after a sequence number; `missed` when some were dropped from the board's window
// before the reader asked (a client then reloads everything).
struct EventBatch {
  std::vector<StatusEvent> events;
  bool missed = false;
};

class StatusBoard final : public SweepObserver {
 public:
  // The board keeps this many latest events for the event stream.
  static constexpr size_t kEventWindow = 8192;

  explicit StatusBoard(std::string host_name = "");

  void on_sweep_begin(const SweepSpec& spec, const std::vector<Trial>& trials) override;
  void on_trial_status(int64_t trial, TrialStatus status, int64_t epochs,
                       const std::string& message) override;
  void on_trial_values(int64_t trial, const Trial& configured) override;
  void on_trial_placed(int64_t trial, const std::string& worker) override;
  void on_epoch(int64_t trial, const EpochMetrics& metrics) override;
  void on_curves_truncated(int64_t trial, int64_t epochs) override;
  void on_decision(const DecisionRow& decision) override;
  void on_sweep_end(bool stopped) override;

  // hpsweep serve: a finished (or running) sweep as sweep.h5 holds it; replaces all state.
  void load(const SweepRecord& record);

  // The JSON bodies of the API (docs/status-api.md); nullopt for an unknown trial.
  std::string sweep_json() const;
  std::string trials_json() const;
  std::optional<std::string> trial_json(int64_t trial) const;
  std::string decisions_json(int64_t since) const;
  EventBatch events_after(int64_t sequence) const;
  // Grows with every change; readers poll it without the lock.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  bool ended() const;

 private:
  struct Row {
    int64_t id = 0;
    TrialStatus status = TrialStatus::pending;
    std::string message, worker;
    std::vector<SweptValue> swept;
    std::vector<EpochMetrics> curves;
    // The row of /api/v1/trials, shared with readers that are joining it; null when stale.
    mutable std::shared_ptr<const std::string> json;
  };

  // Call with the lock held.
  void publish(const std::string& type, std::string data);
  const std::shared_ptr<const std::string>& row_json(const Row& row) const;
  void count_status(TrialStatus from, TrialStatus to);

  mutable std::mutex mutex_;
  std::atomic<uint64_t> version_{0};
  std::string host_;
  std::string name_, spec_text_, method_;
  MetricSpec metric_;
  std::vector<std::string> parameters_;
  double start_unix_ = 0;
  std::optional<double> end_unix_;
  bool stopped_ = false, live_ = true;
  std::vector<Row> rows_;
  std::map<TrialStatus, int64_t> counts_;
  std::vector<DecisionRow> decisions_;
  std::deque<StatusEvent> events_;
  int64_t next_sequence_ = 1;
  std::ostream discard_{nullptr};       // Progress's lines go nowhere: only its ETA is used
  std::unique_ptr<Progress> progress_;  // the ETA, as the progress line computes it
};

}  // namespace hpsweep
