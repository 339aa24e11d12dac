#include "config.hpp"
#include "logger.hpp"
#include "server.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  auto outcome = orbit::parseConfig(argc, argv, [](const char* name) { return std::getenv(name); });
  if (!outcome.config) {
    (outcome.exitCode == 0 ? std::cout : std::cerr) << outcome.message << std::endl;
    return outcome.exitCode;
  }
  orbit::setLogLevel(outcome.config->logLevel);
  orbit::setLogFormat(outcome.config->logFormat);
  for (const auto& warning : outcome.warnings) orbit::log(orbit::LogLevel::Warn, warning);
  try {
    orbit::Server server(std::move(*outcome.config));
    // Tests and scripts wait for this line to learn the port (--port 0 picks a free one).
    std::cout << "listening " << server.url() << std::endl;
    if (const std::string metrics = server.metricsUrl(); !metrics.empty()) std::cout << "metrics " << metrics << std::endl;
    return server.run();
  } catch (const std::exception& e) {
    std::cerr << "orbit-server: " << e.what() << std::endl;
    return 1;
  }
}
