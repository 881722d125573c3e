// Short constructors for the layers the model zoo and the blocks are written with, so a
// network reads like the book's nn.Sequential listing.
#pragma once

#include <memory>

#include "worker/layers/layer.h"

namespace hpsweep {

std::unique_ptr<Layer> conv2d(int64_t in, int64_t out, int64_t kernel, int64_t padding = 0,
                              int64_t stride = 1);
std::unique_ptr<Layer> max_pool(int64_t kernel, int64_t stride, int64_t padding = 0);
std::unique_ptr<Layer> avg_pool(int64_t kernel, int64_t stride, int64_t padding = 0);
std::unique_ptr<Layer> global_avg_pool();
std::unique_ptr<Layer> batch_norm2d(int64_t channels);
std::unique_ptr<Layer> batch_norm1d(int64_t features);
std::unique_ptr<Layer> linear(int64_t in, int64_t out);
std::unique_ptr<Layer> relu();
std::unique_ptr<Layer> sigmoid();
std::unique_ptr<Layer> dropout(double p);
std::unique_ptr<Layer> flatten();

}  // namespace hpsweep
