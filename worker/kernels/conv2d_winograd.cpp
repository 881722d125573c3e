#include "worker/kernels/conv2d_winograd.h"

#include <algorithm>

#include "common/blas.h"
#include "worker/kernels/float_sum.h"
#include "worker/kernels/short_copy.h"
#include "worker/kernels/stop_check.h"

// Notation (conv2d_winograd.h): a tile's 16 transform points xi = 4a + b, a the row and b the
// column in the 4x4 tile; T the tiles of a chunk of samples. The transforms run separably, a
// row pass (over columns b) then a column pass (over rows a), each a short formula applied to
// whole rows of tiles at once so the compiler vectorizes it across tiles.
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   input:         V = B^T d B
//   G   = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]        weights:       U = G g G^T
//   A^T = [1 1 1 0; 0 1 -1 -1]                       output:        y = A^T M A
// and their transposes for the gradients.

namespace hpsweep {
namespace {

constexpr int64_t kPoints = 16;  // 4x4 transform points per tile

// A chunk's transformed inputs and products, V and M (or Z), take at most about this many
// floats: 4 MB, in L3. Measured with BM_ResidualStep (docs/performance.md): 1, 2, 8, 32 MB
// were 5-25 % slower.
constexpr int64_t kChunkFloats = 1024 * 1024;

struct Tiling {
  int64_t ho, wo;        // output size
  int64_t th, tw;        // tiles down and across a plane
  int64_t tiles;         // tiles per sample
  int64_t hp, wp;        // padded planes: 2th+2 by 2tw+2 holds every tile's 4x4 input
  int64_t chunk;         // samples per chunk
  int64_t ct;            // tiles per chunk: the products' n, and the row stride of V, M, Z, D
  int64_t pad_h, pad_w;  // the convolution's padding: where the input sits in a padded plane
};

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
  const int64_t per_sample = kPoints * (d.in_channels + d.out_channels) * t.tiles;
  t.chunk = std::clamp<int64_t>(kChunkFloats / per_sample, 1, std::max<int64_t>(d.batch, 1));
  t.ct = t.chunk * t.tiles;
  t.pad_h = win.padding.h;
  t.pad_w = win.padding.w;
  return t;
}

// The workspace, in floats from its start: U [16, O, C]; V [16, C, ct] (reused for D in the
// backward pass); M or Z [16, O, ct]; the weight gradient's accumulator dW [16, O, C]; three
// padded planes, for x, dy and dx; and the passes' scratch.
struct Layout {
  int64_t u, v, m, dw, x_plane, dy_plane, dx_plane, scratch, total;
};

Layout layout(const Conv2dDims& d, const Tiling& t) {
  const int64_t kernels = d.out_channels * d.in_channels;  // 3x3 kernels, one per (o, c)
  Layout l;
  l.u = 0;
  l.v = l.u + kPoints * kernels;
  l.m = l.v + kPoints * d.in_channels * t.ct;
  l.dw = l.m + kPoints * d.out_channels * t.ct;
  l.x_plane = l.dw + kPoints * kernels;
  l.dy_plane = l.x_plane + t.hp * t.wp;
  l.dx_plane = l.dy_plane + t.hp * t.wp;
  l.scratch = l.dx_plane + t.hp * t.wp;
  // The passes' scratch, the most any of them needs: the input transform's 4 rows of tw for
  // each of the hp padded rows (the output transform uses 10 rows of tw, the output gradient's
  // 4 for each of 2th rows, the input gradient's 16: at most 4hp when th = 1).
  l.total = l.scratch + 4 * t.hp * t.tw;
  return l;
}

// U = G g G^T for every (o, c), stored [xi][o][c].
void transform_weights(const Conv2dDims& d, const float* w, float* u) {
  const int64_t kernels = d.out_channels * d.in_channels;
  for (int64_t k = 0; k < kernels; ++k) {
    const float* g = w + 9 * k;
    float t[4][3];  // G g
    for (int col = 0; col < 3; ++col) {
      const float g0 = g[col], g1 = g[3 + col], g2 = g[6 + col];
      t[0][col] = g0;
      t[1][col] = 0.5f * (g0 + g1 + g2);
      t[2][col] = 0.5f * (g0 - g1 + g2);
      t[3][col] = g2;
    }
    for (int a = 0; a < 4; ++a) {
      float* row = u + 4 * a * kernels + k;
      row[0] = t[a][0];
      row[kernels] = 0.5f * (t[a][0] + t[a][1] + t[a][2]);
      row[2 * kernels] = 0.5f * (t[a][0] - t[a][1] + t[a][2]);
      row[3 * kernels] = t[a][2];
    }
  }
}

// dw = G^T dW G for every (o, c), from the accumulator dW [xi][o][c].
void untransform_weight_gradient(const Conv2dDims& d, const float* acc, float* dw) {
  const int64_t kernels = d.out_channels * d.in_channels;
  for (int64_t k = 0; k < kernels; ++k) {
    float t[3][4];  // G^T dW
    for (int b = 0; b < 4; ++b) {
      const float w0 = acc[b * kernels + k], w1 = acc[(4 + b) * kernels + k];
      const float w2 = acc[(8 + b) * kernels + k], w3 = acc[(12 + b) * kernels + k];
      t[0][b] = w0 + 0.5f * (w1 + w2);
      t[1][b] = 0.5f * (w1 - w2);
      t[2][b] = 0.5f * (w1 + w2) + w3;
    }
    float* g = dw + 9 * k;
    for (int r = 0; r < 3; ++r) {
      g[3 * r] = t[r][0] + 0.5f * (t[r][1] + t[r][2]);
      g[3 * r + 1] = 0.5f * (t[r][1] - t[r][2]);
      g[3 * r + 2] = 0.5f * (t[r][1] + t[r][2]) + t[r][3];
    }
  }
}

// One input plane [H, W] -> its tiles' V, point xi at v + xi * xs, tile (i, j) at i*tw + j.
// `plane` is the padded plane, whose border the caller keeps zero.
void transform_input(const Conv2dDims& d, const Tiling& t, const float* x, float* plane,
                     float* __restrict h, float* __restrict v, int64_t xs) {
  copy_plane_in(x, d.height, d.width, plane + t.pad_h * t.wp + t.pad_w, t.wp);
  const int64_t rows = t.hp * t.tw;  // h[b]: B^T's row pass of every padded row, column b
  for (int64_t r = 0; r < t.hp; ++r) {
    const float* __restrict p = plane + r * t.wp;
    float* __restrict h0 = h + r * t.tw;
    for (int64_t j = 0; j < t.tw; ++j) {
      const float d0 = p[2 * j], d1 = p[2 * j + 1], d2 = p[2 * j + 2], d3 = p[2 * j + 3];
      h0[j] = d0 - d2;
      h0[rows + j] = d1 + d2;
      h0[2 * rows + j] = d2 - d1;
      h0[3 * rows + j] = d1 - d3;
    }
  }
  for (int64_t i = 0; i < t.th; ++i)
    for (int b = 0; b < 4; ++b) {
      const float* __restrict r0 = h + b * rows + 2 * i * t.tw;
      const float* __restrict r1 = r0 + t.tw;
      const float* __restrict r2 = r1 + t.tw;
      const float* __restrict r3 = r2 + t.tw;
      float* __restrict v0 = v + b * xs + i * t.tw;
      float* __restrict v1 = v0 + 4 * xs;
      float* __restrict v2 = v1 + 4 * xs;
      float* __restrict v3 = v2 + 4 * xs;
      for (int64_t j = 0; j < t.tw; ++j) {
        v0[j] = r0[j] - r2[j];
        v1[j] = r1[j] + r2[j];
        v2[j] = r2[j] - r1[j];
        v3[j] = r1[j] - r3[j];
      }
    }
}

// One output plane [Ho, Wo] = A^T M A + bias, from its tiles' M (point xi at m + xi * xs).
// `h` holds the column pass's 2 x 4 rows of one tile row, then one output row.
void transform_output(const Tiling& t, const float* m, int64_t xs, float bias, float* __restrict h,
                      float* y) {
  float* __restrict row = h + 8 * t.tw;  // one output row, 2tw wide
  for (int64_t i = 0; i < t.th; ++i) {
    for (int b = 0; b < 4; ++b) {
      const float* __restrict m0 = m + b * xs + i * t.tw;
      const float* __restrict m1 = m0 + 4 * xs;
      const float* __restrict m2 = m1 + 4 * xs;
      const float* __restrict m3 = m2 + 4 * xs;
      float* __restrict s0 = h + b * t.tw;
      float* __restrict s1 = h + (4 + b) * t.tw;
      for (int64_t j = 0; j < t.tw; ++j) {
        s0[j] = m0[j] + m1[j] + m2[j];
        s1[j] = m1[j] - m2[j] - m3[j];
      }
    }
    for (int64_t half = 0; half < 2 && 2 * i + half < t.ho; ++half) {  // the tiles' row 0, 1
      const float* __restrict s0 = h + 4 * half * t.tw;
      const float* __restrict s1 = s0 + t.tw;
      const float* __restrict s2 = s1 + t.tw;
      const float* __restrict s3 = s2 + t.tw;
      for (int64_t j = 0; j < t.tw; ++j) {
        row[2 * j] = s0[j] + s1[j] + s2[j] + bias;
        row[2 * j + 1] = s1[j] - s2[j] - s3[j] + bias;
      }
      copy_short(row, t.wo, y + (2 * i + half) * t.wo);
    }
  }
}

// One output-gradient plane [Ho, Wo] -> its tiles' Z = A dy A^T (point xi at z + xi * xs).
// `plane` (2th by 2tw, row stride wp) is zero beyond Ho and Wo, kept so by the caller.
void transform_output_gradient(const Tiling& t, const float* dy, float* plane, float* __restrict h,
                               float* __restrict z, int64_t xs) {
  copy_plane_in(dy, t.ho, t.wo, plane, t.wp);
  const int64_t rows = 2 * t.th * t.tw;
  for (int64_t r = 0; r < 2 * t.th; ++r) {
    const float* __restrict g = plane + r * t.wp;
    float* __restrict h0 = h + r * t.tw;
    for (int64_t j = 0; j < t.tw; ++j) {
      const float g0 = g[2 * j], g1 = g[2 * j + 1];
      h0[j] = g0;
      h0[rows + j] = g0 + g1;
      h0[2 * rows + j] = g0 - g1;
      h0[3 * rows + j] = -g1;
    }
  }
  for (int64_t i = 0; i < t.th; ++i)
    for (int b = 0; b < 4; ++b) {
      const float* __restrict r0 = h + b * rows + 2 * i * t.tw;
      const float* __restrict r1 = r0 + t.tw;
      float* __restrict z0 = z + b * xs + i * t.tw;
      float* __restrict z1 = z0 + 4 * xs;
      float* __restrict z2 = z1 + 4 * xs;
      float* __restrict z3 = z2 + 4 * xs;
      for (int64_t j = 0; j < t.tw; ++j) {
        z0[j] = r0[j];
        z1[j] = r0[j] + r1[j];
        z2[j] = r0[j] - r1[j];
        z3[j] = -r1[j];
      }
    }
}

// One input-gradient plane [H, W] from its tiles' D (point xi at dd + xi * xs): each tile's
// B D B^T is added into the padded plane, where neighbouring tiles overlap by two rows and
// columns, and the plane's inside is dx.
void transform_input_gradient(const Conv2dDims& d, const Tiling& t, const float* dd, int64_t xs,
                              float* plane, float* __restrict h, float* dx) {
  std::fill(plane, plane + t.hp * t.wp, 0.0f);
  for (int64_t i = 0; i < t.th; ++i) {
    // h[a][b]: B's row pass (over a) of point column b, for plane row 2i + a.
    for (int b = 0; b < 4; ++b) {
      const float* __restrict d0 = dd + b * xs + i * t.tw;
      const float* __restrict d1 = d0 + 4 * xs;
      const float* __restrict d2 = d1 + 4 * xs;
      const float* __restrict d3 = d2 + 4 * xs;
      float* __restrict q0 = h + b * t.tw;
      float* __restrict q1 = q0 + 4 * t.tw;
      float* __restrict q2 = q1 + 4 * t.tw;
      float* __restrict q3 = q2 + 4 * t.tw;
      for (int64_t j = 0; j < t.tw; ++j) {
        q0[j] = d0[j];
        q1[j] = d1[j] - d2[j] + d3[j];
        q2[j] = d1[j] + d2[j] - d0[j];
        q3[j] = -d3[j];
      }
    }
    for (int a = 0; a < 4; ++a) {
      const float* __restrict r0 = h + 4 * a * t.tw;
      const float* __restrict r1 = r0 + t.tw;
      const float* __restrict r2 = r1 + t.tw;
      const float* __restrict r3 = r2 + t.tw;
      float* __restrict p = plane + (2 * i + a) * t.wp;
      // Columns 2j, 2j+1 of tile j, then its columns 2j+2, 2j+3, which the next tile's first
      // two overlap: two loops, so neither carries a dependence from one tile to the next.
      for (int64_t j = 0; j < t.tw; ++j) {
        p[2 * j] += r0[j];
        p[2 * j + 1] += r1[j] - r2[j] + r3[j];
      }
      for (int64_t j = 0; j < t.tw; ++j) {
        p[2 * j + 2] += r1[j] + r2[j] - r0[j];
        p[2 * j + 3] -= r3[j];
      }
    }
  }
  copy_plane_out(plane + t.pad_h * t.wp + t.pad_w, t.wp, d.height, d.width, dx);
}

// The samples [first, first + count) of one chunk.
struct Chunk {
  int64_t first, count;
};

// V of a chunk's samples.
void transform_chunk_inputs(const Conv2dDims& d, const Tiling& t, const Layout& l, const float* x,
                            Chunk chunk, float* ws) {
  const int64_t plane = d.height * d.width, xs = d.in_channels * t.ct;
  for (int64_t s = 0; s < chunk.count; ++s)
    for (int64_t c = 0; c < d.in_channels; ++c)
      transform_input(d, t, x + ((chunk.first + s) * d.in_channels + c) * plane, ws + l.x_plane,
                      ws + l.scratch, ws + l.v + c * t.ct + s * t.tiles, xs);
}

// M_xi = U_xi V_xi over the chunk's tiles, then y = A^T M A + bias for each output plane.
void chunk_forward(const Conv2dDims& d, const Tiling& t, const Layout& l, const float* b,
                   Chunk chunk, float* ws, float* y) {
  const int64_t o = d.out_channels, c = d.in_channels, xs = o * t.ct;
  for (int64_t xi = 0; xi < kPoints; ++xi)
    gemm(Transpose::no, Transpose::no, o, chunk.count * t.tiles, c, 1.0f, ws + l.u + xi * o * c, c,
         ws + l.v + xi * c * t.ct, t.ct, 0.0f, ws + l.m + xi * xs, t.ct);
  for (int64_t s = 0; s < chunk.count; ++s)
    for (int64_t out = 0; out < o; ++out)
      transform_output(t, ws + l.m + out * t.ct + s * t.tiles, xs, b[out], ws + l.scratch,
                       y + ((chunk.first + s) * o + out) * t.ho * t.wo);
}

// Z of a chunk's output gradients, adding their sums to db.
void transform_chunk_output_gradients(const Conv2dDims& d, const Tiling& t, const Layout& l,
                                      const float* dy, Chunk chunk, float* ws, float* db) {
  const int64_t o = d.out_channels, plane = t.ho * t.wo;
  for (int64_t s = 0; s < chunk.count; ++s)
    for (int64_t out = 0; out < o; ++out) {
      const float* g = dy + ((chunk.first + s) * o + out) * plane;
      db[out] += float_sum(g, plane);
      transform_output_gradient(t, g, ws + l.dy_plane, ws + l.scratch,
                                ws + l.m + out * t.ct + s * t.tiles, o * t.ct);
    }
}

// dW_xi += Z_xi V_xi^T over the chunk's tiles: the first chunk writes, the rest add.
void accumulate_weight_gradient(const Conv2dDims& d, const Tiling& t, const Layout& l, Chunk chunk,
                                float* ws) {
  const int64_t o = d.out_channels, c = d.in_channels;
  const float beta = chunk.first ? 1.0f : 0.0f;
  for (int64_t xi = 0; xi < kPoints; ++xi)
    gemm(Transpose::no, Transpose::yes, o, c, chunk.count * t.tiles, 1.0f, ws + l.m + xi * o * t.ct,
         t.ct, ws + l.v + xi * c * t.ct, t.ct, beta, ws + l.dw + xi * o * c, c);
}

// D_xi = U_xi^T Z_xi, written over V (no longer needed), then each plane's dx = B D B^T.
void chunk_input_gradient(const Conv2dDims& d, const Tiling& t, const Layout& l, Chunk chunk,
                          float* ws, float* dx) {
  const int64_t o = d.out_channels, c = d.in_channels, plane = d.height * d.width;
  for (int64_t xi = 0; xi < kPoints; ++xi)
    gemm(Transpose::yes, Transpose::no, c, chunk.count * t.tiles, o, 1.0f, ws + l.u + xi * o * c, c,
         ws + l.m + xi * o * t.ct, t.ct, 0.0f, ws + l.v + xi * c * t.ct, t.ct);
  for (int64_t s = 0; s < chunk.count; ++s)
    for (int64_t in = 0; in < c; ++in)
      transform_input_gradient(d, t, ws + l.v + in * t.ct + s * t.tiles, c * t.ct, ws + l.dx_plane,
                               ws + l.scratch, dx + ((chunk.first + s) * c + in) * plane);
}

template <typename ChunkOp>
void for_each_chunk(const Conv2dDims& d, const Tiling& t, ChunkOp op) {
  for (int64_t first = 0; first < d.batch; first += t.chunk) {
    check_kernel_stop();
    op(Chunk{first, std::min(t.chunk, d.batch - first)});
  }
}

}  // namespace

