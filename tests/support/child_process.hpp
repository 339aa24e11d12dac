#pragma once

#include <sys/types.h>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace orbit::test {

// A program run as a child process: its standard output comes through a pipe, read line by
// line as the child writes it (or all at once); its standard error goes to a temporary
// file. Every wait has a deadline and is woken by the event itself, never by polling.
class ChildProcess {
 public:
  using Clock = std::chrono::steady_clock;

  // args[0] is the executable's path; a name without a slash is looked up in PATH.
  explicit ChildProcess(std::vector<std::string> args);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits for the exit, woken by the exit itself; kills the child when `timeout` passes
  // first. Returns the exit code, or nothing on a timeout or death by signal. Reads the
  // output meanwhile, so a chatty child never blocks on a full pipe.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  void signal(int signal);
  pid_t pid() const { return pid_; }

  // The next line of standard output not yet returned (without its newline), or nothing
  // when the child closed its output or `deadline` passed first.
  std::optional<std::string> nextLine(Clock::time_point deadline);

  std::string output();        // all of standard output so far
  std::string errors() const;  // standard error so far
  // Where standard error goes; removed with this object unless `keep`.
  const std::string& errorsPath() const { return errPath_; }
  void keepErrors(bool keep) { keepErrors_ = keep; }

  // The next line from whichever of `children` writes one first: its index in `children`
  // and the line; nothing when all have closed their output or `deadline` passed.
  static std::optional<std::pair<std::size_t, std::string>> nextLine(
      std::span<ChildProcess* const> children, Clock::time_point deadline);

 private:
  std::optional<std::string> takeLine();
  // Reads what the pipe holds without waiting; false once it reached the end.
  bool readAvailable();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int outFd_ = -1;  // -1 once the child's output ended
  std::optional<int> exitCode_;
  bool waited_ = false;
  std::string out_;
  std::size_t lineStart_ = 0;  // of the first line nextLine has not returned
  std::string errPath_;
  bool keepErrors_ = false;
};

// Runs a program to its end (or kills it after `timeout`); its exit code (nothing on a
// timeout or death by signal) and its standard output and error, in that order.
struct Ran {
  std::optional<int> code;
  std::string output;
  std::string errors;
};
Ran runToEnd(std::vector<std::string> args,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A TCP port free on 127.0.0.1 right now, for a child server that cannot pick its own
// (redis-server, Janus).
unsigned short freeLoopbackPort();

}  // namespace orbit::test
