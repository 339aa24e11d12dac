#pragma once

#include "child_process.hpp"

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace orbit::test {

// A real orbit-server child process on 127.0.0.1 with a free port (--port 0). The
// constructor returns once the server has printed its "listening" line.
class ServerProcess {
 public:
  // `port` 0 lets the system pick; a test that restarts a server passes the port of the
  // first run so its clients find the second one at the same address.
  explicit ServerProcess(std::vector<std::string> extraArgs = {},
                         std::chrono::milliseconds startTimeout = std::chrono::seconds(20),
                         unsigned short port = 0);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  const std::string& url() const { return url_; }
  // Sends `signal` and waits for the exit; returns the exit code, or nothing on a timeout
  // or death by signal.
  std::optional<int> stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Sends `signal` without waiting (stop() then waits for the exit).
  void signal(int signal) { process_->signal(signal); }
  bool running() const { return running_; }
  // Everything the server logged to stderr so far (kept after the test when
  // ORBIT_KEEP_SERVER_LOGS is set).
  std::string log() const;

 private:
  std::unique_ptr<ChildProcess> process_;
  bool running_ = true;
  unsigned short port_ = 0;
  std::string url_;
};

}  // namespace orbit::test
