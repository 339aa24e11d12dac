#include "auth.hpp"
#include "chat_manager.hpp"
#include "http_api.hpp"
#include "recording_connection.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using orbit::HttpApi;
using orbit::HttpRequest;
using orbit::HttpResponse;
using orbit::Json;
using orbit::parseRoomStatus;

namespace {

// An HttpApi over a real ChatManager whose offloaded work (password hashing) runs inline,
// so every reply has arrived by the time handle() returns.
struct Api {
  explicit Api(orbit::OriginPolicy origins = orbit::OriginPolicy(), HttpApi::KeepRoom keep = {})
      : api(h.manager,
            [this](std::function<void()> work, std::function<void()> then) {
              ++offloaded;
              work();
              then();
            },
            std::move(origins), std::move(keep)) {}

  orbit::testing::Harness h;
  int offloaded = 0;
  HttpApi api;

  // A request from a page of `origin` ("" for none, as curl sends) to the server at `host`.
  HttpResponse call(std::string method, std::string path, std::string body = "", std::string origin = "",
                    std::string host = "orbit.test:8080") {
    int replies = 0;
    HttpResponse out;
    api.handle(HttpRequest{std::move(method), std::move(path), std::move(body), std::move(origin), std::move(host),
                           "192.0.2.1"},
               [&](HttpResponse r) {
      ++replies;
      out = std::move(r);
    });
    REQUIRE(replies == 1);
    return out;
  }
  Json callJson(std::string method, std::string path, std::string body = "") {
    const HttpResponse r = call(std::move(method), std::move(path), std::move(body));
    CHECK(r.contentType == "application/json");
    auto parsed = Json::parse(r.body, nullptr, false);
    if (parsed.is_discarded()) FAIL("not JSON: " << r.body);
    return parsed;
  }
};

std::optional<std::string> header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

// The `error` text of a JSON failure reply; fails the test when the body is not one.
std::string errorOf(const HttpResponse& r) {
  CHECK(r.contentType == "application/json");
  const Json body = Json::parse(r.body, nullptr, false);
  REQUIRE(body.is_object());
  REQUIRE(body.contains("error"));
  REQUIRE(body["error"].is_string());
  return body["error"].get<std::string>();
}

}  // namespace

TEST_CASE("POST /api/rooms creates a room named by its slug", "[http][create]") {
  Api a;
  const HttpResponse r = a.call("POST", "/api/rooms", R"({"name":"Team Sync!"})");
  CHECK(r.status == 201);
  CHECK(r.contentType == "application/json");
  CHECK(Json::parse(r.body) == Json{{"room_id", "team-sync"}});
  REQUIRE(a.h.manager.room("team-sync") != nullptr);
  CHECK(a.h.manager.room("team-sync")->settings().explicitlyCreated);
  CHECK_FALSE(a.h.manager.room("team-sync")->settings().passwordHash);
  CHECK(a.offloaded == 0);  // nothing slow to do without a password

  SECTION("the same name again, or another that slugs the same, is a conflict") {
    for (const char* body : {R"({"name":"Team Sync!"})", R"({"name":"team   SYNC"})"}) {
      const HttpResponse again = a.call("POST", "/api/rooms", body);
      CHECK(again.status == 409);
      CHECK_THAT(errorOf(again), Contains("team-sync"));
    }
    CHECK(a.h.manager.roomCount() == 1);
  }
}

TEST_CASE("POST /api/rooms stores public and guest_limit", "[http][create]") {
  Api a;
  const HttpResponse r =
      a.call("POST", "/api/rooms", R"({"name":"Book Club","public":true,"guest_limit":6,"extra":"ignored"})");
  REQUIRE(r.status == 201);
  const auto* room = a.h.manager.room("book-club");
  REQUIRE(room != nullptr);
  CHECK(room->settings().isPublic);
  CHECK(room->settings().guestLimit == 6);
  CHECK(room->settings().name == "Book Club");

  REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Quiet","public":null,"guest_limit":null})").status == 201);
  CHECK_FALSE(a.h.manager.room("quiet")->settings().isPublic);
  CHECK(a.h.manager.room("quiet")->settings().guestLimit == 0);

  // A limit the server would never reach is refused, not quietly lowered.
  CHECK(a.call("POST", "/api/rooms", R"({"name":"Big","guest_limit":50})").status == 201);
  const HttpResponse tooBig = a.call("POST", "/api/rooms", R"({"name":"Huge","guest_limit":51})");
  CHECK(tooBig.status == 400);
  CHECK(errorOf(tooBig) == "a guest limit of 51 is more than this server's largest room (50)");
  CHECK(a.h.manager.room("huge") == nullptr);
}

