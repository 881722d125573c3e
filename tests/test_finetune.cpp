// training.finetune (d2l 13.2) through the real sweep: a LeNet-BN pretrained on synthetic
// Fashion-MNIST, then fine-tuned with frozen layers (bitwise unchanged, no optimizer state),
// a reinitialized output layer of a new shape, and lr_mult (exactly a run at the multiplied
// rate); the spec keys and every refusal's exact message.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/error.h"
#include "coordinator/search_space.h"
#include "coordinator/sweep_runner.h"
#include "storage/checkpoint_file.h"
#include "storage/sweep_file.h"
#include "support/shell.h"
#include "support/spec_error.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/finetune.h"
#include "worker/model_factory.h"

namespace hpsweep::testing {
namespace {

// LeNet-BN's layers with parameters: convs 0 and 4, batch norms 1, 5, 10, 13, Linears 9, 12
// and the output layer 15.
constexpr const char* kBody = "[\"0\", \"1\", \"4\", \"5\", \"9\", \"10\", \"12\", \"13\"]";

const Tensor& tensor_named(const std::vector<NamedTensor>& tensors, const std::string& name) {
  for (const NamedTensor& t : tensors)
    if (t.name == name) return t.tensor;
  throw std::runtime_error("no tensor " + name);
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return false;
  for (int64_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

class FinetuneTest : public ::testing::Test {
 protected:
  void SetUp() override { write_synthetic_fashion_mnist(dir_ / "data", 400, 100, 7); }

  // A LeNet-BN sweep with `training` keys besides epochs and batch size, and more spec text.
  SweepSpec spec(const std::string& training, const std::string& extra = "") {
    return parse_spec(
        "name: ft\nseed: 3\nmethod: grid\ndataset: {path: " + (dir_ / "data").string() +
            "}\nmodel: {type: lenet-bn, init: xavier}\n"
            "training:\n  epochs: 2\n  batch_size: 40\n" +
            training + extra,
        "ft.yaml");
  }

  // The checkpoint of a LeNet-BN trained for 2 epochs on all 10 classes.
  std::string pretrained() {
    run(spec("  lr: 0.1\n"), "pre");
    return checkpoint_path("pre", 0);
  }

  void run(const SweepSpec& s, const std::string& out) {
    std::ostringstream log;
    std::atomic<bool> stop{false};
    run_local_sweep(s, RunOptions{(dir_ / out).string(), 1, false}, stop, log);
  }

  std::string checkpoint_path(const std::string& out, int64_t trial) {
    return (dir_ / out / "checkpoints" / (trial_name(trial) + ".h5")).string();
  }
  CheckpointData checkpoint(const std::string& out, int64_t trial = 0) {
    return read_checkpoint_file(checkpoint_path(out, trial));
  }

  // The UserError the sweep of `s` stops with before writing anything.
  std::string refusal(const SweepSpec& s) {
    try {
      run(s, "refused");
    } catch (const UserError& e) {
      EXPECT_FALSE(std::filesystem::exists(dir_ / "refused")) << "nothing is written";
      return e.what();
    }
    return "no error";
  }

  TempDir dir_;
};

TEST_F(FinetuneTest, FrozenLayersStayBitwiseAndHaveNoOptimizerState) {
  const std::string from = pretrained();
  run(spec("  lr: 0.05\n  momentum: 0.9\n  weight_decay: 0.001\n"
           "  finetune: {from: " +
           from + ", freeze: [\"0\", \"1\", \"4\"]}\n"),
      "tuned");
  const CheckpointData before = read_checkpoint_file(from), after = checkpoint("tuned");
  for (const char* name : {"0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"})
    EXPECT_TRUE(bitwise_equal(tensor_named(before.params, name), tensor_named(after.params, name)))
        << name << " is frozen";
  for (const char* name : {"5.weight", "9.weight", "15.weight", "15.bias"})
    EXPECT_FALSE(bitwise_equal(tensor_named(before.params, name), tensor_named(after.params, name)))
        << name << " trains";
  // Frozen batch norm still follows the new data's statistics in training mode, as PyTorch's
  // requires_grad=False leaves it (docs/training.md).
  EXPECT_FALSE(bitwise_equal(tensor_named(before.params, "1.running_mean"),
                             tensor_named(after.params, "1.running_mean")));
  ASSERT_EQ(after.optimizer.buffers.size(), 1u);
  std::vector<std::string> names;
  for (const NamedTensor& t : after.optimizer.buffers[0].tensors) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"5.weight", "5.bias", "9.weight", "9.bias",
                                             "10.weight", "10.bias", "12.weight", "12.bias",
                                             "13.weight", "13.bias", "15.weight", "15.bias"}));
}

TEST_F(FinetuneTest, ReinitGivesTheOutputLayerTheNewClassesShape) {
  const std::string from = pretrained();
  SweepSpec s = spec("  lr: 0.05\n  finetune: {from: " + from +
                     ", reinit: [\"15\"], freeze: " + kBody + "}\n");
  s.base.dataset.classes = {2, 5, 7};
  run(s, "tuned");
  const CheckpointData before = read_checkpoint_file(from), after = checkpoint("tuned");
  EXPECT_EQ(tensor_named(after.params, "15.weight").shape(), (Shape{3, 84}));
  EXPECT_EQ(tensor_named(after.params, "15.bias").shape(), (Shape{3}));
  EXPECT_TRUE(bitwise_equal(tensor_named(before.params, "12.weight"),
                            tensor_named(after.params, "12.weight")))
      << "the body is the checkpoint's";
  EXPECT_EQ(after.optimizer.steps, 2 * 3);  // 120 samples of 3 classes, batch 40, 2 epochs
}

TEST_F(FinetuneTest, AnOutputLayerOfAnotherShapeNeedsReinit) {
  const std::string from = pretrained();
  SweepSpec s = spec("  finetune:\n    from: " + from + "\n");
  s.base.dataset.classes = {2, 5, 7};
  EXPECT_EQ(refusal(s), "ft.yaml:10:11: training.finetune.from: trial 0000: " + from +
                            ": architecture differs from the trial's model: 15.weight has shape "
                            "[10, 84] in the checkpoint, [3, 84] in the model");
}

TEST_F(FinetuneTest, APrefixThatNamesNoParameterIsRefusedWithTheLayersThatHaveSome) {
  const std::string from = pretrained();
  const std::string expected =
      "ft.yaml:11:13: training.finetune.freeze: trial 0000: '16' names no parameter of the "
      "model (its layers with parameters: 0, 1, 4, 5, 9, 10, 12, 13, 15; a prefix such as 1.0 "
      "names a part of one)";
  EXPECT_EQ(refusal(spec("  finetune:\n    from: " + from + "\n    freeze: [\"16\"]\n")), expected);
  // "1" names layer 1, not layer 15's or 10's tensors, so "1.w" names nothing either.
  EXPECT_NE(refusal(spec("  finetune:\n    lr_mult: {\"1.w\": 0.5}\n")).find("'1.w' names no"),
            std::string::npos);
  // The binary says the same and exits non-zero.
  const auto spec_file = dir_ / "ft.yaml";
  std::ofstream(spec_file) << "name: ft\nseed: 3\nmethod: grid\ndataset: {path: "
                           << (dir_ / "data").string()
                           << "}\nmodel: {type: lenet-bn, init: xavier}\n"
                              "training:\n  epochs: 2\n  batch_size: 40\n  finetune:\n    from: "
                           << from << "\n    freeze: [\"16\"]\n";
  const CommandResult cli =
      run_shell("cd " + dir_.path().string() + " && " + HPSWEEP_BINARY + " run ft.yaml --out cli");
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.output.find(expected), std::string::npos) << cli.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "cli"));
}

