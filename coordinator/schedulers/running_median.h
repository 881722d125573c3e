// The median of a growing set of numbers: two heaps (the lower half in a max-heap, the upper
// half in a min-heap), O(log n) to insert in contiguous memory and O(1) to read.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace hpsweep {

class RunningMedian {
 public:
  void insert(double x) {
    if (lower_.empty() || x <= lower_.top())
      lower_.push(x);
    else
      upper_.push(x);
    // Keep |lower| == |upper| or |upper| + 1.
    if (lower_.size() > upper_.size() + 1) {
      upper_.push(lower_.top());
      lower_.pop();
    } else if (upper_.size() > lower_.size()) {
      lower_.push(upper_.top());
      upper_.pop();
    }
  }
  int64_t size() const { return static_cast<int64_t>(lower_.size() + upper_.size()); }
  // The middle value, or the mean of the middle two; size() must be > 0.
  double median() const {
    return lower_.size() > upper_.size() ? lower_.top() : (lower_.top() + upper_.top()) / 2;
  }

 private:
  std::priority_queue<double> lower_;
  std::priority_queue<double, std::vector<double>, std::greater<>> upper_;
};

}  // namespace hpsweep
