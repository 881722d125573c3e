#include "support/synthetic_data.h"

#include <zlib.h>

#include <fstream>
#include <stdexcept>

#include "common/rng.h"

namespace hpsweep::testing {

void write_idx_file(const std::filesystem::path& path, const std::vector<int32_t>& dims,
                    const std::vector<uint8_t>& data, bool gzip) {
  std::vector<uint8_t> bytes = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (int32_t d : dims)
    for (int shift : {24, 16, 8, 0}) bytes.push_back(static_cast<uint8_t>(d >> shift));
  bytes.insert(bytes.end(), data.begin(), data.end());
  if (!gzip) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return;
  }
  gzFile file = gzopen(path.c_str(), "wb");
  if (!file) throw std::runtime_error("cannot write " + path.string());
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
}

namespace {

void write_split(const std::filesystem::path& dir, const std::string& prefix, int count, Rng& rng) {
  std::vector<uint8_t> images(static_cast<size_t>(count) * 28 * 28), labels(count);
  for (int n = 0; n < count; ++n) {
    const int label = static_cast<int>(rng.below(10));
    labels[n] = static_cast<uint8_t>(label);
    for (int r = 0; r < 28; ++r)
      for (int c = 0; c < 28; ++c) {
        const bool band = r / 2 == label + 2;  // rows 4-5 for class 0, ..., 22-23 for class 9
        const double noise = rng.uniform(0.0, 90.0);
        images[(static_cast<size_t>(n) * 28 + r) * 28 + c] =
            static_cast<uint8_t>(band ? 140 + noise : noise);
      }
  }
  write_idx_file(dir / (prefix + "-images-idx3-ubyte.gz"), {count, 28, 28}, images, true);
  write_idx_file(dir / (prefix + "-labels-idx1-ubyte.gz"), {count}, labels, true);
}

}  // namespace

void write_synthetic_fashion_mnist(const std::filesystem::path& dir, int train_count,
                                   int test_count, uint64_t seed) {
  std::filesystem::create_directories(dir);
  Rng rng(seed);
  write_split(dir, "train", train_count, rng);
  write_split(dir, "t10k", test_count, rng);
}

}  // namespace hpsweep::testing