bool conv2d_winograd_suits(const Conv2dDims& d) {
  const Window2d& w = d.window;
  // A 1-pixel-wide output still costs a whole 2x2 tile: 16 products per output instead of 9.
  return w.kernel.h == 3 && w.kernel.w == 3 && w.stride.h == 1 && w.stride.w == 1 &&
         d.in_channels >= 16 && d.out_channels >= 16 && w.out_height(d.height) >= 2 &&
         w.out_width(d.width) >= 2;
}

int64_t conv2d_winograd_samples_per_chunk(const Conv2dDims& d) {
  return tiling(d).chunk;
}

int64_t conv2d_winograd_workspace_size(const Conv2dDims& d) {
  return layout(d, tiling(d)).total;
}

void conv2d_winograd_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                             float* y, float* ws) {
  const Tiling t = tiling(d);
  const Layout l = layout(d, t);
  transform_weights(d, w, ws + l.u);
  std::fill(ws + l.x_plane, ws + l.x_plane + t.hp * t.wp, 0.0f);  // its border stays zero
  for_each_chunk(d, t, [&](Chunk chunk) {
    transform_chunk_inputs(d, t, l, x, chunk, ws);
    chunk_forward(d, t, l, b, chunk, ws, y);
  });
}

void conv2d_winograd_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                              float* dw, float* db, float* dx, float* ws) {
  const Tiling t = tiling(d);
  const Layout l = layout(d, t);
  transform_weights(d, w, ws + l.u);
  std::fill(ws + l.x_plane, ws + l.dx_plane, 0.0f);  // x's and dy's borders stay zero
  std::fill(db, db + d.out_channels, 0.0f);
  if (d.batch == 0)
    std::fill(ws + l.dw, ws + l.dw + kPoints * d.out_channels * d.in_channels, 0.0f);
  for_each_chunk(d, t, [&](Chunk chunk) {
    transform_chunk_output_gradients(d, t, l, dy, chunk, ws, db);
    transform_chunk_inputs(d, t, l, x, chunk, ws);
    accumulate_weight_gradient(d, t, l, chunk, ws);
    if (dx) chunk_input_gradient(d, t, l, chunk, ws, dx);
  });
  untransform_weight_gradient(d, ws + l.dw, dw);
}

}  // namespace hpsweep
