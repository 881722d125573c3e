#include "app/dry_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <thread>

#include "analysis/table.h"
#include "common/dataset_types.h"
#include "common/model_types.h"
#include "common/rng.h"
#include "common/trial.h"
#include "coordinator/progress.h"
#include "coordinator/sweep_inputs.h"
#include "worker/data/dataset.h"
#include "worker/data/holdout.h"
#include "worker/initializer.h"
#include "worker/model_factory.h"
#include "worker/trainer.h"

namespace hpsweep {
namespace {

// Below this, a step is timed at the trial's full batch size; above, at a small batch and
// scaled by the batch size (a big model's step costs nearly the same per sample).
constexpr double kFullBatchBudgetSeconds = 0.25;
constexpr int64_t kProbeBatch = 4;

struct ModelCost {
  double train_step_seconds = 0;   // one training step at the trial's batch size
  double eval_sample_seconds = 0;  // evaluating one test sample
  int64_t state_floats = 0;        // parameters and buffers (batch norm's running stats)
  int64_t parameters = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// `batch` random samples; for a language model, `batch` sequences of num_steps token ids,
// time-major [T, B], as its training loop feeds them.
Tensor probe_inputs(const TrialConfig& config, const Shape& sample_shape, int64_t batch,
                    int64_t outputs) {
  const ModelType* type = find_model_type(config.model.type);
  Rng rng(7);
  if (type && type->needs_tokens) {
    Tensor ids({config.training.num_steps, batch});
    for (int64_t i = 0; i < ids.size(); ++i)
      ids[i] = static_cast<float>(rng.below(static_cast<uint64_t>(outputs)));
    return ids;
  }
  Shape shape = {batch};
  shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
  Tensor inputs(shape);
  for (int64_t i = 0; i < inputs.size(); ++i) inputs[i] = static_cast<float>(rng.uniform());
  return inputs;
}

// The fastest of `repeats` forward (+ backward) passes of `batch` probe samples.
std::pair<double, double> time_passes(Model& model, const Tensor& inputs, int64_t batch,
                                      int repeats) {
  std::vector<int64_t> ids(batch);
  for (int64_t i = 0; i < batch; ++i) ids[i] = i;
  LocalReducer reducer;
  double train = 1e30, eval = 1e30;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    const Tensor& outputs = model.forward(inputs, {Mode::train, 1, 1, ids.data()});
    Tensor gradient(outputs.shape());
    for (int64_t i = 0; i < gradient.size(); ++i) gradient[i] = 1.0f / static_cast<float>(batch);
    model.backward(gradient, reducer);
    reducer.finish();
    train = std::min(train, seconds_since(start));
    start = std::chrono::steady_clock::now();
    model.forward(inputs, {Mode::eval, 1, 1, ids.data()});
    eval = std::min(eval, seconds_since(start));
  }
  return {train, eval};
}

ModelCost measure(const Trial& trial, const Shape& sample_shape, int64_t outputs) {
  Model model = build_model(trial.config.model, sample_shape, outputs);
  model.pack_gradients();
  initialize_parameters(model, parse_init_scheme(trial.config.model.init),
                        trial.config.model.init_sigma, trial.seed);
  ModelCost cost;
  cost.parameters = model.parameter_count();
  for (const NamedState& s : model.state()) cost.state_floats += s.tensor->size();
  const int64_t batch = trial.config.training.batch_size;
  const int64_t probe = std::min(batch, kProbeBatch);
  auto [train, eval] =
      time_passes(model, probe_inputs(trial.config, sample_shape, probe, outputs), probe, 2);
  const double scale = static_cast<double>(batch) / static_cast<double>(probe);
  if (probe < batch && train * scale < kFullBatchBudgetSeconds) {
    std::tie(train, eval) =
        time_passes(model, probe_inputs(trial.config, sample_shape, batch, outputs), batch, 3);
    cost.train_step_seconds = train;
    cost.eval_sample_seconds = eval / static_cast<double>(batch);
  } else {
    cost.train_step_seconds = train * scale;
    cost.eval_sample_seconds = eval / static_cast<double>(probe);
  }
  return cost;
}

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 || bytes >= 100 ? "%.0f %s" : "%.1f %s", bytes,
                units[unit]);
  return buffer;
}

// Sub-second precision for short estimates; longer ones as the progress line prints them.
std::string duration(double seconds) {
  if (seconds >= 10) return duration_text(seconds);
  char buffer[32];
  if (seconds < 0.05)
    std::snprintf(buffer, sizeof buffer, "<0.1 s");
  else
    std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
  return buffer;
}

// The swept parameters, in the order the trials first name them.
std::vector<std::string> swept_paths(const std::vector<Trial>& trials) {
  std::vector<std::string> paths;
  for (const Trial& trial : trials)
    for (const SweptValue& v : trial.swept)
      if (std::find(paths.begin(), paths.end(), v.path) == paths.end()) paths.push_back(v.path);
  return paths;
}

// 61706 -> "61,706", as `hpsweep describe` prints parameter counts.
std::string grouped(int64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

int64_t samples(int64_t subset, int64_t size) {
  return subset > 0 ? std::min(subset, size) : size;
}

}  // namespace

