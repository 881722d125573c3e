// Language models end to end in one process (worker/language_model_trainer.h): each cell
// learns a small corpus written here, perplexity is exp of the loss per token, sequential
// partitioning and random sampling both train, the same seed gives the same bits, a resumed
// trial continues bitwise, rnn-lm's parameters carry PyTorch's names and initialization, the
// analysis shows the best trial's text, and the spec's text keys are checked with exact
// messages.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/spec.h"
#include "common/text_corpus.h"
#include "coordinator/search_space.h"
#include "support/shell.h"
#include "support/spec_error.h"
#include "support/temp_dir.h"
#include "worker/data/dataset.h"
#include "worker/model_state.h"
#include "worker/text_sampler.h"
#include "worker/trainer.h"

namespace hpsweep::testing {
namespace {

class Recorder : public TrialObserver {
 public:
  void on_epoch(const EpochMetrics& m, std::optional<CheckpointData> c) override {
    metrics.push_back(m);
    if (c) checkpoints.push_back(std::move(*c));
  }
  std::vector<EpochMetrics> metrics;
  std::vector<CheckpointData> checkpoints;
};

// A corpus with plenty of structure for a character model: a few sentences, repeated.
std::string write_corpus(const TempDir& dir) {
  const std::string path = (dir / "corpus.txt").string();
  std::ofstream out(path);
  for (int i = 0; i < 40; ++i)
    out << "The time traveller smiled. The quick brown fox jumps over the lazy dog.\n"
           "A small cat sat on the mat, and the dog sat by the door.\n";
  return path;
}

Trial lm_trial(const std::string& corpus) {
  const SweepSpec spec =
      parse_spec("seed: 5\nmethod: grid\ndataset: {name: text, path: " + corpus +
                     "}\nmodel: {type: rnn-lm, width: 32}\n"
                     "training: {epochs: 8, batch_size: 8, num_steps: 16, lr: 1, clip_norm: 1}\n",
                 "lm.yaml");
  return expand_trials(spec)[0];
}

std::vector<EpochMetrics> train(const Trial& trial, const TrialStart& start = {},
                                std::vector<CheckpointData>* checkpoints = nullptr) {
  const TrainTestData data = load_dataset(trial.config.dataset);
  std::atomic<bool> never{false};
  SoloGroup solo;
  Recorder recorder;
  const TrialOutcome outcome = run_trial(trial, data, start, recorder, never, solo);
  EXPECT_EQ(outcome.status, TrialStatus::completed) << outcome.message;
  if (checkpoints) *checkpoints = recorder.checkpoints;
  return recorder.metrics;
}

void expect_same_parameters(const CheckpointData& a, const CheckpointData& b) {
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t p = 0; p < a.params.size(); ++p) {
    ASSERT_EQ(a.params[p].name, b.params[p].name);
    ASSERT_EQ(a.params[p].tensor.size(), b.params[p].tensor.size()) << a.params[p].name;
    for (int64_t i = 0; i < a.params[p].tensor.size(); ++i)
      ASSERT_EQ(a.params[p].tensor[i], b.params[p].tensor[i]) << a.params[p].name << " " << i;
  }
}

TEST(LanguageModel, EveryCellLearnsTheCorpus) {
  TempDir dir;
  const std::string corpus = write_corpus(dir);
  for (const char* cell : {"rnn", "gru", "lstm"}) {
    for (const char* sampling : {"random", "sequential"}) {
      SCOPED_TRACE(std::string(cell) + ", " + sampling);
      Trial trial = lm_trial(corpus);
      trial.config.model.cell = cell;
      trial.config.dataset.sampling = sampling;
      const std::vector<EpochMetrics> m = train(trial);
      ASSERT_EQ(m.size(), 8u);
      // The vocabulary has 28 characters or so: a uniform guess has perplexity ~28.
      EXPECT_LT(m.back().train_loss, m.front().train_loss);
      EXPECT_LT(m.back().test_perplexity, 8.0);
      EXPECT_LT(m.back().test_perplexity, m.front().test_perplexity);
      for (const EpochMetrics& e : m) {
        EXPECT_DOUBLE_EQ(e.train_perplexity, std::exp(e.train_loss));
        EXPECT_DOUBLE_EQ(e.test_perplexity, std::exp(e.test_loss));
        EXPECT_GT(e.grad_norm_max, 0);
        EXPECT_LE(e.grad_norm_mean, e.grad_norm_max);
        EXPECT_GE(e.train_error, 0);
        EXPECT_LE(e.train_error, 1);
      }
    }
  }
}

TEST(LanguageModel, TheSameSeedGivesTheSameBitsAndAResumeContinuesBitwise) {
  TempDir dir;
  Trial trial = lm_trial(write_corpus(dir));
  trial.config.model.cell = "lstm";
  trial.config.model.depth = 2;
  trial.config.model.dropout = 0.2;
  trial.config.model.embedding = 16;
  trial.config.dataset.sampling = "sequential";
  trial.config.training.epochs = 3;
  std::vector<CheckpointData> whole, again, resumed;
  const std::vector<EpochMetrics> a = train(trial, {}, &whole);
  const std::vector<EpochMetrics> b = train(trial, {}, &again);
  ASSERT_EQ(whole.size(), 3u);
  ASSERT_EQ(again.size(), 3u);
  for (size_t e = 0; e < a.size(); ++e) {
    EXPECT_EQ(a[e].train_loss, b[e].train_loss);
    EXPECT_EQ(a[e].test_loss, b[e].test_loss);
    EXPECT_EQ(a[e].grad_norm_max, b[e].grad_norm_max);
  }
  expect_same_parameters(whole.back(), again.back());

  TrialStart start;
  start.resume = &whole[0];
  const std::vector<EpochMetrics> rest = train(trial, start, &resumed);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest.back().test_loss, a.back().test_loss);
  expect_same_parameters(resumed.back(), whole.back());
}

