// The direct convolution's inner loops (conv2d_direct_kernels.h), written once for 8- and
// 16-float vectors. Included only by conv2d_direct_avx2.cpp and conv2d_direct_avx512.cpp, each
// compiled for its instruction set: the unnamed namespace gives each file its own copy of every
// template, so that no AVX-512 instantiation can be linked into the AVX2 path.
//
// Register tiles: each kernel keeps a tile of accumulators in registers over its whole inner
// loop (at most tile_vectors: 12 of AVX2's 16 registers, 24 of AVX-512's 32, leaving room for
// the operands), so every vector loaded feeds several FMAs. Both files are compiled with
// -ffp-contract=fast (worker/CMakeLists.txt), which makes each `acc += a * b` one FMA.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "worker/kernels/conv2d_direct_blocks.h"
#include "worker/kernels/conv2d_direct_kernels.h"
#include "worker/kernels/float_vec.h"

namespace hpsweep {
namespace {

// `Lanes` below is the instruction set's widest vector: 8 floats for AVX2, 16 for AVX-512.
constexpr int vector_registers(int lanes) {
  return lanes == 16 ? 32 : 16;
}
constexpr int tile_vectors(int lanes) {
  return lanes == 16 ? 24 : 12;
}

// ---- forward: out[o][q] = sum over c, t of w[o, c, t] * padded[c][q + offset[t]] ----

constexpr int kForwardChannels = 6;

// Vectors of positions per tile: with AVX2, 2, 2, 3, 4, 4, 4 for 6 to 1 output channels.
constexpr int forward_vectors(int lanes, int channels) {
  return std::min(tile_vectors(lanes) / channels, tile_vectors(lanes) / 3);
}

// One tile: OB output channels x QB vectors of positions, starting at `padded` and `out`.
template <typename V, int OB, int QB>
void forward_tile(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                  const float* padded, const float* w, float* out) {
  constexpr int kL = kLanesOf<V>;
  const int64_t w_channel_stride = d.in_channels * g.taps;
  V acc[OB][QB] = {};
  for (int64_t c = 0; c < d.in_channels; ++c) {
    const float* plane = padded + c * g.in_plane;
    const float* wc = w + c * g.taps;
    for (int64_t t = 0; t < g.taps; ++t) {
      V xs[QB];
      for (int j = 0; j < QB; ++j) xs[j] = load_vec<V>(plane + offsets[t] + j * kL);
      for (int o = 0; o < OB; ++o) {
        const V wv = broadcast_vec<V>(wc[o * w_channel_stride + t]);
        for (int j = 0; j < QB; ++j) acc[o][j] += wv * xs[j];
      }
    }
  }
  for (int o = 0; o < OB; ++o)
    for (int j = 0; j < QB; ++j) store_vec(out + o * g.out_plane + j * kL, acc[o][j]);
}

template <int Lanes, int OB>
void forward_channels(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                      const float* padded, const float* w, float* out) {
  using V = FloatVec<Lanes>;
  constexpr int kQB = forward_vectors(Lanes, OB);
  const int64_t vectors = g.out_plane / Lanes;
  int64_t v = 0;
  for (; v + kQB <= vectors; v += kQB)
    forward_tile<V, OB, kQB>(d, g, offsets, padded + v * Lanes, w, out + v * Lanes);
  for (; v < vectors; ++v)
    forward_tile<V, OB, 1>(d, g, offsets, padded + v * Lanes, w, out + v * Lanes);
}

template <int Lanes>
void forward_extended(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                      const float* padded, const float* w, float* extended) {
  for_each_block(d.out_channels, kForwardChannels, [&](int64_t o0, int64_t ob) {
    with_constant<kForwardChannels>(ob, [&](auto OB) {
      forward_channels<Lanes, decltype(OB)::value>(
          d, g, offsets, padded, w + o0 * d.in_channels * g.taps, extended + o0 * g.out_plane);
    });
  });
}

// ---- output channels as vector lanes, for O a multiple of 8 ----
// With 16 output channels (LeNet's second conv) the extended-width kernels spend 30% of their
// FMAs on dropped positions and load their inputs unaligned; with the output channels along
// the lanes none is wasted, and inputs are single floats broadcast. The forward pass and the
// weight gradient use this layout; the input gradient, a sum over output channels, stays on
// the extended-width kernel.

// Calls op(std::type_identity<V>, std::integral_constant<int, O / lanes of V>) with the
// widest vector V that divides the O (8, 16 or 32) output channels. Spelled out rather than
// through with_constant, which made GCC 12 compile the weight-gradient tile about 30 % slower
// (BM_Conv2dStep, LeNet's second conv: 5.3-5.7 against 6.9-7.4 ms).
template <int Lanes, typename Op>
void with_channel_vectors(const Conv2dDims& d, Op op) {
  const int64_t o_count = d.out_channels;
  if (o_count == 8)
    op(std::type_identity<FloatVec<8>>{}, std::integral_constant<int, 1>{});
  else if constexpr (Lanes == 16) {
    if (o_count == 16)
      op(std::type_identity<FloatVec<16>>{}, std::integral_constant<int, 1>{});
    else
      op(std::type_identity<FloatVec<16>>{}, std::integral_constant<int, 2>{});
  } else if (o_count == 16) {
    op(std::type_identity<FloatVec<8>>{}, std::integral_constant<int, 2>{});
  } else {
    op(std::type_identity<FloatVec<8>>{}, std::integral_constant<int, 4>{});
  }
}

// PB neighbouring output pixels of one row x all O channels (OV vectors); `padded` points at
// the tile's first pixel, `out` at its pixel-major outputs [PB, O].
template <typename V, int PB, int OV>
void forward_lanes_tile(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                        const float* padded, const float* weights_t, const float* b, float* out) {
  constexpr int kL = kLanesOf<V>;
  const int64_t o_count = d.out_channels;
  V acc[PB][OV];
  for (int v = 0; v < OV; ++v) acc[0][v] = load_vec<V>(b + v * kL);
#pragma GCC unroll 32
  for (int p = 1; p < PB; ++p)
    for (int v = 0; v < OV; ++v) acc[p][v] = acc[0][v];
  for (int64_t c = 0; c < d.in_channels; ++c) {
    const float* plane = padded + c * g.in_plane;
    const float* wc = weights_t + c * g.taps * o_count;
    for (int64_t t = 0; t < g.taps; ++t) {
      const float* xt = plane + offsets[t];
      V wv[OV];
      for (int v = 0; v < OV; ++v) wv[v] = load_vec<V>(wc + t * o_count + v * kL);
#pragma GCC unroll 32  // past GCC's default of 16, so that the accumulators stay in registers
      for (int p = 0; p < PB; ++p) {
        const V xb = broadcast_vec<V>(xt[p]);
        for (int v = 0; v < OV; ++v) acc[p][v] += xb * wv[v];
      }
    }
  }
#pragma GCC unroll 32
  for (int p = 0; p < PB; ++p)
    for (int v = 0; v < OV; ++v) store_vec(out + p * o_count + v * kL, acc[p][v]);
}

template <int Lanes>
void forward_lanes(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                   const float* padded, const float* weights_t, const float* b, float* pixels) {
  with_channel_vectors<Lanes>(d, [&](auto vec, auto OV) {
    using V = typename decltype(vec)::type;
    constexpr int kOV = decltype(OV)::value, kMostPixels = tile_vectors(Lanes) / kOV;
    for (int64_t oh = 0; oh < g.ho; ++oh)
      for_each_block(g.wo, kMostPixels, [&](int64_t ow0, int64_t pb) {
        with_constant<kMostPixels>(pb, [&](auto PB) {
          forward_lanes_tile<V, decltype(PB)::value, kOV>(
              d, g, offsets, padded + oh * g.wp + ow0, weights_t, b,
              pixels + (oh * g.wo + ow0) * d.out_channels);
        });
      });
  });
}

// ---- weight gradient, channels on lanes: dw_t[c, ki, kj][o] += sum over samples and pixels
// of padded[c][pixel + ki*Wp + kj] * dy_pixels[pixel][o] ----

constexpr int kWeightGradColumns = 3;  // taps kj of one kernel row per tile
constexpr int kWeightGradRows = 8;     // kernel rows (c, ki) per tile: a pointer register each

constexpr int weight_grad_rows(int lanes, int columns, int channel_vectors) {
  return std::min(kWeightGradRows, tile_vectors(lanes) / (columns * channel_vectors));
}

// RB kernel rows x KB neighbouring taps x all O channels (OV vectors), over the chunk's
// `samples`. `rows[i]` points at kernel row i's input plane, shifted to the tile's first tap,
// of the chunk's first sample; `dw_t` at the tile's first (c, ki, kj) row, `row_stride` apart.
template <typename V, int RB, int KB, int OV>
void weight_grad_lanes_tile(const Conv2dDims& d, const DirectGeometry& g, int64_t samples,
                            const float* const* rows, const float* dy_pixels, int64_t row_stride,
                            float* dw_t) {
  constexpr int kL = kLanesOf<V>;
  const int64_t o_count = d.out_channels, x_sample = d.in_channels * g.in_plane;
  V acc[RB][KB][OV];
  for (int i = 0; i < RB; ++i)
    for (int k = 0; k < KB; ++k)
      for (int v = 0; v < OV; ++v)
        acc[i][k][v] = load_vec<V>(dw_t + i * row_stride + k * o_count + v * kL);
  const float* dyp = dy_pixels;
  for (int64_t s = 0; s < samples; ++s)
    for (int64_t oh = 0; oh < g.ho; ++oh)
      for (int64_t ow = 0; ow < g.wo; ++ow, dyp += o_count) {
        const int64_t at = s * x_sample + oh * g.wp + ow;
        V dv[OV];
        for (int v = 0; v < OV; ++v) dv[v] = load_vec<V>(dyp + v * kL);
        for (int i = 0; i < RB; ++i)
          for (int k = 0; k < KB; ++k) {
            const V xb = broadcast_vec<V>(rows[i][at + k]);
            for (int v = 0; v < OV; ++v) acc[i][k][v] += xb * dv[v];
          }
      }
  for (int i = 0; i < RB; ++i)
    for (int k = 0; k < KB; ++k)
      for (int v = 0; v < OV; ++v)
        store_vec(dw_t + i * row_stride + k * o_count + v * kL, acc[i][k][v]);
}

// The tiles of KB taps kj0.. of every kernel row (c, ki).
template <int Lanes, typename V, int KB, int OV>
void weight_grad_lanes_columns(const Conv2dDims& d, const DirectGeometry& g, int64_t samples,
                               const float* padded, const float* dy_pixels, int64_t kj0,
                               float* dw_t) {
  constexpr int kMostRows = weight_grad_rows(Lanes, KB, OV);
  const int64_t kh = d.window.kernel.h, row_stride = d.window.kernel.w * d.out_channels;
  for_each_block(d.in_channels * kh, kMostRows, [&](int64_t r0, int64_t rb) {
    const float* rows[kMostRows];
    for (int64_t i = 0; i < rb; ++i) {
      const int64_t c = (r0 + i) / kh, ki = (r0 + i) % kh;
      rows[i] = padded + c * g.in_plane + ki * g.wp + kj0;
    }
    with_constant<kMostRows>(rb, [&](auto RB) {
      weight_grad_lanes_tile<V, decltype(RB)::value, KB, OV>(
          d, g, samples, rows, dy_pixels, row_stride,
          dw_t + r0 * row_stride + kj0 * d.out_channels);
    });
  });
}

template <int Lanes>
void weight_grad_lanes(const Conv2dDims& d, const DirectGeometry& g, int64_t samples,
                       const float* padded, const float* dy_pixels, float* dw_t) {
  with_channel_vectors<Lanes>(d, [&](auto vec, auto OV) {
    using V = typename decltype(vec)::type;
    for_each_block(d.window.kernel.w, kWeightGradColumns, [&](int64_t kj0, int64_t kb) {
      with_constant<kWeightGradColumns>(kb, [&](auto KB) {
        weight_grad_lanes_columns<Lanes, V, decltype(KB)::value, decltype(OV)::value>(
            d, g, samples, padded, dy_pixels, kj0, dw_t);
      });
    });
  });
}

// ---- input gradient: padded_grad[c][q + offset[t]] += sum over o of w[o, c, t] dy_ext[o][q] ----

constexpr int input_grad_channels(int lanes) {
  return lanes == 16 ? 4 : 3;
}
// Vectors of positions per tile: the accumulators, one operand vector per position and the
// broadcast weight fit in the registers.
constexpr int input_grad_vectors(int lanes, int channels) {
  return std::min((vector_registers(lanes) - 1) / (channels + 1), tile_vectors(lanes) / 3);
}

// One tile: CB input channels x QB vectors of positions for tap t; `w` points at (0, c0, t),
// `dy_ext` and `grad` are shifted to the tile's first position.
template <typename V, int CB, int QB>
void input_grad_tile(const Conv2dDims& d, const DirectGeometry& g, const float* dy_ext,
                     const float* w, float* grad) {
  constexpr int kL = kLanesOf<V>;
  const int64_t w_channel_stride = d.in_channels * g.taps;
  V acc[CB][QB] = {};
  for (int64_t o = 0; o < d.out_channels; ++o) {
    V dys[QB];
    for (int j = 0; j < QB; ++j) dys[j] = load_vec<V>(dy_ext + o * g.out_plane + j * kL);
    for (int c = 0; c < CB; ++c) {
      const V wv = broadcast_vec<V>(w[o * w_channel_stride + c * g.taps]);
      for (int j = 0; j < QB; ++j) acc[c][j] += wv * dys[j];
    }
  }
  for (int c = 0; c < CB; ++c)
    for (int j = 0; j < QB; ++j) {
      float* p = grad + c * g.in_plane + j * kL;
      store_vec(p, load_vec<V>(p) + acc[c][j]);
    }
}

template <int Lanes>
void input_grad(const Conv2dDims& d, const DirectGeometry& g, const int64_t* offsets,
                const float* w, const float* dy_ext, float* padded_grad) {
  using V = FloatVec<Lanes>;
  constexpr int kMostChannels = input_grad_channels(Lanes);
  for_each_block(d.in_channels, kMostChannels, [&](int64_t c0, int64_t cb) {
    with_constant<kMostChannels>(cb, [&](auto CB) {
      constexpr int kCB = decltype(CB)::value, kQB = input_grad_vectors(Lanes, kCB);
      for (int64_t t = 0; t < g.taps; ++t) {
        const float* wt = w + c0 * g.taps + t;
        float* grad = padded_grad + c0 * g.in_plane + offsets[t];
        int64_t q = 0;
        for (; q + kQB * Lanes <= g.out_plane; q += kQB * Lanes)
          input_grad_tile<V, kCB, kQB>(d, g, dy_ext + q, wt, grad + q);
        for (; q < g.out_plane; q += Lanes)
          input_grad_tile<V, kCB, 1>(d, g, dy_ext + q, wt, grad + q);
      }
    });
  });
}

template <int Lanes>
constexpr DirectKernels kDirectKernels = {forward_extended<Lanes>, forward_lanes<Lanes>,
                                          weight_grad_lanes<Lanes>, input_grad<Lanes>};

}  // namespace
}  // namespace hpsweep
