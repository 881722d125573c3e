// What a trial scheduler did, as tables for `hpsweep analyze` and `report` (docs/analysis.md):
//   decisions  how many decisions of each kind (start, promote, resume, exploit, pause, stop,
//              complete), those that occurred, in that order
//   lineage    PBT: where the weights of a trial's last epoch come from, following exploits
//              back to epoch 1: which trial trained which epochs, with which hyperparameters
#pragma once

#include <cstdint>

#include "analysis/table.h"
#include "storage/sweep_file.h"

namespace hpsweep {

Table decision_counts(const SweepRecord& sweep);

// Rows, first epochs first: epochs ("3-4"), trained_by (a trial id), hyperparameters, and
// started_from ("initialization", or "0002 after epoch 2" where the weights came from another
// trial). Empty for a trial without a schedule.
Table lineage_table(const SweepRecord& sweep, int64_t trial);

}  // namespace hpsweep
