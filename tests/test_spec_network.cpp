// Networks written in the spec (`model.type: sequential`, common/layer_spec.h): the book's
// LeNet and a reduced ResNet written in YAML train bitwise as the built-in types; references
// take each trial's values; the estimate for `limits` is the built count; and every kind of
// mistake is reported at its file, line and column.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/layer_spec_estimate.h"
#include "common/spec_limits.h"
#include "coordinator/search_space.h"
#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "support/same_results.h"
#include "support/spec_error.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/model_factory.h"

namespace hpsweep::testing {
namespace {

class SpecNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 300, 100, 4); }

  SweepSpec spec(const std::string& dataset, const std::string& model, const std::string& rest) {
    return parse_spec("name: n\nseed: 5\nmethod: grid\ndataset: {path: " +
                          (dir_ / "data").string() + dataset + "}\nmodel: " + model + "\n" + rest,
                      "n.yaml");
  }

  SweepRecord run(const SweepSpec& s, const std::string& out) {
    std::ostringstream log;
    std::atomic<bool> stop{false};
    run_local_sweep(s, RunOptions{(dir_ / out).string(), 2, false}, stop, log);
    return read_sweep_file((dir_ / out / "sweep.h5").string());
  }

  // The sweeps in `a` and `b` trained the same: curves, parameters, best parameters and
  // optimizer state, bit for bit.
  void expect_same_sweeps(const std::string& a, const std::string& b) {
    const SweepRecord ra = read_sweep_file((dir_ / a / "sweep.h5").string());
    expect_same_curves(ra, read_sweep_file((dir_ / b / "sweep.h5").string()), a);
    for (const TrialRecord& t : ra.trials) {
      const std::string file = "checkpoints/" + trial_name(t.id) + ".h5";
      const CheckpointData x = read_checkpoint_file((dir_ / a / file).string());
      const CheckpointData y = read_checkpoint_file((dir_ / b / file).string());
      expect_same_tensors(x.params, y.params, a + " params");
      expect_same_tensors(x.best_params, y.best_params, a + " best");
      ASSERT_EQ(x.optimizer.buffers.size(), y.optimizer.buffers.size());
      for (size_t k = 0; k < x.optimizer.buffers.size(); ++k)
        expect_same_tensors(x.optimizer.buffers[k].tensors, y.optimizer.buffers[k].tensors,
                            a + " optimizer");
    }
  }

  // The example, on the test's data and cut to 2 epochs of 100 images, at depths 0 and 1.
  // An example of experiments/, on the test's data at `input_size` and cut to 2 epochs of
  // 100 images.
  SweepSpec example(const std::string& file, int64_t input_size) {
    SweepSpec s = load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/" + file);
    s.base.dataset = DatasetConfig();
    s.base.dataset.path = (dir_ / "data").string();
    s.base.dataset.train_subset = 100;
    s.base.dataset.test_subset = 50;
    s.base.dataset.input_size = input_size == 28 ? 0 : input_size;
    s.metric = MetricSpec{};
    s.base.training.epochs = 2;
    s.base.training.batch_size = 25;
    s.base.training.eval_train = 0;
    return s;
  }

  // experiments/resnet-written.yaml at depths 0 and 1.
  SweepSpec resnet_written() {
    SweepSpec s = example("resnet-written.yaml", 32);
    s.parameters[0].values = {int64_t{0}, int64_t{1}};
    return s;
  }

  TempDir dir_;
};

// experiments/lenet-written.yaml at width 6 is `type: lenet`, with either initialization.
TEST_F(SpecNetworkTest, TheWrittenLeNetExampleTrainsBitwiseAsTypeLenet) {
  SweepSpec written = example("lenet-written.yaml", 28);
  written.base.training.lr = 0.9;
  written.base.training.momentum = 0.5;
  written.parameters[0].values = {int64_t{6}};
  written.parameters.push_back(ParameterSpec{
      .path = "model.init", .values = {std::string("xavier"), std::string("normal")}});
  const SweepRecord record = run(written, "written");
  SweepSpec builtin = written;
  builtin.base.model.type = "lenet";
  builtin.base.model.layers = nullptr;
  run(builtin, "builtin");
  ASSERT_EQ(record.trials.size(), 2u);
  for (const TrialRecord& t : record.trials)
    EXPECT_EQ(t.status, TrialStatus::completed) << t.message;
  expect_same_sweeps("written", "builtin");
}

