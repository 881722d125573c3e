#include "cluster/cluster_run.h"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "cluster/communicator.h"
#include "cluster/cpu_binding.h"
#include "cluster/group_worker.h"
#include "cluster/job_watch.h"
#include "cluster/mpi_worker_pool.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "common/spec.h"
#include "common/trial.h"
#include "coordinator/rank_layout.h"
#include "coordinator/search_space.h"
#include "coordinator/sweep_inputs.h"
#include "coordinator/sweep_run_steps.h"

namespace hpsweep {
namespace {

// This process's CPU time so far. The coordinator reports its own while the sweep runs: it
// waits by polling with sleeps and should stay far below a core.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

}  // namespace

// Every rank reads the spec and expands the same trials, so a trial travels as its index alone.
// A lost rank, node or network, or an error on any rank once the sweep runs, ends the whole job
// (cluster/job_watch.h): MPI cannot go on without a rank, and the rerun resumes.
int run_cluster(const std::string& spec_path, const RunOptions& options,
                std::chrono::milliseconds watchdog, const std::atomic<bool>& stop,
                const std::function<int()>& stopped_exit_code,
                const CoordinatorSetup& before_sweep) {
  std::optional<JobWatch> watch;  // declared first: it outlives MPI_Finalize, which can wait
  MpiRuntime mpi(nullptr, nullptr);
  const Communicator world = Communicator::world();
  const bool coordinator = world.rank() == 0;
  SweepSpec spec;
  RankLayout layout;
  try {
    spec = load_spec_file(spec_path);
    layout = plan_ranks(world.size(), static_cast<int>(spec.resources.ranks_per_trial));
    configure_blas_for(spec);
  } catch (const UserError&) {
    if (coordinator) throw;  // every rank fails alike; one message is enough
    return kExitBadInput;
  }
  watch.emplace(world, layout, watchdog);
  const int group_index = layout.group_of(world.rank());
  const Communicator group = world.split(group_index, world.rank());
  if (options.bind_workers) {
    const std::string binding = bind_workers_to_cpus(world, group.valid());
    if (coordinator && !binding.empty()) std::cerr << binding << "\n";
  }
  if (!coordinator) {
    if (group.valid())
      serve_trials(expand_trials(spec), options.out_dir, spec.resources.reducer, world, group, stop,
                   [&](const std::string& error) { watch->fail(error); });
    return stop.load() ? stopped_exit_code() : kExitOk;
  }
  SweepSummary summary;
  try {
    MpiWorkerPool pool(
        world, layout, [&] { return watch->lost(); }, watch->hosts());
    const SweepInputs inputs = load_sweep_inputs(spec, DataUse::validate);
    const double cpu_before = cpu_seconds();
    RunOptions coordinator_options = options;
    if (before_sweep) before_sweep(spec, coordinator_options);
    summary = run_sweep(spec, inputs, pool, coordinator_options, stop, std::cerr);
    watch->sweep_over();
    print_summary(summary, spec, options.out_dir, options.verbose);
    const double cpu = cpu_seconds() - cpu_before;
    if (options.verbose)
      std::cerr << "coordinator (rank 0): " << cpu << " s of CPU in " << summary.seconds
                << " s of sweep (" << 100.0 * cpu / std::max(summary.seconds, 1e-9)
                << "% of a core)\n";
  } catch (const JobLostError& e) {
    // sweep.h5 is closed by now. A worker's own failure is an error (1), not a loss (69):
    // it would likely recur, so sweep.sbatch does not requeue it.
    watch->end_job(e.what(), watch->lost_ranks() ? kExitJobLost : kExitFailure);
  } catch (const UserError&) {
    throw;  // before any trial ran (inputs): the workers are told to finalize
  } catch (const std::exception& e) {
    watch->end_job(std::string("failure: ") + e.what() + "; ending the job", kExitFailure);
  }
  if (!summary.interrupted) return kExitOk;
  print_resume_hint(spec_path, options.out_dir);
  return stopped_exit_code();
}

}  // namespace hpsweep