TEST_CASE("a room is acknowledged only once it is kept, and undone with a 500 when it cannot be", "[http][store]") {
  std::vector<std::pair<std::string, orbit::RoomSettings>> kept;
  bool diskFull = false;
  Api a(orbit::OriginPolicy(), [&](const std::string& id, const orbit::RoomSettings& settings,
                                   std::function<void(std::optional<orbit::Refusal>)> done) {
    if (diskFull) return done(orbit::Refusal{500, "the room could not be stored: database or disk is full"});
    kept.emplace_back(id, settings);
    done(std::nullopt);
  });
  const HttpResponse made = a.call("POST", "/api/rooms", R"({"name":"Kept","password":"pw","public":true})");
  CHECK(made.status == 201);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].first == "kept");
  CHECK(kept[0].second.passwordHash.has_value());
  CHECK(kept[0].second.isPublic);
  CHECK(a.offloaded == 1);  // the hash: not on the I/O thread

  diskFull = true;
  const HttpResponse refused = a.call("POST", "/api/rooms", R"({"name":"Lost"})");
  CHECK(refused.status == 500);
  CHECK_THAT(errorOf(refused), Contains("disk is full"));
  CHECK(a.h.manager.room("lost") == nullptr);  // not half made: the name is free again
  diskFull = false;
  CHECK(a.call("POST", "/api/rooms", R"({"name":"Lost"})").status == 201);
}

TEST_CASE("a room another instance of the cluster made at the same moment is answered 409", "[http][store]") {
  Api a(orbit::OriginPolicy(), [](const std::string& id, const orbit::RoomSettings&,
                                  std::function<void(std::optional<orbit::Refusal>)> done) {
    done(orbit::Refusal{409, "a room called \"" + id + "\" already exists"});
  });
  const HttpResponse twin = a.call("POST", "/api/rooms", R"({"name":"Twin"})");
  CHECK(twin.status == 409);
  CHECK(errorOf(twin) == "a room called \"twin\" already exists");
}

TEST_CASE("POST /api/rooms refuses a bad body with 400 and creates nothing", "[http][create]") {
  Api a;
  const std::string body = GENERATE(values<std::string>({
      "",
      "not json",
      "{\"name\":",
      "[\"Team\"]",
      "\"Team\"",
      "null",
      "{}",
      "{\"name\":null}",
      "{\"name\":42}",
      "{\"name\":[\"Team\"]}",
      "{\"name\":\"Team\",\"public\":\"yes\"}",
      "{\"name\":\"Team\",\"public\":1}",
      "{\"name\":\"Team\",\"guest_limit\":-1}",
      "{\"name\":\"Team\",\"guest_limit\":2.5}",
      "{\"name\":\"Team\",\"guest_limit\":\"4\"}",
      "{\"name\":\"Team\",\"guest_limit\":1e12}",
      "{\"name\":\"Team\",\"password\":1234}",
      "{\"name\":\"!!!\"}",
      "{\"name\":\"   \"}",
      "{\"name\":\"\"}",
      "{\"name\":\"bell\\u0007\"}",
  }));
  INFO("body: " << body);
  const HttpResponse r = a.call("POST", "/api/rooms", body);
  CHECK(r.status == 400);
  CHECK_FALSE(errorOf(r).empty());
  CHECK(a.h.manager.roomCount() == 0);
}

TEST_CASE("a password room hashes off the I/O thread and hands its creator a token", "[http][create]") {
  Api a;
  const Json created = a.callJson("POST", "/api/rooms", R"({"name":"Vault","password":"hunter2"})");
  CHECK(a.offloaded == 1);
  CHECK(created.at("room_id") == "vault");
  REQUIRE(created.contains("token"));
  const std::string token = created.at("token").get<std::string>();

  const auto hash = a.h.manager.passwordHashOf("vault");
  REQUIRE(hash);
  CHECK(*hash != "hunter2");
  CHECK(orbit::verifyPassword(*hash, "hunter2"));

  CHECK_FALSE(a.h.manager.admit("vault", token));
  auto without = a.h.manager.admit("vault", "");
  REQUIRE(without);
  CHECK(without->status == 401);
}

