#include "support/same_results.h"

#include <gtest/gtest.h>

namespace hpsweep::testing {

void expect_same_tensors(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b,
                         const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t p = 0; p < a.size(); ++p) {
    EXPECT_EQ(a[p].name, b[p].name) << what;
    ASSERT_EQ(a[p].tensor.shape(), b[p].tensor.shape()) << what << " " << a[p].name;
    for (int64_t i = 0; i < a[p].tensor.size(); ++i)
      ASSERT_EQ(a[p].tensor[i], b[p].tensor[i]) << what << " " << a[p].name << "[" << i << "]";
  }
}

void expect_same_curves(const SweepRecord& a, const SweepRecord& b, const std::string& what) {
  ASSERT_EQ(a.trials.size(), b.trials.size()) << what;
  for (size_t i = 0; i < a.trials.size(); ++i) {
    const TrialRecord &x = a.trials[i], &y = b.trials[i];
    EXPECT_EQ(x.status, y.status) << what << " trial " << i;
    EXPECT_EQ(x.message, y.message) << what << " trial " << i;
    ASSERT_EQ(x.curves.size(), y.curves.size()) << what << " trial " << i;
    for (const auto& [name, values] : x.curves) {
      if (name == "wall_seconds" || name == "samples_per_second") continue;
      ASSERT_TRUE(y.curves.count(name)) << what << " trial " << i << " " << name;
      EXPECT_EQ(values, y.curves.at(name)) << what << " trial " << i << " " << name;
    }
  }
}

}  // namespace hpsweep::testing
