#include "janus_process.hpp"

#include <unistd.h>

#include <csignal>
#include <stdexcept>

#ifndef ORBIT_SOURCE_DIR
#error "ORBIT_SOURCE_DIR must name the repository (for scripts/janus.sh)"
#endif

namespace orbit::test {

JanusProcess::JanusProcess()
    : port_(freeLoopbackPort()),
      config_(std::filesystem::temp_directory_path() /
              ("orbit-janus-" + std::to_string(getpid()) + "-" + std::to_string(port_))) {
  start();
}

JanusProcess::~JanusProcess() {
  kill();
  std::error_code ec;
  std::filesystem::remove_all(config_, ec);
}

void JanusProcess::start() {
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      std::string(ORBIT_SOURCE_DIR) + "/scripts/janus.sh", config_.string(), "--ws-port", std::to_string(port_),
      "--run"});
  const auto deadline = ChildProcess::Clock::now() + std::chrono::seconds(15);
  while (auto line = process_->nextLine(deadline)) {
    if (line->find("JANUS WebSockets transport plugin initialized") != std::string::npos) return;
  }
  const std::string output = process_->output();
  process_.reset();
  throw std::runtime_error("Janus did not start on port " + std::to_string(port_) + ":\n" + output);
}

void JanusProcess::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  (void)process_->wait(std::chrono::seconds(5));
  process_.reset();
}

}  // namespace orbit::test
