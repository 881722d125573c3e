// A workaround for Open MPI 4.1 with PMIx 4.2 (Debian 12): the PMIx client's TCP connection to
// its local server (mpirun's or orted's) keeps Nagle's algorithm on. MPI_Finalize's exchange
// with the server sends a small message while an earlier one is still unacknowledged, so it
// waits for the server's delayed acknowledgement: about 40 ms at the end of every rank, with
// 1, 2 or 3 ranks and as a singleton (strace; with quick acknowledgements on the loopback
// route, MPI_Finalize takes 5 ms instead of 48). docs/cluster-performance.md has the figures.
#pragma once

namespace hpsweep {

// Sets TCP_NODELAY on every TCP socket the process has open. Called right after MPI_Init,
// when the only ones are MPI's own; turning Nagle off changes latency, never what arrives.
// Best effort: a socket that refuses is left as it is.
void disable_nagle_on_open_tcp_sockets();

}  // namespace hpsweep
