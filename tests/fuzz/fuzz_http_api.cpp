// HTTP request handling: any bytes on a connection, read by Beast's parser with the server's
// limits, then routed as HttpSession does (target split into path and query, Origin, Host,
// Forwarded / X-Forwarded-For through TrustedProxies, upgrade admission, the JSON API, the
// static file look-up). Checked on every request:
//   - the API answers exactly once (or hands a password to the hashing thread and waits);
//   - the status is one the API documents, and a JSON body is JSON that the client's parser
//     of that route reads (an error body as an error);
//   - a room the API says it made exists, and a token it hands out opens the room;
//   - the client address is an IP address, and a static file never lies outside the root.
#include <utility>  // before Asio (TOOLCHAIN.md)

#include "api.hpp"
#include "auth.hpp"
#include "chat_manager.hpp"
#include "client_address.hpp"
#include "codec.hpp"
#include "fuzz_check.hpp"
#include "handshake.hpp"
#include "http_api.hpp"
#include "logger.hpp"
#include "origin_policy.hpp"
#include "static_files.hpp"
#include "traffic_metrics.hpp"
#include "url.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

using namespace orbit;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::filesystem::path webRoot;
std::string protectedHash;  // "secret", hashed once: hashing is slow on purpose

std::string headerLines(const http::request<http::string_body>& request, std::string_view name) {
  std::string out;
  for (auto [it, end] = request.equal_range(name); it != end; ++it) {
    if (!out.empty()) out += ", ";
    out += std::string(it->value());
  }
  return out;
}

bool within(const std::filesystem::path& root, const std::filesystem::path& file) {
  const auto r = std::filesystem::weakly_canonical(root);
  const auto f = std::filesystem::weakly_canonical(file);
  auto [end, _] = std::mismatch(r.begin(), r.end(), f.begin(), f.end());
  return end == r.end();
}

// The reply must be what the API promises for the route, read by the client's own parsers.
void checkReply(ChatManager& manager, const HttpRequest& request, const HttpResponse& r) {
  static const std::set<int> documented{200, 201, 204, 400, 401, 403, 404, 405, 409, 503};
  const std::string what = request.method + " " + request.path + " → " + std::to_string(r.status) + " " + r.body;
  ORBIT_FUZZ_CHECK(documented.count(r.status), what);
  if (r.contentType != "application/json") return;
  ORBIT_FUZZ_CHECK(parseJson(r.body).ok(), what);
  if (r.status >= 400) {
    ORBIT_FUZZ_CHECK(parseErrorReply(r.body).ok(), what);
    return;
  }
  const std::string& path = request.path;
  if (path == "/api/rooms" && request.method == "POST") {
    auto reply = parseCreateRoomReply(r.body);
    ORBIT_FUZZ_CHECK(reply.ok() && r.status == 201, what);
    ORBIT_FUZZ_CHECK(manager.room(reply->roomId.str()) != nullptr, "made but not there: " + what);
  } else if (path == "/api/rooms") {
    ORBIT_FUZZ_CHECK(parsePublicRooms(r.body).ok(), what);
  } else if (path.size() > 5 && path.compare(path.size() - 5, 5, "/join") == 0 && path.rfind("/api/rooms/", 0) == 0) {
    auto token = parseTokenReply(r.body);
    ORBIT_FUZZ_CHECK(token.ok(), what);
    const std::string room = percentDecode(path.substr(11, path.size() - 16)).value_or("");
    const auto refused = manager.admit(room, token->token);
    ORBIT_FUZZ_CHECK(!refused || refused->status == 403, "the token does not open the room: " + what);
  } else if (path.rfind("/api/rooms/", 0) == 0) {
    ORBIT_FUZZ_CHECK(parseRoomStatus(r.body).ok(), what);
  }
}

