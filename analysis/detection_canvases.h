// The report's drawings of a detector's test canvases (issue 21 item 6): each canvas an inline
// PNG under an SVG of its true boxes (green, with the class) and its predicted boxes scoring
// at least a threshold (orange, with class and score). The canvases and detections come from
// the best trial (app/best_trial_detections.h); this file only draws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hpsweep {

// A box in fractions of the canvas side, as /best/detections stores them.
struct CanvasBox {
  int64_t class_id;
  float score;  // predictions only
  float x1, y1, x2, y2;
};

struct DrawnCanvas {
  int64_t index;              // in the test part
  int64_t size;               // the side S in pixels
  std::vector<float> pixels;  // [S, S] in [0, 1]
  std::vector<CanvasBox> truth, predicted;
};

struct DetectionDrawings {
  std::string caption;                   // whose detections, which epoch
  std::vector<std::string> class_names;  // by class id
  float score_threshold = 0.5f;          // predictions scoring less are not drawn
  std::vector<DrawnCanvas> canvases;
};

// One canvas as <figure><svg>...</svg><figcaption>...</figcaption></figure>. Boxes are
// <rect class="true|predicted" x y width height> in canvas pixels (fraction x S) to two
// decimals, as svg_pixels writes them.
std::string canvas_figure(const DrawnCanvas& canvas, const DetectionDrawings& drawings);

// `fraction` x `size` with two decimals ("12.50").
std::string svg_pixels(float fraction, int64_t size);

}  // namespace hpsweep
