#include "worker/kernels/conv2d_im2col.h"

#include <algorithm>
#include <vector>

#include "common/blas.h"
#include "worker/kernels/float_sum.h"
#include "worker/kernels/short_copy.h"
#include "worker/kernels/stop_check.h"

// Samples are lowered in groups: im2col writes the column matrices of G samples side by side,
// [C*kh*kw, G*Ho*Wo], and one GEMM per group does the product. G is as large as keeps the
// group's column matrix within kGroupFloats, so it stays in L2 between im2col writing it and
// BLIS packing it. Measured (BLIS 0.9, skx kernels, GFLOP/s): LeNet's first conv forward GEMM
// [6 x 784 x 25] runs at 11 per sample and 21 for 8 samples; its second, [16 x 100 x 150], at
// 28 and 53. A whole-batch GEMM is slower again (10.7 for the first conv: its 20 MB column
// matrix goes through memory). A ResNet 3x3 64-channel conv at 24x24 already has a 1.3 MB
// column matrix per sample, so it runs one sample per GEMM (G = 1), writing straight into the
// NCHW output; a group's output [O, G*Ho*Wo] instead goes through a buffer and a permute.
//
// The weight gradient of convolutions with 16 or more output channels is accumulated
// transposed, dw^T [C*kh*kw, O] = col dy^T, and transposed once at the end: BLIS runs that
// product at 97 GFLOP/s against 67 for dy col^T on the ResNet shape (30 against 25 on LeNet's
// second conv); with LeNet's 6 output channels the plain form is faster (7 against 4.5).

namespace hpsweep {
namespace {

constexpr int64_t kGroupFloats = 64 * 1024;  // 256 KB
constexpr int64_t kTransposedDwChannels = 16;

struct Lowering {
  int64_t k;       // rows of the column matrix: C*kh*kw
  int64_t n;       // output positions per sample: Ho*Wo
  int64_t group;   // samples per GEMM
  bool direct;     // 1x1, stride 1, no padding, one sample per GEMM: the input is the matrix
  bool dw_t;       // accumulate the weight gradient transposed
  int64_t x_size;  // floats per input sample
  // The workspace: the group's column matrix [k, G*n] (unless direct), then its output
  // gradient [O, G*n] (if G > 1), then dw^T [k, O] (if dw_t).
  int64_t col_size, group_size, dw_t_size;
};

Lowering lowering(const Conv2dDims& d) {
  const Window2d& w = d.window;
  Lowering l;
  l.k = d.in_channels * w.kernel.h * w.kernel.w;
  l.n = w.out_height(d.height) * w.out_width(d.width);
  l.group = std::clamp<int64_t>(kGroupFloats / std::max<int64_t>(l.k * l.n, 1), 1,
                                std::max<int64_t>(d.batch, 1));
  l.direct = l.group == 1 && w.kernel.h == 1 && w.kernel.w == 1 && w.stride.h == 1 &&
             w.stride.w == 1 && w.padding.h == 0 && w.padding.w == 0;
  l.dw_t = d.out_channels >= kTransposedDwChannels;
  l.x_size = d.in_channels * d.height * d.width;
  l.col_size = l.direct ? 0 : l.k * l.group * l.n;
  l.group_size = l.group > 1 ? d.out_channels * l.group * l.n : 0;
  l.dw_t_size = l.dw_t ? l.k * d.out_channels : 0;
  return l;
}

// One tap (c, ki, kj) of a sample's column matrix: its row of Ho x Wo elements starts at
// element `out`, and output (oh, ow) reads input (oh * sh + top, ow * sw + left) of channel c,
// which lies inside the plane for oh in rows and ow in cols (elsewhere: padding).
struct Tap {
  int64_t c, out, top, left;
  Span rows, cols;
};

// Calls op(tap) for every tap of one sample's column matrix, whose rows are ld floats apart.
template <typename TapOp>
void for_each_tap(const Conv2dDims& d, int64_t ld, TapOp op) {
  const Window2d& win = d.window;
  const int64_t ho = win.out_height(d.height), wo = win.out_width(d.width);
  // The spans depend on ki or kj alone; computed once, as their divisions cost more than the
  // copies of a small tap.
  std::vector<Span> rows(win.kernel.h), cols(win.kernel.w);
  for (int64_t ki = 0; ki < win.kernel.h; ++ki)
    rows[ki] = inside_span(d.height, ho, ki, win.stride.h, win.padding.h);
  for (int64_t kj = 0; kj < win.kernel.w; ++kj)
    cols[kj] = inside_span(d.width, wo, kj, win.stride.w, win.padding.w);
  for (int64_t c = 0; c < d.in_channels; ++c)
    for (int64_t ki = 0; ki < win.kernel.h; ++ki)
      for (int64_t kj = 0; kj < win.kernel.w; ++kj) {
        const int64_t row = (c * win.kernel.h + ki) * win.kernel.w + kj;
        op(Tap{c, row * ld, ki - win.padding.h, kj - win.padding.w, rows[ki], cols[kj]});
      }
}

// With stride 1 and Wo == W ("same" padding: LeNet's first conv, ResNet's 3x3 convs), output
// (oh, ow) of a tap reads input element oh * W + ow + shift of its plane: the tap's inside
// rows are one contiguous run of the input, moved with one copy (or add) instead of one per
// row, after which the columns that wrapped around from neighbouring rows are fixed up.
bool same_width(const Conv2dDims& d) {
  const Window2d& w = d.window;
  return w.stride.h == 1 && w.stride.w == 1 && w.out_width(d.width) == d.width;
}

// dst[i] += src[i] for a short row: 8-float blocks, then a scalar tail (an overlapping block
// would add twice). __restrict spares the per-row aliasing checks of a vectorized loop.
void add_short(const float* __restrict src, int64_t n, float* __restrict dst) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) dst[i + j] += src[i + j];
  for (; i < n; ++i) dst[i] += src[i];
}

