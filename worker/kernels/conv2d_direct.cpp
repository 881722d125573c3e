#include "worker/kernels/conv2d_direct.h"

#include <algorithm>
#include <vector>

#include "worker/kernels/conv2d_direct_blocks.h"
#include "worker/kernels/conv2d_direct_kernels.h"
#include "worker/kernels/conv2d_winograd.h"
#include "worker/kernels/float_vec.h"
#include "worker/kernels/gemm_avx512.h"
#include "worker/kernels/pixel_layout.h"
#include "worker/kernels/short_copy.h"
#include "worker/kernels/stop_check.h"

// The driver: padding, layouts, chunks and the final sums; the inner loops are in
// conv2d_direct_tiles.h, once per instruction set. This file is compiled with
// -ffp-contract=fast (worker/CMakeLists.txt), which makes each `acc += a * b` one FMA.

namespace hpsweep {
namespace {

inline float lane_sum(Vec v) {
  float total = 0.0f;
  for (int i = 0; i < kLanes; ++i) total += v[i];
  return total;
}

DirectGeometry geometry(const Conv2dDims& d) {
  const Window2d& win = d.window;
  DirectGeometry g;
  g.wp = d.width + 2 * win.padding.w;
  g.ho = win.out_height(d.height);
  g.wo = win.out_width(d.width);
  g.out_plane =
      (g.ho * g.wp + kDirectPlaneMultiple - 1) / kDirectPlaneMultiple * kDirectPlaneMultiple;
  g.taps = win.kernel.h * win.kernel.w;
  const int64_t hp = d.height + 2 * win.padding.h;
  const int64_t reach = (win.kernel.h - 1) * g.wp + win.kernel.w - 1;  // the last tap's shift
  g.in_plane = std::max(hp * g.wp, g.out_plane + reach);
  return g;
}

// Samples go through the kernels in chunks whose padded inputs and extended outputs take
// about kChunkFloats (128 KB, in L2), so that the weight gradient's loops, which accumulate
// over samples, run long between loading and storing their accumulators.
constexpr int64_t kChunkFloats = 32 * 1024;

int64_t chunk_samples(const Conv2dDims& d, const DirectGeometry& g) {
  const int64_t per_sample = d.in_channels * g.in_plane + d.out_channels * g.out_plane;
  return std::clamp<int64_t>(kChunkFloats / per_sample, 1, std::max<int64_t>(d.batch, 1));
}

// The workspace: a chunk's padded input planes [S, C, in_plane], its extended outputs (or
// output gradients) [S, O, out_plane], one sample's padded input gradient [C, in_plane], the
// weight gradient's vector accumulators [O, C, kh, kw, 8], and for channel-lane layers the
// transposed weights [C, kh, kw, O] and the chunk's pixel-major outputs [S, Ho*Wo, O].
// Layout holds each region's offset in floats; `total` is the workspace size.
struct Layout {
  int64_t samples;  // per chunk
  int64_t padded, extended, padded_grad, dw_lanes, weights_t, pixels, total;
};

Layout layout(const Conv2dDims& d, const DirectGeometry& g) {
  const int64_t weights = d.out_channels * d.in_channels * g.taps;
  Layout l;
  l.samples = chunk_samples(d, g);
  l.padded = 0;
  l.extended = l.padded + l.samples * d.in_channels * g.in_plane;
  l.padded_grad = l.extended + l.samples * d.out_channels * g.out_plane;
  l.dw_lanes = l.padded_grad + d.in_channels * g.in_plane;
  l.weights_t = l.dw_lanes + weights * kLanes;
  l.pixels = l.weights_t + weights;
  l.total = l.pixels + l.samples * g.ho * g.wo * d.out_channels;
  return l;
}

struct Workspace {
  int64_t samples;  // per chunk
  float *padded, *extended, *padded_grad, *dw_lanes, *weights_t, *pixels;
  float* padded_sample(const Conv2dDims& d, const DirectGeometry& g, int64_t s) const {
    return padded + s * d.in_channels * g.in_plane;
  }
  float* extended_sample(const Conv2dDims& d, const DirectGeometry& g, int64_t s) const {
    return extended + s * d.out_channels * g.out_plane;
  }
};

Workspace carve(const Conv2dDims& d, const DirectGeometry& g, float* w) {
  const Layout l = layout(d, g);
  return {l.samples,      w + l.padded,    w + l.extended, w + l.padded_grad,
          w + l.dw_lanes, w + l.weights_t, w + l.pixels};
}

// ---- input gradient as a convolution ----
// dx = conv(dy, w', padding k - 1 - p) with w'[c, o, ki, kj] = w[o, c, kh-1-ki, kw-1-kj], run
// through the forward kernels: each dx element is then summed over all O*taps terms in a
// register (with C = 8, 16 or 32, along the lanes), where the scatter kernel (input_grad) adds
// each tap's sum over O into memory (BM_SsdConvDirectSet, 16 -> 16 at 64x64 with AVX-512:
// 2.6 against 3.8 ms of kernel time). The scatter kernel stays for paddings the kernel does
// not cover (p >= k).

bool input_grad_by_convolution(const Conv2dDims& d) {
  const Window2d& win = d.window;
  return win.padding.h < win.kernel.h && win.padding.w < win.kernel.w;
}

Conv2dDims input_grad_dims(const Conv2dDims& d) {
  const Window2d& win = d.window;
  const Pair padding{win.kernel.h - 1 - win.padding.h, win.kernel.w - 1 - win.padding.w};
  return {d.batch,       d.out_channels,          win.out_height(d.height), win.out_width(d.width),
          d.in_channels, {win.kernel, 1, padding}};
}

// w' of input_grad_dims.
void flip_weights(const Conv2dDims& d, const float* w, float* flipped) {
  const int64_t kh = d.window.kernel.h, kw = d.window.kernel.w, taps = kh * kw;
  for (int64_t o = 0; o < d.out_channels; ++o)
    for (int64_t c = 0; c < d.in_channels; ++c)
      for (int64_t t = 0; t < taps; ++t)
        flipped[(c * d.out_channels + o) * taps + taps - 1 - t] =
            w[(o * d.in_channels + c) * taps + t];
}

// Past layout(d).total, backward's: w' [C, O, kh, kw], a zero bias [C] and the forward
// workspace of input_grad_dims.
int64_t input_grad_workspace_size(const Conv2dDims& d) {
  if (!input_grad_by_convolution(d)) return 0;
  const Conv2dDims t = input_grad_dims(d);
  return d.out_channels * d.in_channels * d.window.kernel.h * d.window.kernel.w + d.in_channels +
         layout(t, geometry(t)).total;
}

// Shift of tap t = (ki, kj) in the padded planes.
std::vector<int64_t> tap_offsets(const Conv2dDims& d, const DirectGeometry& g) {
  std::vector<int64_t> offsets;
  for (int64_t ki = 0; ki < d.window.kernel.h; ++ki)
    for (int64_t kj = 0; kj < d.window.kernel.w; ++kj) offsets.push_back(ki * g.wp + kj);
  return offsets;
}

// Copies sample x [C, H, W] into the interior of the padded planes, whose borders stay zero.
void pad_sample(const Conv2dDims& d, const DirectGeometry& g, const float* x, float* padded) {
  const int64_t ph = d.window.padding.h, pw = d.window.padding.w;
  for (int64_t c = 0; c < d.in_channels; ++c)
    copy_plane_in(x + c * d.height * d.width, d.height, d.width,
                  padded + c * g.in_plane + ph * g.wp + pw, g.wp);
}

// ---- weight gradient: lanes[o, c, ki, kj] += dy_ext[o][q] * padded[c][q + ki*Wp + kj] ----
// For layers whose output channels are not a multiple of 8 (LeNet's first conv). Each weight's
// sum ends in a sum over the 8 lanes, whose grouping of positions a 16-float kernel would
// change: both instruction sets run this one, so that they give the same bits.

constexpr int kWeightGradChannels = 2;
constexpr int kWeightGradColumns = 5;

// One tile: OB output channels x KB neighbouring taps of one kernel row, over the `samples`
// of a chunk; `plane` is the first sample's input plane shifted to the first tap, `lanes`
// points at (o0, c, ki, kj0) of the accumulators.
template <int OB, int KB>
void weight_grad_tile(const Conv2dDims& d, const DirectGeometry& g, int64_t samples,
                      const float* dy_ext, const float* plane, float* lanes) {
  const int64_t o_stride = d.in_channels * g.taps * kLanes;
  const int64_t dy_sample = d.out_channels * g.out_plane, x_sample = d.in_channels * g.in_plane;
  Vec acc[OB][KB];
  for (int o = 0; o < OB; ++o)
    for (int k = 0; k < KB; ++k) acc[o][k] = load(lanes + o * o_stride + k * kLanes);
  for (int64_t s = 0; s < samples; ++s) {
    const float* dys_s = dy_ext + s * dy_sample;
    const float* xs_s = plane + s * x_sample;
    for (int64_t q = 0; q < g.out_plane; q += kLanes) {
      Vec dys[OB];
      for (int o = 0; o < OB; ++o) dys[o] = load(dys_s + o * g.out_plane + q);
      for (int k = 0; k < KB; ++k) {
        const Vec xv = load(xs_s + q + k);
        for (int o = 0; o < OB; ++o) acc[o][k] += dys[o] * xv;
      }
    }
  }
  for (int o = 0; o < OB; ++o)
    for (int k = 0; k < KB; ++k) store(lanes + o * o_stride + k * kLanes, acc[o][k]);
}

// Adds the chunk's `samples` to the weight gradient's accumulators.
void accumulate_weight_grad(const Conv2dDims& d, const DirectGeometry& g, const Workspace& s,
                            int64_t samples) {
  const int64_t kh = d.window.kernel.h, kw = d.window.kernel.w;
  for_each_block(d.out_channels, kWeightGradChannels, [&](int64_t o0, int64_t ob) {
    for_each_block(kw, kWeightGradColumns, [&](int64_t kj0, int64_t kb) {
      with_constant<kWeightGradChannels>(ob, [&](auto OB) {
        with_constant<kWeightGradColumns>(kb, [&](auto KB) {
          for (int64_t c = 0; c < d.in_channels; ++c)
            for (int64_t ki = 0; ki < kh; ++ki)
              weight_grad_tile<decltype(OB)::value, decltype(KB)::value>(
                  d, g, samples, s.extended + o0 * g.out_plane,
                  s.padded + c * g.in_plane + ki * g.wp + kj0,
                  s.dw_lanes + ((o0 * d.in_channels + c) * g.taps + ki * kw + kj0) * kLanes);
        });
      });
    });
  });
}

// Layers with 8, 16 or 32 output channels keep them along the vector lanes for the forward pass
// and the weight gradient (conv2d_direct_tiles.h explains why).
bool channels_on_lanes(const Conv2dDims& d) {
  return d.out_channels == 8 || d.out_channels == 16 || d.out_channels == 32;
}

// weights_t[c, t, o] = w[o, c, t]
void transpose_weights(const Conv2dDims& d, const DirectGeometry& g, const float* w,
                       float* weights_t) {
  const int64_t rows = d.in_channels * g.taps;
  for (int64_t o = 0; o < d.out_channels; ++o)
    for (int64_t r = 0; r < rows; ++r) weights_t[r * d.out_channels + o] = w[o * rows + r];
}

// Chosen once, at the first convolution.
const DirectKernels& fastest_kernels() {
  static const DirectKernels& kernels =
      direct_kernels_avx512() ? *direct_kernels_avx512() : direct_kernels_avx2();
  return kernels;
}

// The interior of the padded input gradient is the sample's dx [C, H, W].
void crop_input_grad(const Conv2dDims& d, const DirectGeometry& g, const float* padded_grad,
                     float* dx) {
  const int64_t ph = d.window.padding.h, pw = d.window.padding.w;
  for (int64_t c = 0; c < d.in_channels; ++c)
    copy_plane_out(padded_grad + c * g.in_plane + ph * g.wp + pw, g.wp, d.height, d.width,
                   dx + c * d.height * d.width);
}

}  // namespace

bool conv2d_direct_suits(const Conv2dDims& d) {
  if (d.window.stride.h != 1 || d.window.stride.w != 1) return false;
  // Where Winograd's products run on gemm_avx512, it is faster on every 3x3 layer it takes
  // (BM_SsdConvLowering's Winograd rows against BM_SsdConvDirectSet's AVX-512 ones, CPU time
  // per step: 16 -> 16 at 64x64 10.6 against 11.0 ms, 16 -> 32 at 32x32 4.0 against 4.7,
  // 64 -> 16 at 8x8 0.43 against 0.70, 128 -> 16 at 4x4 0.28 against 0.60).
  if (gemm_avx512_available() && conv2d_winograd_suits(d)) return false;
  // With AVX-512 also 32 output channels from fewer than 32 inputs: the tiny SSD's 16 -> 32 conv
  // at 32x32 takes 5.0 ms against 9.0 on im2col (BM_SsdConvDirectSet, BM_SsdConvLowering).
  return d.out_channels <= 16 ||
         (d.out_channels == 32 && d.in_channels < 32 && direct_kernels_avx512());
}

int64_t conv2d_direct_workspace_size(const Conv2dDims& d) {
  return layout(d, geometry(d)).total + input_grad_workspace_size(d);
}

const DirectKernels* direct_kernels_avx512() {
#ifdef HPSWEEP_DIRECT_AVX512
  // x86-64-v4 (AVX-512 F, BW, CD, DQ and VL, with the OS saving the registers) is what
  // conv2d_direct_avx512.cpp is compiled for.
  if (__builtin_cpu_supports("x86-64-v4")) return &direct_kernels_avx512_unchecked();
#endif
  return nullptr;
}

void conv2d_direct_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                           float* y, float* workspace) {
  conv2d_direct_forward(fastest_kernels(), d, x, w, b, y, workspace);
}

