// The HTTP side: room API, passwords and tokens, guest limits, health, metrics and the
// web client's static files.
#include "server_process.hpp"
#include "slug.hpp"
#include "url.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace orbit::test;
namespace fs = std::filesystem;

namespace {

struct TempWebRoot {
  fs::path root;
  fs::path outside;
  TempWebRoot() {
    const fs::path base = fs::temp_directory_path() / ("orbit-web-" + std::to_string(::getpid()) + "-" +
                                                       std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    root = base / "web";
    outside = base / "secret.txt";
    fs::create_directories(root / "assets");
    std::ofstream(root / "index.html") << "<!doctype html><title>Orbit</title>";
    std::ofstream(root / "orbit.js") << "console.log('orbit')";
    std::ofstream(root / "orbit.wasm") << std::string("\0asm\x01\0\0\0", 8);
    std::ofstream(root / "assets" / "style.css") << "body{}";
    std::ofstream(outside) << "top secret";
  }
  ~TempWebRoot() { fs::remove_all(root.parent_path()); }
};

}  // namespace

TEST_CASE("the room API creates, lists and refuses duplicate rooms", "[integration][api]") {
  ServerProcess server;
  auto created = httpRequest(server.port(), "POST", "/api/rooms",
                             R"({"name":"Team Sync!","public":true,"guest_limit":4})");
  CHECK(created.status == 201);
  CHECK(created.json()["room_id"] == "team-sync");
  CHECK(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"team sync"})").status == 409);
  CHECK(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"Hidden"})").status == 201);
  auto bad = httpRequest(server.port(), "POST", "/api/rooms", "{oops");
  CHECK(bad.status == 400);
  CHECK_THAT(bad.json()["error"].get<std::string>(), Catch::Contains("invalid JSON"));

  WsClient a(server.port(), "/room/team-sync/ws");
  a.learnId();
  auto list = httpRequest(server.port(), "GET", "/api/rooms");
  REQUIRE(list.status == 200);
  CHECK_THAT(list.contentType, Catch::Contains("application/json"));
  const Json rooms = list.json();
  REQUIRE(rooms.size() == 1);  // "hidden" is not public
  CHECK(rooms[0]["room_id"] == "team-sync");
  CHECK(rooms[0]["name"] == "Team Sync!");
  CHECK(rooms[0]["clients"] == 1);
  CHECK(rooms[0]["guest_limit"] == 4);
  CHECK(rooms[0]["has_password"] == false);
}

TEST_CASE("a password room admits a WebSocket only with a join token for that room", "[integration][api][password]") {
  ServerProcess server;
  auto created = httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"vault","password":"open sesame"})");
  REQUIRE(created.status == 201);
  CHECK(created.json().contains("token"));
  httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"other","password":"other pw"})");

  CHECK_THROWS_WITH(WsClient(server.port(), "/room/vault/ws"), Catch::Contains("401"));
  CHECK_THROWS_WITH(WsClient(server.port(), "/room/vault/ws?token=123.abc"), Catch::Contains("401"));

  auto wrong = httpRequest(server.port(), "POST", "/api/rooms/vault/join", R"({"password":"guess"})");
  CHECK(wrong.status == 401);
  CHECK(httpRequest(server.port(), "POST", "/api/rooms/nowhere/join", R"({"password":"x"})").status == 404);

  auto right = httpRequest(server.port(), "POST", "/api/rooms/vault/join", R"({"password":"open sesame"})");
  REQUIRE(right.status == 200);
  const std::string token = right.json()["token"];

  WsClient a(server.port(), "/room/vault/ws?token=" + token);
  CHECK(a.learnId().size() == 32);
  // Single-room: the vault's token does not open another protected room.
  CHECK_THROWS_WITH(WsClient(server.port(), "/room/other/ws?token=" + token), Catch::Contains("401"));

  auto listed = httpRequest(server.port(), "GET", "/metrics");
  CHECK_THAT(listed.body, Catch::Contains("orbit_connected_clients 1"));
}

