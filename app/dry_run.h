// `hpsweep run SPEC --dry-run`: the sweep's trials with their swept values and an estimate of
// each one's training time and disk, and the totals, without training or writing anything.
//
// Time: for each distinct model and batch size, one training step (forward and backward) and
// one evaluation pass are timed on a batch of random inputs, on this process's one BLIS thread
// as a worker runs them; a trial's time is epochs x (steps per epoch x step time + test samples
// x evaluation time per sample). Not counted: loading the data, reading, resizing and augmenting
// batches, checkpoint writes, other programs on the same cores. Wall time divides the trials'
// time by the workers that run in parallel.
// Disk: a trial's checkpoint holds its parameters and buffers twice (last and best epoch), as
// 4-byte floats, and the optimizer's state (SGD momentum: one float per parameter; Adam: two).
#pragma once

#include <ostream>

#include "common/spec.h"

namespace hpsweep {

// `workers`: dev mode's --workers (0: one per core).
void print_dry_run(const SweepSpec& spec, int workers, std::ostream& out);

}  // namespace hpsweep