void conv2d_direct_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                            float* dw, float* db, float* dx, float* workspace) {
  conv2d_direct_backward(fastest_kernels(), d, x, w, dy, dw, db, dx, workspace);
}

void conv2d_direct_forward(const DirectKernels& kernels, const Conv2dDims& d, const float* x,
                           const float* w, const float* b, float* y, float* workspace) {
  const DirectGeometry g = geometry(d);
  const Workspace s = carve(d, g, workspace);
  const std::vector<int64_t> offsets = tap_offsets(d, g);
  const int64_t x_size = d.in_channels * d.height * d.width, y_plane = g.ho * g.wo;
  const bool lanes = channels_on_lanes(d);
  if (lanes) transpose_weights(d, g, w, s.weights_t);
  std::fill(s.padded, s.padded + d.in_channels * g.in_plane, 0.0f);
  for (int64_t sample = 0; sample < d.batch; ++sample) {
    check_kernel_stop();
    pad_sample(d, g, x + sample * x_size, s.padded);
    float* ys = y + sample * d.out_channels * y_plane;
    if (lanes) {
      kernels.forward_lanes(d, g, offsets.data(), s.padded, s.weights_t, b, s.pixels);
      // [Ho*Wo, O] -> [O, Ho*Wo] (both dense: one row of Ho*Wo pixels).
      pixels_to_planes(s.pixels, y_plane, d.out_channels, d.out_channels, 1, y_plane, ys);
      continue;
    }
    kernels.forward_extended(d, g, offsets.data(), s.padded, w, s.extended);
    // Keep the Wo valid positions of each extended row, adding the bias.
    for (int64_t o = 0; o < d.out_channels; ++o)
      for (int64_t oh = 0; oh < g.ho; ++oh) {
        const float* src = s.extended + o * g.out_plane + oh * g.wp;
        float* dst = ys + o * y_plane + oh * g.wo;
        for (int64_t ow = 0; ow < g.wo; ++ow) dst[ow] = src[ow] + b[o];
      }
  }
}

