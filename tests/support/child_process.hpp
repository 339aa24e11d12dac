#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace orbit::test {

// A program run as a child process with its standard output and error kept in temporary
// files, for tests that start clients (orbit-bot) beside a server.
class ChildProcess {
 public:
  // args[0] is the executable's path.
  explicit ChildProcess(std::vector<std::string> args);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits for the exit, woken by the exit itself; kills the child when `timeout` passes
  // first. Returns the exit code, or nothing on a timeout or death by signal.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  void signal(int signal);

  std::string output() const;  // standard output so far
  std::string errors() const;  // standard error so far

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> exitCode_;
  bool waited_ = false;
  std::string outPath_;
  std::string errPath_;
};

}  // namespace orbit::test
