// The IDX reader on files the test writes: plain and gzipped, and each kind of broken file.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "support/synthetic_data.h"
#include "support/temp_dir.h"
#include "worker/data/dataset.h"
#include "worker/data/idx_reader.h"

namespace hpsweep::testing {
namespace {

std::string error_of(const std::string& path) {
  try {
    read_idx_file(path);
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

TEST(IdxReader, ReadsPlainAndGzippedFiles) {
  TempDir dir;
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5, 6};
  for (bool gzip : {false, true}) {
    const auto path = dir / (gzip ? "a.gz" : "a");
    write_idx_file(path, {3, 2}, data, gzip);
    const IdxArray array = read_idx_file(path.string());
    EXPECT_EQ(array.dims, (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(array.data, data);
  }
}

TEST(IdxReader, ReadsOnlyTheFirstItemsWhenAsked) {
  TempDir dir;
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5, 6};
  const auto path = dir / "a.gz";
  write_idx_file(path, {3, 2}, data, true);
  const IdxArray two = read_idx_file(path.string(), 2);
  EXPECT_EQ(two.dims, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(two.data, (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(read_idx_file(path.string(), 5).data, data) << "a limit above the count reads all";
}

TEST(IdxReader, TruncatedDataIsAnError) {
  TempDir dir;
  const auto path = dir / "short.gz";
  write_idx_file(path, {10, 2}, std::vector<uint8_t>(15, 7), true);  // header promises 20
  EXPECT_EQ(error_of(path.string()),
            path.string() + ": truncated: the header promises 20 bytes of data, the file holds 15");
}

TEST(IdxReader, TruncatedGzipStreamIsAnError) {
  TempDir dir;
  const auto full = dir / "full.gz";
  write_idx_file(full, {1000}, std::vector<uint8_t>(1000, 3), true);
  std::ifstream in(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto cut = dir / "cut.gz";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_NE(error_of(cut.string()).find(cut.string() + ": truncated"), std::string::npos)
      << error_of(cut.string());
}

TEST(IdxReader, BadMagicAndMissingFile) {
  TempDir dir;
  const auto path = dir / "text";
  std::ofstream(path) << "hello world";
  EXPECT_EQ(error_of(path.string()), path.string() + ": not an IDX file (bad magic number)");
  EXPECT_EQ(
      error_of((dir / "none").string()),
      (dir / "none").string() + ": cannot open the IDX file (is dataset-fashion-mnist installed?)");
}

TEST(FashionMnist, ScalesPixelsAndKeepsLabels) {
  TempDir dir;
  write_idx_file(dir / "train-images-idx3-ubyte.gz", {2, 28, 28},
                 std::vector<uint8_t>(2 * 784, 255), true);
  write_idx_file(dir / "train-labels-idx1-ubyte.gz", {2}, {3, 9}, true);
  write_idx_file(dir / "t10k-images-idx3-ubyte", {1, 28, 28}, std::vector<uint8_t>(784, 51), false);
  write_idx_file(dir / "t10k-labels-idx1-ubyte", {1}, {0}, false);
  const TrainTestData data = load_fashion_mnist(dir.path().string());
  EXPECT_EQ(data.train.inputs.shape(), (Shape{2, 1, 28, 28}));
  EXPECT_EQ(data.train.inputs[0], 1.0f);
  EXPECT_FLOAT_EQ(data.test.inputs[0], 0.2f);
  EXPECT_EQ(data.train.labels, (std::vector<int32_t>{3, 9}));
  EXPECT_EQ(data.train.first(1).size(), 1);
  const TrainTestData first = load_fashion_mnist(dir.path().string(), 1, 0);
  EXPECT_EQ(first.train.inputs.shape(), (Shape{1, 1, 28, 28}));
  EXPECT_EQ(first.train.labels, (std::vector<int32_t>{3}));
  EXPECT_EQ(first.test.size(), 1);
}

TEST(FashionMnist, RealFilesWhenInstalled) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist not installed";
  const TrainTestData data = load_fashion_mnist(dir);
  EXPECT_EQ(data.train.size(), 60000);
  EXPECT_EQ(data.test.size(), 10000);
  EXPECT_EQ(data.train.inputs.shape(), (Shape{60000, 1, 28, 28}));
  std::vector<int> per_class(10);
  for (int32_t label : data.train.labels) ++per_class[label];
  for (int count : per_class) EXPECT_EQ(count, 6000);  // Fashion-MNIST is balanced
}

}  // namespace
}  // namespace hpsweep::testing
