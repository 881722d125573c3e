// The registries of model types and datasets (common/model_types.h, common/dataset_types.h)
// against their worker halves (the builders and loaders), the models they build, and the
// docs that list them.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/config_fields.h"
#include "common/dataset_types.h"
#include "common/model_types.h"
#include "common/models/tiny_ssd.h"
#include "common/spec_limits.h"
#include "worker/data/dataset_sources.h"
#include "worker/model_factory.h"

namespace hpsweep::testing {
namespace {

std::string read_text(const std::string& relative_path) {
  std::ifstream in(std::string(HPSWEEP_SOURCE_DIR) + "/" + relative_path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every network type writes its layers, which build, or (rnn-lm, tiny-ssd) counts its
// parameters; sequential writes what the spec gives; simulated and command have no model.
TEST(ModelRegistry, EveryNetworkTypeWritesItsLayersOrCountsItsParameters) {
  for (const ModelType& type : model_types()) {
    if (type.name == ModelConfig::kSimulatedType || type.name == ModelConfig::kCommandType) {
      EXPECT_TRUE(!type.write_layers && !type.count_parameters);
      continue;
    }
    if (type.name == kSequentialType) continue;  // tests/test_spec_network.cpp
    if (!type.write_layers) {
      EXPECT_TRUE(type.name == kRnnLmType || type.name == kTinySsdType)
          << "only rnn-lm and tiny-ssd are not written as layers, not " << type.name;
      EXPECT_NE(type.count_parameters, nullptr);
      continue;
    }
    const ModelConfig config = with_model_defaults(ModelConfig{.type = type.name, .width = 8});
    const int64_t side = type.needs_images ? 67 : 28;
    EXPECT_GT(build_model(config, {1, side, side}, 10).parameter_count(), 0) << type.name;
  }
}

TEST(DatasetRegistry, EverySetHasASourceAndEverySourceASet) {
  std::set<std::string> types, sources;
  for (const DatasetType& type : dataset_types()) types.insert(type.name);
  for (const DatasetSource& source : dataset_sources()) {
    EXPECT_TRUE(sources.insert(source.name).second) << "two sources for " << source.name;
    EXPECT_TRUE(source.load && source.inspect) << source.name;
  }
  EXPECT_EQ(types, sources);
}

TEST(ModelRegistry, TheSpecAcceptsExactlyTheRegisteredNames) {
  EXPECT_EQ(find_config_field("model.type")->choices, model_type_names());
  EXPECT_EQ(find_config_field("dataset.name")->choices, dataset_type_names());
}

// The limits' estimate walks the layers the builder builds: the built count at the book's
// shape (VGG and AlexNet at 224 pixels, 47M and 129M parameters, are counted against PyTorch
// in tests/test_model_zoo.cpp instead of built here) and at a reduced width and input.
TEST(ModelRegistry, TheEstimateIsTheBuiltCount) {
  for (const ModelType& type : model_types()) {
    if (!type.needs_images) continue;
    for (const auto& [width, side] :
         {std::pair{type.width, type.book_input_size}, std::pair{int64_t{8}, int64_t{67}}}) {
      const ModelConfig config{.type = type.name, .width = width};
      DatasetConfig dataset;
      dataset.input_size = side;
      const double estimate = estimate_parameters(config, dataset);
      if (estimate > 2e7) continue;
      EXPECT_EQ(estimate,
                static_cast<double>(build_model(config, {1, side, side}, 10).parameter_count()))
          << type.name << " width " << width;
    }
  }
}

TEST(ModelRegistry, TheDenseEstimatesAreExact) {
  for (const char* name : {"softmax", "mlp"}) {
    ModelConfig config;
    config.type = name;
    config.depth = 3;
    config.width = 17;
    EXPECT_EQ(estimate_parameters(config, DatasetConfig{}),
              static_cast<double>(build_model(config, {1, 28, 28}, 10).parameter_count()))
        << name;
  }
}

TEST(ModelRegistry, DefaultsComeFromTheEntry) {
  ModelConfig config;
  config.type = "densenet";
  const ModelConfig shaped = with_model_defaults(config);
  EXPECT_EQ(shaped.width, find_model_type("densenet")->width);
  EXPECT_EQ(shaped.depth, 4);
  config.width = 8;
  config.depth = 1;
  EXPECT_EQ(with_model_defaults(config).width, 8);
  EXPECT_EQ(with_model_defaults(config).depth, 1);
  EXPECT_TRUE(small_gemm_models({"lenet", "lenet-bn"}));
  EXPECT_FALSE(small_gemm_models({"lenet", "resnet"}));
  EXPECT_FALSE(small_gemm_models({}));
}

TEST(ModelRegistry, TheDocsListEveryTypeAndSet) {
  const std::string spec = read_text("docs/spec.md");
  const std::string models = read_text("docs/models.md");
  for (const ModelType& type : model_types()) {
    EXPECT_NE(spec.find("`" + type.name + "`"), std::string::npos) << type.name;
    if (type.needs_images) {
      EXPECT_NE(models.find("| `" + type.name + "` |"), std::string::npos) << type.name;
    }
  }
  for (const DatasetType& type : dataset_types())
    EXPECT_NE(spec.find("`" + type.name + "`"), std::string::npos) << type.name;
}

}  // namespace
}  // namespace hpsweep::testing