void print_dry_run(const SweepSpec& spec, int workers, std::ostream& out) {
  // As a run would check them (datasets' headers, training.finetune checkpoints and names), loading
  // no data.
  const SweepInputs inputs = load_sweep_inputs(spec, DataUse::validate);
  const std::vector<Trial>& trials = inputs.trials;
  std::map<std::string, DatasetShape> shapes;
  std::map<std::string, ModelCost> costs;
  Table table;
  table.header = {"trial"};
  for (const std::string& p : swept_paths(trials)) table.header.push_back(p);
  for (const char* column : {"epochs", "parameters", "time", "disk"})
    table.header.push_back(column);
  double total_seconds = 0, total_bytes = 0;
  int64_t total_epochs = 0, simulated = 0, programs = 0;
  for (const Trial& trial : trials) {
    const TrialConfig& c = trial.config;
    double seconds = 0, bytes = 0;
    int64_t parameters = 0;
    if (c.model.trains_no_network()) {
      // A command trial's time and state are its program's, unknown here.
      ++(c.model.simulated() ? simulated : programs);
      if (c.model.simulated())
        seconds = static_cast<double>(c.training.epochs) * c.simulated.epoch_seconds;
    } else {
      const std::string data_key = dataset_key(c.dataset);
      if (!shapes.count(data_key)) shapes.emplace(data_key, inspect_dataset(c.dataset));
      const DatasetShape& shape = shapes.at(data_key);
      const std::string model_key = architecture_key(c.model, shape.sample_shape) + " batch " +
                                    std::to_string(c.training.batch_size);
      if (!costs.count(model_key))
        costs.emplace(model_key, measure(trial, shape.sample_shape, model_outputs(shape.classes)));
      const ModelCost& cost = costs.at(model_key);
      // A text's samples are sequences of num_steps tokens.
      const int64_t per_sample = find_dataset_type(c.dataset.name)->text ? c.training.num_steps : 1;
      const int64_t available = samples(c.dataset.train_subset, shape.train_size) / per_sample;
      const int64_t held = c.dataset.kfold > 0 ? available / c.dataset.kfold
                                               : validation_count(c.dataset, available);
      const int64_t train = available - held;
      const int64_t train_evaluated =
          c.training.eval_train == kEvalTrainAll ? train : std::min(c.training.eval_train, train);
      const int64_t evaluated =
          samples(c.dataset.test_subset, shape.test_size) / per_sample + held + train_evaluated;
      const int64_t steps = (train + c.training.batch_size - 1) / c.training.batch_size;
      seconds = static_cast<double>(c.training.epochs) *
                (static_cast<double>(steps) * cost.train_step_seconds +
                 static_cast<double>(evaluated) * cost.eval_sample_seconds);
      const int64_t optimizer_floats = c.training.optimizer == "adam" ? 2 * cost.parameters
                                       : c.training.momentum != 0     ? cost.parameters
                                                                      : 0;
      // What checkpoint.keep leaves once the trial has finished (docs/spec.md).
      const int64_t kept_floats =
          c.checkpoint.keep == "both"   ? 2 * cost.state_floats + optimizer_floats
          : c.checkpoint.keep == "last" ? cost.state_floats + optimizer_floats
          : c.checkpoint.keep == "best" ? cost.state_floats
                                        : 0;
      bytes = 4.0 * static_cast<double>(kept_floats);
      parameters = cost.parameters;
    }
    std::vector<std::string> row = {trial_name(trial.id)};
    for (size_t i = 1; i + 4 < table.header.size(); ++i) {
      std::string cell;
      for (const SweptValue& v : trial.swept)
        if (v.path == table.header[i]) cell = value_string(v.value);
      row.push_back(cell);
    }
    row.push_back(std::to_string(c.training.epochs));
    row.push_back(c.model.trains_no_network() ? "" : grouped(parameters));
    row.push_back(duration(seconds));
    row.push_back(bytes_text(bytes));
    table.rows.push_back(std::move(row));
    total_seconds += seconds;
    total_bytes += bytes;
    total_epochs += c.training.epochs;
  }
  const int64_t count = static_cast<int64_t>(trials.size());
  const int64_t parallel = std::max<int64_t>(
      1, std::min<int64_t>(
             count, workers > 0 ? workers : std::max(1u, std::thread::hardware_concurrency())));
  out << "dry run of sweep '" << spec.name << "': " << count << " trial" << (count == 1 ? "" : "s")
      << "; nothing is trained or written\n\n";
  print_aligned(table, out);
  out << "\ntotal: " << total_epochs << " epochs, " << duration(total_seconds)
      << " of training, about " << duration(total_seconds / static_cast<double>(parallel)) << " on "
      << parallel << " worker" << (parallel == 1 ? "" : "s") << " in parallel; "
      << bytes_text(total_bytes) << " of checkpoints\n";
  out << "\nhow this is estimated:\n"
         "  time  one training step (forward and backward) and one evaluation pass timed on a\n"
         "        batch of random inputs per distinct model and batch size, on one BLIS thread\n"
         "        as a worker runs them; x steps per epoch, + evaluating the test set, the\n"
         "        validation part and eval_train's samples, x epochs. Not counted: loading the\n"
         "        data at start, reading, resizing and augmenting batches, writing checkpoints,\n"
         "        other programs on the same cores; a scheduler that stops trials early makes\n"
         "        the sweep shorter.\n"
         "  disk  what each finished trial's checkpoint keeps (checkpoint.keep): both: parameters\n"
         "        and buffers twice (last and best epoch) + the optimizer's state (SGD momentum:\n"
         "        one float per parameter, Adam: two); last: once + the optimizer's state; best:\n"
         "        once; none: the curves only. 4 bytes a float. While a trial may still train,\n"
         "        its checkpoint holds the last state whatever keep says. sweep.h5 adds the\n"
         "        curves, a few KB per trial.\n";
  if (simulated)
    out << "  simulated trials: simulated.epoch_seconds per epoch, no checkpoint weights.\n";
  if (programs)
    out << "  command trials: time and disk are the program's, not estimated (0 here).\n";
  if (spec.method == SearchMethod::bayes)
    out << "  method bayes: each trial's values are suggested as it starts, so the rows show\n"
           "        the fixed values only; a suggested width or depth changes its cost.\n";
}

}  // namespace hpsweep