// Padding columns are few (at most the padding width on each side).
void zero_outside(float* row, Span cols, int64_t wo) {
  for (int64_t i = 0; i < cols.lo; ++i) row[i] = 0.0f;
  for (int64_t i = cols.hi; i < wo; ++i) row[i] = 0.0f;
}

// Writes every element of the sample's column matrix once: zeros where the window reads
// padding.
void im2col(const Conv2dDims& d, const float* x, float* col, int64_t ld) {
  const Window2d& win = d.window;
  const int64_t ho = win.out_height(d.height), wo = win.out_width(d.width);
  const bool contiguous = same_width(d);
  for_each_tap(d, ld, [&](const Tap& t) {
    float* dst = col + t.out;
    const float* plane = x + t.c * d.height * d.width;
    if (t.rows.lo == t.rows.hi || t.cols.lo == t.cols.hi) {
      std::fill(dst, dst + ho * wo, 0.0f);
      return;
    }
    // Most taps read no padding at all (all of LeNet's second conv): those skip the zeroing,
    // whose calls cost more than the copies of a 10x10 output.
    if (t.rows.lo > 0) std::fill(dst, dst + t.rows.lo * wo, 0.0f);
    if (t.rows.hi < ho) std::fill(dst + t.rows.hi * wo, dst + ho * wo, 0.0f);
    const bool padded_cols = t.cols.lo > 0 || t.cols.hi < wo;
    if (contiguous) {
      const int64_t shift = t.top * d.width + t.left;
      const int64_t begin = t.rows.lo * wo + t.cols.lo, end = (t.rows.hi - 1) * wo + t.cols.hi;
      std::copy(plane + begin + shift, plane + end + shift, dst + begin);
      if (padded_cols)
        for (int64_t oh = t.rows.lo; oh < t.rows.hi; ++oh) zero_outside(dst + oh * wo, t.cols, wo);
      return;
    }
    for (int64_t oh = t.rows.lo; oh < t.rows.hi; ++oh) {
      float* out = dst + oh * wo;
      const float* in = plane + (oh * win.stride.h + t.top) * d.width + t.left;
      if (padded_cols) zero_outside(out, t.cols, wo);
      if (win.stride.w == 1)
        copy_short(in + t.cols.lo, t.cols.hi - t.cols.lo, out + t.cols.lo);
      else
        for (int64_t ow = t.cols.lo; ow < t.cols.hi; ++ow) out[ow] = in[ow * win.stride.w];
    }
  });
}

// Writes dx: the sum of the column-matrix elements read from each input position. Overwrites
// the padding positions of col (scratch by then) with zeros.
void col2im(const Conv2dDims& d, float* col, int64_t ld, float* dx) {
  const Window2d& win = d.window;
  const int64_t wo = win.out_width(d.width);
  const bool contiguous = same_width(d);
  std::fill(dx, dx + d.in_channels * d.height * d.width, 0.0f);
  for_each_tap(d, ld, [&](const Tap& t) {
    if (t.rows.lo == t.rows.hi || t.cols.lo == t.cols.hi) return;
    float* src = col + t.out;
    float* plane = dx + t.c * d.height * d.width;
    if (contiguous) {
      // Zeroing the padding columns first makes them add nothing in the one contiguous add.
      for (int64_t oh = t.rows.lo; oh < t.rows.hi; ++oh) zero_outside(src + oh * wo, t.cols, wo);
      const int64_t shift = t.top * d.width + t.left;
      const int64_t begin = t.rows.lo * wo + t.cols.lo, end = (t.rows.hi - 1) * wo + t.cols.hi;
      for (int64_t i = begin; i < end; ++i) plane[i + shift] += src[i];
      return;
    }
    for (int64_t oh = t.rows.lo; oh < t.rows.hi; ++oh) {
      const float* in = src + oh * wo;
      float* out = plane + (oh * win.stride.h + t.top) * d.width + t.left;
      if (win.stride.w == 1)
        add_short(in + t.cols.lo, t.cols.hi - t.cols.lo, out + t.cols.lo);
      else
        for (int64_t ow = t.cols.lo; ow < t.cols.hi; ++ow) out[ow * win.stride.w] += in[ow];
    }
  });
}

