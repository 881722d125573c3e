#include "cluster/communicator.h"

#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "cluster/tcp_nodelay.h"

namespace hpsweep {

void check_mpi(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(what) + ": " + std::string(text, length));
}

namespace {

int as_int(int64_t count) {
  if (count > INT_MAX) throw std::length_error("MPI message of more than 2^31 elements");
  return static_cast<int>(count);
}

// With every rank on one node, Open MPI ends up using its ob1 PML (shared memory through the
// vader BTL) anyway; naming it skips about 0.2 s that MPI_Init spends probing UCX and the MTLs
// (docs/cluster-performance.md), a fifth of a short sweep's run time. Across nodes, or when
// the user chose a PML (mpirun --mca pml X sets OMPI_MCA_pml), nothing changes.
void prefer_ob1_on_one_node() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  const char* local_size = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size && local_size && std::string(size) == local_size)
    setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
}

}  // namespace

void abort_mpi_job(int exit_code) {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);  // MPI_Abort returned: the launcher will see this process gone
}

bool launched_by_mpi() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(variable)) return true;
  return false;
}

MpiRuntime::MpiRuntime(int* argc, char*** argv) {
  prefer_ob1_on_one_node();
  int provided = 0;
  check_mpi(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as codes that check_mpi() turns into exceptions, instead of aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  disable_nagle_on_open_tcp_sockets();  // MPI_Finalize 40 ms faster (cluster/tcp_nodelay.h)
}

MpiRuntime::~MpiRuntime() {
  MPI_Finalize();
}

Communicator Communicator::world() {
  return Communicator(std::make_shared<MPI_Comm>(MPI_COMM_WORLD));
}

int Communicator::rank() const {
  int rank = 0;
  MPI_Comm_rank(*comm_, &rank);
  return rank;
}

int Communicator::size() const {
  int size = 0;
  MPI_Comm_size(*comm_, &size);
  return size;
}

Communicator Communicator::owning(MPI_Comm comm) {
  return Communicator(std::shared_ptr<MPI_Comm>(new MPI_Comm(comm), [](MPI_Comm* c) {
    MPI_Comm_free(c);
    delete c;
  }));
}

Communicator Communicator::split(int color, int key) const {
  MPI_Comm result = MPI_COMM_NULL;
  check_mpi(MPI_Comm_split(*comm_, color < 0 ? MPI_UNDEFINED : color, key, &result),
            "MPI_Comm_split");
  if (result == MPI_COMM_NULL) return Communicator(nullptr);
  return owning(result);
}

Communicator Communicator::split_by_node() const {
  MPI_Comm result = MPI_COMM_NULL;
  check_mpi(MPI_Comm_split_type(*comm_, MPI_COMM_TYPE_SHARED, rank(), MPI_INFO_NULL, &result),
            "MPI_Comm_split_type");
  return owning(result);
}

bool Communicator::on_one_node() const {
  return split_by_node().size() == size();
}

std::vector<int> Communicator::allgather(const std::vector<int>& values) const {
  std::vector<int> all(values.size() * static_cast<size_t>(size()));
  const int count = as_int(static_cast<int64_t>(values.size()));
  check_mpi(MPI_Allgather(values.data(), count, MPI_INT, all.data(), count, MPI_INT, *comm_),
            "MPI_Allgather");
  return all;
}

void Communicator::allreduce_sum(float* values, int64_t count) const {
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, values, as_int(count), MPI_FLOAT, MPI_SUM, *comm_),
            "MPI_Allreduce");
}

void Communicator::allreduce_sum(double* values, int64_t count) const {
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, values, as_int(count), MPI_DOUBLE, MPI_SUM, *comm_),
            "MPI_Allreduce");
}

MPI_Request Communicator::start_allreduce_sum(float* values, int64_t count) const {
  MPI_Request request;
  check_mpi(
      MPI_Iallreduce(MPI_IN_PLACE, values, as_int(count), MPI_FLOAT, MPI_SUM, *comm_, &request),
      "MPI_Iallreduce");
  return request;
}

void Communicator::wait_all(std::vector<MPI_Request>& requests) {
  check_mpi(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE),
            "MPI_Waitall");
  requests.clear();
}

void Communicator::broadcast(int64_t* values, int count, int root) const {
  check_mpi(MPI_Bcast(values, count, MPI_INT64_T, root, *comm_), "MPI_Bcast");
}

void Communicator::barrier() const {
  check_mpi(MPI_Barrier(*comm_), "MPI_Barrier");
}

void Communicator::send(int destination, int tag, const std::vector<uint8_t>& bytes) const {
  check_mpi(MPI_Send(bytes.data(), as_int(static_cast<int64_t>(bytes.size())), MPI_BYTE,
                     destination, tag, *comm_),
            "MPI_Send");
}

std::optional<ReceivedMessage> Communicator::receive(int source, int tag,
                                                     std::chrono::milliseconds timeout,
                                                     std::chrono::microseconds max_pause) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(20);
  while (true) {
    int waiting = 0;
    MPI_Status status;
    check_mpi(
        MPI_Iprobe(source == kAnySource ? MPI_ANY_SOURCE : source, tag, *comm_, &waiting, &status),
        "MPI_Iprobe");
    if (waiting) {
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      ReceivedMessage message{status.MPI_SOURCE, std::vector<uint8_t>(count)};
      check_mpi(MPI_Recv(message.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, tag, *comm_,
                         MPI_STATUS_IGNORE),
                "MPI_Recv");
      return message;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, max_pause);
  }
}

}  // namespace hpsweep
