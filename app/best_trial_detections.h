// The test canvases `hpsweep report` draws for a detector sweep (issue 21 item 6): the first
// few canvases of the best trial's (analysis/analyze.h, best_trial_id) test part, rebuilt from
// the spec like any run (worker/data/detection_canvas.h), with their true boxes and the
// detections its checkpoint stores under /best/detections (docs/hdf5-schema.md).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "analysis/analyze.h"
#include "analysis/detection_canvases.h"

namespace hpsweep {

struct DetectionDrawingOptions {
  int64_t canvases = 6;          // 0: none
  double score_threshold = 0.5;  // predictions scoring less are left out
};

void add_detection_drawing_options(boost::program_options::options_description& options,
                                   DetectionDrawingOptions& drawing);

// None unless `sweep` (in `dir`) trains on a detection set, has a best trial and
// `drawing.canvases` > 0. When the checkpoint or the data cannot be read the caption says why
// and there are no canvases; a checkpoint without detections gives the true boxes alone.
std::optional<DetectionDrawings> best_trial_detections(const std::filesystem::path& dir,
                                                       const SweepRecord& sweep,
                                                       const DiagnosisRule& rule,
                                                       const DetectionDrawingOptions& drawing);

}  // namespace hpsweep