// The column matrix [k, g*n] of samples [first, first + g): the input itself when direct.
const float* columns(const Conv2dDims& d, const Lowering& l, const float* x, int64_t first,
                     int64_t g, float* col) {
  if (l.direct) return x + first * l.x_size;
  for (int64_t s = 0; s < g; ++s) im2col(d, x + (first + s) * l.x_size, col + s * l.n, g * l.n);
  return col;
}

}  // namespace

int64_t conv2d_im2col_workspace_size(const Conv2dDims& d) {
  const Lowering l = lowering(d);
  return l.col_size + l.group_size + l.dw_t_size;
}

void conv2d_im2col_forward(const Conv2dDims& d, const float* x, const float* w, const float* b,
                           float* y, float* workspace) {
  const Lowering l = lowering(d);
  const int64_t o = d.out_channels, n = l.n;
  float* group_y = workspace + l.col_size;
  for (int64_t first = 0; first < d.batch; first += l.group) {
    check_kernel_stop();
    const int64_t g = std::min(l.group, d.batch - first);
    const float* col = columns(d, l, x, first, g, workspace);
    float* ys = y + first * o * n;
    if (l.group == 1) {
      // Seed y with the bias and let the GEMM add into it (beta = 1): no separate bias pass.
      for (int64_t oc = 0; oc < o; ++oc) std::fill(ys + oc * n, ys + (oc + 1) * n, b[oc]);
      gemm(Transpose::no, Transpose::no, o, n, l.k, 1.0f, w, l.k, col, n, 1.0f, ys, n);
      continue;
    }
    gemm(Transpose::no, Transpose::no, o, g * n, l.k, 1.0f, w, l.k, col, g * n, 0.0f, group_y,
         g * n);
    // [O, g, n] -> [g, O, n], adding the bias on the way.
    for (int64_t s = 0; s < g; ++s)
      for (int64_t oc = 0; oc < o; ++oc) {
        const float* src = group_y + oc * g * n + s * n;
        float* dst = ys + (s * o + oc) * n;
        for (int64_t i = 0; i < n; ++i) dst[i] = src[i] + b[oc];
      }
  }
}

void conv2d_im2col_backward(const Conv2dDims& d, const float* x, const float* w, const float* dy,
                            float* dw, float* db, float* dx, float* workspace) {
  const Lowering l = lowering(d);
  const int64_t o = d.out_channels, n = l.n;
  float* group_dy = workspace + l.col_size;
  float* dw_t = group_dy + l.group_size;
  std::fill(db, db + o, 0.0f);
  if (d.batch == 0) std::fill(dw, dw + o * l.k, 0.0f);
  for (int64_t first = 0; first < d.batch; first += l.group) {
    check_kernel_stop();
    const int64_t g = std::min(l.group, d.batch - first);
    const float* dys = dy + first * o * n;
    for (int64_t s = 0; s < g; ++s)
      for (int64_t oc = 0; oc < o; ++oc) db[oc] += float_sum(dys + (s * o + oc) * n, n);
    // The group's dy as [O, g*n], the layout of its column matrix: [g, O, n] -> [O, g, n].
    const float* dyg = dys;
    if (l.group > 1) {
      for (int64_t s = 0; s < g; ++s)
        for (int64_t oc = 0; oc < o; ++oc)
          std::copy(dys + (s * o + oc) * n, dys + (s * o + oc + 1) * n,
                    group_dy + oc * g * n + s * n);
      dyg = group_dy;
    }
    // dw = sum over groups of dy_g col_g^T; the first group writes, the rest add.
    const float* col = columns(d, l, x, first, g, workspace);
    const float beta = first ? 1.0f : 0.0f;
    if (l.dw_t)
      gemm(Transpose::no, Transpose::yes, l.k, o, g * n, 1.0f, col, g * n, dyg, g * n, beta, dw_t,
           o);
    else
      gemm(Transpose::no, Transpose::yes, o, l.k, g * n, 1.0f, dyg, g * n, col, g * n, beta, dw,
           l.k);
    if (!dx) continue;
    // dcol = w^T dy_g, scattered back by col2im (the column matrix is no longer needed).
    float* dxs = dx + first * l.x_size;
    if (l.direct) {
      gemm(Transpose::yes, Transpose::no, l.k, n, o, 1.0f, w, l.k, dyg, n, 0.0f, dxs, n);
      continue;
    }
    gemm(Transpose::yes, Transpose::no, l.k, g * n, o, 1.0f, w, l.k, dyg, g * n, 0.0f, workspace,
         g * n);
    for (int64_t s = 0; s < g; ++s) col2im(d, workspace + s * n, g * n, dxs + s * l.x_size);
  }
  if (l.dw_t && d.batch > 0)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t r = 0; r < l.k; ++r) dw[oc * l.k + r] = dw_t[r * o + oc];
}

}  // namespace hpsweep
