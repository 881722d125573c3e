// The configuration of one training trial: the spec's `dataset`, `model` and `training`
// blocks with every swept value applied. Defaults follow d2l's Fashion-MNIST MLP.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/layer_spec.h"

namespace hpsweep {

struct DatasetConfig {
  std::string name = "fashion-mnist";  // one of common/dataset_types.h
  std::string path = "/usr/share/datasets/fashion-mnist";
  int64_t features = 0;  // synthetic sets: input features (0: the set's default)
  int64_t seed = 0;      // the data's seed, shared by every trial: synthetic sets, held-out parts
  // 0: all training images; N: the first N (fmnist-detection: N canvases, default 60,000)
  int64_t train_subset = 0;
  int64_t test_subset = 0;  // 0: all test images (fmnist-detection: 10,000 canvases)
  // Held out of the training part (after train_subset), stratified by class, drawn from
  // `seed` (worker/data/holdout.h): `validation` samples (a count, or a fraction when below
  // 1), or with kfold = K >= 2 the trial's `fold` of K. Trials of a K-fold sweep get their fold
  // from the sweep (coordinator/search_space.h); it is not a spec key.
  double validation = 0;
  int64_t kfold = 0;
  int64_t fold = 0;
  // Sets with classes: only these classes, relabelled 0..k-1 in the listed order, so the model
  // has k outputs (empty: every class); and only the first train_per_class training samples of
  // each (0: all). Applied after the subsets and before the holdout (docs/spec.md, "Class
  // subsets"); the test set keeps its samples of the listed classes.
  std::vector<int64_t> classes;
  int64_t train_per_class = 0;
  // Image sets only. Images are resized per batch (bilinear) to input_size x input_size;
  // training batches are then augmented: a random horizontal flip, and a random crop of the
  // image padded with crop_padding zeros on each side. fmnist-detection draws its canvases at
  // input_size (0: 64); its flip and crop move the boxes with the pixels (docs/detection.md).
  int64_t input_size = 0;  // 0: the native 28
  bool flip = false;
  int64_t crop_padding = 0;
  // Detection sets only: at most this many objects per canvas (0: the default, 3).
  int64_t max_objects = 0;
  // dataset.name text (docs/text-data.md): `path` read as UTF-8, preprocessed english or
  // unicode, cut into char or word tokens; the last test_fraction of the stream is the test
  // part; training tokens rarer than min_freq are <unk>. Minibatches through time are drawn by
  // random sampling or sequential partitioning (worker/data/sequence_batches.h).
  std::string preprocess = "english";
  std::string tokens = "char";
  double test_fraction = 0.1;
  int64_t min_freq = 0;
  std::string sampling = "random";

  // The synthetic sets have real-valued targets (squared loss); Fashion-MNIST has classes.
  bool regression() const;  // common/dataset_types.cpp
};

struct ModelConfig {
  static constexpr int64_t kDefaultDepth = -1;
  static constexpr const char* kSimulatedType = "simulated";
  static constexpr const char* kCommandType = "command";

  // One of common/model_types.h, or simulated: no model, a synthetic learning curve
  // (worker/simulated_trial.h), or command: a program the trial runs (worker/command_trial.h)
  std::string type = "mlp";
  // Width and depth mean what the type makes them mean (common/model_types.h); unset, they
  // take the type's book values when trials are made.
  int64_t width = 0;
  int64_t depth = kDefaultDepth;
  double dropout = 0.0;  // after every hidden activation (mlp), where the book has dropout
  std::string activation = "relu";
  // rnn-lm: the recurrent cell (rnn | gru | lstm), and its input: one-hot over the vocabulary
  // (embedding 0, the book's) or an Embedding of this size.
  std::string cell = "rnn";
  int64_t embedding = 0;
  // tiny-ssd's anchors (common/models/tiny_ssd.h): sizes spread from the smallest at the
  // finest scale to the largest at the coarsest (the book's 0.2 and 0.88, fractions of the
  // image side), ratios 1, anchor_ratio and 1 / anchor_ratio (the book's 2).
  double anchor_size_min = 0.2, anchor_size_max = 0.88, anchor_ratio = 2;
  std::string init = "normal";  // normal | xavier | he
  double init_sigma = 0.01;     // for init: normal
  // type sequential: the network as `model.layers` writes it (common/layer_spec.h), shared by
  // every trial of the sweep; its references take each trial's width, depth and dropout.
  std::shared_ptr<const LayerList> layers = nullptr;

