#pragma once

#include "chat_manager.hpp"
#include "client_address.hpp"
#include "connection_limits.hpp"
#include "logger.hpp"
#include "result.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace orbit {

// --redis redis://HOST:PORT[/DB]
struct RedisAddress {
  std::string host;
  std::uint16_t port = 6379;
  int db = 0;
  std::string text() const;
};
Result<RedisAddress> parseRedisAddress(std::string_view url);

// --janus ws://HOST:PORT[/PATH]: Janus's WebSocket API.
struct JanusAddress {
  std::string host;
  std::string port;
  std::string path = "/";
  std::string text() const { return "ws://" + host + ":" + port + path; }
};
Result<JanusAddress> parseJanusAddress(std::string_view url);

// --metrics-listen HOST:PORT ([IPv6]:PORT).
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string text() const;
};
Result<ListenAddress> parseListenAddress(std::string_view text);

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::filesystem::path webRoot;
  bool webRootGiven = false;  // --web-root was set: /readyz needs its index.html
  // The path a reverse proxy serves Orbit under, e.g. "/orbit" (--base-path); empty: the site's
  // root. Requests come with it, and the server takes it off.
  std::string basePath;
  std::string tlsCert;
  std::string tlsKey;
  // Origins whose pages may embed Orbit (normalised); empty: every origin.
  std::vector<std::string> allowedOrigins;
  LogLevel logLevel = LogLevel::Info;
  LogFormat logFormat = LogFormat::Text;
  // Whose X-Forwarded-For and Forwarded headers name the client (--trusted-proxy).
  TrustedProxies trustedProxies;
  // Where the rooms made through the API and the token secret are kept (SQLite); empty:
  // --ephemeral, in memory only.
  std::filesystem::path dataDir = "orbit-data";
  // Cluster mode: instances sharing rooms through this Redis, which is then the store (in
  // place of dataDir).
  std::optional<RedisAddress> redis;
  // Media forwarding: Janus, and the room size from which rooms use it (0: every room).
  std::optional<JanusAddress> janus;
  std::size_t sfuFrom = 5;
  // Where /metrics is served instead of the app's port (--metrics-listen).
  std::optional<ListenAddress> metricsListen;
  // After SIGTERM: how long /readyz says 503 while the server still listens and serves.
  Duration shutdownDelay{};
  ManagerConfig manager;
  // WebSockets per client address, new ones per second per address, and in all.
  ConnectionLimitsConfig limits;
};

struct ConfigOutcome {
  std::optional<ServerConfig> config;  // set: run with it
  std::string message;                 // --help text, or what is wrong
  int exitCode = 0;                    // when there is no config: 0 after --help, 2 on a bad flag
  std::vector<std::string> warnings;   // with a config: said once logging is set up
};

// Reads the command line, then ORBIT_* environment variables for flags not given there
// (--web-root <-> ORBIT_WEB_ROOT; a repeatable flag's variable takes a comma-separated list).
// `getenv` is a parameter so tests need not touch the process environment.
ConfigOutcome parseConfig(int argc, const char* const* argv,
                          const std::function<const char*(const char*)>& getenv);

// A flag that has an environment twin: --<name> and <env>.
struct ConfigFlag {
  const char* name;
  const char* env;
};

// Every such flag parseConfig reads, as --help documents them.
std::span<const ConfigFlag> configFlags();

// --base-path /orbit: "/orbit" (one trailing slash dropped; "" for "/" or nothing), or why not.
Result<std::string> parseBasePath(std::string_view text);

// The web client build next to this program (build-web/web in a source tree), if any.
std::filesystem::path defaultWebRoot();

}  // namespace orbit
