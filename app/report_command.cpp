// `hpsweep report DIR [--out FILE]`: writes the sweep's self-contained HTML report (default
// DIR/report.html), atomically; for a language model with a text sample, for a detector with
// drawings of test canvases.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analysis/report.h"
#include "app/best_trial_detections.h"
#include "app/best_trial_sample.h"
#include "app/command_line.h"
#include "app/commands.h"
#include "app/diagnosis_options.h"
#include "common/error.h"

namespace po = boost::program_options;

namespace hpsweep {

int report_command(const std::vector<std::string>& args) {
  po::options_description options("report options");
  std::string dir, out;
  DiagnosisRule rule;
  SampleOptions sample;
  DetectionDrawingOptions drawing;
  options.add_options()("dir", po::value(&dir)->required(), "a sweep's output folder")(
      "out,o", po::value(&out)->value_name("FILE"),
      "the HTML file to write (default DIR/report.html)");
  add_diagnosis_options(options, rule);
  add_sample_options(options, sample);
  add_detection_drawing_options(options, drawing);
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map values;
  if (!parse_command_line(args, options, positional, "usage: hpsweep report DIR [--out FILE]",
                          values))
    return kExitOk;
  if (out.empty()) out = (std::filesystem::path(dir) / "report.html").string();
  const SweepRecord sweep = read_sweep_file((std::filesystem::path(dir) / "sweep.h5").string());
  rule = rule.for_sweep(sweep);
  const std::string html = render_report(sweep, rule, best_trial_sample(dir, sweep, rule, sample),
                                         best_trial_detections(dir, sweep, rule, drawing));
  const std::string temporary = out + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary);
    file << html;
    if (!file.flush()) throw UserError(out + ": cannot write");
  }
  std::filesystem::rename(temporary, out);
  std::cerr << "wrote " << out << "\n";
  return kExitOk;
}

}  // namespace hpsweep
