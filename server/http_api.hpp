#pragma once

#include "chat_manager.hpp"
#include "connection_limits.hpp"
#include "origin_policy.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace orbit {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query
  std::string body;
  std::string origin;  // the Origin header; empty when there was none
  std::string host;    // the Host header
  std::string clientAddress;  // TrustedProxies::clientAddress's answer
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The JSON API, /healthz and /metrics of docs/protocol.md, on plain request and response
// values, so it is tested without sockets; the bodies are shared/api's. One route beyond the
// original protocol, additive:
// `GET /api/rooms/<id>` → 200 {room_id, exists, has_password}, so that a page opened at
// /room/<id> learns whether to ask for a password, private rooms included.
class HttpApi {
 public:
  using Reply = std::function<void(HttpResponse)>;
  // Runs `work` away from the I/O thread, then `then` back on it. Password hashing
  // goes through here: it is slow on purpose and must not stall other clients.
  using Offload = std::function<void(std::function<void()> work, std::function<void()> then)>;

  // Keeps a room just made through the API (on disk, or in Redis), off the I/O thread, then
  // calls `done` on it: nullopt when kept; else the refusal, and the room is undone (a 409
  // from a cluster whose other instance made the same room at the same moment, a 500 when
  // the store failed). Empty: rooms live in memory only.
  using KeepRoom = std::function<void(const std::string& id, const RoomSettings& settings,
                                      std::function<void(std::optional<Refusal>)> done)>;

  HttpApi(ChatManager& manager, Offload offload, OriginPolicy origins = OriginPolicy(), KeepRoom keep = {});

  // True for the paths this API answers (everything else is a static file).
  static bool handles(const std::string& path);
  // Every answer carries the CORS headers of `origins`; an OPTIONS request is a preflight.
  // A request from a page whose origin may not use this server gets 403.
  void handle(const HttpRequest& request, Reply reply);
  const OriginPolicy& origins() const { return origins_; }
  // What keeps the server from serving now (GET /readyz: 503 naming them; none: 200).
  using Readiness = std::function<std::vector<std::string>()>;
  void setReadiness(Readiness readiness) { readiness_ = std::move(readiness); }
  // More of /metrics: the process's figures and the sockets' traffic, which the logic does not see.
  void setExtraMetrics(std::function<std::string()> extra) { extraMetrics_ = std::move(extra); }
  // Whether a WebSocket from this client address would be refused by a connection limit now
  // (ConnectionLimits::peek): GET /api/rooms/<id> then answers with that refusal, the one
  // place a browser page whose WebSocket was refused can read why.
  using ConnectionGate = std::function<std::optional<LimitRefusal>(const std::string& address)>;
  void setConnectionGate(ConnectionGate gate) { gate_ = std::move(gate); }

 private:
  void route(const HttpRequest& request, Reply reply);
  void createRoom(const std::string& body, Reply reply);
  void describeRoom(const std::string& roomId, const HttpRequest& request, Reply reply);
  void joinRoom(const std::string& roomId, const HttpRequest& request, Reply reply);

  ChatManager& manager_;
  Offload offload_;
  OriginPolicy origins_;
  KeepRoom keep_;
  Readiness readiness_;
  std::function<std::string()> extraMetrics_;
  ConnectionGate gate_;
};

}  // namespace orbit
