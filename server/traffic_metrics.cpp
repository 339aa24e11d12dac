#include "traffic_metrics.hpp"

#include <sstream>

namespace orbit {

std::string_view TrafficMetrics::routeOf(std::string_view path, bool upgrade) {
  if (upgrade) return "/room/:id/ws";
  for (std::string_view fixed : {"/healthz", "/readyz", "/metrics", "/api/rooms"}) {
    if (path == fixed) return fixed;
  }
  constexpr std::string_view rooms = "/api/rooms/";
  if (path.substr(0, rooms.size()) == rooms) {
    const std::string_view rest = path.substr(rooms.size());
    const auto slash = rest.find('/');
    if (!rest.empty() && slash == std::string_view::npos) return "/api/rooms/:id";
    if (slash != std::string_view::npos && slash > 0 && rest.substr(slash) == "/join") return "/api/rooms/:id/join";
  }
  if (path == "/api" || path.substr(0, 5) == "/api/") return "/api/other";
  return "static";
}

std::string TrafficMetrics::text() const {
  std::ostringstream out;
  out << "# HELP orbit_http_requests_total HTTP requests answered, by route and status code (101: WebSocket opened).\n"
         "# TYPE orbit_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "orbit_http_requests_total{route=\"" << key.first << "\",code=\"" << key.second << "\"} " << n << '\n';
  }
  const char* protocols[] = {"http", "websocket"};
  out << "# HELP orbit_received_bytes_total Bytes received from clients: HTTP requests, WebSocket message payloads.\n"
         "# TYPE orbit_received_bytes_total counter\n";
  for (std::size_t i = 0; i < 2; ++i) out << "orbit_received_bytes_total{protocol=\"" << protocols[i] << "\"} " << in_[i] << '\n';
  out << "# HELP orbit_sent_bytes_total Bytes sent to clients: HTTP responses, WebSocket message payloads.\n"
         "# TYPE orbit_sent_bytes_total counter\n";
  for (std::size_t i = 0; i < 2; ++i) out << "orbit_sent_bytes_total{protocol=\"" << protocols[i] << "\"} " << out_[i] << '\n';
  return out.str();
}

}  // namespace orbit