TEST_CASE("a join token in Sec-WebSocket-Protocol opens a password room, and the answer selects orbit alone",
          "[integration][api][password]") {
  ServerProcess server;
  auto created = httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"vault","password":"open sesame"})");
  REQUIRE(created.status == 201);
  const std::string token = created.json()["token"];
  const HttpHeaders upgrade{{"Connection", "Upgrade"},
                            {"Upgrade", "websocket"},
                            {"Sec-WebSocket-Version", "13"},
                            {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  const auto offering = [&](const std::string& protocols) {
    HttpHeaders headers = upgrade;
    headers["Sec-WebSocket-Protocol"] = protocols;
    return httpRequest(server.port(), "GET", "/room/vault/ws", headers);
  };

  const HttpResult opened = offering("orbit, orbit-token." + token);
  CHECK(opened.status == 101);
  // The one subprotocol selected is "orbit": the token is never sent back.
  CHECK(opened.header("sec-websocket-protocol") == "orbit");

  // A wrong or missing token gets the very refusal the query form gets.
  const HttpResult wrong = offering("orbit, orbit-token.123.abc");
  const HttpResult wrongInQuery = httpRequest(server.port(), "GET", "/room/vault/ws?token=123.abc", upgrade);
  CHECK(wrong.status == 401);
  CHECK(wrong.body == wrongInQuery.body);
  CHECK(wrong.json()["error"] == wrongInQuery.json()["error"]);
  const HttpResult none = offering("orbit");
  CHECK(none.status == 401);
  CHECK(none.body == httpRequest(server.port(), "GET", "/room/vault/ws", upgrade).body);
  // The header's token wins over one in the query.
  CHECK(httpRequest(server.port(), "GET", "/room/vault/ws?token=" + token,
                    [&] {
                      HttpHeaders headers = upgrade;
                      headers["Sec-WebSocket-Protocol"] = "orbit, orbit-token.123.abc";
                      return headers;
                    }())
            .status == 401);

  // Old clients: the query form still opens it, and selects no subprotocol it was not offered.
  const HttpResult old = httpRequest(server.port(), "GET", "/room/vault/ws?token=" + token, upgrade);
  CHECK(old.status == 101);
  CHECK(old.header("sec-websocket-protocol").empty());
  // A client that offers the token without "orbit" is let in; nothing is selected for it.
  const HttpResult tokenOnly = offering("orbit-token." + token);
  CHECK(tokenOnly.status == 101);
  CHECK(tokenOnly.header("sec-websocket-protocol").empty());

  const std::string log = server.log();
  CHECK_THAT(log, Catch::Contains("authentication failed") && Catch::Contains("reason=bad_token"));
  CHECK(log.find(token) == std::string::npos);
}

TEST_CASE("a full room refuses the upgrade with 403 and a JSON reason", "[integration][api][limits]") {
  ServerProcess server;
  REQUIRE(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"pair","guest_limit":2})").status == 201);
  WsClient a(server.port(), "/room/pair/ws");
  WsClient b(server.port(), "/room/pair/ws");
  a.learnId();
  b.learnId();
  try {
    WsClient c(server.port(), "/room/pair/ws");
    FAIL("a third client got into a room for two");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("403"));
    CHECK_THAT(what, Catch::Contains("\"error\"") && Catch::Contains("full"));
  }
  b.close();
  // Once someone leaves, there is room again.
  a.waitFor([](const Json& m) { return m.value("type", "") == "room-info" && m["data"]["clients"].size() == 1; });
  WsClient c(server.port(), "/room/pair/ws");
  CHECK(c.learnId().size() == 32);
}

