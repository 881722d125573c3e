// Batch normalization (d2l 8.5) over the channels of x viewed as [B, C, inner]: inner = H*W
// for images (per-channel statistics), 1 for dense layers (per-feature statistics).
//
// Training uses the batch's statistics; when the batch is sharded over a group, the sums go
// through `group` so every rank normalizes with the *global* batch's mean and variance, and
// the trajectory does not depend on the number of ranks (synchronized batch norm).
// Each row's sums are taken in float, vectorized; rows are accumulated in double, because
// E[x^2] - E[x]^2 over a whole batch in float loses too much.
#pragma once

#include <cstdint>
#include <vector>

#include "worker/layers/layer.h"

namespace hpsweep {

struct BatchNormShape {
  int64_t batch, channels, inner;
};

// The statistics the forward pass normalizes with, per channel.
struct BatchNormStatistics {
  std::vector<double> mean, var;  // var: biased (divided by the count)
  std::vector<float> inv_std;     // 1 / sqrt(var + eps)
  double count = 0;               // rows per channel, over the whole group
};

// The batch's statistics, summed over `group` when it is not null.
void batch_statistics(const float* x, BatchNormShape shape, double eps, GroupSum* group,
                      BatchNormStatistics& stats);
// Statistics from running averages (evaluation).
void running_statistics(const float* running_mean, const float* running_var, int64_t channels,
                        double eps, BatchNormStatistics& stats);

// y = gamma * xhat + beta with xhat = (x - mean) * inv_std; with `relu`, y = max(that, 0),
// PyTorch's BatchNorm2d then ReLU in one pass. xhat is not kept: backward recomputes it from x,
// bit for bit, which saves writing and reading back a tensor the size of x.
void batch_norm_forward(const float* x, const float* gamma, const float* beta,
                        const BatchNormStatistics& stats, BatchNormShape shape, bool relu,
                        float* y);

// Writes dgamma and dbeta (this rank's part; the gradient reducer sums them) and, if dx is
// not null, dx. dy is the gradient of the forward pass's y (after the ReLU with `relu`: it
// passes where gamma * xhat + beta > 0). With batch statistics the mean and variance depend
// on x, which adds the global means of dy and dy * xhat to dx; with running statistics they
// are constants.
void batch_norm_backward(const float* dy, const float* x, const float* gamma, const float* beta,
                         const BatchNormStatistics& stats, bool batch_stats, bool relu,
                         BatchNormShape shape, GroupSum* group, float* dgamma, float* dbeta,
                         float* dx);

}  // namespace hpsweep