float max_abs(const Tensor& v) {
  float largest = 0;
  for (int64_t i = 0; i < v.size(); ++i) largest = std::max(largest, std::abs(v[i]));
  return largest;
}

TEST(LanguageModel, ParametersCarryPyTorchNamesAndInitialization) {
  Trial trial;
  trial.config.model.type = "rnn-lm";
  trial.config.model.cell = "gru";
  trial.config.model.width = 16;
  trial.config.model.depth = 2;
  trial.config.model.embedding = 8;
  const Model model = build_trial_model(trial, {1}, 30, nullptr);
  Trial flat = trial;
  flat.config.model.depth = 0;
  EXPECT_THROW(build_trial_model(flat, {1}, 30, nullptr), UserError);
  std::vector<std::string> names;
  for (const NamedParameter& p : model.parameters()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                       "rnn.bias_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1",
                       "rnn.bias_hh_l1", "linear.weight", "linear.bias"}));
  // nn.GRU's and nn.Linear's init: every tensor, biases too, uniform within 1/sqrt(16) = 0.25;
  // the embedding follows model.init (normal(0, 0.01)).
  for (const NamedParameter& p : model.parameters()) {
    if (p.name == "embedding.weight") {
      EXPECT_LT(max_abs(p.parameter->value), 0.1f);
      continue;
    }
    const float largest = max_abs(p.parameter->value);
    EXPECT_LE(largest, 0.25f) << p.name;
    EXPECT_GT(largest, 0.2f) << p.name;  // spread over the range, not the default normal(0.01)
  }
}

// experiments/rnn-lm-fortunes.yaml: three trials, one per cell, on the English fortunes that
// scripts/setup.sh installs; one epoch of its RNN already beats a uniform guess over the 28 ids.
// (rnn-lm-clipping.yaml and rnn-lm-tang300.yaml are parsed only.)
TEST(LanguageModel, TheExampleSpecTrains) {
  const SweepSpec spec =
      load_spec_file(std::string(HPSWEEP_SOURCE_DIR) + "/experiments/rnn-lm-fortunes.yaml");
  const std::vector<Trial> trials = expand_trials(spec);
  ASSERT_EQ(trials.size(), 3u);
  // The other two examples parse into their trials.
  EXPECT_EQ(expand_trials(load_spec_file(std::string(HPSWEEP_SOURCE_DIR) +
                                         "/experiments/rnn-lm-clipping.yaml"))
                .size(),
            6u);
  EXPECT_EQ(expand_trials(load_spec_file(std::string(HPSWEEP_SOURCE_DIR) +
                                         "/experiments/rnn-lm-tang300.yaml"))
                .size(),
            1u);
  EXPECT_EQ(trials[0].config.model.cell, "rnn");
  EXPECT_EQ(trials[2].config.model.cell, "lstm");
  if (!std::filesystem::exists(trials[0].config.dataset.path))
    GTEST_SKIP() << trials[0].config.dataset.path << " is missing: run scripts/setup.sh";
  Trial trial = trials[0];
  trial.config.training.epochs = 1;
  const std::vector<EpochMetrics> m = train(trial);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_LT(m[0].test_perplexity, 28.0);
  EXPECT_GT(m[0].samples_per_second, 0);
}