  // type command (docs/command-trials.md): the program and its arguments, `${path}` expanded
  // per trial (common/command_template.h); seconds without a report before the trial fails;
  // seconds between SIGTERM and SIGKILL when hpsweep ends the program.
  std::vector<std::string> command = {};
  double command_timeout = 600;
  double command_grace = 10;

  bool simulated() const { return type == kSimulatedType; }
  bool runs_program() const { return type == kCommandType; }
  // Neither reads a dataset nor builds a network here.
  bool trains_no_network() const { return simulated() || runs_program(); }
};

// training.lr_schedule: how the learning rate moves from training.lr over the epochs, as
// PyTorch's schedulers move it (worker/lr_schedule.h, docs/training.md). Zero counts and an
// empty list mean "not given".
struct LrScheduleConfig {
  std::string type = "none";        // none | step | multistep | cosine
  int64_t step_size = 0;            // step: epochs between decays
  std::vector<int64_t> milestones;  // multistep: the epochs that decay, increasing
  double gamma = 0.1;               // step, multistep: the decay factor
  int64_t t_max = 0;                // cosine: the half period; 0: training.epochs - warm-up epochs
  double eta_min = 0;               // cosine: the lowest rate
  // Linear warm-up from start_factor * lr, over warmup_epochs epochs or warmup_iterations
  // updates (at most one of them non-zero).
  int64_t warmup_epochs = 0, warmup_iterations = 0;
  double warmup_start_factor = 1.0 / 3;  // PyTorch's LinearLR default
};

// training.finetune (d2l 13.2; docs/training.md, "Fine-tuning"): start from a checkpoint's
// parameters, with some layers drawn afresh, some frozen and some at a multiple of the rate.
// Layers are named by parameter-name prefixes ("7", "1.0.conv1"), matched at dots.
// `training.init_from: PATH` is the plain form, `from` alone: every tensor loads strictly.
struct FinetuneConfig {
  std::string from;                 // a checkpoint .h5; empty: fresh initialisation
  std::vector<std::string> reinit;  // drawn from the trial seed, not loaded; shapes may differ
  std::vector<std::string> freeze;  // no updates, no optimizer state
  // Multipliers of the scheduled rate; the longest matching prefix wins, others get 1.
  std::vector<std::pair<std::string, double>> lr_mult;
};

struct TrainingConfig {
  int64_t epochs = 10;
  int64_t batch_size = 256;
  double lr = 0.1;  // the base rate; lr_schedule moves the rate of each update from it
  LrScheduleConfig lr_schedule;
  double weight_decay = 0.0;                      // L2 penalty on weights, not biases
  std::string optimizer = "sgd";                  // sgd | adam
  double momentum = 0.0;                          // sgd; adam ignores it
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam
  bool shuffle = true;
  // Language models: tokens per sequence of a minibatch (d2l's num_steps), the length of
  // truncated backpropagation through time.
  int64_t num_steps = 35;
  // Rescales the gradients so that their global L2 norm is at most clip_norm before each update
  // (torch.nn.utils.clip_grad_norm_); 0: no clipping. Any model type.
  double clip_norm = 0;
  FinetuneConfig finetune;
  // After each epoch, evaluate the first eval_train samples of the training part in evaluation
  // mode (kEvalTrainAll: all of them; 0: none) into train_eval_loss and train_eval_error.
  int64_t eval_train = 0;
  // -1: the trial's seed comes from the sweep seed and its index; N >= 0: from the sweep seed
  // and N, so sweeping it gives every configuration the same N seeds (coordinator/search_space.h)
  int64_t seed = -1;
};

inline constexpr int64_t kEvalTrainAll = -1;

// model.type: simulated. Each epoch takes epoch_seconds (asleep) and reports an error that
// follows a curve hashed from the seed and the trial's hyperparameters: a stand-in for
// training when measuring the coordinator or testing schedulers end to end.
struct SimulatedConfig {
  double epoch_seconds = 0;
  int64_t seed = 0;  // shared by every trial: the same hyperparameters give the same curve
};

struct CheckpointConfig {
  int64_t every = 1;  // write a checkpoint every this many epochs, and after the last
  // What a finished trial's checkpoint keeps: last | best | both | none (docs/spec.md).
  std::string keep = "both";
};

// A value of a configurable field (common/config_fields.h).
using ConfigValue = std::variant<bool, int64_t, double, std::string>;

struct TrialConfig {
  DatasetConfig dataset;
  ModelConfig model;
  TrainingConfig training;
  CheckpointConfig checkpoint;
  SimulatedConfig simulated;
  // The spec's `args:` block: model.command's own arguments by name, each with its value
  // (common/program_arguments.h); empty for every other model type.
  std::map<std::string, ConfigValue> args;
};

}  // namespace hpsweep
