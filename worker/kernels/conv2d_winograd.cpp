#include "worker/kernels/conv2d_winograd.h"

#include <algorithm>
#include <cassert>

#include "common/blas.h"
#include "worker/kernels/float_sum.h"
#include "worker/kernels/float_vec.h"
#include "worker/kernels/gemm_avx512.h"
#include "worker/kernels/pixel_layout.h"
#include "worker/kernels/stop_check.h"

// Notation (conv2d_winograd.h): a tile's 16 transform points xi = 4a + b, a the row and b the
// column in the 4x4 tile; T the tiles of a chunk of samples.
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   input:         V = B^T d B
//   G   = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]        weights:       U = G g G^T
//   A^T = [1 1 1 0; 0 1 -1 -1]                       output:        y = A^T M A
// and their transposes for the gradients.
//
// Channels last: each sample is first copied into a zero-bordered pixel-major plane
// [rows, cols, channels], and the transforms work on 8 channels of one tile at a time, a
// vector per tile element, so they run at full vector width whatever the plane's size. (Along
// a row of tiles instead, the tiny SSD's 4x4 and 2x2 maps gave loops of 1 or 2 tiles, and
// the transforms took 70 % of such a layer's time.) The transformed operands keep the
// channels last as well: V_xi [T, C], M_xi and Z_xi [T, O], D_xi [T, C]; U_xi is [O, C], and
// [C, O] for the forward product.
// Channel counts are rounded up to whole vectors (cp, op); the extra channels hold zeros
// throughout, as U's extra rows and columns are zero.