TEST_CASE("an empty password makes an open room", "[http][create]") {
  Api a;
  const Json created = a.callJson("POST", "/api/rooms", R"({"name":"Open","password":""})");
  CHECK(created == Json{{"room_id", "open"}});
  CHECK(a.h.manager.passwordHashOf("open") == std::string());
}

TEST_CASE("GET /api/rooms lists the public rooms only", "[http][list]") {
  Api a;
  CHECK(a.callJson("GET", "/api/rooms") == Json::array());
  REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Book Club","public":true,"guest_limit":6,"password":"pw"})")
              .status == 201);
  REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Hidden"})").status == 201);
  a.h.join("book-club");

  const HttpResponse r = a.call("GET", "/api/rooms");
  CHECK(r.status == 200);
  CHECK(Json::parse(r.body) == Json::array({Json{{"room_id", "book-club"},
                                                 {"name", "Book Club"},
                                                 {"clients", 1},
                                                 {"guest_limit", 6},
                                                 {"has_password", true}}}));
}

TEST_CASE("POST /api/rooms/<id>/join trades the right password for a token", "[http][join]") {
  Api a;
  REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Vault","password":"hunter2"})").status == 201);

  SECTION("the right password") {
    const HttpResponse r = a.call("POST", "/api/rooms/vault/join", R"({"password":"hunter2"})");
    CHECK(r.status == 200);
    const Json body = Json::parse(r.body);
    REQUIRE(body.contains("token"));
    const std::string token = body["token"].get<std::string>();
    CHECK_FALSE(a.h.manager.admit("vault", token));
    // Single room: it opens no other password room.
    REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Safe","password":"hunter2"})").status == 201);
    CHECK(a.h.manager.admit("safe", token));
  }
  SECTION("a wrong or missing password") {
    for (const char* body : {R"({"password":"hunter3"})", R"({"password":""})", R"({"password":null})", "{}", ""}) {
      INFO("body: " << body);
      const HttpResponse r = a.call("POST", "/api/rooms/vault/join", body);
      CHECK(r.status == 401);
      CHECK_THAT(errorOf(r), Contains("password"));
    }
  }
  SECTION("an absurdly long password is refused without hashing it") {
    const int before = a.offloaded;
    const HttpResponse r =
        a.call("POST", "/api/rooms/vault/join", Json{{"password", std::string(100000, 'x')}}.dump());
    CHECK(r.status == 401);
    CHECK(a.offloaded == before);
  }
  SECTION("a body that is not a JSON object") {
    for (const char* body : {"hunter2", "[\"hunter2\"]", R"({"password":7})"}) {
      INFO("body: " << body);
      CHECK(a.call("POST", "/api/rooms/vault/join", body).status == 400);
    }
  }
}

TEST_CASE("joining an unknown room is 404, an invalid id 400, an open room needs no password",
          "[http][join]") {
  Api a;
  const HttpResponse unknown = a.call("POST", "/api/rooms/ghost/join", R"({"password":"x"})");
  CHECK(unknown.status == 404);
  CHECK_THAT(errorOf(unknown), Contains("ghost"));

  CHECK(a.call("POST", "/api/rooms/Bad_Id/join", "{}").status == 400);
  CHECK(a.call("POST", "/api/rooms/a%2Fb/join", "{}").status == 400);

  a.h.join("lobby");  // an implicit room: open to anyone
  const HttpResponse open = a.call("POST", "/api/rooms/lobby/join", "");
  CHECK(open.status == 200);
  CHECK(Json::parse(open.body).contains("token"));
}

