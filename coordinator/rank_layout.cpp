#include "coordinator/rank_layout.h"

#include <string>

#include "common/error.h"

namespace hpsweep {

int RankLayout::group_of(int world_rank) const {
  if (world_rank < 1 || world_rank >= 1 + groups * ranks_per_trial) return -1;
  return (world_rank - 1) / ranks_per_trial;
}

RankLayout plan_ranks(int world_size, int ranks_per_trial) {
  if (world_size - 1 < ranks_per_trial)
    throw UserError("resources.ranks_per_trial: a group of " + std::to_string(ranks_per_trial) +
                    " rank" + (ranks_per_trial == 1 ? "" : "s") + " needs at least " +
                    std::to_string(ranks_per_trial + 1) + " MPI ranks (rank 0 coordinates), got " +
                    std::to_string(world_size));
  RankLayout layout;
  layout.world_size = world_size;
  layout.ranks_per_trial = ranks_per_trial;
  layout.groups = (world_size - 1) / ranks_per_trial;
  for (int r = 1 + layout.groups * ranks_per_trial; r < world_size; ++r)
    layout.idle_ranks.push_back(r);
  return layout;
}

}  // namespace hpsweep
