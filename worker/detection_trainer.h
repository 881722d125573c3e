// The training loop of a detector (model.type tiny-ssd on a detection set), d2l 14.7's
// training: minibatches of canvases in the epoch order of every trial (trainer.h), anchors
// labeled per image (MultiBoxTarget), the SSD loss (worker/detection/ssd_loss.h) averaged
// over the global batch so that a data-parallel group's summed gradient is one rank's, and
// steps ending as every model's (worker/parameter_update.h). Curves: train_loss the mean
// loss per image, train_error and train_box_mae the book's class error and box MAE over the
// epoch; after each epoch the same on the test (and validation) part in evaluation mode, with
// test_map50 and test_map50_95 (worker/detection/ssd_evaluation.h). The best epoch's test
// detections go with its parameters into the checkpoint (CheckpointData::best_detections).
#pragma once

#include <atomic>

#include "worker/trainer.h"

namespace hpsweep {

// As run_trial, on a detection set; throws what it cannot handle.
TrialOutcome train_detector(const Trial& trial, const TrainTestData& data, const TrialStart& start,
                            TrialObserver& observer, const std::atomic<bool>& stop,
                            TrainingGroup& group);

}  // namespace hpsweep
