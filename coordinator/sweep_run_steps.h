// The steps of `hpsweep run` that dev mode (app/run_command.cpp) and cluster mode
// (cluster/cluster_run.cpp) share: BLIS set up for the spec's models, the closing summary and
// the hint on how to resume.
#pragma once

#include <string>

#include "common/spec.h"
#include "coordinator/sweep_runner.h"

namespace hpsweep {

// Before any product: BLIS's kernels suit the sweep's models (common/blas.h).
void configure_blas_for(const SweepSpec& spec);

// What the sweep did and where its results are; `verbose` adds the coordinator's statistics.
void print_summary(const SweepSummary& summary, const SweepSpec& spec, const std::string& out_dir,
                   bool verbose);

void print_resume_hint(const std::string& spec_path, const std::string& out_dir);

}  // namespace hpsweep
