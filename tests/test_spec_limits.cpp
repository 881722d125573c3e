// Specs cannot exhaust memory: trials and model size are counted before anything is expanded
// or built, and a spec above `limits` is refused at once with the figure (issue 17, item 7).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "common/error.h"
#include "common/spec.h"
#include "common/spec_limits.h"
#include "common/text_corpus.h"
#include "coordinator/search_space.h"
#include "support/spec_error.h"
#include "support/temp_dir.h"
#include "worker/model_factory.h"

namespace hpsweep {
namespace {

// The error parse_spec throws, which must come at once.
std::string error_of(const std::string& yaml) {
  const auto start = std::chrono::steady_clock::now();
  const std::string message = testing::spec_error_of(yaml);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  return message;
}

std::string numbers(int count) {
  std::string list;
  for (int i = 1; i <= count; ++i) list += (i > 1 ? ", " : "") + std::to_string(i);
  return "[" + list + "]";
}

TEST(SpecLimits, AliasesExpandingToATrillionTrials) {
  // One anchored list of 1,000 values (4 KB), reused by four parameters: 10^12 combinations.
  const std::string yaml = "method: grid\nparameters:\n  model.width: {values: &v " +
                           numbers(1000) +
                           "}\n  training.batch_size: {values: *v}\n"
                           "  dataset.train_subset: {values: *v}\n  training.seed: {values: *v}\n";
  EXPECT_EQ(error_of(yaml),
            "s.yaml:3:3: parameters: the sweep has 1000000000000 trials, more than "
            "limits.max_trials (100000); raise limits.max_trials to run it");
}

TEST(SpecLimits, TenBillionPointGrid) {
  std::string yaml = "method: grid\nparameters:\n";
  for (const char* path : {"model.width", "training.batch_size", "dataset.train_subset",
                           "training.seed", "training.epochs"})
    yaml += std::string("  ") + path + ": {values: " + numbers(100) + "}\n";
  EXPECT_EQ(error_of(yaml),
            "s.yaml:3:3: parameters: the sweep has 10000000000 trials, more than "
            "limits.max_trials (100000); raise limits.max_trials to run it");
}

TEST(SpecLimits, RunCap) {
  const std::string random =
      "method: random\nparameters:\n  training.lr: {distribution: uniform, min: 0.01, max: 0.1}\n";
  EXPECT_EQ(error_of(random + "run_cap: 1e9\n"),
            "s.yaml:4:10: run_cap: expected an integer, got '1e9' (write it out: 1000000000)");
  EXPECT_EQ(error_of(random + "run_cap: 1000000000\n"),
            "s.yaml:4:10: run_cap: the sweep has 1000000000 trials, more than limits.max_trials "
            "(100000); raise limits.max_trials to run it");
  EXPECT_EQ(error_of(random + "run_cap: 50000\nrepeats: 3\n"),
            "s.yaml:4:10: run_cap: the sweep has 150000 trials, more than limits.max_trials "
            "(100000); raise limits.max_trials to run it");
  EXPECT_EQ(error_of(random + "run_cap: 1000000000\nlimits: {max_trials: 1000000000}\n"),
            "no error");
}

TEST(SpecLimits, ModelWidthAndDepth) {
  EXPECT_EQ(error_of("method: grid\nmodel: {type: mlp, width: 1000000}\n"),
            "s.yaml:2:27: model.width: a mlp of width 1000000 and depth 1 has about 795000010 "
            "parameters, more than limits.max_parameters (200000000); raise "
            "limits.max_parameters to train it");
  EXPECT_EQ(error_of("method: grid\nmodel: {type: mlp, depth: 10000}\n"),
            "s.yaml:2:27: model.depth: a mlp of width 256 and depth 10000 has about "
            "658057738 parameters, more than limits.max_parameters (200000000); raise "
            "limits.max_parameters to train it");
  EXPECT_EQ(error_of("method: grid\nparameters:\n  model.width: {values: [64, 65536]}\n"
                     "model: {type: resnet}\n"),
            "s.yaml:3:16: model.width: a resnet of width 65536 and depth 2 has about "
            "11699512279050 parameters, more than limits.max_parameters (200000000); raise "
            "limits.max_parameters to train it");
  EXPECT_EQ(error_of("method: grid\nmodel: {type: mlp, width: 1000000}\n"
                     "limits: {max_parameters: 1000000000}\n"),
            "no error");
}

// A language model's output layer (and one-hot input) is as wide as its vocabulary, which only
// the text file knows: the count reads it, and is the built model's for every cell, one-hot or
// embedded. 3,000 distinct characters make a one-hot LSTM of 1024 too large for 10^7.
TEST(SpecLimits, ALanguageModelIsCountedOnItsVocabulary) {
  testing::TempDir dir;
  const std::string path = (dir / "han.txt").string();
  {
    std::ofstream out(path);
    for (int repeat = 0; repeat < 2; ++repeat)
      for (char32_t c = 0x4E00; c < 0x4E00 + 3000; ++c)  // 3 bytes of UTF-8 each
        out << static_cast<char>(0xE0 | (c >> 12)) << static_cast<char>(0x80 | ((c >> 6) & 0x3F))
            << static_cast<char>(0x80 | (c & 0x3F));
  }
  const std::string text = "method: grid\ndataset: {name: text, path: " + path +
                           ", preprocess: unicode, test_fraction: 0}\n"
                           "training: {batch_size: 4}\n";
  const SweepSpec spec = parse_spec(text + "model: {type: rnn-lm}\n", "s.yaml");
  const int64_t vocabulary =
      load_text_corpus(path, text_corpus_options(spec.base.dataset)).vocabulary.size();
  EXPECT_EQ(vocabulary, 3001);  // and <unk>
  for (const char* cell : {"rnn", "gru", "lstm"})
    for (int64_t embedding : {0, 64}) {
      const ModelConfig model{
          .type = "rnn-lm", .width = 32, .depth = 2, .cell = cell, .embedding = embedding};
      EXPECT_EQ(estimate_parameters(model, spec.base.dataset),
                static_cast<double>(build_model(model, {1}, vocabulary).parameter_count()))
          << cell << " " << embedding;
    }
  const ModelConfig wide{.type = "rnn-lm", .width = 1024, .depth = 1, .cell = "lstm"};
  const std::string count = std::to_string(build_model(wide, {1}, vocabulary).parameter_count());
  EXPECT_EQ(error_of(text + "model: {type: rnn-lm, cell: lstm, width: 1024}\n"
                            "limits: {max_parameters: 10000000}\n"),
            "s.yaml:4:42: model.width: a rnn-lm of width 1024 and depth 1 has about " + count +
                " parameters, more than limits.max_parameters (10000000); raise "
                "limits.max_parameters to train it");
  // Without a readable file, one output: training stops at the file, naming it.
  DatasetConfig missing = spec.base.dataset;
  missing.path = (dir / "none.txt").string();
  const ModelConfig small{.type = "rnn-lm", .width = 32, .depth = 1, .cell = "gru"};
  EXPECT_EQ(estimate_parameters(small, missing),
            static_cast<double>(build_model(small, {1}, 1).parameter_count()));
}

// fmnist-detection draws its canvases into memory before training: a subset or canvas size
// that would not fit is refused with the bytes, at the key that makes it large.
TEST(SpecLimits, DetectionCanvasesBeyondTheMemoryLimit) {
  const std::string detector = "method: grid\nmodel: {type: tiny-ssd}\n";
  EXPECT_EQ(error_of(detector + "dataset: {name: fmnist-detection, train_subset: 10000000}\n"),
            "s.yaml:3:49: dataset.train_subset: 10010000 fmnist-detection canvases of 64 x 64 "
            "take 164003840000 bytes of memory in each process, more than "
            "limits.max_data_bytes (8589934592); raise limits.max_data_bytes to draw them");
  EXPECT_EQ(error_of(detector + "dataset: {name: fmnist-detection}\nparameters:\n"
                                "  dataset.input_size: {values: [64, 512]}\n"),
            "s.yaml:5:23: dataset.input_size: 70000 fmnist-detection canvases of 512 x 512 take "
            "73400320000 bytes of memory in each process, more than limits.max_data_bytes "
            "(8589934592); raise limits.max_data_bytes to draw them");
  // The default set, 70,000 canvases of 64 x 64, is 1.1 GB; a raised limit lets more through.
  const SweepSpec fits = parse_spec(detector + "dataset: {name: fmnist-detection}\n", "s.yaml");
  const LargestData data = largest_data(fits);
  EXPECT_EQ(data.canvases, 70000);
  EXPECT_EQ(data.side, 64);
  EXPECT_EQ(data.bytes, 70000.0 * 64 * 64 * 4);
  EXPECT_NO_THROW(parse_spec(detector +
                                 "dataset: {name: fmnist-detection, train_subset: 10000000}\n"
                                 "limits: {max_data_bytes: 200000000000}\n",
                             "s.yaml"));
  // Sets read from files are bounded by their files.
  EXPECT_EQ(largest_data(parse_spec("method: grid\n", "s.yaml")).bytes, 0);
}

TEST(SpecLimits, ConditionsFollowTheModelType) {
  // A wide MLP and a narrow ResNet: the ResNet is not judged at the MLP's width.
  const SweepSpec spec = parse_spec(
      "method: grid\nparameters:\n  model.type: {values: [mlp, resnet]}\n"
      "  model.width: {values: [4096], when: {model.type: mlp}}\n",
      "s.yaml");
  EXPECT_EQ(largest_model(spec).config.type, "resnet");
}

TEST(SpecLimits, CountsTrialsAsTheyExpand) {
  const SweepSpec spec = parse_spec(
      "method: grid\nrepeats: 2\ndataset: {kfold: 3}\nmetric: {name: val_error}\nparameters:\n"
      "  model.type: {values: [mlp, softmax]}\n"
      "  model.width: {values: [16, 32, 64], when: {model.type: mlp}}\n"
      "  training.lr: {values: [0.1, 0.2]}\n",
      "s.yaml");
  const TrialCount count = count_trials(spec, 1e6);
  EXPECT_TRUE(count.exact);
  EXPECT_EQ(count.trials, static_cast<double>(expand_trials(spec).size()));
  EXPECT_EQ(count.trials, (3 + 1) * 2 * 2 * 3);
}

}  // namespace
}  // namespace hpsweep