// experiments/resnet-written.yaml at depths 0 and 1 is `type: resnet` at depths 1 and 2.
TEST_F(SpecNetworkTest, TheWrittenResNetExampleTrainsBitwiseAsTypeResnet) {
  SweepSpec written = resnet_written();
  const SweepRecord record = run(written, "written");
  SweepSpec builtin = written;
  builtin.base.model.type = "resnet";
  builtin.base.model.width = 16;
  builtin.base.model.layers = nullptr;
  builtin.parameters[0].values = {int64_t{1}, int64_t{2}};
  run(builtin, "builtin");
  ASSERT_EQ(record.trials.size(), 2u);
  for (const TrialRecord& t : record.trials)
    EXPECT_EQ(t.status, TrialStatus::completed) << t.message;
  expect_same_sweeps("written", "builtin");
}

// A sweep over model.width and model.depth changes the written network: the first conv's
// channels follow ${model.width}, and `repeat: ${model.depth}` writes that many blocks.
TEST_F(SpecNetworkTest, ReferencesTakeEachTrialsValues) {
  const SweepSpec s = spec("", R"(
  type: sequential
  layers:
    - conv2d: {out_channels: "${model.width}", kernel_size: 3, padding: 1}
    - relu
    - residual: {num_channels: "${model.width}"}
      repeat: "${model.depth}"
    - flatten
    - dropout: {p: "${model.dropout}"}
    - linear: {out_features: "${outputs}"})",
                           "parameters:\n  model.width: {values: [2, 3]}\n"
                           "  model.depth: {values: [0, 2]}\n  model.dropout: {values: [0.25]}\n");
  std::vector<std::tuple<int64_t, int64_t, size_t, std::string>> built;
  for (const Trial& trial : expand_trials(s)) {
    const Model model = build_model(trial.config.model, {1, 28, 28}, 10);
    const std::vector<NamedState> state = model.state();
    built.emplace_back(trial.config.model.width, trial.config.model.depth, model.layers().size(),
                       shape_string(state.front().tensor->shape()));
  }
  using Row = std::tuple<int64_t, int64_t, size_t, std::string>;
  EXPECT_EQ(built, (std::vector<Row>{{2, 0, 5, "[2, 1, 3, 3]"},
                                     {2, 2, 7, "[2, 1, 3, 3]"},
                                     {3, 0, 5, "[3, 1, 3, 3]"},
                                     {3, 2, 7, "[3, 1, 3, 3]"}}));
}

