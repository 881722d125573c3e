// How the ranks of a window of shared memory share the work on one range of every segment:
// each rank takes one slice of it, to sum over the segments or to copy between them. Where one
// slice ends and the next starts is a 64-byte boundary, so no two ranks write into one cache
// line.
#pragma once

#include <cstdint>

#include "cluster/shared_window.h"

namespace hpsweep {

struct Slice {
  int64_t first, last;  // offsets into every segment
};

// Rank `rank`'s slice of [offset, offset + count) out of `ranks`: an even split, its inner
// bounds moved up to 64-byte boundaries.
Slice slice_of(int64_t offset, int64_t count, int rank, int ranks);

// Sums `slice` over every segment of `window`, in rank order (so each float's sum has the
// same bits whichever rank makes it), and writes the sum into segments [to_first, to_last).
void sum_slice(const SharedWindow& window, Slice slice, int to_first, int to_last);

// Copies `slice` of segment `from` into segments [to_first, to_last).
void copy_slice(const SharedWindow& window, Slice slice, int from, int to_first, int to_last);

}  // namespace hpsweep