TEST_CASE("an implicit room vanishes when empty, while a created one stays", "[integration][rooms]") {
  ServerProcess server;
  REQUIRE(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"kept","public":true})").status == 201);
  {
    WsClient a(server.port(), "/room/fleeting/ws");
    WsClient k(server.port(), "/room/kept/ws");
    a.learnId();
    k.learnId();
    CHECK(httpRequest(server.port(), "GET", "/healthz").json()["rooms"] == 2);
    for (WsClient* c : {&a, &k}) {
      c->send({{"type", "bye"}, {"receiver", "ground control"}});
      CHECK(c->waitClosed());
    }
  }
  const Json health = httpRequest(server.port(), "GET", "/healthz").json();
  CHECK(health["rooms"] == 1);
  CHECK(health["clients"] == 0);
  const Json rooms = httpRequest(server.port(), "GET", "/api/rooms").json();
  REQUIRE(rooms.size() == 1);
  CHECK(rooms[0]["room_id"] == "kept");
  CHECK(rooms[0]["clients"] == 0);
}

TEST_CASE("/metrics speaks the Prometheus text format", "[integration][metrics]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/m/ws");
  WsClient b(server.port(), "/room/m/ws");
  a.learnId();
  b.learnId();
  a.send({{"receiver", "room"}, {"type", "text"}, {"data", {{"from", "a"}, {"time", 1}, {"text", "x"}}}});
  b.waitForType("text");
  a.sendText("not json");
  a.waitForType("error");
  auto m = httpRequest(server.port(), "GET", "/metrics");
  REQUIRE(m.status == 200);
  CHECK_THAT(m.contentType, Catch::StartsWith("text/plain"));
  CHECK_THAT(m.body, Catch::Contains("# TYPE orbit_connected_clients gauge\norbit_connected_clients 2\n"));
  CHECK_THAT(m.body, Catch::Contains("orbit_rooms 1\n"));
  CHECK_THAT(m.body, Catch::Contains("orbit_messages_relayed_total 2\n"));
  CHECK_THAT(m.body, Catch::Contains("orbit_errors_sent_total 1\n"));
}

TEST_CASE("the web client is served with the right types and nothing outside the web root is",
          "[integration][static]") {
  TempWebRoot web;
  ServerProcess server({"--web-root", web.root.string()});
  fs::create_symlink(web.outside, web.root / "escape.txt");

  auto index = httpRequest(server.port(), "GET", "/");
  CHECK(index.status == 200);
  CHECK_THAT(index.contentType, Catch::StartsWith("text/html"));
  CHECK_THAT(index.body, Catch::Contains("<title>Orbit</title>"));
  auto room = httpRequest(server.port(), "GET", "/room/standup?name=Ann");
  CHECK(room.status == 200);
  CHECK(room.body == index.body);
  auto wasm = httpRequest(server.port(), "GET", "/orbit.wasm");
  CHECK(wasm.status == 200);
  CHECK(wasm.contentType == "application/wasm");
  CHECK(wasm.body.size() == 8);
  CHECK_THAT(httpRequest(server.port(), "GET", "/orbit.js").contentType, Catch::StartsWith("text/javascript"));
  CHECK_THAT(httpRequest(server.port(), "GET", "/assets/style.css").contentType, Catch::StartsWith("text/css"));

  for (const char* attack : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt",
                             "/%2E%2E%2Fsecret.txt", "/escape.txt", "/index.html%00.js", "/..%5csecret.txt",
                             "/room/../../secret.txt"}) {
    INFO(attack);
    auto r = httpRequest(server.port(), "GET", attack);
    CHECK(r.status == 404);
    CHECK_THAT(r.body, !Catch::Contains("top secret"));
  }
  CHECK(httpRequest(server.port(), "GET", "/missing.js").status == 404);
  CHECK(httpRequest(server.port(), "DELETE", "/orbit.js").status == 405);
}

