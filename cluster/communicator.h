// A tiny MPI API for hpsweep: start-up and shutdown, communicator splits, the few collectives
// training needs, and byte messages for the coordinator's control traffic. Callers never see
// MPI types except the request handle of a non-blocking allreduce.
//
// Waiting is done by polling with a growing sleep rather than in MPI's blocking calls: Open
// MPI's blocking receives spin a core, and the coordinator must not steal cores from workers.
#pragma once

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/message_channel.h"

namespace hpsweep {

// True when this process was started by an MPI launcher (mpirun, mpiexec, srun).
bool launched_by_mpi();

// MPI_Abort on the world: the launcher ends every rank of the job. Never returns.
[[noreturn]] void abort_mpi_job(int exit_code);

// Throws std::runtime_error naming `what` and MPI's own message unless `code` is MPI_SUCCESS
// (the world communicator returns errors instead of aborting: MpiRuntime).
void check_mpi(int code, const char* what);

// MPI_Init_thread on construction (funneled: only the main thread calls MPI), MPI_Finalize on
// destruction.
class MpiRuntime {
 public:
  MpiRuntime(int* argc, char*** argv);
  ~MpiRuntime();
  MpiRuntime(const MpiRuntime&) = delete;
  MpiRuntime& operator=(const MpiRuntime&) = delete;
};

class Communicator : public MessageChannel {
 public:
  static Communicator world();

  bool valid() const { return comm_ != nullptr; }
  int rank() const override;
  int size() const override;

  // MPI_Comm_split; a negative color leaves this rank out (the result is not valid()).
  Communicator split(int color, int key) const;
  // The ranks that share this rank's node (MPI_Comm_split_type, shared memory), in rank order.
  Communicator split_by_node() const;
  // Whether every rank of this communicator runs on one node.
  bool on_one_node() const;

  // Every rank's `values` (the same count on each), one after the other in rank order.
  std::vector<int> allgather(const std::vector<int>& values) const;

  void allreduce_sum(float* values, int64_t count) const;
  void allreduce_sum(double* values, int64_t count) const;
  MPI_Request start_allreduce_sum(float* values, int64_t count) const;
  static void wait_all(std::vector<MPI_Request>& requests);
  void broadcast(int64_t* values, int count, int root) const;
  void barrier() const;

  void send(int destination, int tag, const std::vector<uint8_t>& bytes) const override;
  // Polls (MessageChannel::receive).
  std::optional<ReceivedMessage> receive(int source, int tag, std::chrono::milliseconds timeout,
                                         std::chrono::microseconds max_pause) const override;

 private:
  friend class SharedWindow;
  explicit Communicator(std::shared_ptr<MPI_Comm> comm) : comm_(std::move(comm)) {}
  // Takes over a communicator that MPI created for us; freed with the last copy.
  static Communicator owning(MPI_Comm comm);
  std::shared_ptr<MPI_Comm> comm_;
};

}  // namespace hpsweep
