// `hpsweep describe SPEC`: each distinct model of the sweep, layer by layer, with its output
// shape and parameter count, like the book's shape printouts. Reads the dataset's headers
// only (no training data is loaded) and writes nothing.
#include <iostream>
#include <map>
#include <sstream>

#include "app/command_line.h"
#include "app/commands.h"
#include "common/finetune_fields.h"
#include "common/model_types.h"
#include "common/models/tiny_ssd.h"
#include "common/spec.h"
#include "coordinator/search_space.h"
#include "worker/data/dataset.h"
#include "worker/finetune.h"
#include "worker/model_factory.h"
#include "worker/model_summary.h"
#include "worker/models/tiny_ssd.h"
#include "worker/trainer.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

// 61706 -> "61,706"
std::string grouped(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string dims(const Shape& shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "x" : "") + std::to_string(shape[i]);
  return out;
}

// "resnet (width 16, depth 1)"; a language model names its cell ("rnn-lm (gru, width 256,
// depth 1)"); a written network shows the width and depth it was given.
std::string model_title(const ModelConfig& m) {
  const ModelType* type = find_model_type(m.type);
  if (type && type->needs_tokens)
    return m.type + " (" + m.cell + ", width " + std::to_string(m.width) + ", depth " +
           std::to_string(m.depth) + ")";
  if (m.type != kSequentialType)
    return m.type + " (width " + std::to_string(m.width) + ", depth " + std::to_string(m.depth) +
           ")";
  std::string given;
  if (m.width) given += ", width " + std::to_string(m.width);
  if (m.depth != ModelConfig::kDefaultDepth) given += ", depth " + std::to_string(m.depth);
  return "sequential (" + std::to_string(m.layers->size()) + " layers in model.layers" + given +
         ")";
}

struct DistinctModel {
  ModelConfig model;
  FinetuneConfig finetune;
  Shape sample_shape;
  int64_t outputs;
  std::vector<int64_t> trials;
};

// "anchors: 32x32x4 = 4,096, ..., 1x1x4 = 4; 5,444 in all"
void print_anchors(const TinySsd& ssd, std::ostream& out) {
  const int64_t per_pixel = tiny_ssd_anchors_per_pixel();
  out << "  anchors per scale:";
  for (size_t i = 0; i < ssd.scale_sides().size(); ++i) {
    const int64_t side = ssd.scale_sides()[i];
    out << (i ? ", " : " ") << side << "x" << side << "x" << per_pixel << " = "
        << grouped(side * side * per_pixel);
  }
  out << "; " << grouped(static_cast<int64_t>(ssd.anchors().size())) << " in all\n";
}

// Fine-tuned models get a column saying what training.finetune does to each layer.
void print_model(const DistinctModel& d, std::ostream& out) {
  const Model model = build_model(d.model, d.sample_shape, d.outputs);
  const FinetuneConfig& f = d.finetune;
  const bool finetuned = !f.from.empty() || !f.freeze.empty() || !f.lr_mult.empty();
  out << model_title(d.model) << " on input " << dims(d.sample_shape) << ": "
      << grouped(model.parameter_count()) << " parameters; trials";
  for (size_t i = 0; i < d.trials.size() && i < 8; ++i) out << " " << trial_name(d.trials[i]);
  if (d.trials.size() > 8) out << " and " << d.trials.size() - 8 << " more";
  out << "\n";
  if (!f.from.empty()) out << "  fine-tuned from " << f.from << "\n";
  char line[160];
  std::snprintf(line, sizeof line, "  %-16s %-20s %-16s %12s%s\n", "layer", "kind", "output",
                "parameters", finetuned ? "  fine-tuning" : "");
  out << line;
  for (const LayerSummary& row : summarize_model(model, d.sample_shape)) {
    const std::string name = std::string(2 * row.depth, ' ') + row.name;
    const std::string role = finetuned ? finetune_role(model, f, row.name) : "";
    std::snprintf(line, sizeof line, "  %-16s %-20s %-16s %12s%s%s\n", name.c_str(),
                  row.kind.c_str(), dims(row.output).c_str(), grouped(row.parameters).c_str(),
                  role.empty() ? "" : "  ", role.c_str());
    out << line;
  }
  if (d.model.type == kTinySsdType) print_anchors(tiny_ssd_block(model), out);
}

}  // namespace

int describe_command(const std::vector<std::string>& args) {
  po::options_description options("describe options");
  std::string spec_path;
  options.add_options()("spec", po::value(&spec_path)->required(), "the sweep's YAML spec");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map values;
  if (!parse_command_line(args, options, positional, "usage: hpsweep describe SPEC", values))
    return kExitOk;
  const SweepSpec spec = load_spec_file(spec_path);
  for (const std::string& warning : spec.warnings)
    std::cerr << "hpsweep: warning: " << warning << "\n";
  std::map<std::string, DistinctModel> models;  // by architecture and input, in trial order
  std::vector<std::string> order;
  int64_t simulated = 0, programs = 0;
  for (const Trial& trial : expand_trials(spec)) {
    if (trial.config.model.trains_no_network()) {
      ++(trial.config.model.simulated() ? simulated : programs);
      continue;
    }
    const DatasetShape shape = inspect_dataset(trial.config.dataset);
    const ModelConfig& m = trial.config.model;
    const FinetuneConfig& f = trial.config.training.finetune;
    const std::string key =
        architecture_key(m, shape.sample_shape) + "|" + f.from + "|" + finetune_layers_text(f);
    auto [it, inserted] = models.emplace(
        key, DistinctModel{m, f, shape.sample_shape, model_outputs(shape.classes), {}});
    if (inserted) order.push_back(key);
    it->second.trials.push_back(trial.id);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) std::cout << "\n";
    print_model(models.at(order[i]), std::cout);
  }
  if (simulated)
    std::cout << (order.empty() ? "" : "\n") << simulated
              << " simulated trial(s): no model, a synthetic learning curve each\n";
  if (programs)
    std::cout << (order.empty() && !simulated ? "" : "\n") << programs
              << " command trial(s): no model here, each runs model.command\n";
  return kExitOk;
}

}  // namespace hpsweep
