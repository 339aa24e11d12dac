#include "http_api.hpp"

#include "api.hpp"
#include "codec.hpp"
#include "logger.hpp"
#include "slug.hpp"
#include "url.hpp"
#include "version.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>

namespace orbit {
namespace {

constexpr std::string_view kRoomsPrefix = "/api/rooms/";

HttpResponse json(int status, const Json& body) {
  return HttpResponse{status, "application/json", dumpJson(body), {}};
}

HttpResponse failure(int status, std::string message) {
  return json(status, toJson(ErrorReply{std::move(message)}));
}

// A 429 or 503 that says when to try again: in Retry-After, and in the body for a page, which
// reads the body more easily than the headers.
HttpResponse refusal(int status, std::string message, std::optional<std::chrono::seconds> retryAfter) {
  const std::size_t seconds = retryAfter ? static_cast<std::size_t>(std::max<long long>(1, retryAfter->count())) : 0;
  HttpResponse r = json(status, toJson(ErrorReply{std::move(message), seconds}));
  if (seconds > 0) r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

// Whole seconds, rounded up: a client that waits that long finds the wait over.
std::chrono::seconds wholeSeconds(Duration d) {
  return std::chrono::ceil<std::chrono::seconds>(d);
}

HttpResponse wrongMethod(const char* allowed) {
  HttpResponse r = failure(405, std::string("use ") + allowed);
  r.headers.emplace_back("Allow", allowed);
  return r;
}

// Prometheus's idiom for a build: a gauge of 1 whose labels say which.
std::string buildInfoMetric() {
  auto label = [](std::string_view value) {
    std::string out;
    for (char c : value) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out;
  };
  return "# HELP orbit_build_info The version of this orbit-server and the commit it was built from.\n"
         "# TYPE orbit_build_info gauge\n"
         "orbit_build_info{version=\"" + label(buildVersion()) + "\",commit=\"" + label(buildCommit()) + "\"} 1\n";
}

// A room id outside ASCII comes percent-encoded; one that does not decode is no id ("").
std::string roomInPath(const std::string& segment) { return percentDecode(segment).value_or(""); }

}  // namespace

HttpApi::HttpApi(ChatManager& manager, Offload offload, OriginPolicy origins, KeepRoom keep)
    : manager_(manager), offload_(std::move(offload)), origins_(std::move(origins)), keep_(std::move(keep)) {}

bool HttpApi::handles(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/api" || path.rfind("/api/", 0) == 0;
}

void HttpApi::handle(const HttpRequest& request, Reply reply) {
  if (!origins_.admits(request.origin, request.host)) {
    HttpResponse refused = failure(403, OriginPolicy::refusal(request.origin));
    refused.headers = origins_.corsHeaders(request.origin, request.host);
    return reply(std::move(refused));
  }
  if (request.method == "OPTIONS") {
    return reply(HttpResponse{204, "", "", origins_.preflightHeaders(request.origin, request.host)});
  }
  route(request, [reply = std::move(reply), cors = origins_.corsHeaders(request.origin, request.host)](HttpResponse r) {
    r.headers.insert(r.headers.end(), cors.begin(), cors.end());
    reply(std::move(r));
  });
}

void HttpApi::route(const HttpRequest& request, Reply reply) {
  const std::string& path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (path == "/healthz") {
    if (!get) return reply(wrongMethod("GET"));
    return reply(json(200, {{"status", manager_.shuttingDown() ? "stopping" : "ok"},
                            {"clients", manager_.clientCount()},
                            {"rooms", manager_.roomCount()}}));
  }
  if (path == "/readyz") {
    if (!get) return reply(wrongMethod("GET"));
    const std::vector<std::string> problems = readiness_ ? readiness_() : std::vector<std::string>{};
    if (problems.empty()) return reply(json(200, {{"status", "ready"}}));
    return reply(json(503, {{"status", "not ready"}, {"problems", problems}}));
  }
  if (path == "/metrics") {
    if (!get) return reply(wrongMethod("GET"));
    std::string text = buildInfoMetric() + manager_.metricsText();
    if (extraMetrics_) text += extraMetrics_();
    return reply(HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", std::move(text), {}});
  }
  if (path == "/api/rooms") {
    if (request.method == "POST") return createRoom(request.body, std::move(reply));
    if (!get) return reply(wrongMethod("GET, POST"));
    return reply(json(200, toJson(manager_.publicRooms())));
  }
  if (path.rfind(kRoomsPrefix, 0) == 0 && path.size() > kRoomsPrefix.size() + 5 &&
      path.compare(path.size() - 5, 5, "/join") == 0) {
    const std::string roomId = roomInPath(path.substr(kRoomsPrefix.size(), path.size() - kRoomsPrefix.size() - 5));
    if (request.method != "POST") return reply(wrongMethod("POST"));
    return joinRoom(roomId, request, std::move(reply));
  }
  if (path.rfind(kRoomsPrefix, 0) == 0 && path.size() > kRoomsPrefix.size() &&
      path.find('/', kRoomsPrefix.size()) == std::string::npos) {
    if (!get) return reply(wrongMethod("GET"));
    return describeRoom(roomInPath(path.substr(kRoomsPrefix.size())), request, std::move(reply));
  }
  reply(failure(404, "no such API route: " + request.method + " " + path.substr(0, 100)));
}

void HttpApi::createRoom(const std::string& body, Reply reply) {
  auto parsed = parseCreateRoomRequest(body);
  if (!parsed) return reply(failure(400, parsed.error().message));
  CreateRoomRequest create = std::move(*parsed);
  const std::string password = std::exchange(create.password, {});  // kept out of the manager

  auto finish = [this, create, reply](std::optional<std::string> hash) {
    const bool protectedRoom = hash.has_value();
    auto outcome = manager_.createRoom(create, std::move(hash), Clock::now());
    if (auto* refusal = std::get_if<Refusal>(&outcome)) return reply(failure(refusal->status, refusal->reason));
    const std::string id = std::get<std::string>(outcome);
    // The creator knows the password already: spare them typing it again.
    auto created = [this, id, protectedRoom, reply] {
      reply(json(201, toJson(CreateRoomReply{RoomId(id), protectedRoom ? std::optional(manager_.issueToken(id))
                                                                       : std::nullopt})));
    };
    if (!keep_) return created();
    // A 201 only once the room is kept: a crash right after it loses nothing.
    keep_(id, manager_.room(id)->settings(), [this, id, reply, created](std::optional<Refusal> refused) {
      if (!refused) return created();
      if (refused->status >= 500) log(LogLevel::Error, refused->reason);
      // On a 409 the other instance's room stands, and its settings reach this one's copy.
      if (refused->status != 409) manager_.forgetRoom(id);
      reply(failure(refused->status, refused->reason));
    });
  };
  if (password.empty()) return finish(std::nullopt);
  auto hash = std::make_shared<std::string>();
  offload_([hash, password] { *hash = hashPassword(password); },
           [hash, finish] { finish(std::move(*hash)); });
}

void HttpApi::describeRoom(const std::string& roomId, const HttpRequest& request, Reply reply) {
  if (!isValidSlug(roomId)) return reply(failure(400, "invalid room id"));
  // The one refusal that overrides "always 200": the WebSocket would be refused anyway, and
  // this is where a page learns why.
  if (gate_) {
    if (auto refused = gate_(request.clientAddress)) {
      return reply(refusal(refused->status, refused->reason, refused->retryAfter));
    }
  }
  // Always 200: a page that opens /room/<id> asks before it knows whether the room exists,
  // and a room that does not exist yet is simply created by the first WebSocket.
  reply(json(200, toJson(manager_.describe(roomId))));
}

void HttpApi::joinRoom(const std::string& roomId, const HttpRequest& request, Reply reply) {
  if (!isValidSlug(roomId)) return reply(failure(400, "invalid room id"));
  auto parsed = parseJoinRequest(request.body);
  if (!parsed) return reply(failure(400, parsed.error().message));
  const std::string password = std::move(parsed->password);
  auto hash = manager_.passwordHashOf(roomId);
  if (!hash) return reply(failure(404, "no room \"" + roomId + "\""));
  auto ok = [this, roomId, reply] { reply(json(200, toJson(TokenReply{manager_.issueToken(roomId)}))); };
  if (hash->empty()) return ok();
  if (password.empty()) {
    manager_.authFailed(request.clientAddress, roomId, AuthFailure::MissingPassword, Clock::now());
    return reply(failure(401, "wrong password"));
  }
  // A missing password is no guess; any other is, and waits its turn before it is checked.
  if (auto wait = manager_.passwordAttempt(request.clientAddress, roomId, Clock::now())) {
    const auto seconds = wholeSeconds(*wait);
    return reply(refusal(429,
                         "too many wrong passwords for this room from your address: try again in " +
                             std::to_string(seconds.count()) + " s",
                         seconds));
  }
  if (password.size() > kMaxPasswordBytes) {
    manager_.passwordChecked(request.clientAddress, roomId, false, Clock::now());
    return reply(failure(401, "wrong password"));
  }
  auto verified = std::make_shared<bool>(false);
  offload_([verified, stored = *hash, password] { *verified = verifyPassword(stored, password); },
           [this, verified, ok, reply, roomId, address = request.clientAddress] {
             manager_.passwordChecked(address, roomId, *verified, Clock::now());
             if (*verified) return ok();
             reply(failure(401, "wrong password"));
           });
}

}  // namespace orbit
