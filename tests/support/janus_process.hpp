#pragma once

#include "child_process.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace orbit::test {

// Debian's Janus on 127.0.0.1 and a free port, with the configuration scripts/janus.sh
// writes into a folder of its own. The constructor returns once its WebSocket API listens.
class JanusProcess {
 public:
  JanusProcess();
  ~JanusProcess();
  JanusProcess(const JanusProcess&) = delete;
  JanusProcess& operator=(const JanusProcess&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_); }
  void signal(int signal) { process_->signal(signal); }
  // Kills it, then starts it again on the same port (a Janus that crashed and came back).
  void kill();
  void start();

 private:
  unsigned short port_;
  std::filesystem::path config_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace orbit::test