// A tenth of lr 0.5 is lr 0.05 exactly in double, so every update is the same float
// arithmetic: with SGD (weight decay's fused shrink, momentum) and Adam alike.
TEST_F(FinetuneTest, LrMultOfATenthTrainsExactlyAsATenthOfTheRate) {
  const std::string from = pretrained();
  const std::string everything =
      "{\"0\": 0.1, \"1\": 0.1, \"4\": 0.1, \"5\": 0.1, \"9\": 0.1, \"10\": 0.1, \"12\": 0.1, "
      "\"13\": 0.1, \"15\": 0.1}";
  for (const std::string optimizer :
       {"  weight_decay: 0.01\n", "  momentum: 0.9\n", "  optimizer: adam\n"}) {
    const std::string tuned = "  finetune: {from: " + from + "}\n" + optimizer;
    run(spec("  lr: 0.5\n  finetune: {from: " + from + ", lr_mult: " + everything + "}\n" +
             optimizer),
        "scaled");
    run(spec("  lr: 0.05\n" + tuned), "slower");
    const CheckpointData a = checkpoint("scaled"), b = checkpoint("slower");
    ASSERT_EQ(a.params.size(), b.params.size());
    for (size_t k = 0; k < a.params.size(); ++k)
      EXPECT_TRUE(bitwise_equal(a.params[k].tensor, b.params[k].tensor))
          << optimizer << a.params[k].name;
    EXPECT_FALSE(bitwise_equal(a.params[0].tensor,
                               tensor_named(read_checkpoint_file(from).params, a.params[0].name)))
        << "the parameters moved";
    std::filesystem::remove_all(dir_ / "scaled");
    std::filesystem::remove_all(dir_ / "slower");
  }
}

