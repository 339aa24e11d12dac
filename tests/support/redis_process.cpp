#include "redis_process.hpp"

#include <csignal>
#include <stdexcept>

namespace orbit::test {

RedisProcess::RedisProcess() : port_(freeLoopbackPort()) { start(); }

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
