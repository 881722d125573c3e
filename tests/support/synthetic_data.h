// Small files for tests: IDX files written plain or gzipped, and a Fashion-MNIST-shaped
// dataset folder whose classes are learnable (each class brightens its own band of rows), so
// end-to-end sweeps train in a fraction of a second and their losses fall.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace hpsweep::testing {

void write_idx_file(const std::filesystem::path& path, const std::vector<int32_t>& dims,
                    const std::vector<uint8_t>& data, bool gzip);

// Writes {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz with 28x28 images into `dir`.
void write_synthetic_fashion_mnist(const std::filesystem::path& dir, int train_count,
                                   int test_count, uint64_t seed);

}  // namespace hpsweep::testing