void handle(ChatManager& manager, HttpApi& api, const TrustedProxies& proxies, http::request<http::string_body> request) {
  const std::string target(request.target());
  const auto q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
  const std::string origin(request[http::field::origin]);
  const std::string host(request[http::field::host]);
  const std::string client =
      proxies.clientAddress("127.0.0.1", headerLines(request, "Forwarded"), headerLines(request, "X-Forwarded-For"));
  ORBIT_FUZZ_CHECK(IpAddress::parse(client).has_value(), client);
  const bool upgrading = beast::iequals(request[http::field::upgrade], "websocket");
  (void)TrafficMetrics::routeOf(path, upgrading);
  (void)api.origins().corsHeaders(origin, host);

  if (upgrading) {
    constexpr std::string_view prefix = "/room/", suffix = "/ws";
    if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
      return;
    }
    const auto room = percentDecode(std::string_view(path).substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
    if (!room || !api.origins().admits(origin, host)) return;
    // The token in Sec-WebSocket-Protocol, or in the query; the header wins.
    const OfferedSubprotocols offered = parseSubprotocols(headerLines(request, "Sec-WebSocket-Protocol"));
    const std::string token = offered.token ? *offered.token : queryParam(query, "token").value_or("");
    if (auto refusal = manager.admit(*room, token)) {
      manager.upgradeRefused(client, *room, ChatManager::classify(*refusal, !token.empty()), refusal->reason, TimePoint{});
    }
    return;
  }
  if (HttpApi::handles(path)) {
    HttpRequest apiRequest{std::string(request.method_string()), path, std::move(request.body()), origin, host, client};
    int replies = 0;
    api.handle(apiRequest, [&](HttpResponse r) {
      ++replies;
      checkReply(manager, apiRequest, r);
    });
    ORBIT_FUZZ_CHECK(replies <= 1, apiRequest.method + " " + path + ": answered twice");
    return;
  }
  if (auto file = resolveStaticFile(webRoot, path)) {
    ORBIT_FUZZ_CHECK(within(webRoot, file->path), path + " → " + file->path.string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setLogLevel(LogLevel::Off);
  webRoot = std::filesystem::temp_directory_path() / ("orbit-fuzz-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(webRoot / "assets");
  std::ofstream(webRoot / "index.html") << "<!doctype html>";
  std::ofstream(webRoot / "assets" / "orbit.js") << "//";
  std::ofstream(std::filesystem::temp_directory_path() / "orbit-fuzz-outside.txt") << "outside";
  protectedHash = hashPassword("secret");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  ManagerConfig config;
  config.unixNow = [] { return std::int64_t{1'700'000'000}; };
  config.tokenSecret = "token secret";
  config.maxRoomSize = 3;
  ChatManager manager(std::move(config));
  // A password room, a public room and a full one, for the routes to find.
  (void)manager.createRoom(CreateRoomRequest{"Locked", true, 0, {}}, protectedHash, TimePoint{});
  (void)manager.createRoom(CreateRoomRequest{"Open Room", true, 2, {}}, std::nullopt, TimePoint{});
  (void)manager.createRoom(CreateRoomRequest{"Tiny", false, 1, {}}, std::nullopt, TimePoint{});

  // The first byte chooses the server's settings: an origin allow-list, trusted proxies.
  const std::uint8_t settings = bytes[0];
  OriginPolicy origins(settings & 1 ? std::vector<std::string>{"https://orbit.example"} : std::vector<std::string>{});
  auto proxies = TrustedProxies::parse(settings & 2 ? std::vector<std::string>{"127.0.0.0/8", "::1"}
                                                    : std::vector<std::string>{});
  ORBIT_FUZZ_CHECK(proxies.ok(), "proxies");
  // Hashing runs on another thread in the server; here it never finishes: the request waits.
  HttpApi api(manager, [](std::function<void()>, std::function<void()>) {}, origins);

  beast::flat_buffer buffer;
  if (size > 1) {
    auto into = buffer.prepare(size - 1);
    std::memcpy(into.data(), bytes + 1, size - 1);
    buffer.commit(size - 1);
  }
  for (int requests = 0; requests < 8 && buffer.size() > 0; ++requests) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(16 * 1024);
    parser.header_limit(8 * 1024);
    parser.eager(true);
    beast::error_code ec;
    while (!parser.is_done() && !ec) {
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      // The input is all there is: the connection ends after it.
      if (ec == http::error::need_more || (!ec && used == 0)) {
        ec = {};
        parser.put_eof(ec);
        break;
      }
    }
    if (ec || !parser.is_done()) break;
    handle(manager, api, *proxies, parser.release());
  }
  return 0;
}
