#include "child_process.hpp"

#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace orbit::test {
namespace {

std::string tempFile(int& fd) {
  char name[] = "/tmp/orbit-child-XXXXXX";
  fd = mkstemp(name);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  return name;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> args) {
  int outFd = -1;
  int errFd = -1;
  outPath_ = tempFile(outFd);
  errPath_ = tempFile(errFd);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(outFd, STDOUT_FILENO);
    dup2(errFd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(outFd);
  close(errFd);
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
}

ChildProcess::~ChildProcess() {
  if (!waited_) {
    signal(SIGKILL);
    wait(std::chrono::seconds(5));
  }
  if (pidfd_ >= 0) close(pidfd_);
  unlink(outPath_.c_str());
  unlink(errPath_.c_str());
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (waited_) return exitCode_;
  pollfd p{pidfd_, POLLIN, 0};
  if (pidfd_ < 0 || poll(&p, 1, static_cast<int>(timeout.count())) <= 0) kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  waited_ = true;
  if (WIFEXITED(status)) exitCode_ = WEXITSTATUS(status);
  return exitCode_;
}

void ChildProcess::signal(int signal) {
  if (!waited_) kill(pid_, signal);
}

std::string ChildProcess::output() const { return readFile(outPath_); }

std::string ChildProcess::errors() const { return readFile(errPath_); }

}  // namespace orbit::test
