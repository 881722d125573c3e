#include "worker/kernels/batch_norm.h"

#include <algorithm>
#include <cmath>

namespace hpsweep {

void batch_statistics(const float* x, BatchNormShape shape, double eps, GroupSum* group,
                      BatchNormStatistics& stats) {
  const auto [batch, channels, inner] = shape;
  // sums: [sum x per channel, sum x^2 per channel, rows]
  std::vector<double> sums(2 * channels + 1, 0.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const float* row = x + (b * channels + c) * inner;
      double s = 0, s2 = 0;
      for (int64_t i = 0; i < inner; ++i) {
        s += row[i];
        s2 += static_cast<double>(row[i]) * row[i];
      }
      sums[c] += s;
      sums[channels + c] += s2;
    }
  sums[2 * channels] = static_cast<double>(batch * inner);
  if (group) group->sum(sums.data(), static_cast<int>(sums.size()));
  stats.count = sums[2 * channels];
  stats.mean.resize(channels);
  stats.var.resize(channels);
  stats.inv_std.resize(channels);
  for (int64_t c = 0; c < channels; ++c) {
    stats.mean[c] = sums[c] / stats.count;
    stats.var[c] = std::max(0.0, sums[channels + c] / stats.count - stats.mean[c] * stats.mean[c]);
    stats.inv_std[c] = static_cast<float>(1.0 / std::sqrt(stats.var[c] + eps));
  }
}

void running_statistics(const float* running_mean, const float* running_var, int64_t channels,
                        double eps, BatchNormStatistics& stats) {
  stats.mean.assign(running_mean, running_mean + channels);
  stats.var.assign(running_var, running_var + channels);
  stats.inv_std.resize(channels);
  for (int64_t c = 0; c < channels; ++c)
    stats.inv_std[c] = static_cast<float>(1.0 / std::sqrt(stats.var[c] + eps));
}

void batch_norm_forward(const float* x, const float* gamma, const float* beta,
                        const BatchNormStatistics& stats, BatchNormShape shape, float* xhat,
                        float* y) {
  const auto [batch, channels, inner] = shape;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t offset = (b * channels + c) * inner;
      const float m = static_cast<float>(stats.mean[c]), s = stats.inv_std[c];
      const float g = gamma[c], t = beta[c];
      for (int64_t i = 0; i < inner; ++i) {
        const float h = (x[offset + i] - m) * s;
        xhat[offset + i] = h;
        y[offset + i] = g * h + t;
      }
    }
}

void batch_norm_backward(const float* dy, const float* xhat, const float* gamma,
                         const BatchNormStatistics& stats, bool batch_stats, BatchNormShape shape,
                         GroupSum* group, float* dgamma, float* dbeta, float* dx) {
  const auto [batch, channels, inner] = shape;
  // sums: [sum dy * xhat per channel, sum dy per channel]
  std::vector<double> sums(2 * channels, 0.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t offset = (b * channels + c) * inner;
      double s = 0, sh = 0;
      for (int64_t i = 0; i < inner; ++i) {
        s += dy[offset + i];
        sh += static_cast<double>(dy[offset + i]) * xhat[offset + i];
      }
      sums[c] += sh;
      sums[channels + c] += s;
    }
  for (int64_t c = 0; c < channels; ++c) {
    dgamma[c] = static_cast<float>(sums[c]);
    dbeta[c] = static_cast<float>(sums[channels + c]);
  }
  if (!dx) return;
  if (batch_stats && group) group->sum(sums.data(), static_cast<int>(sums.size()));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t offset = (b * channels + c) * inner;
      const float scale = gamma[c] * stats.inv_std[c];
      if (!batch_stats) {
        for (int64_t i = 0; i < inner; ++i) dx[offset + i] = scale * dy[offset + i];
        continue;
      }
      const float mean_dy_xhat = static_cast<float>(sums[c] / stats.count);
      const float mean_dy = static_cast<float>(sums[channels + c] / stats.count);
      for (int64_t i = 0; i < inner; ++i)
        dx[offset + i] = scale * (dy[offset + i] - mean_dy - xhat[offset + i] * mean_dy_xhat);
    }
}

}  // namespace hpsweep