// A GRU that has learnt the corpus continues its sentences greedily; at a temperature, the
// same seed draws the same text.
TEST(LanguageModel, AContinuationFollowsTheCorpus) {
  TempDir dir;
  Trial trial = lm_trial(write_corpus(dir));
  trial.config.model.cell = "gru";
  trial.config.training.epochs = 20;
  std::vector<CheckpointData> checkpoints;
  train(trial, {}, &checkpoints);
  const TextCorpus corpus = load_text_corpus(trial.config.dataset.path, {});
  Model model = build_trial_model(trial, {1}, corpus.vocabulary.size(), nullptr);
  load_parameters(model, checkpoints.back().params, "the trained trial");
  const auto text_after = [&](const std::string& prefix, const SampleSettings& settings) {
    std::string text;
    for (int32_t id : continue_tokens(
             model, corpus.vocabulary.ids(tokenize_text(prefix, TextTokens::character)), settings))
      text += corpus.vocabulary.token(id);
    return text;
  };
  EXPECT_EQ(text_after("the quick brown", {.tokens = 10}), " fox jumps");
  const SampleSettings warm{.tokens = 40, .temperature = 1.0, .seed = 7};
  EXPECT_EQ(text_after("the ", warm), text_after("the ", warm));
  EXPECT_EQ(text_after("the ", warm).size(), 40u);
}

// `hpsweep run --dry-run` times a language model on token ids; `hpsweep sample` on the sweep's
// checkpoint takes the trial's model and vocabulary from the sweep's file.
TEST(LanguageModel, TheSampleCommandContinuesAPrefix) {
  TempDir dir;
  const std::string spec = (dir / "lm.yaml").string();
  std::ofstream(spec) << "seed: 5\nmethod: grid\ndataset: {name: text, path: " << write_corpus(dir)
                      << "}\nmodel: {type: rnn-lm, width: 32}\n"
                         "training: {epochs: 20, batch_size: 8, num_steps: 16, lr: 1, "
                         "clip_norm: 1}\nparameters:\n  model.cell: {values: [gru]}\n";
  const std::string out = (dir / "out").string();
  const std::string binary = HPSWEEP_BINARY;
  const CommandResult dry = run_shell(binary + " run " + spec + " --out " + out + " --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("total: 20 epochs"), std::string::npos) << dry.output;
  ASSERT_EQ(run_shell(binary + " run " + spec + " --out " + out).exit_code, 0);
  const CommandResult r = run_shell(binary + " sample " + out +
                                    "/checkpoints/0000.h5 --prefix 'the quick brown' --tokens 10");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "the quick brown fox jumps\n");
  const CommandResult bad = run_shell(binary + " sample " + out + "/checkpoints/0000.h5");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--prefix"), std::string::npos) << bad.output;
}

// `analyze` and `report` on a language-model sweep show a text sample of the best trial: the
// text `hpsweep sample` gives for the same checkpoint, parameters and prefix (by default the
// training text's first 10 tokens); without the checkpoint, they say why there is none.
TEST(LanguageModel, TheAnalysisShowsTheBestTrialsText) {
  TempDir dir;
  const std::string spec = (dir / "lm.yaml").string();
  std::ofstream(spec) << "seed: 5\nmethod: grid\nmetric: {name: test_perplexity}\n"
                         "dataset: {name: text, path: "
                      << write_corpus(dir)
                      << "}\nmodel: {type: rnn-lm, width: 32}\n"
                         "training: {epochs: 6, batch_size: 8, num_steps: 16, lr: 1, "
                         "clip_norm: 1}\nparameters:\n  model.cell: {values: [rnn, gru]}\n";
  const std::string out = (dir / "out").string(), binary = HPSWEEP_BINARY;
  ASSERT_EQ(run_shell(binary + " run " + spec + " --out " + out).exit_code, 0);
  const CommandResult analysis = run_shell(binary + " analyze " + out + " --sample-tokens 20");
  ASSERT_EQ(analysis.exit_code, 0) << analysis.output;
  // "best trial: 0001 (test_perplexity 5.1234 at epoch 6; ...": the trial and its /best epoch.
  const std::string& text = analysis.output;
  const size_t at = text.find("best trial: ");
  ASSERT_NE(at, std::string::npos) << text;
  const std::string best = text.substr(at + 12, 4);
  const size_t epoch_at = text.find(" at epoch ", at) + 10;
  const std::string epoch = text.substr(epoch_at, text.find(';', epoch_at) - epoch_at);
  const std::string checkpoint = out + "/checkpoints/" + best + ".h5";
  const auto sampled = [&](const std::string& prefix, int tokens) {
    const CommandResult r = run_shell(binary + " sample " + checkpoint + " --best --prefix '" +
                                      prefix + "' --tokens " + std::to_string(tokens));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output.substr(0, r.output.size() - 1);  // without its newline
  };
  const std::string caption = "text sample: trial " + best + ", the parameters of epoch " + epoch +
                              " (/best), 20 tokens greedily after \"the time t\":\n  ";
  EXPECT_NE(text.find(caption + sampled("the time t", 20) + "\n"), std::string::npos) << text;
  const CommandResult chosen =
      run_shell(binary + " analyze " + out + " --sample-prefix 'a small' --sample-tokens 7");
  EXPECT_NE(
      chosen.output.find("7 tokens greedily after \"a small\":\n  " + sampled("a small", 7) + "\n"),
      std::string::npos)
      << chosen.output;
  const CommandResult negative = run_shell(binary + " analyze " + out + " --sample-tokens -1");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.output.find("--sample-tokens: must be >= 0, got -1"), std::string::npos)
      << negative.output;
  ASSERT_EQ(run_shell(binary + " report " + out + " --sample-tokens 20").exit_code, 0);
  std::ifstream report(out + "/report.html");
  const std::string html((std::istreambuf_iterator<char>(report)), {});
  EXPECT_NE(html.find("<li><a href=\"#sample\">Text sample</a></li>"), std::string::npos);
  EXPECT_NE(html.find("<pre>" + sampled("the time t", 20) + "</pre>"), std::string::npos);
  std::filesystem::remove(checkpoint);
  EXPECT_NE(run_shell(binary + " analyze " + out)
                .output.find("text sample: trial " + best + ": none: " + checkpoint +
                             ": no such checkpoint file\n"),
            std::string::npos);
}