TEST_CASE("GET /api/rooms/<id> says whether a room exists and wants a password, private rooms too",
          "[http][describe]") {
  Api a;
  REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Vault","password":"hunter2","public":false})").status == 201);
  REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Porch","public":true,"guest_limit":2})").status == 201);
  a.h.join("kitchen");  // an implicit room

  const auto status = [](const char* id, bool exists, bool password, const char* name, int clients, int capacity) {
    return Json{{"room_id", id},  {"exists", exists},   {"has_password", password},
                {"name", name},   {"clients", clients}, {"capacity", capacity}};
  };
  CHECK(a.callJson("GET", "/api/rooms/vault") == status("vault", true, true, "Vault", 0, 50));
  CHECK(a.callJson("GET", "/api/rooms/porch") == status("porch", true, false, "Porch", 0, 2));
  CHECK(a.callJson("GET", "/api/rooms/kitchen") == status("kitchen", true, false, "kitchen", 1, 50));
  // Not there yet is an answer, not an error: the first WebSocket makes it.
  const HttpResponse ghost = a.call("GET", "/api/rooms/ghost");
  CHECK(ghost.status == 200);
  CHECK(Json::parse(ghost.body) == status("ghost", false, false, "", 0, 50));

  CHECK(a.call("GET", "/api/rooms/Bad_Id").status == 400);
  const HttpResponse post = a.call("POST", "/api/rooms/vault", "{}");
  CHECK(post.status == 405);
  CHECK(header(post, "Allow") == "GET");
  // Nothing about the password but whether there is one.
  CHECK_THAT(a.call("GET", "/api/rooms/vault").body, !Contains("hash") && !Contains("hunter2"));
}

TEST_CASE("GET /api/rooms/<id> says when a room is full, and when a place is free again", "[http][describe]") {
  Api a;
  REQUIRE(a.call("POST", "/api/rooms", R"({"name":"Pair","guest_limit":2})").status == 201);
  auto& first = a.h.join("pair");
  a.h.join("pair");
  const Json full = a.callJson("GET", "/api/rooms/pair");
  CHECK(full["clients"] == 2);
  CHECK(full["capacity"] == 2);
  CHECK(parseRoomStatus(full.dump())->full());
  a.h.manager.leave(*first.client, "gone", orbit::TimePoint{});
  CHECK_FALSE(parseRoomStatus(a.call("GET", "/api/rooms/pair").body)->full());
}

TEST_CASE("GET /healthz reports status, clients and rooms as JSON", "[http][health]") {
  Api a;
  a.h.join("alpha");
  a.h.join("alpha");
  a.h.join("beta");
  CHECK(a.callJson("GET", "/healthz") == Json{{"status", "ok"}, {"clients", 3}, {"rooms", 2}});
  CHECK(a.call("HEAD", "/healthz").status == 200);
  a.h.manager.shutdown();
  CHECK(a.callJson("GET", "/healthz").at("status") == "stopping");
}

TEST_CASE("GET /metrics answers Prometheus text", "[http][metrics]") {
  Api a;
  a.h.join("alpha");
  const HttpResponse r = a.call("GET", "/metrics");
  CHECK(r.status == 200);
  CHECK_THAT(r.contentType, StartsWith("text/plain"));
  CHECK_THAT(r.body, Contains("orbit_connected_clients 1\n"));
  CHECK_THAT(r.body, Contains("orbit_rooms 1\n"));
}

TEST_CASE("a wrong method is 405 with an Allow header", "[http][routes]") {
  Api a;
  struct Case {
    std::string method, path, allow;
  };
  for (const Case& c : {Case{"POST", "/healthz", "GET"}, Case{"DELETE", "/metrics", "GET"},
                        Case{"DELETE", "/api/rooms", "GET, POST"}, Case{"PUT", "/api/rooms", "GET, POST"},
                        Case{"GET", "/api/rooms/vault/join", "POST"}}) {
    INFO(c.method << " " << c.path);
    const HttpResponse r = a.call(c.method, c.path, "{}");
    CHECK(r.status == 405);
    CHECK(header(r, "Allow") == c.allow);
    CHECK_FALSE(errorOf(r).empty());
  }
  CHECK(a.h.manager.roomCount() == 0);
}

TEST_CASE("an unknown API route is 404", "[http][routes]") {
  Api a;
  for (const char* path : {"/api", "/api/", "/api/nope", "/api/rooms/", "/api/rooms/vault/leave",
                           "/api/rooms//join", "/api/rooms/vault/join/x"}) {
    INFO(path);
    const HttpResponse r = a.call("POST", path, "{}");
    CHECK(r.status == 404);
    CHECK_FALSE(errorOf(r).empty());
  }
}

