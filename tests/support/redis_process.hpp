#pragma once

#include "child_process.hpp"

#include <memory>
#include <string>

namespace orbit::test {

// A throwaway redis-server (Debian's) on 127.0.0.1 and a free port, keeping nothing on disk.
// The constructor returns once it accepts connections.
class RedisProcess {
 public:
  RedisProcess();
  ~RedisProcess();
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  unsigned short port() const { return port_; }
  // What orbit-server's --redis takes.
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
  // Stops it (SIGTERM; with nothing saved, it comes back empty), then starts it again on the same port.
  void stop();
  void start();

 private:
  unsigned short port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace orbit::test
