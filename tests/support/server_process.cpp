#include "server_process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef ORBIT_SERVER_BIN
#error "ORBIT_SERVER_BIN must name the orbit-server executable"
#endif

namespace orbit::test {
namespace {

int msLeft(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extraArgs, std::chrono::milliseconds startTimeout,
                             unsigned short port) {
  char logTemplate[] = "/tmp/orbit-server-test-XXXXXX";
  const int logFd = mkstemp(logTemplate);
  if (logFd < 0) throw std::runtime_error("mkstemp failed");
  logPath_ = logTemplate;

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  std::vector<std::string> args{ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", std::to_string(port)};
  if (std::find(extraArgs.begin(), extraArgs.end(), "--log-level") == extraArgs.end()) {
    args.insert(args.end(), {"--log-level", "debug"});  // the log is kept for failing tests
  }
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(logFd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  close(logFd);
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));

  // Wait for "listening http://127.0.0.1:PORT" on the child's stdout.
  const auto deadline = std::chrono::steady_clock::now() + startTimeout;
  std::string buffer;
  while (buffer.find('\n') == std::string::npos) {
    pollfd p{out[0], POLLIN, 0};
    const int ready = poll(&p, 1, msLeft(deadline));
    if (ready <= 0) break;
    char chunk[256];
    const ssize_t n = read(out[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  close(out[0]);
  const auto pos = buffer.find("listening ");
  const auto colon = buffer.rfind(':');
  if (pos == std::string::npos || colon == std::string::npos) {
    stop(SIGKILL);
    throw std::runtime_error("orbit-server did not start: stdout \"" + buffer + "\", log:\n" + log());
  }
  url_ = buffer.substr(pos + 10, buffer.find('\n') - pos - 10);
  port_ = static_cast<unsigned short>(std::stoi(url_.substr(url_.rfind(':') + 1)));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
  if (pidfd_ >= 0) close(pidfd_);
  if (!logPath_.empty() && !std::getenv("ORBIT_KEEP_SERVER_LOGS")) unlink(logPath_.c_str());
}

std::optional<int> ServerProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, signal);
  // Waits on the process's pidfd: woken by the exit itself, not by polling.
  pollfd p{pidfd_, POLLIN, 0};
  if (pidfd_ >= 0 && poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
    kill(pid_, SIGKILL);
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return std::nullopt;
}

std::string ServerProcess::log() const {
  std::ifstream in(logPath_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace orbit::test
