#include "server_process.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#ifndef ORBIT_SERVER_BIN
#error "ORBIT_SERVER_BIN must name the orbit-server executable"
#endif

namespace orbit::test {
namespace {

std::vector<std::string> serverArgs(unsigned short port,
                                    const std::vector<std::string>& extraArgs) {
  std::vector<std::string> args{ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port",
                                std::to_string(port)};
  if (std::find(extraArgs.begin(), extraArgs.end(), "--log-level") == extraArgs.end()) {
    args.insert(args.end(), {"--log-level", "debug"});  // the log is kept for failing tests
  }
  // Memory only unless the test gives a data directory (or Redis): tests never share one, nor leave one.
  const auto given = [&](const char* flag) {
    return std::any_of(extraArgs.begin(), extraArgs.end(),
                       [flag](const std::string& arg) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; });
  };
  if (!given("--data-dir") && !given("--ephemeral") && !given("--redis")) args.push_back("--ephemeral");
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  return args;
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extraArgs,
                             std::chrono::milliseconds startTimeout, unsigned short port)
    : process_(std::make_unique<ChildProcess>(serverArgs(port, extraArgs))) {
  process_->keepErrors(std::getenv("ORBIT_KEEP_SERVER_LOGS") != nullptr);
  // The first line on stdout is "listening http://127.0.0.1:PORT".
  const std::optional<std::string> line =
      process_->nextLine(ChildProcess::Clock::now() + startTimeout);
  const std::string prefix = "listening ";
  if (!line || line->rfind(prefix, 0) != 0 || line->rfind(':') == std::string::npos) {
    stop(SIGKILL);
    throw std::runtime_error("orbit-server did not start: stdout \"" + line.value_or("") +
                             "\", log:\n" + log());
  }
  url_ = line->substr(prefix.size());
  port_ = static_cast<unsigned short>(std::stoi(url_.substr(url_.rfind(':') + 1)));
}

ServerProcess::~ServerProcess() {
  if (running_) stop(SIGKILL);
}

std::optional<int> ServerProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (!running_) return std::nullopt;
  running_ = false;
  process_->signal(signal);
  return process_->wait(timeout);
}

std::string ServerProcess::log() const {
  return process_->errors();
}

}  // namespace orbit::test
