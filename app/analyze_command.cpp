// `hpsweep analyze DIR`: reads DIR/sweep.h5 and prints the generalization tables, as aligned
// text, CSV or JSON: all of them, or the one --table names. While the sweep runs, the
// coordinator replaces sweep.h5 whole by a rename (storage/sweep_file.h), so a read always
// opens a complete file: no retry is needed.
#include <filesystem>
#include <iostream>

#include "analysis/analyze.h"
#include "analysis/plots.h"
#include "app/best_trial_sample.h"
#include "app/command_line.h"
#include "app/commands.h"
#include "app/diagnosis_options.h"
#include "common/error.h"

namespace po = boost::program_options;

namespace hpsweep {

int analyze_command(const std::vector<std::string>& args) {
  po::options_description options("analyze options");
  std::string dir, format, table, plots;
  DiagnosisRule rule;
  SampleOptions sample;
  options.add_options()("dir", po::value(&dir)->required(),
                        "a sweep's output folder (or its sweep.h5)")(
      "format,f", po::value(&format)->default_value("text")->value_name("FORMAT"),
      "text | csv | json")(
      "table,t", po::value(&table)->value_name("NAME"),
      "print only this table, in any format: trials, ranking, a swept parameter's dotted path, "
      "decisions (a scheduled sweep) or lineage (PBT); default: every table (csv: trials)")(
      "plots", po::value(&plots)->value_name("DIR"),
      "also write PNG and SVG plots (gnuplot) into this folder");
  add_diagnosis_options(options, rule);
  add_sample_options(options, sample);
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map values;
  if (!parse_command_line(
          args, options, positional,
          "usage: hpsweep analyze DIR [--format text|csv|json] [--table NAME] [--plots OUT]",
          values))
    return kExitOk;
  const TableFormat table_format =
      format == "text"  ? TableFormat::text
      : format == "csv" ? TableFormat::csv
      : format == "json"
          ? TableFormat::json
          : throw UserError("--format: must be text, csv or json, got '" + format + "'");

  const std::filesystem::path path = std::filesystem::is_directory(dir)
                                         ? std::filesystem::path(dir) / "sweep.h5"
                                         : std::filesystem::path(dir);
  const SweepRecord sweep = read_sweep_file(path.string());
  rule = rule.for_sweep(sweep);
  if (table_format == TableFormat::csv && table.empty()) table = "trials";
  // Only the full text output shows the sample: loading a model is not worth it otherwise.
  const std::optional<TextSample> text_sample =
      table_format == TableFormat::text && table.empty()
          ? best_trial_sample(path.parent_path(), sweep, rule, sample)
          : std::nullopt;
  print_analysis(sweep, rule, table_format, table, std::cout, text_sample);
  if (!plots.empty())
    for (const std::string& image : write_plots(sweep, rule, plots))
      std::cerr << "wrote " << image << "\n";
  return kExitOk;
}

}  // namespace hpsweep
