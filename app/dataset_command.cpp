// `hpsweep dataset export SPEC --out FILE.h5`: the detection set of SPEC's dataset block, drawn
// as training would draw it, written to HDF5 for readers outside hpsweep (docs/detection.md,
// docs/hdf5-schema.md "Detection sets").
#include <filesystem>
#include <iostream>

#include "app/command_line.h"
#include "app/commands.h"
#include "common/dataset_types.h"
#include "common/error.h"
#include "common/spec.h"
#include "worker/data/dataset.h"
#include "worker/data/detection_set_file.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

constexpr const char* kUsage = "usage: hpsweep dataset export SPEC --out FILE.h5";

int64_t object_count(const Dataset& set) {
  int64_t count = 0;
  for (const std::vector<DetectionObject>& objects : set.objects)
    count += static_cast<int64_t>(objects.size());
  return count;
}

// The one set a spec names: a swept dataset key would make several.
void check_one_detection_set(const SweepSpec& spec) {
  for (const ParameterSpec& p : spec.parameters)
    if (p.path.rfind("dataset.", 0) == 0)
      throw UserError(located_at_key(spec, p.path,
                                     "swept; dataset export writes one set: give it in the "
                                     "dataset block"));
  const DatasetConfig& d = spec.base.dataset;
  if (!find_dataset_type(d.name)->detection)
    throw UserError(located_at_key(
        spec, "dataset.name",
        "dataset export writes detection sets (fmnist-detection), not the " + d.name + " set"));
}

// Checked before the canvases are drawn: a mistyped --out is bad input, not a failure.
void check_output_path(const std::string& out) {
  const std::filesystem::path folder = std::filesystem::path(out).parent_path();
  if (!folder.empty() && !std::filesystem::is_directory(folder))
    throw UserError(out + ": cannot write: no folder " + folder.string());
  if (std::filesystem::is_directory(out)) throw UserError(out + ": is a folder, not a file");
}

int export_command(const std::vector<std::string>& args) {
  po::options_description options("dataset export options");
  std::string spec_path, out;
  options.add_options()("spec", po::value(&spec_path)->required(),
                        "a YAML spec whose dataset block names a detection set")(
      "out", po::value(&out)->required()->value_name("FILE.h5"),
      "the HDF5 file to write (replaced if it exists)");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map values;
  if (!parse_command_line(args, options, positional, kUsage, values)) return kExitOk;
  const SweepSpec spec = load_spec_file(spec_path);
  check_one_detection_set(spec);
  check_output_path(out);
  const DatasetConfig& config = spec.base.dataset;
  const TrainTestData data = load_dataset(config);
  write_detection_set_file(out, data, config, spec.yaml_text);
  std::cout << "wrote " << out << ": " << config.name << ", " << data.train.size()
            << " training canvases (" << object_count(data.train) << " objects), "
            << data.test.size() << " test canvases (" << object_count(data.test) << " objects)\n";
  return kExitOk;
}

}  // namespace

int dataset_command(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kUsage
              << "\n\nactions:\n  export SPEC --out FILE.h5   write the detection set of SPEC's "
                 "dataset block to HDF5\n";
    return kExitOk;
  }
  if (args.empty() || args[0] != "export")
    throw UserError(std::string("dataset: ") +
                    (args.empty() ? "missing the action" : "unknown action '" + args[0] + "'") +
                    " (known: export)\n" + kUsage);
  return export_command(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace hpsweep
