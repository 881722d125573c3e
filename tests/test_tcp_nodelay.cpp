// cluster/tcp_nodelay.h: after the call, the process's TCP sockets send without Nagle's
// algorithm; other sockets are left alone.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster/tcp_nodelay.h"

namespace hpsweep {
namespace {

int nodelay(int fd) {
  int value = -1;
  socklen_t length = sizeof value;
  EXPECT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
  return value;
}

TEST(TcpNodelay, TurnsNagleOffOnTcpSocketsOnly) {
  const int tcp4 = socket(AF_INET, SOCK_STREAM, 0);
  const int tcp6 = socket(AF_INET6, SOCK_STREAM, 0);
  const int udp = socket(AF_INET, SOCK_DGRAM, 0);
  int local[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, local), 0);
  ASSERT_GE(tcp4, 0);
  EXPECT_EQ(nodelay(tcp4), 0);  // Nagle is on by default
  disable_nagle_on_open_tcp_sockets();
  EXPECT_NE(nodelay(tcp4), 0);
  if (tcp6 >= 0) {  // hosts without IPv6 cannot open one
    EXPECT_NE(nodelay(tcp6), 0);
  }
  // Neither a UDP nor a Unix socket takes TCP options: both still refuse them.
  int value = 0;
  socklen_t length = sizeof value;
  EXPECT_NE(getsockopt(udp, IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
  EXPECT_NE(getsockopt(local[0], IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
  for (int fd : {tcp4, tcp6, udp, local[0], local[1]})
    if (fd >= 0) close(fd);
}

}  // namespace
}  // namespace hpsweep