TEST_CASE("the API claims its own paths and leaves the rest to static files", "[http][routes]") {
  for (const char* path : {"/healthz", "/metrics", "/api", "/api/rooms", "/api/rooms/x/join"}) {
    INFO(path);
    CHECK(HttpApi::handles(path));
  }
  for (const char* path : {"/", "/index.html", "/room/abc", "/apiary", "/healthz2", "/orbit.js"}) {
    INFO(path);
    CHECK_FALSE(HttpApi::handles(path));
  }
}

// ---------------------------------------------------------------- origins and CORS

TEST_CASE("without an allow-list every answer lets any page read it, and a preflight is 204",
          "[http][cors]") {
  Api a;
  for (const char* origin : {"", "http://127.0.0.1:5173", "https://intranet.example"}) {
    INFO("origin: " << origin);
    for (const HttpResponse& r : {a.call("GET", "/api/rooms", "", origin), a.call("GET", "/api/rooms/x", "", origin),
                                  a.call("POST", "/api/rooms/nowhere/join", "{}", origin),
                                  a.call("DELETE", "/api/rooms", "", origin), a.call("GET", "/healthz", "", origin)}) {
      CHECK(header(r, "Access-Control-Allow-Origin") == "*");
      CHECK(r.status != 403);
    }
  }
  const HttpResponse created = a.call("POST", "/api/rooms", R"({"name":"From Afar"})", "https://intranet.example");
  CHECK(created.status == 201);
  CHECK(header(created, "Access-Control-Allow-Origin") == "*");
  const HttpResponse preflight = a.call("OPTIONS", "/api/rooms", "", "https://intranet.example");
  CHECK(preflight.status == 204);
  CHECK(preflight.body.empty());
  CHECK(header(preflight, "Access-Control-Allow-Origin") == "*");
  CHECK(header(preflight, "Access-Control-Allow-Headers") == "Content-Type");
  CHECK_THAT(*header(preflight, "Access-Control-Allow-Methods"), Contains("POST"));
  CHECK(header(preflight, "Access-Control-Max-Age") == "600");
}

TEST_CASE("with an allow-list a foreign page is refused with 403, a listed one and the server's own are echoed",
          "[http][cors]") {
  Api a(orbit::OriginPolicy({"https://intranet.example"}));

  SECTION("a page of another origin: 403 with a JSON reason, preflight included, and nothing done") {
    for (const char* method : {"GET", "POST", "OPTIONS"}) {
      INFO(method);
      const HttpResponse r = a.call(method, "/api/rooms", R"({"name":"Intruders"})", "https://evil.example");
      CHECK(r.status == 403);
      CHECK_THAT(errorOf(r), Contains("https://evil.example") && Contains("--allowed-origin"));
      CHECK_FALSE(header(r, "Access-Control-Allow-Origin"));
      CHECK(header(r, "Vary") == "Origin");
    }
    CHECK(a.call("GET", "/healthz", "", "http://localhost:8080").status == 403);
    CHECK(a.h.manager.roomCount() == 0);
  }
  SECTION("a listed page: its origin echoed, Vary: Origin, preflight 204") {
    const HttpResponse created = a.call("POST", "/api/rooms", R"({"name":"Intranet"})", "https://intranet.example");
    CHECK(created.status == 201);
    CHECK(header(created, "Access-Control-Allow-Origin") == "https://intranet.example");
    CHECK(header(created, "Vary") == "Origin");
    const HttpResponse preflight = a.call("OPTIONS", "/api/rooms/intranet/join", "", "https://intranet.example");
    CHECK(preflight.status == 204);
    CHECK(header(preflight, "Access-Control-Allow-Origin") == "https://intranet.example");
    CHECK(header(preflight, "Access-Control-Allow-Headers") == "Content-Type");
  }
  SECTION("the server's own page, whose origin is the Host it asked, keeps working") {
    const HttpResponse r = a.call("POST", "/api/rooms", R"({"name":"Home"})", "http://orbit.test:8080", "orbit.test:8080");
    CHECK(r.status == 201);
    CHECK(header(r, "Access-Control-Allow-Origin") == "http://orbit.test:8080");
    CHECK(a.call("POST", "/api/rooms", R"({"name":"Away"})", "http://orbit.test:8081", "orbit.test:8080").status == 403);
  }
  SECTION("a request without an Origin header (curl) is not refused") {
    const HttpResponse r = a.call("GET", "/api/rooms", "", "");
    CHECK(r.status == 200);
    CHECK_FALSE(header(r, "Access-Control-Allow-Origin"));
  }
}
