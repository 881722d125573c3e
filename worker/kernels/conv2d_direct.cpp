#include "worker/kernels/conv2d_direct.h"

#include <algorithm>
#include <vector>

#include "worker/kernels/float_vec.h"
#include "worker/kernels/pixel_layout.h"
#include "worker/kernels/short_copy.h"
#include "worker/kernels/stop_check.h"

// Register tiles: each kernel below keeps a tile of 8-float accumulators in registers (at most
// 12 of AVX2's 16, leaving room for the operands) over its whole inner loop, so every input
// vector loaded feeds several FMAs. This file is compiled with -ffp-contract=fast
// (worker/CMakeLists.txt), which makes each `acc += a * b` one FMA.

namespace hpsweep {
namespace {

inline float lane_sum(Vec v) {
  float total = 0.0f;
  for (int i = 0; i < kLanes; ++i) total += v[i];
  return total;
}

// The direct kernels' limit (conv2d_direct_suits); wider layers give GEMM the reuse it needs.
constexpr int64_t kMostOutputChannels = 16;

struct Geometry {
  int64_t wp;         // row stride of the padded planes: W + 2pw
  int64_t ho, wo;     // output size
  int64_t vectors;    // vectors over the extended output positions [0, Ho*Wp)
  int64_t out_plane;  // floats per extended output plane: vectors * 8
  int64_t taps;       // kh * kw
  int64_t in_plane;   // floats per padded input plane: zeros up to the farthest read
};

Geometry geometry(const Conv2dDims& d) {
  const Window2d& win = d.window;
  Geometry g;
  g.wp = d.width + 2 * win.padding.w;
  g.ho = win.out_height(d.height);
  g.wo = win.out_width(d.width);
  g.vectors = (g.ho * g.wp + kLanes - 1) / kLanes;
  g.out_plane = g.vectors * kLanes;
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

int64_t chunk_samples(const Conv2dDims& d, const Geometry& g) {
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

Layout layout(const Conv2dDims& d, const Geometry& g) {
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
  float* padded_sample(const Conv2dDims& d, const Geometry& g, int64_t s) const {
    return padded + s * d.in_channels * g.in_plane;
  }
  float* extended_sample(const Conv2dDims& d, const Geometry& g, int64_t s) const {
    return extended + s * d.out_channels * g.out_plane;
  }
};

Workspace carve(const Conv2dDims& d, const Geometry& g, float* w) {
  const Layout l = layout(d, g);
  return {l.samples,      w + l.padded,    w + l.extended, w + l.padded_grad,
          w + l.dw_lanes, w + l.weights_t, w + l.pixels};
}

// Shift of tap t = (ki, kj) in the padded planes.
std::vector<int64_t> tap_offsets(const Conv2dDims& d, const Geometry& g) {
  std::vector<int64_t> offsets;
  for (int64_t ki = 0; ki < d.window.kernel.h; ++ki)
    for (int64_t kj = 0; kj < d.window.kernel.w; ++kj) offsets.push_back(ki * g.wp + kj);
  return offsets;
}

// Copies sample x [C, H, W] into the interior of the padded planes, whose borders stay zero.
void pad_sample(const Conv2dDims& d, const Geometry& g, const float* x, float* padded) {
  const int64_t ph = d.window.padding.h, pw = d.window.padding.w;
  for (int64_t c = 0; c < d.in_channels; ++c)
    copy_plane_in(x + c * d.height * d.width, d.height, d.width,
                  padded + c * g.in_plane + ph * g.wp + pw, g.wp);
}

// Splits n channels into as few blocks of at most `most` as possible, of near-equal sizes (16
// output channels in blocks of 6 become 6, 5, 5 rather than 6, 6, 4), and calls
// op(first, size) for each.
template <typename Op>
void for_each_block(int64_t n, int64_t most, Op op) {
  const int64_t blocks = (n + most - 1) / most;
  for (int64_t b = 0, first = 0; b < blocks; ++b) {
    const int64_t size = n / blocks + (b < n % blocks ? 1 : 0);
    op(first, size);
    first += size;
  }
}

// Calls op(std::integral_constant<int, size>) for a runtime size in [1, Most].
template <int Most, typename Op>
void with_constant(int64_t size, Op op) {
  if constexpr (Most >= 1) {
    if (size == Most) return op(std::integral_constant<int, Most>{});
    with_constant<Most - 1>(size, op);
  }
}

// ---- forward: out[o][q] = sum over c, t of w[o, c, t] * padded[c][q + offset[t]] ----

constexpr int kForwardChannels = 6;
constexpr int forward_vectors(int channels) {
  return channels >= 5 ? 2 : channels == 4 ? 3 : 4;
}

// One tile: OB output channels x QB vectors of positions, starting at `padded` and `out`.
template <int OB, int QB>
void forward_tile(const Conv2dDims& d, const Geometry& g, const int64_t* offsets,
                  const float* padded, const float* w, float* out) {
  const int64_t w_channel_stride = d.in_channels * g.taps;
  Vec acc[OB][QB] = {};
  for (int64_t c = 0; c < d.in_channels; ++c) {
    const float* plane = padded + c * g.in_plane;
    const float* wc = w + c * g.taps;
    for (int64_t t = 0; t < g.taps; ++t) {
      Vec xs[QB];
      for (int j = 0; j < QB; ++j) xs[j] = load(plane + offsets[t] + j * kLanes);
      for (int o = 0; o < OB; ++o) {
        const Vec wv = broadcast(wc[o * w_channel_stride + t]);
        for (int j = 0; j < QB; ++j) acc[o][j] += wv * xs[j];
      }
    }
  }
  for (int o = 0; o < OB; ++o)
    for (int j = 0; j < QB; ++j) store(out + o * g.out_plane + j * kLanes, acc[o][j]);
}

template <int OB>
void forward_channels(const Conv2dDims& d, const Geometry& g, const int64_t* offsets,
                      const float* padded, const float* w, float* out) {
  constexpr int QB = forward_vectors(OB);
  int64_t v = 0;
  for (; v + QB <= g.vectors; v += QB)
    forward_tile<OB, QB>(d, g, offsets, padded + v * kLanes, w, out + v * kLanes);
  for (; v < g.vectors; ++v)
    forward_tile<OB, 1>(d, g, offsets, padded + v * kLanes, w, out + v * kLanes);
}

// ---- weight gradient: lanes[o, c, ki, kj] += dy_ext[o][q] * padded[c][q + ki*Wp + kj] ----

constexpr int kWeightGradChannels = 2;
constexpr int kWeightGradColumns = 5;

// One tile: OB output channels x KB neighbouring taps of one kernel row, over the `samples`
// of a chunk; `plane` is the first sample's input plane shifted to the first tap, `lanes`
// points at (o0, c, ki, kj0) of the accumulators.
template <int OB, int KB>
void weight_grad_tile(const Conv2dDims& d, const Geometry& g, int64_t samples, const float* dy_ext,
                      const float* plane, float* lanes) {
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
void accumulate_weight_grad(const Conv2dDims& d, const Geometry& g, const Workspace& s,
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

// ---- output channels as vector lanes, for O a multiple of 8 ----
// With 16 output channels (LeNet's second conv) the extended-width kernels above spend 30% of
// their FMAs on dropped positions and load their inputs unaligned; with the output channels
// along the lanes none is wasted, and inputs are single floats broadcast. The forward pass and
// the weight gradient use this layout; the input gradient, a sum over output channels, stays
// on the extended-width kernel.

constexpr int kTileVectors = 12;  // accumulators per tile

bool channels_on_lanes(const Conv2dDims& d) {
  return d.out_channels % kLanes == 0;
}

// weights_t[c, t, o] = w[o, c, t]
void transpose_weights(const Conv2dDims& d, const Geometry& g, const float* w, float* weights_t) {
  const int64_t rows = d.in_channels * g.taps;
  for (int64_t o = 0; o < d.out_channels; ++o)
    for (int64_t r = 0; r < rows; ++r) weights_t[r * d.out_channels + o] = w[o * rows + r];
}

// PB neighbouring output pixels of one row x all O channels (OV vectors); `padded` points at
// the tile's first pixel, `out` at its pixel-major outputs [PB, O].
template <int PB, int OV>
void forward_lanes_tile(const Conv2dDims& d, const Geometry& g, const int64_t* offsets,
                        const float* padded, const float* weights_t, float* out) {
  const int64_t o_count = d.out_channels;
  Vec acc[PB][OV] = {};
  for (int64_t c = 0; c < d.in_channels; ++c) {
    const float* plane = padded + c * g.in_plane;
    const float* wc = weights_t + c * g.taps * o_count;
    for (int64_t t = 0; t < g.taps; ++t) {
      const float* xt = plane + offsets[t];
      Vec wv[OV];
      for (int v = 0; v < OV; ++v) wv[v] = load(wc + t * o_count + v * kLanes);
      for (int p = 0; p < PB; ++p) {
        const Vec xb = broadcast(xt[p]);
        for (int v = 0; v < OV; ++v) acc[p][v] += xb * wv[v];
      }
    }
  }
  for (int p = 0; p < PB; ++p)
    for (int v = 0; v < OV; ++v) store(out + p * o_count + v * kLanes, acc[p][v]);
}

// One sample: pixels [Ho*Wo, O] from its padded planes.
template <int OV>
void forward_lanes(const Conv2dDims& d, const Geometry& g, const int64_t* offsets,
                   const float* padded, const float* weights_t, float* pixels) {
  constexpr int kMostPixels = kTileVectors / OV;
  for (int64_t oh = 0; oh < g.ho; ++oh)
    for_each_block(g.wo, kMostPixels, [&](int64_t ow0, int64_t pb) {
      with_constant<kMostPixels>(pb, [&](auto PB) {
        forward_lanes_tile<decltype(PB)::value, OV>(d, g, offsets, padded + oh * g.wp + ow0,
                                                    weights_t,
                                                    pixels + (oh * g.wo + ow0) * d.out_channels);
      });
    });
}

// TB rows (c, t) of the transposed weight gradient x all O channels, over the chunk's
// `samples`: acc[j] += padded[c][pixel + offset[t]] * dy_pixels[pixel]. `taps[j]` points at
// row j's shifted input plane of the chunk's first sample.
template <int TB, int OV>
void weight_grad_lanes_tile(const Conv2dDims& d, const Geometry& g, int64_t samples,
                            const float* const* taps, const float* dy_pixels, float* rows) {
  const int64_t o_count = d.out_channels, x_sample = d.in_channels * g.in_plane;
  Vec acc[TB][OV];
  for (int j = 0; j < TB; ++j)
    for (int v = 0; v < OV; ++v) acc[j][v] = load(rows + j * o_count + v * kLanes);
  const float* dyp = dy_pixels;
  for (int64_t s = 0; s < samples; ++s)
    for (int64_t oh = 0; oh < g.ho; ++oh)
      for (int64_t ow = 0; ow < g.wo; ++ow, dyp += o_count) {
        const int64_t at = s * x_sample + oh * g.wp + ow;
        Vec dv[OV];
        for (int v = 0; v < OV; ++v) dv[v] = load(dyp + v * kLanes);
        for (int j = 0; j < TB; ++j) {
          const Vec xb = broadcast(taps[j][at]);
          for (int v = 0; v < OV; ++v) acc[j][v] += xb * dv[v];
        }
      }
  for (int j = 0; j < TB; ++j)
    for (int v = 0; v < OV; ++v) store(rows + j * o_count + v * kLanes, acc[j][v]);
}

// Adds the chunk to the transposed weight gradient [C*taps, O], kept in s.dw_lanes.
template <int OV>
void accumulate_weight_grad_lanes(const Conv2dDims& d, const Geometry& g, const int64_t* offsets,
                                  const Workspace& s, int64_t samples) {
  constexpr int kMostRows = kTileVectors / OV;
  for_each_block(d.in_channels * g.taps, kMostRows, [&](int64_t r0, int64_t tb) {
    const float* taps[kMostRows];
    for (int64_t j = 0; j < tb; ++j) {
      const int64_t c = (r0 + j) / g.taps, t = (r0 + j) % g.taps;
      taps[j] = s.padded + c * g.in_plane + offsets[t];
    }
    with_constant<kMostRows>(tb, [&](auto TB) {
      weight_grad_lanes_tile<decltype(TB)::value, OV>(d, g, samples, taps, s.pixels,
                                                      s.dw_lanes + r0 * d.out_channels);
    });
  });
}

// Calls op(std::integral_constant<int, O / 8>) for a channel-lane layer. Spelled out rather
// than through with_constant, which made GCC 12 compile the weight-gradient tile about 30 %
// slower (BM_Conv2dStep, LeNet's second conv: 5.3-5.7 against 6.9-7.4 ms).
static_assert(kMostOutputChannels == 2 * kLanes, "channel-lane layers have 8 or 16 outputs");
template <typename Op>
void with_channel_vectors(const Conv2dDims& d, Op op) {
  if (d.out_channels == kLanes)
    op(std::integral_constant<int, 1>{});
  else
    op(std::integral_constant<int, 2>{});
}

// ---- input gradient: padded_grad[c][q + offset[t]] += sum over o of w[o, c, t] dy_ext[o][q] ----

constexpr int kInputGradChannels = 3;
constexpr int input_grad_vectors(int channels) {
  return channels == 3 ? 3 : 4;
}

// One tile: CB input channels x QB vectors of positions for tap t; `w` points at (0, c0, t),
// `dy_ext` and `grad` are shifted to the tile's first position.
template <int CB, int QB>
void input_grad_tile(const Conv2dDims& d, const Geometry& g, const float* dy_ext, const float* w,
                     float* grad) {
  const int64_t w_channel_stride = d.in_channels * g.taps;
  Vec acc[CB][QB] = {};
  for (int64_t o = 0; o < d.out_channels; ++o) {
    Vec dys[QB];
    for (int j = 0; j < QB; ++j) dys[j] = load(dy_ext + o * g.out_plane + j * kLanes);
    for (int c = 0; c < CB; ++c) {
      const Vec wv = broadcast(w[o * w_channel_stride + c * g.taps]);
      for (int j = 0; j < QB; ++j) acc[c][j] += wv * dys[j];
    }
  }
  for (int c = 0; c < CB; ++c)
    for (int j = 0; j < QB; ++j) {
      float* p = grad + c * g.in_plane + j * kLanes;
      store(p, load(p) + acc[c][j]);
    }
}

void input_grad(const Conv2dDims& d, const Geometry& g, const int64_t* offsets, const float* w,
                const float* dy_ext, const Workspace& s) {
  std::fill(s.padded_grad, s.padded_grad + d.in_channels * g.in_plane, 0.0f);
  for_each_block(d.in_channels, kInputGradChannels, [&](int64_t c0, int64_t cb) {
    with_constant<kInputGradChannels>(cb, [&](auto CB) {
      constexpr int kCB = decltype(CB)::value;
      constexpr int QB = input_grad_vectors(kCB);
      for (int64_t t = 0; t < g.taps; ++t) {
        const float* wt = w + c0 * g.taps + t;
        float* grad = s.padded_grad + c0 * g.in_plane + offsets[t];
        int64_t q = 0;
        for (; q + QB * kLanes <= g.out_plane; q += QB * kLanes)
          input_grad_tile<kCB, QB>(d, g, dy_ext + q, wt, grad + q);
        for (; q < g.out_plane; q += kLanes)
          input_grad_tile<kCB, 1>(d, g, dy_ext + q, wt, grad + q);
      }
    });
  });
}

// The interior of the padded input gradient is the sample's dx [C, H, W].
void crop_input_grad(const Conv2dDims& d, const Geometry& g, const float* padded_grad, float* dx) {
  const int64_t ph = d.window.padding.h, pw = d.window.padding.w;
  for (int64_t c = 0; c < d.in_channels; ++c)
    copy_plane_out(padded_grad + c * g.in_plane + ph * g.wp + pw, g.wp, d.height, d.width,
                   dx + c * d.height * d.width);
}

}  // namespace

bool conv2d_direct_suits(const Conv2dDims& d) {
  return d.window.stride.h == 1 && d.window.stride.w == 1 && d.out_channels <= kMostOutputChannels;
}

int64_t conv2d_direct_workspace_size(const Conv2dDims& d) {
  return layout(d, geometry(d)).total;
}

void conv2d_direct_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                           float* y, float* workspace) {
  const Geometry g = geometry(d);
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
      with_channel_vectors(d, [&](auto OV) {
        forward_lanes<decltype(OV)::value>(d, g, offsets.data(), s.padded, s.weights_t, s.pixels);
      });
      // [Ho*Wo, O] -> [O, Ho*Wo] (both dense: one row of Ho*Wo pixels), then the bias.
      pixels_to_planes(s.pixels, y_plane, d.out_channels, d.out_channels, 1, y_plane, ys);
      for (int64_t o = 0; o < d.out_channels; ++o)
        for (int64_t p = 0; p < y_plane; ++p) ys[o * y_plane + p] += b[o];
      continue;
    }
    for_each_block(d.out_channels, kForwardChannels, [&](int64_t o0, int64_t ob) {
      with_constant<kForwardChannels>(ob, [&](auto OB) {
        forward_channels<decltype(OB)::value>(d, g, offsets.data(), s.padded,
                                              w + o0 * d.in_channels * g.taps,
                                              s.extended + o0 * g.out_plane);
      });
    });
    // Keep the Wo valid positions of each extended row, adding the bias.
    for (int64_t o = 0; o < d.out_channels; ++o)
      for (int64_t oh = 0; oh < g.ho; ++oh) {
        const float* src = s.extended + o * g.out_plane + oh * g.wp;
        float* dst = ys + o * y_plane + oh * g.wo;
        for (int64_t ow = 0; ow < g.wo; ++ow) dst[ow] = src[ow] + b[o];
      }
  }
}

void conv2d_direct_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                            float* dw, float* db, float* dx, float* workspace) {
  const Geometry g = geometry(d);
  const Workspace s = carve(d, g, workspace);
  const std::vector<int64_t> offsets = tap_offsets(d, g);
  const int64_t x_size = d.in_channels * d.height * d.width, y_plane = g.ho * g.wo;
  const int64_t weights = d.out_channels * d.in_channels * g.taps;
  const bool lanes = channels_on_lanes(d);
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
      if (dx) {
        input_grad(d, g, offsets.data(), w, dy_ext, s);
        crop_input_grad(d, g, s.padded_grad, dx + sample * x_size);
      }
    }
    if (lanes)
      with_channel_vectors(d, [&](auto OV) {
        accumulate_weight_grad_lanes<decltype(OV)::value>(d, g, offsets.data(), s, samples);
      });
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
