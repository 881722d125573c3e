#include "worker/kernels/batch_norm.h"

#include <algorithm>
#include <cmath>

namespace hpsweep {
namespace {

// Sum of a and of a * b over one row, vectorized: float lanes are exact enough over a row of
// at most a few thousand values, and the rows' sums are accumulated in double by the caller.
// (Without the simd reduction, the compiler may not reorder a float sum, and stays scalar.)
// Statistics take (x, x); gradients take (dy, xhat).
void row_sums(const float* a, const float* b, int64_t n, float& sum_a, float& sum_ab) {
  float s = 0, sab = 0;
#pragma omp simd reduction(+ : s, sab)
  for (int64_t i = 0; i < n; ++i) {
    s += a[i];
    sab += a[i] * b[i];
  }
  sum_a = s;
  sum_ab = sab;
}

// batch_norm1d's forward over one sample's channels: each value its own channel's
// statistics, the same arithmetic as a row of batch_norm2d.
void normalize(const float* __restrict x, const float* __restrict mean,
               const float* __restrict inv_std, const float* __restrict gamma,
               const float* __restrict beta, int64_t channels, float* __restrict xhat,
               float* __restrict y) {
  for (int64_t c = 0; c < channels; ++c) {
    const float h = (x[c] - mean[c]) * inv_std[c];
    xhat[c] = h;
    y[c] = gamma[c] * h + beta[c];
  }
}

// batch_norm1d's input gradient over one sample's channels (see batch_norm_backward).
void channel_input_gradient(const float* __restrict dy, const float* __restrict xhat,
                            const float* __restrict scale, const float* __restrict mean_dy,
                            const float* __restrict mean_dy_xhat, bool batch_stats,
                            int64_t channels, float* __restrict dx) {
  if (!batch_stats) {
    for (int64_t c = 0; c < channels; ++c) dx[c] = scale[c] * dy[c];
    return;
  }
  for (int64_t c = 0; c < channels; ++c)
    dx[c] = scale[c] * (dy[c] - mean_dy[c] - xhat[c] * mean_dy_xhat[c]);
}

}  // namespace

void batch_statistics(const float* x, BatchNormShape shape, double eps, GroupSum* group,
                      BatchNormStatistics& stats) {
  const auto [batch, channels, inner] = shape;
  // sums: [sum x per channel, sum x^2 per channel, rows]
  std::vector<double> sums(2 * channels + 1, 0.0);
  if (inner == 1) {  // batch_norm1d: a row is one value, so run along the channels instead
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t c = 0; c < channels; ++c) {
        const float v = x[b * channels + c], square = v * v;
        sums[c] += v;
        sums[channels + c] += square;
      }
  } else {
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t c = 0; c < channels; ++c) {
        float s, s2;
        row_sums(x + (b * channels + c) * inner, x + (b * channels + c) * inner, inner, s, s2);
        sums[c] += s;
        sums[channels + c] += s2;
      }
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
  if (inner == 1) {
    std::vector<float> mean(stats.mean.begin(), stats.mean.end());
    for (int64_t b = 0; b < batch; ++b)
      normalize(x + b * channels, mean.data(), stats.inv_std.data(), gamma, beta, channels,
                xhat + b * channels, y + b * channels);
    return;
  }
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
  if (inner == 1) {  // batch_norm1d, along the channels
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t c = 0; c < channels; ++c) {
        const float g = dy[b * channels + c], product = g * xhat[b * channels + c];
        sums[c] += product;
        sums[channels + c] += g;
      }
  } else {
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t c = 0; c < channels; ++c) {
        const int64_t offset = (b * channels + c) * inner;
        float s, sh;
        row_sums(dy + offset, xhat + offset, inner, s, sh);
        sums[c] += sh;
        sums[channels + c] += s;
      }
  }
  for (int64_t c = 0; c < channels; ++c) {
    dgamma[c] = static_cast<float>(sums[c]);
    dbeta[c] = static_cast<float>(sums[channels + c]);
  }
  if (!dx) return;
  if (batch_stats && group) group->sum(sums.data(), static_cast<int>(sums.size()));
  // Per channel: dx = scale * (dy - mean_dy - xhat * mean_dy_xhat), or scale * dy with
  // running statistics (which do not depend on this batch).
  std::vector<float> scale(channels), mean_dy(channels), mean_dy_xhat(channels);
  for (int64_t c = 0; c < channels; ++c) {
    scale[c] = gamma[c] * stats.inv_std[c];
    if (!batch_stats) continue;
    mean_dy_xhat[c] = static_cast<float>(sums[c] / stats.count);
    mean_dy[c] = static_cast<float>(sums[channels + c] / stats.count);
  }
  if (inner == 1) {
    for (int64_t b = 0; b < batch; ++b)
      channel_input_gradient(dy + b * channels, xhat + b * channels, scale.data(), mean_dy.data(),
                             mean_dy_xhat.data(), batch_stats, channels, dx + b * channels);
    return;
  }
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t offset = (b * channels + c) * inner;
      const float k = scale[c], m = mean_dy[c], mh = mean_dy_xhat[c];
      if (!batch_stats) {
        for (int64_t i = 0; i < inner; ++i) dx[offset + i] = k * dy[offset + i];
        continue;
      }
      for (int64_t i = 0; i < inner; ++i)
        dx[offset + i] = k * (dy[offset + i] - m - xhat[offset + i] * mh);
    }
}

}  // namespace hpsweep