TEST(FinetuneLayers, TheLongestMatchingPrefixSetsTheMultiplierAndFreezeWins) {
  ModelConfig m;
  m.type = "resnet";
  m.width = 8;
  m.depth = 1;
  Model model = build_model(m, {1, 32, 32}, 5);
  FinetuneConfig f;
  f.freeze = {"0"};
  f.lr_mult = {{"0", 0.5}, {"1", 0.1}, {"1.0.conv1", 0.5}};
  apply_finetune(model, f);
  std::map<std::string, const Parameter*> by_name;
  for (const NamedParameter& p : model.parameters()) by_name[p.name] = p.parameter;
  EXPECT_TRUE(by_name.at("0.0.weight")->frozen);
  EXPECT_FALSE(by_name.at("1.0.conv1.weight")->frozen);
  EXPECT_EQ(by_name.at("1.0.conv1.weight")->lr_mult, 0.5);
  EXPECT_EQ(by_name.at("1.0.conv2.weight")->lr_mult, 0.1);
  EXPECT_EQ(by_name.at("2.0.conv1.weight")->lr_mult, 1.0);
  EXPECT_EQ(finetune_role(model, f, "0"), "frozen");
  EXPECT_EQ(finetune_role(model, f, "1"), "mixed");
  EXPECT_EQ(finetune_role(model, f, "1.0.conv2"), "lr x0.1");
  EXPECT_TRUE(under_layer("1.0.weight", "1"));
  EXPECT_FALSE(under_layer("10.weight", "1"));
  EXPECT_FALSE(under_layer("1.0.conv10.weight", "1.0.conv1"));
}

