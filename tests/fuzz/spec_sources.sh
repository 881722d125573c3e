# The sources of common/ that the spec loader and its tables need, for the fuzzers, which build
# them with their own flags. Sourced by run_spec_fuzzer.sh and run_status_fuzzer.sh; a source
# the loader starts to need is added here once.
spec_sources=(
  common/spec_loader.cpp common/conditions.cpp common/config_fields.cpp common/program_arguments.cpp common/error.cpp
  common/metrics.cpp common/spec_limits.cpp common/model_types.cpp common/dataset_types.cpp
  common/spec_names.cpp common/lr_schedule_fields.cpp common/finetune_fields.cpp common/lr_schedule_rules.cpp
  common/language_model_rules.cpp common/text_corpus.cpp common/vocabulary.cpp common/command_template.cpp
  common/status_address.cpp common/trial.cpp common/distribution_kinds.cpp common/wandb_keys.cpp
  common/layer_spec.cpp common/layer_spec_parser.cpp common/layer_spec_estimate.cpp
  common/models/network_writer.cpp common/models/dense.cpp common/models/lenet.cpp
  common/models/alexnet.cpp common/models/vgg.cpp common/models/nin.cpp common/models/googlenet.cpp
  common/models/resnet.cpp common/models/densenet.cpp common/models/rnn_lm.cpp
  common/models/tiny_ssd.cpp
)
