// gemm's operand slack (kGemmOperandSlack, common/blas.h): every matrix is placed so that
// exactly the promised slack follows its last element, then an unreadable guard page. A read
// beyond the slack, by BLIS's small-matrix kernels or anything else, crashes the test.
#include <blis.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "common/blas.h"
#include "common/rng.h"
#include "common/tensor.h"
#include "worker/gradient_reducer.h"
#include "worker/initializer.h"
#include "worker/model_factory.h"
#include "worker/objective.h"

namespace hpsweep {
namespace {

// One mapping per matrix: its floats, the slack, then PROT_NONE pages.
class GuardedMatrix {
 public:
  // A rows x cols matrix with row stride ld, followed by `slack` readable floats.
  GuardedMatrix(int64_t rows, int64_t cols, int64_t ld, int64_t slack) {
    const int64_t page = sysconf(_SC_PAGESIZE);
    const int64_t extent = ((rows - 1) * ld + cols + slack) * int64_t{sizeof(float)};
    readable_ = (extent + page - 1) / page * page;
    size_ = readable_ + kGuardPages * page;
    base_ = static_cast<char*>(
        mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    EXPECT_NE(base_, MAP_FAILED);
    EXPECT_EQ(mprotect(base_ + readable_, size_ - readable_, PROT_NONE), 0);
    data_ = reinterpret_cast<float*>(base_ + readable_ - extent);
    for (int64_t i = 0; i < extent / int64_t{sizeof(float)}; ++i) data_[i] = 1.0f;
  }
  ~GuardedMatrix() { munmap(base_, size_); }
  GuardedMatrix(const GuardedMatrix&) = delete;
  GuardedMatrix& operator=(const GuardedMatrix&) = delete;
  float* data() { return data_; }

 private:
  // The over-reads measured reach at most one row past a matrix: far less than 16 pages.
  static constexpr int64_t kGuardPages = 16;
  char* base_ = nullptr;
  int64_t size_ = 0, readable_ = 0;
  float* data_ = nullptr;
};

struct Product {
  int64_t m, n, k;
  bool ta, tb;
  int64_t pad = 0;  // row strides of A and B exceed their rows by this much
};

// C = op(A) op(B) + beta C, each matrix followed by `slack` floats and a guard page.
void guarded_gemm(const Product& p, float beta, int64_t slack) {
  const int64_t a_cols = p.ta ? p.m : p.k, b_cols = p.tb ? p.k : p.n;
  const int64_t lda = a_cols + p.pad, ldb = b_cols + p.pad;
  GuardedMatrix a(p.ta ? p.k : p.m, a_cols, lda, slack), b(p.tb ? p.n : p.k, b_cols, ldb, slack);
  GuardedMatrix c(p.m, p.n, p.n, slack);
  gemm(p.ta ? Transpose::yes : Transpose::no, p.tb ? Transpose::yes : Transpose::no, p.m, p.n, p.k,
       1.0f, a.data(), lda, b.data(), ldb, beta, c.data(), p.n);
  // Every element is the sum of k ones, plus beta times C's one.
  EXPECT_EQ(c.data()[p.m * p.n - 1], static_cast<float>(p.k) + beta);
}

class GemmSlack : public ::testing::Test {
 protected:
  // The AVX2 kernels, the ones with the over-reads, also on AVX-512 machines.
  static void SetUpTestSuite() { blas_configure(GemmSizes::small); }
};

// Small shapes around the kernels' 6x16 tile and its edge cases, LeNet's products, and row
// strides longer than the slack (which must take BLIS's packed path: the kernels' over-read
// grows with the row stride).
std::vector<Product> products() {
  std::vector<Product> all;
  const int64_t sizes[] = {1, 2, 3, 5, 6, 7, 8, 9, 15, 16, 17, 33};
  for (int64_t m : sizes)
    for (int64_t n : sizes)
      for (int64_t k : sizes)
        for (int t = 0; t < 4; ++t) all.push_back({m, n, k, (t & 1) != 0, (t & 2) != 0});
  for (int t = 0; t < 4; ++t) {
    const bool ta = t & 1, tb = t & 2;
    for (const auto& [m, n, k] : std::vector<std::array<int64_t, 3>>{{6, 2352, 25},
                                                                     {6, 25, 2352},
                                                                     {16, 400, 150},
                                                                     {150, 16, 400},
                                                                     {150, 400, 16},
                                                                     {256, 120, 400},
                                                                     {120, 400, 256},
                                                                     {256, 400, 120},
                                                                     {256, 10, 84}})
      all.push_back({m, n, k, ta, tb});
    for (int64_t pad : {int64_t{5}, kGemmOperandSlack}) {
      all.push_back({16, 1, 7, ta, tb, pad});
      all.push_back({1, 16, 7, ta, tb, pad});
    }
  }
  return all;
}

TEST_F(GemmSlack, NoProductReadsPastItsOperandsSlack) {
  for (const Product& p : products())
    for (float beta : {0.0f, 1.0f}) {
      SCOPED_TRACE(std::to_string(p.m) + "x" + std::to_string(p.n) + "x" + std::to_string(p.k) +
                   " ta " + std::to_string(p.ta) + " tb " + std::to_string(p.tb) + " pad " +
                   std::to_string(p.pad));
      guarded_gemm(p, beta, kGemmOperandSlack);
    }
}

// The guard pages catch the over-read this slack is for: without slack, the BLIS that needed
// it crashes on a product whose A is followed by nothing (flame/blis #821).
TEST_F(GemmSlack, WithoutSlackBlis090ReadsPastTheGuard) {
  if (std::string(bli_info_get_version_str()) != "0.9.0")
    GTEST_SKIP() << "BLIS " << bli_info_get_version_str() << " may not over-read";
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    GTEST_SKIP() << "no AVX2 kernels on this CPU";
  // A CPU BLIS 0.9 does not know (AMD Zen 5) gets its generic C kernels, which read only their
  // operands (common/blas.h).
  if (bli_arch_query_id() == BLIS_ARCH_GENERIC)
    GTEST_SKIP() << "BLIS runs its generic kernels on this CPU";
  EXPECT_DEATH(guarded_gemm({1, 16, 7, false, true}, 0.0f, 0), "");
}

// Training steps of LeNet and LeNet-BN whose products take the over-reading kernel paths: at
// width 7 the hidden Linear layers have 140 and 98 units, so with 16 rows a layer's forward
// product x w^T is one of #821's (m % 6 == 4, n >= 16, k % 8 != 0) and reads up to a row past
// x, a view into the previous layer's output. Natively this only checks that training runs;
// memcheck_lenet_training runs it under valgrind, where an operand without slack is an
// invalid read.
TEST_F(GemmSlack, LeNetTrainingStepsOnTheOverReadingKernels) {
  for (const std::string type : {"lenet", "lenet-bn"}) {
    ModelConfig config;
    config.type = type;
    config.width = 7;
    Model model = build_model(config, {1, 28, 28}, 10);
    initialize_parameters(model, InitScheme::xavier, 0.01, 1);
    const int64_t batch = 16;
    Tensor images({batch, 1, 28, 28});
    Rng rng(2);
    for (int64_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>(rng.uniform(0, 1));
    std::vector<int32_t> labels(batch);
    std::vector<int64_t> ids(batch);
    for (int64_t i = 0; i < batch; ++i) labels[i] = static_cast<int32_t>(i % 10), ids[i] = i;
    Objective objective;
    LocalReducer reducer;
    Tensor gradient;
    const BatchTargets targets{labels.data(), nullptr};
    for (int step = 0; step < 2; ++step) {
      const Tensor& out = model.forward(images, BatchContext{Mode::train, 3, 1, ids.data()});
      EXPECT_TRUE(std::isfinite(objective.forward(out, targets).loss)) << type;
      objective.backward(out, targets, 1.0f / batch, gradient);
      model.backward(gradient, reducer);
    }
  }
}

TEST(TensorStorage, EveryTensorAndViewIsFollowedByTheSlackZeroed) {
  for (int64_t n : {0, 1, 7, 1000}) {
    Tensor t({n, 3});
    const Tensor tail = t.rows(n > 0 ? n - 1 : 0, n);
    const float* end = tail.data() + tail.size();
    for (int64_t i = 0; i < kGemmOperandSlack; ++i) ASSERT_EQ(end[i], 0.0f);
  }
}

}  // namespace
}  // namespace hpsweep
