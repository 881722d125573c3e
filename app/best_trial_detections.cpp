#include "app/best_trial_detections.h"

#include <algorithm>

#include "app/command_line.h"
#include "common/dataset_types.h"
#include "common/error.h"
#include "common/trial.h"
#include "storage/checkpoint_file.h"
#include "storage/recorded_trial_config.h"
#include "worker/data/dataset.h"
#include "worker/data/detection_canvas.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

// Canvases 0..count-1 of the test part with their true boxes and stored detections.
std::vector<DrawnCanvas> drawn_canvases(const DatasetConfig& config, int64_t count,
                                        const std::vector<StoredDetection>& detections) {
  const TrainTestData items = load_fashion_mnist(config.path, 1, 0);
  const CanvasRules rules = canvas_rules(config);
  const auto side = static_cast<float>(rules.size);
  std::vector<DrawnCanvas> drawn;
  for (int64_t index = 0; index < count; ++index) {
    Canvas canvas = draw_canvas(items.test, static_cast<uint64_t>(config.seed), CanvasSplit::test,
                                index, rules);
    DrawnCanvas d{index, rules.size, std::move(canvas.pixels), {}, {}};
    for (const DetectionObject& o : canvas.objects)
      d.truth.push_back(
          {o.label, 1.0f, o.box.x1 / side, o.box.y1 / side, o.box.x2 / side, o.box.y2 / side});
    for (const StoredDetection& p : detections)
      if (p.image == index) d.predicted.push_back({p.class_id, p.score, p.x1, p.y1, p.x2, p.y2});
    drawn.push_back(std::move(d));
  }
  return drawn;
}

}  // namespace

void add_detection_drawing_options(po::options_description& options,
                                   DetectionDrawingOptions& drawing) {
  options.add_options()(
      "canvases", number_option(&drawing.canvases, drawing.canvases)->value_name("N"),
      "detectors: the test canvases drawn with their true and predicted boxes; 0: none")(
      "score-threshold",
      number_option(&drawing.score_threshold, drawing.score_threshold)->value_name("X"),
      "detectors: the least score of a predicted box drawn on a canvas");
}

std::optional<DetectionDrawings> best_trial_detections(const std::filesystem::path& dir,
                                                       const SweepRecord& sweep,
                                                       const DiagnosisRule& rule,
                                                       const DetectionDrawingOptions& drawing) {
  if (drawing.canvases < 0)
    throw UserError("--canvases: must be >= 0, got " + std::to_string(drawing.canvases));
  if (drawing.canvases == 0) return std::nullopt;
  const int64_t best = best_trial_id(sweep, rule);
  if (best < 0) return std::nullopt;
  const std::string sweep_path = (dir / "sweep.h5").string();
  const TrialConfig config = recorded_trial_config(sweep, best, sweep_path);
  const DatasetType* set = find_dataset_type(config.dataset.name);
  if (!set || !set->detection) return std::nullopt;
  DetectionDrawings drawings;
  drawings.class_names = set->class_names;
  drawings.score_threshold = static_cast<float>(drawing.score_threshold);
  const std::string whose = "trial " + trial_name(best);
  try {
    const CheckpointData checkpoint = read_checkpoint_parts(checkpoint_path(dir.string(), best));
    const int64_t test_size = inspect_dataset(config.dataset).test_size;
    const int64_t count = std::min(drawing.canvases, test_size);
    drawings.canvases = drawn_canvases(config.dataset, count, checkpoint.best_detections);
    drawings.caption = whose + ", the first " + std::to_string(count) + " of " +
                       std::to_string(test_size) + " test canvases: true boxes in green with " +
                       "their class; ";
    if (checkpoint.best_detections.empty())
      drawings.caption += "its checkpoint stores no detections";
    else
      drawings.caption += "in orange the detections of epoch " +
                          std::to_string(checkpoint.best_epoch) +
                          " (/best/detections) scoring at least " +
                          shortest_number(drawing.score_threshold) + ", with class and score";
  } catch (const UserError& e) {
    drawings.canvases.clear();
    drawings.caption = whose + ": no canvases: " + e.what();
  }
  return drawings;
}

}  // namespace hpsweep