TEST_CASE("a file named after its content is kept by browsers for good, and every other file is revalidated",
          "[integration][static]") {
  TempWebRoot web;
  std::ofstream(web.root / "orbit.0123456789abcdef.wasm") << std::string("\0asm\x01\0\0\0", 8);
  std::ofstream(web.root / "orbit.0123456789abcdef.wasm.gz") << "gzip of it";
  std::ofstream(web.root / "orbit.0123456789ABCDEF.wasm") << "not a hash: upper case";
  std::ofstream(web.root / "orbit.0123456789abcde.wasm") << "not a hash: 15 digits";
  ServerProcess server({"--web-root", web.root.string()});
  const auto cacheOf = [&](const std::string& target, const HttpHeaders& headers = {}) {
    const auto reply = httpRequest(server.port(), "GET", target, headers);
    CHECK(reply.status == 200);
    return reply.header("cache-control");
  };
  const std::string forGood = "public, max-age=31536000, immutable";
  CHECK(cacheOf("/orbit.0123456789abcdef.wasm") == forGood);
  CHECK(cacheOf("/orbit.0123456789abcdef.wasm", {{"Accept-Encoding", "gzip"}}) == forGood);
  for (const char* target : {"/", "/room/standup", "/orbit.js", "/orbit.wasm", "/orbit.0123456789ABCDEF.wasm",
                             "/orbit.0123456789abcde.wasm"}) {
    INFO(target);
    CHECK(cacheOf(target) == "no-cache");
  }
  CHECK(httpRequest(server.port(), "GET", "/api/rooms").header("cache-control") == "no-cache");
}

