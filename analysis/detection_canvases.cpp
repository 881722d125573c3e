#include "analysis/detection_canvases.h"

#include <cstdio>
#include <sstream>

#include "analysis/png_image.h"

namespace hpsweep {
namespace {

constexpr const char* kTrueColour = "#1b9e77";
constexpr const char* kPredictedColour = "#ff7f0e";

std::string class_name(const DetectionDrawings& drawings, int64_t id) {
  if (id >= 0 && id < static_cast<int64_t>(drawings.class_names.size()))
    return drawings.class_names[id];
  return "class " + std::to_string(id);
}

std::string score_text(float score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score);
  return text;
}

// The box's rectangle, with its label as a tooltip and as text inside its top-left (true boxes)
// or bottom-left (predictions) corner, so that a hit's two labels do not cover each other.
void draw_box(std::ostringstream& svg, const CanvasBox& box, const std::string& label,
              bool predicted, int64_t size, float font) {
  const float width = box.x2 * size - box.x1 * size, height = box.y2 * size - box.y1 * size;
  svg << "<rect class=\"" << (predicted ? "predicted" : "true") << "\" x=\""
      << svg_pixels(box.x1, size) << "\" y=\"" << svg_pixels(box.y1, size) << "\" width=\""
      << svg_pixels(width, 1) << "\" height=\"" << svg_pixels(height, 1)
      << "\" fill=\"none\"><title>" << label << "</title></rect>\n";
  svg << "<text x=\"" << svg_pixels(box.x1, size) << "\" y=\""
      << (predicted ? svg_pixels(box.y2, size) : svg_pixels(box.y1 * size + font, 1))
      << "\" dx=\"0.5\" dy=\"" << (predicted ? "-0.5" : "0") << "\" stroke=\"none\">" << label
      << "</text>\n";
}

// One kind of box: rectangles outlined, labels filled, in `colour`.
std::string group(const char* colour, float font) {
  std::ostringstream g;
  g << "<g stroke=\"" << colour << "\" fill=\"" << colour << "\" stroke-width=\"" << font / 8
    << "\" font-size=\"" << font << "\" font-family=\"sans-serif\">\n";
  return g.str();
}

}  // namespace

std::string svg_pixels(float fraction, int64_t size) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(fraction * size));
  return text;
}

std::string canvas_figure(const DrawnCanvas& canvas, const DetectionDrawings& drawings) {
  const int64_t s = canvas.size;
  const float font = static_cast<float>(s) / 16;
  const std::string side = std::to_string(s);
  std::ostringstream svg;
  svg << "<figure>\n<svg class=\"canvas\" viewBox=\"0 0 " << side << " " << side
      << "\" width=\"240\" height=\"240\" role=\"img\" aria-label=\"test canvas " << canvas.index
      << "\">\n<image href=\"" << png_data_uri(canvas.pixels.data(), s, s)
      << "\" x=\"0\" y=\"0\" width=\"" << side << "\" height=\"" << side
      << "\" style=\"image-rendering:pixelated\"/>\n";
  svg << group(kTrueColour, font);
  for (const CanvasBox& box : canvas.truth)
    draw_box(svg, box, class_name(drawings, box.class_id), false, s, font);
  svg << "</g>\n";
  int64_t drawn = 0;
  svg << group(kPredictedColour, font);
  for (const CanvasBox& box : canvas.predicted) {
    if (box.score < drawings.score_threshold) continue;
    draw_box(svg, box, class_name(drawings, box.class_id) + " " + score_text(box.score), true, s,
             font);
    ++drawn;
  }
  svg << "</g>\n</svg>\n<figcaption>test canvas " << canvas.index << ": " << canvas.truth.size()
      << " true, " << drawn << " predicted</figcaption>\n</figure>\n";
  return svg.str();
}

}  // namespace hpsweep
