// Which MPI rank does what in cluster mode: rank 0 coordinates and trains nothing; ranks
// 1..N-1 form groups of ranks_per_trial consecutive ranks (the first is the group's leader);
// ranks left over when N-1 is not a multiple stay idle.
//
//   N = 7, ranks_per_trial = 2:   0 coordinator | 1 2 group 0 | 3 4 group 1 | 5 6 group 2
//   N = 6, ranks_per_trial = 2:   0 coordinator | 1 2 group 0 | 3 4 group 1 | 5 idle
#pragma once

#include <vector>

namespace hpsweep {

struct RankLayout {
  int world_size = 0;
  int ranks_per_trial = 1;
  int groups = 0;
  std::vector<int> idle_ranks;

  // The group a rank belongs to, or -1 for the coordinator and idle ranks.
  int group_of(int world_rank) const;
  int leader_of(int group) const { return 1 + group * ranks_per_trial; }
};

// Throws UserError when the job has fewer worker ranks than one group needs.
RankLayout plan_ranks(int world_size, int ranks_per_trial);

}  // namespace hpsweep