TEST(FinetuneSpec, KeysListsAndTheInitFromSpelling) {
  const std::string head = "method: grid\ntraining:\n";
  SweepSpec s = parse_spec(head +
                               "  finetune:\n    from: a.h5\n    reinit: [fc]\n"
                               "    freeze: [\"0\", \"1.0\"]\n    lr_mult: {\"2\": 0.1, fc: 2}\n",
                           "s.yaml");
  const FinetuneConfig& f = s.base.training.finetune;
  EXPECT_EQ(f.from, "a.h5");
  EXPECT_EQ(f.reinit, std::vector<std::string>{"fc"});
  EXPECT_EQ(f.freeze, (std::vector<std::string>{"0", "1.0"}));
  EXPECT_EQ(f.lr_mult, (std::vector<std::pair<std::string, double>>{{"2", 0.1}, {"fc", 2.0}}));
  EXPECT_EQ(parse_spec(head + "  init_from: b.h5\n", "s.yaml").base.training.finetune.from, "b.h5");

  EXPECT_EQ(spec_error_of(head + "  init_from: b.h5\n  finetune: {from: c.h5}\n"),
            "s.yaml:4:14: training.finetune.from: given twice (training.init_from is "
            "training.finetune.from)");
  EXPECT_EQ(spec_error_of(head + "  finetune: {lr_mult: {\"0\": 0}}\n"),
            "s.yaml:3:23: training.finetune.lr_mult: 0: must be > 0, got 0");
  EXPECT_EQ(spec_error_of(head + "  finetune: {freeze: [\"0\", \"1 2\"]}\n"),
            "s.yaml:3:28: training.finetune.freeze: '1 2' is not a layer name (names hold no "
            "commas, colons or spaces)");
  EXPECT_EQ(spec_error_of(head + "  finetune: {freeze: [\"0\", \"0\"]}\n"),
            "s.yaml:3:22: training.finetune.freeze: item 2: 0 is listed twice");
  EXPECT_EQ(spec_error_of(head + "  finetune: {freeze: 0}\n"),
            "s.yaml:3:22: training.finetune.freeze: expected a list of layer names [a, b, ...]");
  // The init_from spelling is the same key in `parameters` too, and PBT cannot mutate it.
  EXPECT_EQ(spec_error_of(head + "  finetune: {from: a.h5}\nparameters:\n"
                                 "  training.init_from: {value: b.h5}\n"),
            "s.yaml:5:23: training.finetune.from: also given in the training block; give it once");
  EXPECT_EQ(spec_error_of("method: grid\nparameters:\n  training.init_from: {values: [a.h5]}\n"
                          "  training.finetune.from: {values: [b.h5]}\n"),
            "s.yaml:4:3: training.finetune.from: swept twice (nested and dotted)");
  EXPECT_EQ(spec_error_of("method: pbt\npbt:\n  population: 4\n  perturbation_interval: 1\n"
                          "  mutations:\n    training.finetune.freeze: {values: [[], [\"0\"]]}\n"),
            "s.yaml:6:5: training.finetune.freeze: fine-tuning cannot be mutated: an exploit "
            "copies weights and optimizer state that fit only the same checkpoint, frozen and "
            "reinitialized layers");
}

TEST(FinetuneSpec, ListsAndMultipliersAreSweptAsWholeValues) {
  const SweepSpec s = parse_spec(
      "method: grid\nparameters:\n"
      "  training.init_from: {values: [a.h5, b.h5]}\n"
      "  training.finetune.freeze: {values: [[], [\"0\", \"1\"]]}\n"
      "  training.finetune.lr_mult: {values: [{\"0\": 0.1}, {\"0\": 0.01, \"7\": 2}]}\n",
      "s.yaml");
  const std::vector<Trial> trials = expand_trials(s);
  ASSERT_EQ(trials.size(), 8u);
  EXPECT_EQ(s.parameters[0].path, "training.finetune.from");
  const FinetuneConfig& last = trials.back().config.training.finetune;
  EXPECT_EQ(last.from, "b.h5");
  EXPECT_EQ(last.freeze, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(last.lr_mult, (std::vector<std::pair<std::string, double>>{{"0", 0.01}, {"7", 2.0}}));
  EXPECT_TRUE(trials.front().config.training.finetune.freeze.empty());
}

}  // namespace
}  // namespace hpsweep::testing
