#pragma once

#include "chat_manager.hpp"
#include "client_address.hpp"
#include "connection_limits.hpp"
#include "http_api.hpp"
#include "traffic_metrics.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace orbit {

class RedisCluster;

// What one listener's port serves: everything, or with --metrics-listen, the app without
// /metrics on the app port and /metrics (with /healthz and /readyz) alone on the other.
enum class Serves { Everything, AllButMetrics, MetricsOnly };

// What every session shares; owned by the Server, which outlives all sessions.
struct ServerContext {
  ChatManager& manager;
  HttpApi& api;
  std::filesystem::path webRoot;
  // Cluster mode only: where a WebSocket takes its seat before it opens.
  RedisCluster* cluster = nullptr;
  // Called after a WebSocket client has left, so shutdown can finish once the last one goes.
  std::function<void()> afterLeave;
  // Who may say, in X-Forwarded-For or Forwarded, which client a request comes from.
  const TrustedProxies& proxies;
  TrafficMetrics& traffic;
  Serves serves = Serves::Everything;
  // --base-path: every path of the app comes with it ("/orbit"), and the session takes it off.
  std::string basePath = {};
  // The caps on WebSockets per address and in all; none on a port that opens no WebSocket.
  ConnectionLimits* limits = nullptr;
};

}  // namespace orbit
