// Results at one rung or epoch, ordered by (score, trial id), with O(log n) insertion, rank
// and k-th element: what keeps a scheduler's time per report flat as trials accumulate.
#pragma once

#include <cstdint>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <functional>
#include <utility>

namespace hpsweep {

class RankedResults {
 public:
  using Entry = std::pair<double, int64_t>;  // (score, trial): lower scores rank first

  void insert(double score, int64_t trial) { tree_.insert({score, trial}); }
  int64_t size() const { return static_cast<int64_t>(tree_.size()); }
  // How many entries rank before (score, trial).
  int64_t rank(double score, int64_t trial) const {
    return static_cast<int64_t>(tree_.order_of_key({score, trial}));
  }
  // The entry of rank k (0 is the best).
  Entry at(int64_t k) const { return *tree_.find_by_order(static_cast<size_t>(k)); }

 private:
  __gnu_pbds::tree<Entry, __gnu_pbds::null_type, std::less<Entry>, __gnu_pbds::rb_tree_tag,
                   __gnu_pbds::tree_order_statistics_node_update>
      tree_;
};

}  // namespace hpsweep
