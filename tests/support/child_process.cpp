#include "child_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace orbit::test {
namespace {

int msUntil(ChildProcess::Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ChildProcess::Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> args) {
  char name[] = "/tmp/orbit-child-XXXXXX";
  const int errFd = mkostemp(name, O_CLOEXEC);
  if (errFd < 0) throw std::runtime_error("mkstemp failed");
  errPath_ = name;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(errFd, STDERR_FILENO);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  close(errFd);
  outFd_ = out[0];
  fcntl(outFd_, F_SETFL, fcntl(outFd_, F_GETFL) | O_NONBLOCK);
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
}

ChildProcess::~ChildProcess() {
  if (!waited_) {
    signal(SIGKILL);
    wait(std::chrono::seconds(5));
  }
  if (pidfd_ >= 0) close(pidfd_);
  if (outFd_ >= 0) close(outFd_);
  if (!keepErrors_) unlink(errPath_.c_str());
}

bool ChildProcess::readAvailable() {
  if (outFd_ < 0) return false;
  char chunk[4096];
  while (true) {
    const ssize_t n = read(outFd_, chunk, sizeof chunk);
    if (n > 0) {
      out_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    close(outFd_);  // the end of the output, or an error that ends it just the same
    outFd_ = -1;
    return false;
  }
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (waited_) return exitCode_;
  const auto deadline = Clock::now() + timeout;
  bool exited = false;
  while (pidfd_ >= 0 && !exited) {
    pollfd fds[2] = {{pidfd_, POLLIN, 0}, {outFd_, POLLIN, 0}};
    const int ready = poll(fds, outFd_ >= 0 ? 2 : 1, msUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    if (fds[1].revents) readAvailable();
    exited = fds[0].revents != 0;
  }
  if (!exited) kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  waited_ = true;
  readAvailable();
  if (WIFEXITED(status)) exitCode_ = WEXITSTATUS(status);
  return exitCode_;
}

void ChildProcess::signal(int signal) {
  if (!waited_) kill(pid_, signal);
}

std::optional<std::string> ChildProcess::takeLine() {
  const auto end = out_.find('\n', lineStart_);
  if (end == std::string::npos) return std::nullopt;
  std::string line = out_.substr(lineStart_, end - lineStart_);
  lineStart_ = end + 1;
  return line;
}

std::optional<std::string> ChildProcess::nextLine(Clock::time_point deadline) {
  ChildProcess* self[] = {this};
  auto line = nextLine(self, deadline);
  if (!line) return std::nullopt;
  return std::move(line->second);
}

std::optional<std::pair<std::size_t, std::string>> ChildProcess::nextLine(
    std::span<ChildProcess* const> children, Clock::time_point deadline) {
  while (true) {
    std::vector<pollfd> fds;
    std::vector<std::size_t> owners;
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (auto line = children[i]->takeLine()) return std::pair{i, std::move(*line)};
      if (children[i]->outFd_ >= 0) {
        fds.push_back({children[i]->outFd_, POLLIN, 0});
        owners.push_back(i);
      }
    }
    if (fds.empty()) return std::nullopt;
    const int ready = poll(fds.data(), fds.size(), msUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents) children[owners[k]]->readAvailable();
    }
  }
}

std::string ChildProcess::output() {
  readAvailable();
  return out_;
}

std::string ChildProcess::errors() const {
  std::ifstream in(errPath_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Ran runToEnd(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  ChildProcess child(std::move(args));
  Ran ran;
  ran.code = child.wait(timeout);
  ran.output = child.output();
  ran.errors = child.errors();
  return ran;
}

unsigned short freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace orbit::test
