#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace orbit {

// What the sockets carried, for /metrics: HTTP requests by route and status code, and bytes
// in and out by protocol. The routes are a fixed set (routeOf), so the series are bounded
// whatever paths clients ask for. One I/O thread updates it, so it needs no lock.
class TrafficMetrics {
 public:
  enum class Protocol { Http, WebSocket };

  // The label of `path`: "/healthz", "/readyz", "/metrics", "/api/rooms", "/api/rooms/:id",
  // "/api/rooms/:id/join", "/api/other", "/room/:id/ws" (with `upgrade`, or any path a
  // WebSocket upgrade asks for), or "static" for everything else.
  static std::string_view routeOf(std::string_view path, bool upgrade);

  void request(std::string_view route, int status) { ++requests_[{std::string(route), status}]; }
  // HTTP: request and response bytes, headers included; WebSocket: message payloads. Counted
  // inside TLS, where there is TLS.
  void received(Protocol protocol, std::size_t bytes) { in_[index(protocol)] += bytes; }
  void sent(Protocol protocol, std::size_t bytes) { out_[index(protocol)] += bytes; }

  // orbit_http_requests_total, orbit_received_bytes_total and orbit_sent_bytes_total.
  std::string text() const;

 private:
  static std::size_t index(Protocol p) { return p == Protocol::Http ? 0 : 1; }
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::array<std::uint64_t, 2> in_{};
  std::array<std::uint64_t, 2> out_{};
};

}  // namespace orbit