namespace hpsweep {
namespace {

constexpr int64_t kPoints = 16;  // 4x4 transform points per tile
constexpr int64_t kTaps = 9;     // 3x3 weights per kernel

// A chunk's transformed inputs and products, V and M (or Z), take at most about this many
// floats: 4 MB, in L3. Measured with BM_ResidualStep (docs/performance.md): 1, 2, 8, 32 MB
// were 5-25 % slower.
constexpr int64_t kChunkFloats = 1024 * 1024;

int64_t whole_vectors(int64_t n) {
  return (n + kLanes - 1) / kLanes * kLanes;
}

struct Tiling {
  int64_t ho, wo;        // output size
  int64_t th, tw;        // tiles down and across a plane
  int64_t tiles;         // tiles per sample
  int64_t hp, wp;        // padded input planes: 2th+2 by 2tw+2 holds every tile's 4x4 input
  int64_t cp, op;        // channels rounded up to whole vectors: the pixels' strides
  int64_t chunk;         // samples per chunk
  int64_t ct;            // tiles per chunk: the rows of V, M, Z, D
  int64_t pad_h, pad_w;  // the convolution's padding: where the input sits in a padded plane
  // Floats from one transform point's matrix to the next: U's and U^T's, V's and D's, M's and
  // Z's, dW's.
  int64_t us, vs, ms, dws;
};

// The 16 points' matrices are written and read together by the transforms, 16 streams at once;
// with power-of-two sizes they would all fall in the same cache sets. A cache line between
// them spreads them out.
int64_t point_stride(int64_t floats) {
  return floats + 16;
}

Tiling tiling(const Conv2dDims& d) {
  const Window2d& win = d.window;
  Tiling t;
  t.ho = win.out_height(d.height);
  t.wo = win.out_width(d.width);
  t.th = (t.ho + 1) / 2;
  t.tw = (t.wo + 1) / 2;
  t.tiles = t.th * t.tw;
  t.hp = 2 * t.th + 2;
  t.wp = 2 * t.tw + 2;
  t.cp = whole_vectors(d.in_channels);
  t.op = whole_vectors(d.out_channels);
  const int64_t per_sample = kPoints * (t.cp + t.op) * t.tiles;
  t.chunk = std::clamp<int64_t>(kChunkFloats / per_sample, 1, std::max<int64_t>(d.batch, 1));
  t.ct = t.chunk * t.tiles;
  t.pad_h = win.padding.h;
  t.pad_w = win.padding.w;
  t.us = point_stride(t.op * t.cp);
  t.vs = point_stride(t.ct * t.cp);
  t.ms = point_stride(t.ct * t.op);
  t.dws = point_stride(d.out_channels * t.cp);
  return t;
}

// The workspace, in floats from its start: U [16, op, cp] and its transpose [16, cp, op]; V
// [16, ct, cp] (reused for D in the backward pass); M or Z [16, ct, op]; the weight gradient's
// accumulator dW [16, O, cp]; one sample's padded input [hp, wp, cp], its output or output
// gradient [2th, 2tw, op], its padded input gradient [hp, wp, cp]; the bias [op]; and one output
// channel's kernels or their gradients [9, cp].
struct Layout {
  int64_t u, ut, v, m, dw, x_pixels, y_pixels, dx_pixels, bias, kernels, total;
};

Layout layout(const Tiling& t) {
  Layout l;
  l.u = 0;
  l.ut = l.u + kPoints * t.us;
  l.v = l.ut + kPoints * t.us;
  l.m = l.v + kPoints * t.vs;
  l.dw = l.m + kPoints * t.ms;
  l.x_pixels = l.dw + kPoints * t.dws;
  l.y_pixels = l.x_pixels + t.hp * t.wp * t.cp;
  l.dx_pixels = l.y_pixels + 4 * t.tiles * t.op;
  l.bias = l.dx_pixels + t.hp * t.wp * t.cp;
  l.kernels = l.bias + t.op;
  l.total = l.kernels + kTaps * t.cp;
  return l;
}

// One output channel's kernels [C, 9] -> tap-major [9, cp] (row stride cp). Eight channels at
// a time, their first 8 taps are one 8x8 transpose; the ninth is gathered. (One float at a time,
// the copy took three quarters of transform_weights' time.)
void taps_to_tap_major(const float* w, int64_t c_count, int64_t cp, float* kernels) {
  const int64_t c_blocked = c_count / kLanes * kLanes;
  for (int64_t c = 0; c < c_blocked; c += kLanes) {
    Vec rows[8];
    for (int i = 0; i < 8; ++i) rows[i] = load(w + (c + i) * kTaps);
    transpose8x8(rows);
    for (int k = 0; k < 8; ++k) store(kernels + k * cp + c, rows[k]);
    for (int i = 0; i < 8; ++i) kernels[8 * cp + c + i] = w[(c + i) * kTaps + 8];
  }
  for (int64_t c = c_blocked; c < c_count; ++c)
    for (int64_t k = 0; k < kTaps; ++k) kernels[k * cp + c] = w[c * kTaps + k];
}

// The inverse: tap-major [9, cp] -> kernels [C, 9].
void tap_major_to_taps(const float* kernels, int64_t c_count, int64_t cp, float* w) {
  const int64_t c_blocked = c_count / kLanes * kLanes;
  for (int64_t c = 0; c < c_blocked; c += kLanes) {
    Vec rows[8];
    for (int k = 0; k < 8; ++k) rows[k] = load(kernels + k * cp + c);
    transpose8x8(rows);
    for (int i = 0; i < 8; ++i) {
      store(w + (c + i) * kTaps, rows[i]);
      w[(c + i) * kTaps + 8] = kernels[8 * cp + c + i];
    }
  }
  for (int64_t c = c_blocked; c < c_count; ++c)
    for (int64_t k = 0; k < kTaps; ++k) w[c * kTaps + k] = kernels[k * cp + c];
}

// U = G g G^T for every (o, c), stored [xi][o][c] with zero rows and columns past O and C.
// `kernels` holds one output channel's weights tap-major, [9, cp], so that 8 input channels
// load as one vector.
void transform_weights(const Conv2dDims& d, const Tiling& t, const float* w, float* u,
                       float* kernels) {
  const int64_t c_count = d.in_channels, cp = t.cp, point = t.us;
  const Vec half = broadcast(0.5f);
  std::fill(kernels, kernels + kTaps * cp, 0.0f);
  for (int64_t o = 0; o < d.out_channels; ++o) {
    const float* wo = w + o * c_count * kTaps;
    taps_to_tap_major(wo, c_count, cp, kernels);
    for (int64_t c = 0; c < cp; c += kLanes) {
      Vec gg[4][3];  // G g
      for (int col = 0; col < 3; ++col) {
        const Vec g0 = load(kernels + col * cp + c), g1 = load(kernels + (3 + col) * cp + c);
        const Vec g2 = load(kernels + (6 + col) * cp + c);
        gg[0][col] = g0;
        gg[1][col] = half * (g0 + g1 + g2);
        gg[2][col] = half * (g0 - g1 + g2);
        gg[3][col] = g2;
      }
      for (int a = 0; a < 4; ++a) {
        float* row = u + 4 * a * point + o * cp + c;
        store(row, gg[a][0]);
        store(row + point, half * (gg[a][0] + gg[a][1] + gg[a][2]));
        store(row + 2 * point, half * (gg[a][0] - gg[a][1] + gg[a][2]));
        store(row + 3 * point, gg[a][2]);
      }
    }
  }
  for (int64_t xi = 0; xi < kPoints; ++xi)
    std::fill(u + xi * point + d.out_channels * cp, u + xi * point + t.op * cp, 0.0f);
}

// U^T [xi][c][o] from U [xi][o][c], 8x8 blocks at a time: the forward product's B operand,
// whose rows gemm_avx512 reads as they are stored.
void transpose_weights(const Tiling& t, const float* u, float* ut) {
  const int64_t point = t.us;
  for (int64_t xi = 0; xi < kPoints; ++xi)
    for (int64_t o = 0; o < t.op; o += kLanes)
      for (int64_t c = 0; c < t.cp; c += kLanes) {
        Vec block[8];
        for (int i = 0; i < 8; ++i) block[i] = load(u + xi * point + (o + i) * t.cp + c);
        transpose8x8(block);
        for (int i = 0; i < 8; ++i) store(ut + xi * point + (c + i) * t.op + o, block[i]);
      }
}

// dw = G^T dW G for every (o, c), from the accumulator dW [xi][o][c] (row stride cp), through
// `kernels` [9, cp] as in transform_weights.
void untransform_weight_gradient(const Conv2dDims& d, const Tiling& t, const float* acc,
                                 float* kernels, float* dw) {
  const int64_t c_count = d.in_channels, cp = t.cp, point = t.dws;
  const Vec half = broadcast(0.5f);
  for (int64_t o = 0; o < d.out_channels; ++o) {
    for (int64_t c = 0; c < cp; c += kLanes) {
      Vec gt[3][4];  // G^T dW
      for (int b = 0; b < 4; ++b) {
        const float* p = acc + b * point + o * cp + c;
        const Vec w0 = load(p), w1 = load(p + 4 * point);
        const Vec w2 = load(p + 8 * point), w3 = load(p + 12 * point);
        gt[0][b] = w0 + half * (w1 + w2);
        gt[1][b] = half * (w1 - w2);
        gt[2][b] = half * (w1 + w2) + w3;
      }
      for (int r = 0; r < 3; ++r) {
        store(kernels + 3 * r * cp + c, gt[r][0] + half * (gt[r][1] + gt[r][2]));
        store(kernels + (3 * r + 1) * cp + c, half * (gt[r][1] - gt[r][2]));
        store(kernels + (3 * r + 2) * cp + c, half * (gt[r][1] + gt[r][2]) + gt[r][3]);
      }
    }
    float* g = dw + o * c_count * kTaps;
    tap_major_to_taps(kernels, c_count, cp, g);
  }
}

// One sample's padded input pixels -> its tiles' V rows, tile k at v + k * cp, point xi
// xs floats further.
void transform_input(const Tiling& t, const float* pixels, float* v, int64_t xs) {
  const int64_t cp = t.cp, row = t.wp * cp;
  for (int64_t i = 0; i < t.th; ++i)
    for (int64_t j = 0; j < t.tw; ++j) {
      const float* p = pixels + (2 * i * t.wp + 2 * j) * cp;
      float* vt = v + (i * t.tw + j) * cp;
      for (int64_t c = 0; c < cp; c += kLanes) {
        Vec h[4][4];  // B^T's pass along each of the tile's 4 rows
        for (int a = 0; a < 4; ++a) {
          const float* q = p + a * row + c;
          const Vec d0 = load(q), d1 = load(q + cp), d2 = load(q + 2 * cp), d3 = load(q + 3 * cp);
          h[a][0] = d0 - d2;
          h[a][1] = d1 + d2;
          h[a][2] = d2 - d1;
          h[a][3] = d1 - d3;
        }
        for (int b = 0; b < 4; ++b) {
          store(vt + b * xs + c, h[0][b] - h[2][b]);
          store(vt + (4 + b) * xs + c, h[1][b] + h[2][b]);
          store(vt + (8 + b) * xs + c, h[2][b] - h[1][b]);
          store(vt + (12 + b) * xs + c, h[1][b] - h[3][b]);
        }
      }
    }
}

// One sample's tiles' M rows (tile k at m + k * op, point xi xs floats further) ->
// its output pixels [2th, 2tw, op] = A^T M A + bias.
void transform_output(const Tiling& t, const float* m, int64_t xs, const float* bias,
                      float* pixels) {
  const int64_t op = t.op, row = 2 * t.tw * op;
  for (int64_t i = 0; i < t.th; ++i)
    for (int64_t j = 0; j < t.tw; ++j) {
      const float* mt = m + (i * t.tw + j) * op;
      float* p = pixels + (2 * i * 2 * t.tw + 2 * j) * op;
      for (int64_t o = 0; o < op; o += kLanes) {
        Vec s0[4], s1[4];  // A^T's pass down each of the tile's 4 columns
        for (int b = 0; b < 4; ++b) {
          const Vec m0 = load(mt + b * xs + o), m1 = load(mt + (4 + b) * xs + o);
          const Vec m2 = load(mt + (8 + b) * xs + o), m3 = load(mt + (12 + b) * xs + o);
          s0[b] = m0 + m1 + m2;
          s1[b] = m1 - m2 - m3;
        }
        const Vec bv = load(bias + o);
        store(p + o, s0[0] + s0[1] + s0[2] + bv);
        store(p + op + o, s0[1] - s0[2] - s0[3] + bv);
        store(p + row + o, s1[0] + s1[1] + s1[2] + bv);
        store(p + row + op + o, s1[1] - s1[2] - s1[3] + bv);
      }
    }
}

// One sample's output-gradient pixels [2th, 2tw, op], zero beyond Ho and Wo -> its tiles'
// Z = A dy A^T rows (tile k at z + k * op, point xi xs floats further).
void transform_output_gradient(const Tiling& t, const float* pixels, float* z, int64_t xs) {
  const int64_t op = t.op, row = 2 * t.tw * op;
  for (int64_t i = 0; i < t.th; ++i)
    for (int64_t j = 0; j < t.tw; ++j) {
      const float* p = pixels + (2 * i * 2 * t.tw + 2 * j) * op;
      float* zt = z + (i * t.tw + j) * op;
      for (int64_t o = 0; o < op; o += kLanes) {
        Vec h[2][4];  // A's pass along each of the tile's 2 rows
        for (int a = 0; a < 2; ++a) {
          const Vec g0 = load(p + a * row + o), g1 = load(p + a * row + op + o);
          h[a][0] = g0;
          h[a][1] = g0 + g1;
          h[a][2] = g0 - g1;
          h[a][3] = -g1;
        }
        for (int b = 0; b < 4; ++b) {
          store(zt + b * xs + o, h[0][b]);
          store(zt + (4 + b) * xs + o, h[0][b] + h[1][b]);
          store(zt + (8 + b) * xs + o, h[0][b] - h[1][b]);
          store(zt + (12 + b) * xs + o, -h[1][b]);
        }
      }
    }
}

// One sample's tiles' D rows (tile k at dd + k * cp, point xi xs floats further):
// each tile's B D B^T is added into the padded input-gradient pixels, where neighbouring tiles
// overlap by two rows and columns.
void transform_input_gradient(const Tiling& t, const float* dd, int64_t xs, float* pixels) {
  const int64_t cp = t.cp, row = t.wp * cp;
  std::fill(pixels, pixels + t.hp * row, 0.0f);
  for (int64_t i = 0; i < t.th; ++i)
    for (int64_t j = 0; j < t.tw; ++j) {
      const float* dt = dd + (i * t.tw + j) * cp;
      float* p = pixels + (2 * i * t.wp + 2 * j) * cp;
      for (int64_t c = 0; c < cp; c += kLanes) {
        Vec q[4][4];  // B's pass down each of the tile's 4 columns
        for (int b = 0; b < 4; ++b) {
          const Vec d0 = load(dt + b * xs + c), d1 = load(dt + (4 + b) * xs + c);
          const Vec d2 = load(dt + (8 + b) * xs + c), d3 = load(dt + (12 + b) * xs + c);
          q[0][b] = d0;
          q[1][b] = d1 - d2 + d3;
          q[2][b] = d1 + d2 - d0;
          q[3][b] = -d3;
        }
        for (int a = 0; a < 4; ++a) {
          float* r = p + a * row + c;
          store(r, load(r) + q[a][0]);
          store(r + cp, load(r + cp) + (q[a][1] - q[a][2] + q[a][3]));
          store(r + 2 * cp, load(r + 2 * cp) + (q[a][1] + q[a][2] - q[a][0]));
          store(r + 3 * cp, load(r + 3 * cp) - q[a][3]);
        }
      }
    }
}

// C[m, n] = A B, plus C if `accumulate`: without packing on AVX-512 (gemm_avx512.h), else
// through BLIS. (Up to 128 channels, the unpacked products took the tiny SSD's layers 10-45 %
// less time; with 256 and 512 channels (BM_Conv3x3Lowering) both ran alike.)
void product(int64_t m, int64_t n, int64_t k, StridedMatrix a, const float* b, int64_t ldb,
             float* c, int64_t ldc, bool accumulate) {
  if (gemm_avx512_available()) return gemm_avx512(m, n, k, a, b, ldb, c, ldc, accumulate);
  assert(a.row_stride == 1 || a.col_stride == 1);  // BLIS takes A row- or column-major only
  const bool a_transposed = a.col_stride != 1;
  gemm(a_transposed ? Transpose::yes : Transpose::no, Transpose::no, m, n, k, 1.0f, a.data,
       a_transposed ? a.col_stride : a.row_stride, b, ldb, accumulate ? 1.0f : 0.0f, c, ldc);
}

// The samples [first, first + count) of one chunk.
struct Chunk {
  int64_t first, count;
};

// V of a chunk's samples.
void transform_chunk_inputs(const Conv2dDims& d, const Tiling& t, const Layout& l, const float* x,
                            Chunk chunk, float* ws) {
  const int64_t sample = d.in_channels * d.height * d.width;
  float* pixels = ws + l.x_pixels + (t.pad_h * t.wp + t.pad_w) * t.cp;
  for (int64_t s = 0; s < chunk.count; ++s) {
    planes_to_pixels(x + (chunk.first + s) * sample, d.in_channels, d.height, d.width, pixels, t.wp,
                     t.cp);
    transform_input(t, ws + l.x_pixels, ws + l.v + s * t.tiles * t.cp, t.vs);
  }
}

// M_xi = V_xi U_xi^T over the chunk's tiles, then y = A^T M A + bias for each sample.
void chunk_forward(const Conv2dDims& d, const Tiling& t, const Layout& l, Chunk chunk, float* ws,
                   float* y) {
  const int64_t o = d.out_channels, plane = t.ho * t.wo;
  for (int64_t xi = 0; xi < kPoints; ++xi)
    product(chunk.count * t.tiles, t.op, d.in_channels, {ws + l.v + xi * t.vs, t.cp, 1},
            ws + l.ut + xi * t.us, t.op, ws + l.m + xi * t.ms, t.op, false);
  for (int64_t s = 0; s < chunk.count; ++s) {
    transform_output(t, ws + l.m + s * t.tiles * t.op, t.ms, ws + l.bias, ws + l.y_pixels);
    pixels_to_planes(ws + l.y_pixels, 2 * t.tw, t.op, o, t.ho, t.wo,
                     y + (chunk.first + s) * o * plane);
  }
}

// Z of a chunk's output gradients, adding their sums to db.
void transform_chunk_output_gradients(const Conv2dDims& d, const Tiling& t, const Layout& l,
                                      const float* dy, Chunk chunk, float* ws, float* db) {
  const int64_t o = d.out_channels, plane = t.ho * t.wo;
  for (int64_t s = 0; s < chunk.count; ++s) {
    const float* g = dy + (chunk.first + s) * o * plane;
    for (int64_t out = 0; out < o; ++out) db[out] += float_sum(g + out * plane, plane);
    planes_to_pixels(g, o, t.ho, t.wo, ws + l.y_pixels, 2 * t.tw, t.op);
    transform_output_gradient(t, ws + l.y_pixels, ws + l.m + s * t.tiles * t.op, t.ms);
  }
}

// dW_xi += Z_xi^T V_xi over the chunk's tiles: the first chunk writes, the rest add.
void accumulate_weight_gradient(const Conv2dDims& d, const Tiling& t, const Layout& l, Chunk chunk,
                                float* ws) {
  const int64_t o = d.out_channels;
  for (int64_t xi = 0; xi < kPoints; ++xi)
    product(o, t.cp, chunk.count * t.tiles, {ws + l.m + xi * t.ms, 1, t.op}, ws + l.v + xi * t.vs,
            t.cp, ws + l.dw + xi * t.dws, t.cp, chunk.first > 0);
}

// D_xi = Z_xi U_xi, written over V (no longer needed), then each sample's dx = B D B^T.
void chunk_input_gradient(const Conv2dDims& d, const Tiling& t, const Layout& l, Chunk chunk,
                          float* ws, float* dx) {
  const int64_t sample = d.in_channels * d.height * d.width;
  for (int64_t xi = 0; xi < kPoints; ++xi)
    product(chunk.count * t.tiles, t.cp, d.out_channels, {ws + l.m + xi * t.ms, t.op, 1},
            ws + l.u + xi * t.us, t.cp, ws + l.v + xi * t.vs, t.cp, false);
  for (int64_t s = 0; s < chunk.count; ++s) {
    transform_input_gradient(t, ws + l.v + s * t.tiles * t.cp, t.vs, ws + l.dx_pixels);
    pixels_to_planes(ws + l.dx_pixels + (t.pad_h * t.wp + t.pad_w) * t.cp, t.wp, t.cp,
                     d.in_channels, d.height, d.width, dx + (chunk.first + s) * sample);
  }
}

template <typename ChunkOp>
void for_each_chunk(const Conv2dDims& d, const Tiling& t, ChunkOp op) {
  for (int64_t first = 0; first < d.batch; first += t.chunk) {
    check_kernel_stop();
    op(Chunk{first, std::min(t.chunk, d.batch - first)});
  }
}

// The padded pixel buffers start zero: their borders, the pixels past Ho and Wo and the
// channels past C and O stay so, as only the inside is ever copied in.
void zero_pixel_buffers(const Layout& l, float* ws) {
  std::fill(ws + l.x_pixels, ws + l.dx_pixels, 0.0f);
}

}  // namespace

bool conv2d_winograd_suits(const Conv2dDims& d) {
  const Window2d& w = d.window;
  // Outputs of any size: even a 1x1 output, which costs a whole 2x2 tile (16 products instead
  // of 9), runs faster than on im2col (BM_Conv3x3Lowering, 128 channels at 1x1, batch 128:
  // 2.1 against 2.6-2.8 ms per step).
  // With 16 input channels im2col is as fast or faster when BLIS runs the products
  // (BM_Conv3x3Lowering, 16 -> 32 at 24x24: 4.5-4.7 against 4.7-4.8 ms per step), and twice
  // as slow when gemm_avx512 does (4.5-4.7 against 2.2; BM_SsdConvLowering at 32x32: 8.5
  // against 4.0-4.2). With 32 Winograd is faster either way (32 -> 32 at 32x32 on BLIS:
  // 13.2-13.8 against 16.6-17.2; at 24x24: 5.7-6.0 against 8.7-9.3).
  const int64_t min_in_channels = gemm_avx512_available() ? 16 : 32;
  return w.kernel.h == 3 && w.kernel.w == 3 && w.stride.h == 1 && w.stride.w == 1 &&
         d.in_channels >= min_in_channels && d.out_channels >= 16;
}

int64_t conv2d_winograd_samples_per_chunk(const Conv2dDims& d) {
  return tiling(d).chunk;
}

int64_t conv2d_winograd_workspace_size(const Conv2dDims& d) {
  return layout(tiling(d)).total;
}

void conv2d_winograd_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                             float* y, float* ws) {
  const Tiling t = tiling(d);
  const Layout l = layout(t);
  transform_weights(d, t, w, ws + l.u, ws + l.kernels);
  transpose_weights(t, ws + l.u, ws + l.ut);
  std::copy(b, b + d.out_channels, ws + l.bias);
  std::fill(ws + l.bias + d.out_channels, ws + l.bias + t.op, 0.0f);
  zero_pixel_buffers(l, ws);
  for_each_chunk(d, t, [&](Chunk chunk) {
    transform_chunk_inputs(d, t, l, x, chunk, ws);
    chunk_forward(d, t, l, chunk, ws, y);
  });
}

void conv2d_winograd_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                              float* dw, float* db, float* dx, float* ws) {
  const Tiling t = tiling(d);
  const Layout l = layout(t);
  if (dx) transform_weights(d, t, w, ws + l.u, ws + l.kernels);  // U serves the input gradient
  zero_pixel_buffers(l, ws);
  std::fill(db, db + d.out_channels, 0.0f);
  if (d.batch == 0) std::fill(ws + l.dw, ws + l.dw + kPoints * t.dws, 0.0f);
  for_each_chunk(d, t, [&](Chunk chunk) {
    transform_chunk_output_gradients(d, t, l, dy, chunk, ws, db);
    transform_chunk_inputs(d, t, l, x, chunk, ws);
    accumulate_weight_gradient(d, t, l, chunk, ws);
    if (dx) chunk_input_gradient(d, t, l, chunk, ws, dx);
  });
  untransform_weight_gradient(d, t, ws + l.dw, ws + l.kernels, dw);
}

}  // namespace hpsweep