void conv2d_direct_backward(const DirectKernels& kernels, const Conv2dDims& d, const float* x,
                            const float* w, const float* dy, float* dw, float* db, float* dx,
                            float* workspace) {
  const DirectGeometry g = geometry(d);
  const Workspace s = carve(d, g, workspace);
  const std::vector<int64_t> offsets = tap_offsets(d, g);
  const int64_t x_size = d.in_channels * d.height * d.width, y_plane = g.ho * g.wo;
  const int64_t weights = d.out_channels * d.in_channels * g.taps;
  const bool lanes = channels_on_lanes(d), by_convolution = input_grad_by_convolution(d);
  if (dx && by_convolution) {
    const Conv2dDims t = input_grad_dims(d);
    float* flipped = workspace + layout(d, g).total;
    float* zeros = flipped + weights;
    flip_weights(d, w, flipped);
    std::fill(zeros, zeros + d.in_channels, 0.0f);
    conv2d_direct_forward(kernels, t, dy, flipped, zeros, dx, zeros + d.in_channels);
  }
  std::fill(s.padded, s.padded + s.samples * d.in_channels * g.in_plane, 0.0f);
  // The extended positions past Wo in each row, and past Ho*Wp, stay zero: they add nothing.
  std::fill(s.extended, s.extended + s.samples * d.out_channels * g.out_plane, 0.0f);
  std::fill(s.dw_lanes, s.dw_lanes + weights * kLanes, 0.0f);
  std::vector<Vec> db_lanes(d.out_channels, Vec{});
  for (int64_t first = 0; first < d.batch; first += s.samples) {
    check_kernel_stop();
    const int64_t samples = std::min(s.samples, d.batch - first);
    for (int64_t i = 0; i < samples; ++i) {
      const int64_t sample = first + i;
      pad_sample(d, g, x + sample * x_size, s.padded_sample(d, g, i));
      const float* dys = dy + sample * d.out_channels * y_plane;
      float* dy_ext = s.extended_sample(d, g, i);
      for (int64_t o = 0; o < d.out_channels; ++o)
        for (int64_t oh = 0; oh < g.ho; ++oh)
          copy_short(dys + o * y_plane + oh * g.wo, g.wo, dy_ext + o * g.out_plane + oh * g.wp);
      for (int64_t o = 0; o < d.out_channels; ++o)
        for (int64_t q = 0; q < g.out_plane; q += kLanes)
          db_lanes[o] += load(dy_ext + o * g.out_plane + q);
      if (lanes) {
        planes_to_pixels(dys, d.out_channels, 1, y_plane, s.pixels + i * y_plane * d.out_channels,
                         y_plane, d.out_channels);
      }
      if (dx && !by_convolution) {
        std::fill(s.padded_grad, s.padded_grad + d.in_channels * g.in_plane, 0.0f);
        kernels.input_grad(d, g, offsets.data(), w, dy_ext, s.padded_grad);
        crop_input_grad(d, g, s.padded_grad, dx + sample * x_size);
      }
    }
    if (lanes)
      kernels.weight_grad_lanes(d, g, samples, s.padded, s.pixels, s.dw_lanes);
    else
      accumulate_weight_grad(d, g, s, samples);
  }
  const int64_t rows = d.in_channels * g.taps;
  if (lanes)
    for (int64_t o = 0; o < d.out_channels; ++o)
      for (int64_t r = 0; r < rows; ++r) dw[o * rows + r] = s.dw_lanes[r * d.out_channels + o];
  else
    for (int64_t i = 0; i < weights; ++i) dw[i] = lane_sum(load(s.dw_lanes + i * kLanes));
  for (int64_t o = 0; o < d.out_channels; ++o) db[o] = lane_sum(db_lanes[o]);
}

}  // namespace hpsweep