// Exploding gradients without clipping: the loss per token grows past what a perplexity can
// hold and the trial ends `diverged`; clipped, the same rate trains on.
TEST(LanguageModel, WithoutClippingAHugeRateDiverges) {
  TempDir dir;
  Trial trial = lm_trial(write_corpus(dir));
  trial.config.model.cell = "rnn";
  trial.config.training.lr = 100;
  trial.config.training.clip_norm = 0;
  const TrainTestData data = load_dataset(trial.config.dataset);
  std::atomic<bool> never{false};
  SoloGroup solo;
  Recorder recorder;
  const TrialOutcome outcome = run_trial(trial, data, {}, recorder, never, solo);
  EXPECT_EQ(outcome.status, TrialStatus::diverged) << outcome.message;
  EXPECT_NE(outcome.message.find("per token (perplexity beyond a double)"), std::string::npos)
      << outcome.message;
  EXPECT_LT(recorder.metrics.size(), 8u);
  trial.config.training.clip_norm = 0.01;
  Recorder clipped;
  EXPECT_EQ(run_trial(trial, data, {}, clipped, never, solo).status, TrialStatus::completed);
}

TEST(LanguageModel, SpecErrorsNameTheKey) {
  const std::string grid = "method: grid\n";
  const std::string text = grid + "dataset: {name: text, path: c.txt}\n";
  EXPECT_EQ(spec_error_of(text + "model: {type: mlp}\n"),
            "s.yaml:3:15: model.type: mlp cannot train on text; language models are rnn-lm");
  EXPECT_EQ(spec_error_of(grid + "model: {type: rnn-lm}\n"),
            "s.yaml:2:15: model.type: rnn-lm trains on dataset.name: text, not the "
            "fashion-mnist set");
  EXPECT_EQ(spec_error_of(grid + "training: {num_steps: 5}\n"),
            "s.yaml:2:23: training.num_steps: applies to dataset.name: text only");
  EXPECT_EQ(spec_error_of(text + "model: {type: mlp, cell: gru}\n"),
            "s.yaml:3:26: model.cell: applies to model.type: rnn-lm only");
  EXPECT_EQ(spec_error_of(text + "model: {type: rnn-lm, cell: elman}\n"),
            "s.yaml:3:29: model.cell: must be one of rnn, gru, lstm, got 'elman'");
  EXPECT_EQ(spec_error_of(grid + "dataset: {name: text, path: c.txt, validation: 0.1}\n"
                                 "model: {type: rnn-lm}\n"),
            "s.yaml:2:48: dataset.validation: does not apply to the text set");
  EXPECT_EQ(spec_error_of(text + "model: {type: rnn-lm}\ntraining: {eval_train: 100}\n"),
            "s.yaml:4:24: training.eval_train: does not apply to the text set");
  EXPECT_EQ(spec_error_of(text + "model: {type: rnn-lm}\ntraining: {clip_norm: -1}\n"),
            "s.yaml:4:23: training.clip_norm: must be >= 0, got -1");
  EXPECT_EQ(spec_error_of(grid + "metric: {name: test_perplexity}\n"),
            "s.yaml:2:9: metric.name: test_perplexity needs a language model on "
            "dataset.name: text");
  EXPECT_EQ(spec_error_of(text + "model: {type: rnn-lm}\nmetric: {name: test_perplexity}\n"),
            "no error");
}

}  // namespace
}  // namespace hpsweep::testing
