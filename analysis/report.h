// `hpsweep report DIR`: one self-contained HTML file: it opens in a browser with no server and
// no network. In order: a summary (trials and configurations, metric, the best configuration
// with its mean and 95% CI and its test error at the selected epoch, the diagnoses, the
// test-selection warning when the metric is a test metric), a table of contents, every plot
// (analysis/plots.h, inline SVG), every analysis table, the spec and the diagnosis rule. A
// language-model sweep's report also holds a text sample of its best trial, a detector sweep's
// drawings of test canvases with its best trial's boxes.
#pragma once

#include <optional>
#include <string>

#include "analysis/analyze.h"
#include "analysis/detection_canvases.h"
#include "analysis/trial_summary.h"
#include "storage/sweep_file.h"

namespace hpsweep {

// The page as text, with `sample` and `detections` after the contents; draws the plots with
// gnuplot in a temporary folder.
std::string render_report(const SweepRecord& sweep, const DiagnosisRule& rule,
                          const std::optional<TextSample>& sample = std::nullopt,
                          const std::optional<DetectionDrawings>& detections = std::nullopt);

// `svg` with `prefix` before every id="..." and every reference to one (href="#...",
// url(#...)), so that several SVGs share a page: gnuplot's all use gnuplot_canvas, gpPt0...
// An id repeated within `svg` gets a suffix "-2", "-3"... (references keep the first).
std::string unique_svg_ids(const std::string& svg, const std::string& prefix);

}  // namespace hpsweep
