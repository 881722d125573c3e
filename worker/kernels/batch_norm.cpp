#include "worker/kernels/batch_norm.h"

#include <algorithm>
#include <cmath>

namespace hpsweep {
namespace {

// Sum of a and of a * b over one row, vectorized: float lanes are exact enough over a row of
// at most a few thousand values, and the rows' sums are accumulated in double by the caller.
// (Without the simd reduction, the compiler may not reorder a float sum, and stays scalar.)
// The statistics take (x, x).
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

// One channel's normalization: xhat = (x - mean) * inv_std, y = gamma * xhat + beta, and with
// a ReLU after it, y = max(y, 0). Forward and backward compute xhat and y with these same
// expressions, and this file is compiled without contracting a * b + c into an FMA
// (worker/CMakeLists.txt), so the backward pass recomputes the forward pass's values, and
// the ReLU's decisions, bit for bit wherever the compiler inlines them.
struct ChannelAffine {
  float mean, inv_std, gamma, beta;
  float xhat(float x) const { return (x - mean) * inv_std; }
  float y(float xhat) const { return gamma * xhat + beta; }
};

std::vector<ChannelAffine> channel_affines(const BatchNormStatistics& stats, const float* gamma,
                                           const float* beta, int64_t channels) {
  std::vector<ChannelAffine> affines(channels);
  for (int64_t c = 0; c < channels; ++c)
    affines[c] = {static_cast<float>(stats.mean[c]), stats.inv_std[c], gamma[c], beta[c]};
  return affines;
}

template <bool Relu>
float activated(float y) {
  return Relu ? (y > 0.0f ? y : 0.0f) : y;
}

// The gradient that reaches the normalization: dy where the ReLU passed y, else zero.
template <bool Relu>
float passed(float dy, const ChannelAffine& a, float xhat) {
  return !Relu || a.y(xhat) > 0.0f ? dy : 0.0f;
}

template <bool Relu>
void forward_row(const float* __restrict x, const ChannelAffine a, int64_t n, float* __restrict y) {
  for (int64_t i = 0; i < n; ++i) y[i] = activated<Relu>(a.y(a.xhat(x[i])));
}

// Sums of the passed dy and of dy * xhat over one row (see row_sums).
template <bool Relu>
void gradient_row_sums(const float* dy, const float* x, const ChannelAffine a, int64_t n,
                       float& sum_dy, float& sum_dy_xhat) {
  float s = 0, sh = 0;
#pragma omp simd reduction(+ : s, sh)
  for (int64_t i = 0; i < n; ++i) {
    const float h = a.xhat(x[i]), d = passed<Relu>(dy[i], a, h);
    s += d;
    sh += d * h;
  }
  sum_dy = s;
  sum_dy_xhat = sh;
}

// dx = scale * (dy - mean_dy - xhat * mean_dy_xhat) over one row; with running statistics
// (constants) mean_dy and mean_dy_xhat are zero.
template <bool Relu>
void input_gradient_row(const float* __restrict dy, const float* __restrict x,
                        const ChannelAffine a, float scale, float mean_dy, float mean_dy_xhat,
                        bool batch_stats, int64_t n, float* __restrict dx) {
  if (!batch_stats) {
    for (int64_t i = 0; i < n; ++i) dx[i] = scale * passed<Relu>(dy[i], a, a.xhat(x[i]));
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    const float h = a.xhat(x[i]);
    dx[i] = scale * (passed<Relu>(dy[i], a, h) - mean_dy - h * mean_dy_xhat);
  }
}

template <bool Relu>
void forward(const float* x, const float* gamma, const float* beta,
             const BatchNormStatistics& stats, BatchNormShape shape, float* y) {
  const auto [batch, channels, inner] = shape;
  const std::vector<ChannelAffine> affines = channel_affines(stats, gamma, beta, channels);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t offset = (b * channels + c) * inner;
      forward_row<Relu>(x + offset, affines[c], inner, y + offset);
    }
}

template <bool Relu>
void backward(const float* dy, const float* x, const float* gamma, const float* beta,
              const BatchNormStatistics& stats, bool batch_stats, BatchNormShape shape,
              GroupSum* group, float* dgamma, float* dbeta, float* dx) {
  const auto [batch, channels, inner] = shape;
  const std::vector<ChannelAffine> affines = channel_affines(stats, gamma, beta, channels);
  // sums: [sum dy * xhat per channel, sum dy per channel]
  std::vector<double> sums(2 * channels, 0.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t offset = (b * channels + c) * inner;
      const ChannelAffine& a = affines[c];
      if (inner == 1) {  // batch_norm1d: a row is one value, summed in double at once
        const float h = a.xhat(x[offset]), d = passed<Relu>(dy[offset], a, h);
        sums[c] += d * h;
        sums[channels + c] += d;
        continue;
      }
      float s, sh;
      gradient_row_sums<Relu>(dy + offset, x + offset, a, inner, s, sh);
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
      const float mean_dy_xhat = batch_stats ? static_cast<float>(sums[c] / stats.count) : 0;
      const float mean_dy = batch_stats ? static_cast<float>(sums[channels + c] / stats.count) : 0;
      input_gradient_row<Relu>(dy + offset, x + offset, affines[c], scale, mean_dy, mean_dy_xhat,
                               batch_stats, inner, dx + offset);
    }
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
                        const BatchNormStatistics& stats, BatchNormShape shape, bool relu,
                        float* y) {
  (relu ? forward<true> : forward<false>)(x, gamma, beta, stats, shape, y);
}

void batch_norm_backward(const float* dy, const float* x, const float* gamma, const float* beta,
                         const BatchNormStatistics& stats, bool batch_stats, bool relu,
                         BatchNormShape shape, GroupSum* group, float* dgamma, float* dbeta,
                         float* dx) {
  (relu ? backward<true> : backward<false>)(dy, x, gamma, beta, stats, batch_stats, shape, group,
                                            dgamma, dbeta, dx);
}

}  // namespace hpsweep