TEST_CASE("the web client goes out compressed to browsers that take it, and a repeat visit downloads nothing",
          "[integration][static]") {
  TempWebRoot web;
  // As the build leaves them: orbit.wasm with orbit.wasm.gz and orbit.wasm.br beside it (the
  // contents stand in for compressed bytes: the server sends the file, it does not compress).
  std::ofstream(web.root / "orbit.wasm.gz") << "gzip of orbit.wasm";
  std::ofstream(web.root / "orbit.wasm.br") << "brotli of orbit.wasm";
  std::ofstream(web.root / "orbit.js.gz") << "gzip of orbit.js";
  ServerProcess server({"--web-root", web.root.string()});
  const auto get = [&](const std::string& target, const HttpHeaders& headers, const char* method = "GET") {
    return httpRequest(server.port(), method, target, headers);
  };

  const auto chromium = get("/orbit.wasm", {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  CHECK(chromium.status == 200);
  CHECK(chromium.body == "brotli of orbit.wasm");
  CHECK(chromium.header("content-encoding") == "br");
  CHECK(chromium.contentType == "application/wasm");
  CHECK_THAT(chromium.header("vary"), Catch::Contains("Accept-Encoding"));
  const auto gzip = get("/orbit.wasm", {{"Accept-Encoding", "gzip"}});
  CHECK(gzip.body == "gzip of orbit.wasm");
  CHECK(gzip.header("content-encoding") == "gzip");
  CHECK(get("/orbit.wasm", {{"Accept-Encoding", "br;q=0, gzip;q=0.5"}}).body == "gzip of orbit.wasm");
  CHECK(get("/orbit.wasm", {{"Accept-Encoding", "*"}}).body == "brotli of orbit.wasm");
  CHECK(get("/orbit.wasm", {{"Accept-Encoding", "BR"}}).body == "brotli of orbit.wasm");
  CHECK(get("/orbit.js", {{"Accept-Encoding", "gzip, br"}}).body == "gzip of orbit.js");  // no .br beside it
  for (const char* refuses : {"identity", "gzip;q=0, br;q=0.000", "deflate", "*;q=0"}) {
    INFO(refuses);
    const auto plain = get("/orbit.wasm", {{"Accept-Encoding", refuses}});
    CHECK(plain.body.size() == 8);
    CHECK(plain.header("content-encoding").empty());
  }
  const auto none = get("/orbit.wasm", {});
  CHECK(none.body.size() == 8);
  CHECK(none.header("content-encoding").empty());
  const auto head = get("/orbit.wasm", {{"Accept-Encoding", "gzip"}}, "HEAD");
  CHECK(head.header("content-encoding") == "gzip");
  CHECK(head.header("content-length") == std::to_string(gzip.body.size()));

  // A repeat visit: the browser names what it has, and gets a 304 with no body.
  const std::string etag = chromium.header("etag");
  REQUIRE(etag.size() > 2);
  CHECK(etag != gzip.header("etag"));
  CHECK(etag != none.header("etag"));
  const auto again = get("/orbit.wasm", {{"Accept-Encoding", "gzip, br"}, {"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("etag") == etag);
  CHECK(get("/orbit.wasm", {{"Accept-Encoding", "gzip, br"}, {"If-None-Match", "\"x\", W/" + etag}}).status == 304);
  CHECK(get("/orbit.wasm", {{"Accept-Encoding", "gzip"}, {"If-None-Match", etag}}).status == 200);
  const auto index = get("/", {});
  CHECK(get("/room/standup", {{"If-None-Match", index.header("etag")}}).status == 304);

  // A new build: a changed file is a 200 with a new ETag, and a compressed copy older than its
  // file (a file edited in place after the build) is never sent.
  std::ofstream(web.root / "orbit.wasm") << std::string("\0asm\x01\0\0\0new build", 17);
  fs::last_write_time(web.root / "orbit.wasm", fs::last_write_time(web.root / "orbit.wasm.br") + std::chrono::hours(1));
  const auto rebuilt = get("/orbit.wasm", {{"Accept-Encoding", "gzip, br"}, {"If-None-Match", etag}});
  CHECK(rebuilt.status == 200);
  CHECK(rebuilt.body.size() == 17);
  CHECK(rebuilt.header("content-encoding").empty());
  CHECK(rebuilt.header("etag") != etag);
}

TEST_CASE("rooms named in any script get readable ids, which reach the API, the page and the WebSocket",
          "[integration][api][slug]") {
  ServerProcess server;
  const std::string japanese = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x83\x81\xE3\x83\xBC\xE3\x83\xA0";  // 日本語チーム
  const std::string russian = "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBA\xD0\xBE\xD0\xBC\xD0\xB0\xD0\xBD\xD0\xB4\xD0\xB0";
  const std::string russianId = "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82-\xD0\xBA\xD0\xBE\xD0\xBC\xD0\xB0\xD0\xBD\xD0\xB4\xD0\xB0";
  auto created = httpRequest(server.port(), "POST", "/api/rooms",
                             Json{{"name", japanese}, {"public", true}}.dump());
  REQUIRE(created.status == 201);
  CHECK(created.json()["room_id"] == japanese);
  created = httpRequest(server.port(), "POST", "/api/rooms", Json{{"name", russian}}.dump());
  REQUIRE(created.status == 201);
  CHECK(created.json()["room_id"] == russianId);
  created = httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"Caf\u00e9 Cr\u00e8me"})");
  REQUIRE(created.status == 201);
  CHECK(created.json()["room_id"] == "cafe-creme");

  const auto status = httpRequest(server.port(), "GET", "/api/rooms/" + orbit::percentEncode(russianId));
  REQUIRE(status.status == 200);
  CHECK(status.json()["exists"] == true);
  CHECK(status.json()["room_id"] == russianId);
  CHECK(httpRequest(server.port(), "POST", "/api/rooms/" + orbit::percentEncode(russianId) + "/join", "{}").status == 200);

  WsClient a(server.port(), "/room/" + orbit::percentEncode(russianId) + "/ws");
  a.learnId();
  a.send({{"type", "get-room-info"}, {"receiver", "ground control"}});
  const auto info = a.waitForType("room-info");
  REQUIRE(info);
  CHECK((*info)["data"]["room_id"] == russianId);

  const auto list = httpRequest(server.port(), "GET", "/api/rooms");
  REQUIRE(list.json().size() == 1);
  CHECK(list.json()[0]["room_id"] == japanese);
  CHECK(list.json()[0]["name"] == japanese);
  // An id that is not one (upper case, which slugify would have lowered) is refused.
  CHECK(httpRequest(server.port(), "GET", "/api/rooms/%D0%9F").status == 400);
}

TEST_CASE("with --base-path the page, the files, the API and the WebSockets are served under it, and nothing else is",
          "[integration][base-path]") {
  TempWebRoot web;
  const std::string page = "<!doctype html><base href=\"/\"><script src=\"orbit.js\"></script>";
  std::ofstream(web.root / "index.html") << page;
  ServerProcess server({"--web-root", web.root.string(), "--base-path", "/orbit/"});
  const auto port = server.port();

  // The page, for the lobby and for a room, with its base pointing under the prefix.
  for (const char* path : {"/orbit/", "/orbit/room/abc", "/orbit/room/abc/"}) {
    CAPTURE(path);
    const HttpResult got = httpRequest(port, "GET", path);
    CHECK(got.status == 200);
    CHECK(got.body == "<!doctype html><base href=\"/orbit/\"><script src=\"orbit.js\"></script>");
    CHECK_THAT(got.contentType, Catch::StartsWith("text/html"));
  }
  const HttpResult pageAnswer = httpRequest(port, "GET", "/orbit/");
  REQUIRE_FALSE(pageAnswer.header("etag").empty());
  CHECK(httpRequest(port, "GET", "/orbit/", HttpHeaders{{"If-None-Match", pageAnswer.header("etag")}}).status == 304);
  CHECK(httpRequest(port, "HEAD", "/orbit/room/abc").header("content-length") ==
        std::to_string(pageAnswer.body.size()));

  // Without the trailing slash, the page's relative URLs would miss the prefix: a redirect.
  const HttpResult bare = httpRequest(port, "GET", "/orbit?name=Ann");
  CHECK(bare.status == 301);
  CHECK(bare.header("location") == "/orbit/?name=Ann");

  CHECK(httpRequest(port, "GET", "/orbit/orbit.js").body == "console.log('orbit')");
  CHECK(httpRequest(port, "GET", "/orbit/assets/style.css").status == 200);
  CHECK(httpRequest(port, "POST", "/orbit/api/rooms", R"({"name":"Under a prefix","public":true})").status == 201);
  const HttpResult listed = httpRequest(port, "GET", "/orbit/api/rooms");
  CHECK(listed.status == 200);
  CHECK(listed.json()[0]["room_id"] == "under-a-prefix");
  CHECK(upgradeStatus(port, "/orbit/room/under-a-prefix/ws") == 101);
  WsClient client(port, "/orbit/room/abc/ws");
  CHECK(client.learnId().size() == 32);
  CHECK(httpRequest(port, "GET", "/orbit/api/rooms/abc").json()["clients"] == 1);

  // Outside the prefix: 404 saying why, for files, the API and WebSockets alike.
  for (const char* path : {"/", "/orbit.js", "/room/abc", "/api/rooms", "/orbitx/", "/orbitx/orbit.js"}) {
    CAPTURE(path);
    const HttpResult outside = httpRequest(port, "GET", path);
    CHECK(outside.status == 404);
    CHECK_THAT(outside.json()["error"].get<std::string>(), Catch::Contains("--base-path /orbit"));
  }
  CHECK(upgradeStatus(port, "/room/abc/ws") == 404);
  // Monitoring on orbit-server's own port finds /healthz, /readyz and /metrics at the root too.
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/orbit/healthz", "/orbit/metrics"}) {
    CAPTURE(path);
    CHECK(httpRequest(port, "GET", path).status == 200);
  }
  CHECK_THAT(server.log(), Catch::Contains("base-path=/orbit"));
}

TEST_CASE("without --base-path the page is served as it is, byte for byte", "[integration][base-path]") {
  TempWebRoot web;
  const std::string page = "<!doctype html><base href=\"/\"><script src=\"orbit.js\"></script>";
  std::ofstream(web.root / "index.html") << page;
  ServerProcess server({"--web-root", web.root.string()});
  CHECK(httpRequest(server.port(), "GET", "/room/abc").body == page);
  CHECK(httpRequest(server.port(), "GET", "/orbit/").status == 404);
}