// The walk `limits` uses counts what the builder builds, block kinds included, so a written
// network is refused on its real size.
TEST_F(SpecNetworkTest, TheEstimateIsTheBuiltCount) {
  const std::string blocks = R"(
  type: sequential
  width: 8
  layers:
    - conv2d: {out_channels: "${model.width}", kernel_size: 3, padding: 1}
    - batch_norm
    - inception: {c1: 4, c2: [3, 6], c3: [2, 4], c4: 2}
    - dense_block: {num_convs: 2, num_channels: 5}
    - transition: {num_channels: 7}
    - residual: {num_channels: 7}
      repeat: 3
    - max_pool2d: {kernel_size: 3, stride: 2, padding: 1}
    - flatten
    - linear: {out_features: 12}
    - batch_norm
    - tanh
    - linear: {out_features: "${outputs}"})";
  {
    const SweepSpec s = resnet_written();
    for (const Trial& trial : expand_trials(s)) {
      const ModelConfig& config = trial.config.model;
      EXPECT_EQ(estimate_parameters(config, s.base.dataset),
                static_cast<double>(build_model(config, {1, 32, 32}, 10).parameter_count()));
    }
  }
  {
    SweepSpec s = example("lenet-written.yaml", 28);
    s.base.dataset.classes = {1, 2, 3};
    for (const Trial& trial : expand_trials(s)) {
      const ModelConfig& config = trial.config.model;
      const Model built = build_model(config, {1, 28, 28}, 3);
      EXPECT_EQ(estimate_layer_parameters(*config.layers, config, {1, 28, 28}, 3),
                static_cast<double>(built.parameter_count()));
      EXPECT_EQ(estimate_parameters(config, s.base.dataset),
                static_cast<double>(built.parameter_count()));
    }
  }
  {
    const SweepSpec s = spec(", input_size: 20, classes: [1, 2, 3]", blocks, "");
    const ModelConfig& config = s.base.model;
    const Model built = build_model(config, {1, 20, 20}, 3);
    EXPECT_EQ(estimate_layer_parameters(*config.layers, config, {1, 20, 20}, 3),
              static_cast<double>(built.parameter_count()));
    EXPECT_EQ(estimate_parameters(config, s.base.dataset),
              static_cast<double>(built.parameter_count()));
  }
  // The example's widest LeNet (width 12): 312 + 4,816 + 48,120 + 10,164 + 850 parameters.
  std::ifstream file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/lenet-written.yaml");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(spec_error_of(text + "limits: {max_parameters: 60000}\n"),
            "s.yaml:16:5: model.layers: the network of model.layers has about 64262 parameters, "
            "more than limits.max_parameters (60000); raise limits.max_parameters to train it");
}

TEST(SpecNetworkErrors, NameTheFileLineColumnAndLayer) {
  const auto error = [](const std::string& layers) {
    return spec_error_of("method: grid\nmodel:\n  type: sequential\n  layers:\n" + layers);
  };
  EXPECT_EQ(error("    - conv: {out_channels: 6}\n"),
            "s.yaml:5:7: model.layers[0]: unknown layer kind 'conv' (known: conv2d, linear, "
            "batch_norm, relu, sigmoid, tanh, max_pool2d, avg_pool2d, adaptive_avg_pool2d, "
            "dropout, flatten, residual, inception, dense_block, transition, sequential)");
  EXPECT_EQ(error("    - relu\n    - linear: {out_feature: 6}\n"),
            "s.yaml:6:16: model.layers[1] (linear): unknown argument 'out_feature' (known: "
            "out_features, in_features)");
  EXPECT_EQ(error("    - linear: {in_features: 6}\n"),
            "s.yaml:5:7: model.layers[0] (linear): needs out_features");
  EXPECT_EQ(error("    - sequential:\n        - max_pool2d: {kernel_size: 0}\n"),
            "s.yaml:6:37: model.layers[0].sequential[0] (max_pool2d): kernel_size: must be >= 1, "
            "got 0");
  EXPECT_EQ(error("    - dropout: {p: 1}\n"),
            "s.yaml:5:20: model.layers[0] (dropout): p: must be < 1, got 1");
  EXPECT_EQ(error("    - linear: {out_features: \"${width}\"}\n"),
            "s.yaml:5:30: model.layers[0] (linear): out_features: unknown reference ${width} "
            "(known: model.width, model.depth, model.dropout, outputs)");
  EXPECT_EQ(error("    - linear: {out_features: \"${model.dropout}\"}\n"),
            "s.yaml:5:30: model.layers[0] (linear): out_features: needs an integer; "
            "${model.dropout} is a real");
  EXPECT_EQ(error("    - relu: {inplace: true}\n"),
            "s.yaml:5:14: model.layers[0] (relu): unknown argument 'inplace' (it takes none)");
  EXPECT_EQ(error("    - {relu: null, flatten: null}\n"),
            "s.yaml:5:20: model.layers[0]: one layer per list item, found relu and flatten "
            "(start the next layer with its own `-`)");
  // Sizes and repeats are bounded, so counts cannot overflow and nothing loops for long.
  EXPECT_EQ(error("    - relu: {}\n      repeat: 1000000000000\n"),
            "s.yaml:6:15: model.layers[0].repeat: repeat: must be <= 10000, got 1000000000000");
  EXPECT_EQ(error("    - linear: {out_features: 1e300}\n"),
            "s.yaml:5:30: model.layers[0] (linear): out_features: must be <= 2147483647, got "
            "1e+300");
  EXPECT_EQ(error("    - dropout: {p: nan}\n"),
            "s.yaml:5:20: model.layers[0] (dropout): p: expected a number, got nan");
  EXPECT_EQ(error("    - sequential: [relu]\n      repeat: 10000\n    - flatten\n"
                  "    - linear: {out_features: \"${outputs}\"}\n"
                  "    - sequential:\n        - sequential: [relu]\n          repeat: 10000\n"
                  "      repeat: 10000\n"),
            "s.yaml:9:7: model.layers[3] (sequential): the network would have more than 100000 "
            "layers (repeats and nested layers counted)");
  EXPECT_EQ(error("    []\n"),
            "s.yaml:5:5: model.layers: expected a list of layers, e.g. [conv2d: {out_channels: "
            "6, kernel_size: 5}, relu]");
  EXPECT_EQ(spec_error_of("method: grid\nmodel: {type: sequential}\n"),
            "s.yaml:2:15: model.layers: missing: model.type sequential needs its layers "
            "(`model.layers: [...]`, docs/models.md)");
  EXPECT_EQ(spec_error_of("method: grid\nmodel: {type: mlp, layers: [relu]}\n"),
            "s.yaml:2:28: model.layers: goes with `model.type: sequential`; model.type is mlp");
}

