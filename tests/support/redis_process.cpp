#include "redis_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

namespace orbit::test {
namespace {

// redis-server has no "pick a free port" of its own: ask the kernel for one.
unsigned short freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free port for redis-server");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

RedisProcess::RedisProcess() : port_(freePort()) { start(); }

RedisProcess::~RedisProcess() {
  if (process_) {
    process_->signal(SIGKILL);
    (void)process_->wait(std::chrono::seconds(5));
  }
}

void RedisProcess::start() {
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      "redis-server", "--bind", "127.0.0.1", "--port", std::to_string(port_), "--save", "", "--appendonly", "no",
      "--daemonize", "no", "--logfile", ""});
  const auto deadline = ChildProcess::Clock::now() + std::chrono::seconds(10);
  while (auto line = process_->nextLine(deadline)) {
    if (line->find("Ready to accept connections") != std::string::npos) return;
  }
  const std::string output = process_->output();
  process_.reset();
  throw std::runtime_error("redis-server did not start on port " + std::to_string(port_) + ":\n" + output);
}

void RedisProcess::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  (void)process_->wait(std::chrono::seconds(10));
  process_.reset();
}

}  // namespace orbit::test
