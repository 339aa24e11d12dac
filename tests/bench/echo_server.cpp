// The raw ceiling for the relay benchmark: a one-threaded epoll TCP echo server.
//   orbit-bench-echo [port=0]      prints "listening tcp://127.0.0.1:PORT"
// It sends back every byte it reads, with no framing, no parsing and no allocation per
// message, so its CPU time per message (orbit-loadgen raw, the same message sizes) is
// what a relay costs in the kernel alone: a read and a write per message.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// Bytes read but not written yet, when a peer reads slower than it sends.
// Indexed by descriptor: no lookup cost beside the syscalls.
std::vector<std::string> pending;

void closeConnection(int epoll, int fd) {
  epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
  pending[static_cast<std::size_t>(fd)].clear();
  close(fd);
}

// Writes what it can; keeps the rest and asks for EPOLLOUT. False when the peer is gone.
bool writeOut(int epoll, int fd, const char* data, std::size_t size) {
  std::string& queued = pending[static_cast<std::size_t>(fd)];
  if (!queued.empty()) {
    queued.append(data, size);
    return true;
  }
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  if (size > 0) {
    queued.assign(data, size);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.fd = fd;
    epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &ev);
  }
  return true;
}

bool flush(int epoll, int fd) {
  std::string& queued = pending[static_cast<std::size_t>(fd)];
  std::size_t done = 0;
  while (done < queued.size()) {
    const ssize_t n = send(fd, queued.data() + done, queued.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  queued.erase(0, done);
  if (queued.empty()) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &ev);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  std::signal(SIGPIPE, SIG_IGN);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener, 4096) != 0) {
    std::perror("orbit-bench-echo: bind/listen");
    return 1;
  }
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("listening tcp://127.0.0.1:%d\n", ntohs(address.sin_port));
  std::fflush(stdout);

  const int epoll = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &ev);

  static char buffer[64 * 1024];
  epoll_event events[256];
  for (;;) {
    const int ready = epoll_wait(epoll, events, 256, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return 1;
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        for (;;) {
          const int client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
          if (client < 0) break;
          if (pending.size() <= static_cast<std::size_t>(client)) pending.resize(static_cast<std::size_t>(client) + 1);
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = client;
          epoll_ctl(epoll, EPOLL_CTL_ADD, client, &cev);
        }
        continue;
      }
      bool alive = true;
      if (events[i].events & EPOLLOUT) alive = flush(epoll, fd);
      if (alive && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
        const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) alive = false;
        else if (n > 0) alive = writeOut(epoll, fd, buffer, static_cast<std::size_t>(n));
      }
      if (!alive) closeConnection(epoll, fd);
    }
  }
}