// Shape problems surface when the trial's model is built (before a sweep writes anything),
// naming the layer and both shapes.
TEST(SpecNetworkErrors, ShapesThatDoNotFitNameTheLayerAndTheShapes) {
  const auto error = [](const std::string& layers) {
    try {
      const SweepSpec s =
          parse_spec("method: grid\nmodel:\n  type: sequential\n  layers:\n" + layers, "s.yaml");
      build_model(s.base.model, {1, 28, 28}, 10);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("    - conv2d: {out_channels: 4, kernel_size: 3}\n    - linear: {out_features: "
                  "10}\n"),
            "s.yaml:6:7: model.layers[1] (linear): needs features, got input 4x26x26 (add a "
            "flatten before it)");
  EXPECT_EQ(error("    - flatten\n    - conv2d: {out_channels: 4, kernel_size: 3}\n"),
            "s.yaml:6:7: model.layers[1] (conv2d): needs images [C, H, W], got input 784");
  EXPECT_EQ(error("    - conv2d: {out_channels: 4, kernel_size: 3, in_channels: 3}\n"),
            "s.yaml:5:7: model.layers[0] (conv2d): in_channels is 3, but its input 1x28x28 has "
            "1 channels");
  EXPECT_EQ(error("    - max_pool2d: {kernel_size: 29}\n"),
            "s.yaml:5:7: model.layers[0] (max_pool2d): does not fit its input 1x28x28: "
            "MaxPool2d(kernel_size=(29, 29), stride=(29, 29), padding=(0, 0)) got input [1, 1, "
            "28, 28]: kernel (29, 29) is larger than the padded input (28, 28)");
  EXPECT_EQ(error("    - flatten\n    - linear: {out_features: 7}\n"),
            "s.yaml:6:7: model.layers: the network's output is [7] per sample; it must be [10], "
            "the dataset's outputs (end with a linear layer of out_features: ${outputs})");
  EXPECT_EQ(error("    - flatten\n    - linear: {out_features: \"${model.width}\"}\n"),
            "s.yaml:6:7: model.layers[1] (linear): ${model.width}: model.width is not given "
            "(set it in `model:` or sweep it)");
}

TEST(SpecNetworkDocs, ListEveryLayerKind) {
  std::ifstream file(std::string(HPSWEEP_SOURCE_DIR) + "/docs/models.md");
  const std::string docs((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const LayerKind& kind : layer_kinds())
    EXPECT_NE(docs.find("| `" + kind.name + "`"), std::string::npos) << kind.name;
}

}  // namespace
}  // namespace hpsweep::testing
