#pragma once

#include "handshake.hpp"
#include "http_api.hpp"
#include "logger.hpp"
#include "net.hpp"
#include "redis_cluster.hpp"
#include "server_context.hpp"
#include "slug.hpp"
#include "static_files.hpp"
#include "url.hpp"
#include "version.hpp"
#include "websocket_session.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace orbit {

// The room id in "/room/<id>/ws", or nothing for any other path.
std::optional<std::string> webSocketRoom(std::string_view path);

// One HTTP connection: serves the API and static files, and hands a WebSocket upgrade
// for /room/<id>/ws to a WebSocketSession once the room admits it.
template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream&& stream, ServerContext& context) : stream_(std::move(stream)), context_(context) {}

  void run() {
    beast::error_code ec;
    const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) peer_ = peer.address().is_v6() && peer.address().to_v6().is_v4_mapped()
                         ? peer.address().to_v6().to_v4().to_string()
                         : peer.address().to_string();
    if constexpr (kIsTls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(15));
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&HttpSession::onHandshake, this->shared_from_this()));
    } else {
      doRead();
    }
  }

 private:
  static constexpr std::size_t kMaxBodyBytes = 16 * 1024;

  void onHandshake(beast::error_code ec) {
    if (ec) {
      if (!isQuietError(ec)) log(LogLevel::Debug, "TLS handshake failed: ", ec.message());
      return;
    }
    doRead();
  }

  void doRead() {
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    parser_->header_limit(8 * 1024);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::onRead, this->shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t bytes) {
    context_.traffic.received(TrafficMetrics::Protocol::Http, bytes);
    route_ = "static";  // until the request says otherwise
    if (ec == http::error::end_of_stream) return doShutdown();
    if (ec) {
      if (ec == http::error::body_limit) return sendError(http::status::payload_too_large, "request body too large", false);
      if (!isQuietError(ec)) log(LogLevel::Debug, "http read failed: ", ec.message());
      return;
    }
    auto request = parser_->release();
    const std::string target(request.target());
    const auto q = target.find('?');
    std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    // Behind a proxy at --base-path the app's paths come with it: /orbit/room/x is /room/x.
    bool outsideBase = false;
    if (!context_.basePath.empty() && context_.serves != Serves::MetricsOnly) {
      const std::string& base = context_.basePath;
      if (path.size() > base.size() && path.compare(0, base.size(), base) == 0 && path[base.size()] == '/') {
        path.erase(0, base.size());
      } else if (path == base) {
        // The page's relative URLs need the slash: /orbit → /orbit/.
        route_ = TrafficMetrics::routeOf("/", false);
        return sendApiResponse(HttpResponse{301, "application/json", dumpJson(Json{{"location", base + "/"}}),
                                            {{"Location", base + "/" + (q == std::string::npos ? "" : target.substr(q))}}},
                               request.keep_alive(), false);
      } else {
        // Monitoring asks orbit-server's own port, where the root is as good as the base.
        outsideBase = path != "/healthz" && path != "/readyz" && path != "/metrics";
      }
    }
    std::string origin(request[http::field::origin]);
    std::string host(request[http::field::host]);
    const std::string forwarded = headerLines(request, "Forwarded");
    const std::string forwardedFor = headerLines(request, "X-Forwarded-For");
    client_ = context_.proxies.clientAddress(peer_, forwarded, forwardedFor);
    if ((!forwarded.empty() || !forwardedFor.empty()) && context_.limits && context_.limits->perAddressLimited() &&
        !context_.proxies.trusts(IpAddress::parse(peer_).value_or(IpAddress{})) && context_.limits->firstUntrustedForwarder()) {
      // nginx without --trusted-proxy: every client would be this one address, and share its limits.
      log(LogLevel::Warn, "a request from ", peer_,
          " names its client in X-Forwarded-For or Forwarded, but ", peer_,
          " is no --trusted-proxy: if it is your reverse proxy, every client behind it counts as ", peer_,
          " for --max-connections-per-ip and --connection-rate-per-ip; pass --trusted-proxy ", peer_,
          " (said once)");
    }
    const bool upgrading = websocket::is_upgrade(request);
    route_ = TrafficMetrics::routeOf(path, upgrading);
    if (context_.serves == Serves::MetricsOnly && route_ != "/metrics" && route_ != "/healthz" && route_ != "/readyz") {
      return sendError(http::status::not_found, "this port (--metrics-listen) serves /metrics, /healthz and /readyz only",
                       request.keep_alive());
    }
    if (context_.serves == Serves::AllButMetrics && route_ == "/metrics") {
      return sendError(http::status::not_found, "/metrics is served on the --metrics-listen address", request.keep_alive());
    }
    cors_ = context_.api.origins().corsHeaders(origin, host);
    if (outsideBase) {
      const std::string why = "not found: " + path.substr(0, 100) + " (this server serves under --base-path " +
                              context_.basePath + ")";
      if (upgrading) {
        context_.manager.upgradeRefused(client_, path.substr(0, 100), UpgradeRefusal::NotFound, why, Clock::now());
      }
      return sendError(http::status::not_found, why, request.keep_alive() && !upgrading);
    }

    if (upgrading) return upgrade(std::move(request), path, query, origin, host);

    if (HttpApi::handles(path)) {
      HttpRequest apiRequest{std::string(request.method_string()), path, std::move(request.body()),
                             std::move(origin), std::move(host), client_};
      const bool keepAlive = request.keep_alive();
      const bool head = request.method() == http::verb::head;
      context_.api.handle(apiRequest, [self = this->shared_from_this(), keepAlive, head](HttpResponse r) {
        self->sendApiResponse(std::move(r), keepAlive, head);
      });
      return;
    }
    serveFile(request, path);
  }

  void upgrade(http::request<http::string_body> request, const std::string& path, const std::string& query,
               const std::string& origin, const std::string& host) {
    auto room = webSocketRoom(path);
    if (!room) {
      context_.manager.upgradeRefused(client_, path.substr(0, 100), UpgradeRefusal::NotFound, "no such WebSocket path",
                                      Clock::now());
      return sendError(http::status::not_found, "WebSockets open at /room/<room id>/ws", request.keep_alive());
    }
    if (!context_.api.origins().admits(origin, host)) {
      context_.manager.upgradeRefused(client_, *room, UpgradeRefusal::Origin,
                                      "origin " + origin.substr(0, 100) + " is not allowed", Clock::now());
      return sendError(http::status::forbidden, OriginPolicy::refusal(origin), false);
    }
    // Before the room's checks, which cost more: a flood is turned away first.
    auto slot = std::make_shared<ConnectionLimits::Slot>();
    if (context_.limits) {
      auto admitted = context_.limits->admit(client_, Clock::now());
      if (auto* refused = std::get_if<LimitRefusal>(&admitted)) {
        context_.manager.upgradeRefused(client_, *room, refused->kind, refused->reason, Clock::now());
        return sendRefusal(*refused);
      }
      *slot = std::move(std::get<ConnectionLimits::Slot>(admitted));
    }
    // The token in Sec-WebSocket-Protocol (docs/protocol.md), or in the query as older
    // clients send it; the header wins.
    const OfferedSubprotocols offered = parseSubprotocols(headerLines(request, "Sec-WebSocket-Protocol"));
    const std::string token = offered.token ? *offered.token : queryParam(query, "token").value_or("");
    if (auto refusal = context_.manager.admit(*room, token)) {
      context_.manager.upgradeRefused(client_, *room, ChatManager::classify(*refusal, !token.empty()), refusal->reason,
                                      Clock::now());
      return sendError(static_cast<http::status>(refusal->status), refusal->reason, false);
    }
    if (!context_.cluster) {
      return openWebSocket(std::move(request), std::move(*room), std::nullopt, std::move(*slot), offered.orbit);
    }
    // Across instances the room's limit holds only if the place is taken in Redis first.
    const std::size_t capacity = context_.manager.describe(*room).capacity;
    context_.cluster->seat(*room, capacity,
                           [self = this->shared_from_this(), request = std::move(request), room = *room, slot,
                            orbit = offered.orbit](
                               RedisCluster::SeatOutcome outcome) mutable {
                             if (outcome.refusal) {
                               self->context_.manager.upgradeRefused(self->client_, room, UpgradeRefusal::RoomFull,
                                                                     outcome.refusal->reason, Clock::now());
                               return self->sendError(static_cast<http::status>(outcome.refusal->status),
                                                      outcome.refusal->reason, false);
                             }
                             self->openWebSocket(std::move(request), std::move(room), outcome.seat, std::move(*slot),
                                                 orbit);
                           });
  }

  // `orbit`: the client offered the subprotocol "orbit", which the answer then selects.
  void openWebSocket(http::request<http::string_body> request, std::string room, std::optional<Seat> seat,
                     ConnectionLimits::Slot slot, bool orbit) {
    context_.traffic.request(route_, 101);
    beast::get_lowest_layer(stream_).expires_never();
    std::make_shared<WebSocketSession<Stream>>(std::move(stream_), context_, std::move(room), seat, std::move(client_),
                                               std::move(slot))
        ->run(std::move(request), orbit);
  }

  void serveFile(const http::request<http::string_body>& request, const std::string& path) {
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      return sendError(http::status::method_not_allowed, "only GET and HEAD serve files", request.keep_alive());
    }
    auto file = resolveStaticFile(context_.webRoot, path);
    if (!file) return sendError(http::status::not_found, "not found: " + path.substr(0, 100), request.keep_alive());
    if (!context_.basePath.empty() && file->mimeType.substr(0, 9) == "text/html") {
      if (auto page = pageUnderBasePath(*file, context_.basePath)) return servePage(request, *file, std::move(*page));
    }

    // The copy compressed at build time when the browser takes it; an unchanged file is a
    // 304 by its ETag, so a repeat visit downloads nothing.
    const FileVariant variant = chooseVariant(*file, request[http::field::accept_encoding]);
    const auto describe = [&](auto& res) {
      decorate(res, file->mimeType, request.keep_alive());
      res.set(http::field::cache_control, cacheControlFor(file->path));
      res.set(http::field::etag, variant.etag);
      const std::string vary(res[http::field::vary]);  // CORS may have set Vary: Origin
      res.set(http::field::vary, vary.empty() ? "Accept-Encoding" : vary + ", Accept-Encoding");
      if (!variant.encoding.empty()) res.set(http::field::content_encoding, variant.encoding);
    };
    if (etagMatches(request[http::field::if_none_match], variant.etag)) {
      http::response<http::empty_body> res{http::status::not_modified, request.version()};
      describe(res);
      res.erase(http::field::content_type);
      return send(std::move(res));
    }
    beast::error_code ec;
    http::file_body::value_type body;
    body.open(variant.path.c_str(), beast::file_mode::scan, ec);
    if (ec) return sendError(http::status::not_found, "not found: " + path.substr(0, 100), request.keep_alive());
    const auto size = body.size();
    if (request.method() == http::verb::head) {
      http::response<http::empty_body> res{http::status::ok, request.version()};
      describe(res);
      res.content_length(size);
      return send(std::move(res));
    }
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, request.version())};
    describe(res);
    res.content_length(size);
    send(std::move(res));
  }

  // A page made for the base path (pageUnderBasePath): from memory, never compressed.
  void servePage(const http::request<http::string_body>& request, const StaticFile& file, RewrittenPage page) {
    const auto describe = [&](auto& res) {
      decorate(res, file.mimeType, request.keep_alive());
      res.set(http::field::cache_control, cacheControlFor(file.path));
      res.set(http::field::etag, page.etag);
    };
    if (etagMatches(request[http::field::if_none_match], page.etag)) {
      http::response<http::empty_body> res{http::status::not_modified, request.version()};
      describe(res);
      res.erase(http::field::content_type);
      return send(std::move(res));
    }
    if (request.method() == http::verb::head) {
      http::response<http::empty_body> res{http::status::ok, request.version()};
      describe(res);
      res.content_length(page.body.size());
      return send(std::move(res));
    }
    http::response<http::string_body> res{http::status::ok, request.version()};
    describe(res);
    res.body() = std::move(page.body);
    res.prepare_payload();
    send(std::move(res));
  }

  // Every answer carries the CORS headers for the request's origin (cors_), so a page of
  // another origin that may embed Orbit can load its files and read its answers.
  template <class Response>
  void decorate(Response& res, std::string_view contentType, bool keepAlive) {
    static const std::string server = "orbit-server/" + std::string(buildVersion());
    res.set(http::field::server, server);
    if (!contentType.empty()) res.set(http::field::content_type, contentType);
    for (const auto& [name, value] : cors_) res.set(name, value);
    // Always revalidated: a file's ETag makes that a 304 while it is unchanged, and a page never
    // runs with an orbit.js of another build than its orbit.wasm.
    res.set(http::field::cache_control, "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(keepAlive);
  }

  void sendApiResponse(HttpResponse r, bool keepAlive, bool head) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    decorate(res, r.contentType, keepAlive);
    for (auto& [name, value] : r.headers) res.set(name, value);
    if (!head) res.body() = std::move(r.body);
    // A 204 has no body and must not say how long it is.
    if (r.status != 204) res.prepare_payload();
    send(std::move(res));
  }

  // Over a connection limit: the connection closes after the answer, which says when to try
  // again where the server knows.
  void sendRefusal(const LimitRefusal& refused) {
    const std::size_t seconds = refused.retryAfter ? static_cast<std::size_t>(refused.retryAfter->count()) : 0;
    HttpResponse r{refused.status, "application/json", dumpJson(toJson(ErrorReply{refused.reason, seconds})), {}};
    if (seconds > 0) r.headers.emplace_back("Retry-After", std::to_string(seconds));
    sendApiResponse(std::move(r), false, false);
  }

  void sendError(http::status status, const std::string& message, bool keepAlive) {
    sendApiResponse(HttpResponse{static_cast<int>(status), "application/json",
                                 dumpJson(Json{{"error", message}}), {}},
                    keepAlive, false);
  }

  template <class Body>
  void send(http::response<Body>&& res) {
    auto owned = std::make_shared<http::response<Body>>(std::move(res));
    context_.traffic.request(route_, owned->result_int());
    const bool close = owned->need_eof();
    http::async_write(stream_, *owned,
                      [self = this->shared_from_this(), owned, close](beast::error_code ec, std::size_t bytes) {
                        self->context_.traffic.sent(TrafficMetrics::Protocol::Http, bytes);
                        self->onWrite(close, ec);
                      });
  }

  void onWrite(bool close, beast::error_code ec) {
    if (ec) {
      if (!isQuietError(ec)) log(LogLevel::Debug, "http write failed: ", ec.message());
      return;
    }
    if (close) return doShutdown();
    doRead();
  }

  void doShutdown() {
    if constexpr (kIsTls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  // Every line of header `name`, joined with commas (a proxy may add a line of its own).
  static std::string headerLines(const http::request<http::string_body>& request, std::string_view name) {
    std::string out;
    for (auto [it, end] = request.equal_range(name); it != end; ++it) {
      if (!out.empty()) out += ", ";
      out += std::string(it->value());
    }
    return out;
  }

  Stream stream_;
  std::string peer_;    // the TCP peer's address
  std::string client_;  // the client's, for the request being answered (TrustedProxies)
  std::string_view route_ = "static";  // TrafficMetrics::routeOf the request being answered
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HeaderList cors_;  // for the request being answered
  ServerContext& context_;
};

}  // namespace orbit
