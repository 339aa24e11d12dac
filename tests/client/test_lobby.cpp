// The lobby and the pre-join screen without a UI: a FakeHttp plays the server's API
// (server/http_api.cpp's statuses and bodies) on a manual clock.
#include "api.hpp"
#include "codec.hpp"
#include "fake_http.hpp"
#include "lobby.hpp"
#include "manual_scheduler.hpp"
#include "page_address.hpp"
#include "payloads.hpp"
#include "pre_join.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

struct LobbyRig {
  LobbyRig() {
    lobby.setOnChange([this] { ++changes; });
    lobby.setOnEnterRoom([this](RoomId room, std::string token, std::string password) {
      entered.push_back({room.str(), token});
      passwords.push_back(password);
    });
  }

  FakeHttp http;
  ManualScheduler scheduler;
  Lobby lobby{http, scheduler, "http://orbit.test"};
  int changes = 0;
  std::vector<std::pair<std::string, std::string>> entered;
  std::vector<std::string> passwords;  // handed on with each room entered
};

// The server's answers, written by the same shared/api functions server/http_api.cpp uses.
template <class Body>
std::string wire(const Body& body) {
  return dumpJson(toJson(body));
}

std::string roomList(std::size_t standupClients) {
  return wire(std::vector<PublicRoom>{{RoomId("standup"), "Standup", standupClients, 0, false},
                                      {RoomId("secret"), "Secret", 1, 4, true}});
}

const std::string kTwoRooms = roomList(2);

std::string token(const std::string& t) { return wire(TokenReply{t}); }
std::string refusal(const std::string& why) { return wire(ErrorReply{why}); }

struct PreJoinRig {
  PreJoinRig() {
    preJoin.setOnChange([this] { ++changes; });
    preJoin.setOnAdmit([this](std::string token, std::string name) {
      admitted.push_back({token, name});
    });
  }

  FakeHttp http;
  ManualScheduler scheduler;
  PreJoin preJoin{http, scheduler, ""};
  int changes = 0;
  std::vector<std::pair<std::string, std::string>> admitted;
};

}  // namespace

TEST_CASE("the lobby lists the public rooms and refreshes them on the clock while shown",
          "[lobby]") {
  LobbyRig rig;
  rig.lobby.show();
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].method == "GET");
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms");
  CHECK(rig.scheduler.pending() == 0);  // the next refresh waits for this answer

  rig.http.reply(200, kTwoRooms);
  REQUIRE(rig.lobby.rooms().size() == 2);
  CHECK(rig.lobby.rooms()[0].roomId.str() == "standup");
  CHECK(rig.lobby.rooms()[0].clients == 2);
  CHECK(rig.lobby.rooms()[1].hasPassword);
  CHECK(rig.lobby.rooms()[1].guestLimit == 4);
  CHECK(rig.changes == 1);
  CHECK(rig.scheduler.nextDue() == Lobby::kRefreshInterval);

  rig.scheduler.advance(Lobby::kRefreshInterval - 1ms);
  CHECK(rig.http.requests.empty());
  rig.scheduler.advance(1ms);
  REQUIRE(rig.http.requests.size() == 1);

  // The same list again: nothing to redraw.
  rig.http.reply(200, kTwoRooms);
  CHECK(rig.changes == 1);

  // A count changes: redrawn.
  rig.scheduler.advance(Lobby::kRefreshInterval);
  const std::string busier = roomList(3);
  rig.http.reply(200, busier);
  CHECK(rig.lobby.rooms()[0].clients == 3);
  CHECK(rig.changes == 2);

  // Ten more intervals make ten more requests, one at a time.
  for (int i = 0; i < 10; ++i) {
    rig.scheduler.advance(Lobby::kRefreshInterval);
    REQUIRE(rig.http.requests.size() == 1);
    rig.http.reply(200, busier);
  }
  CHECK(rig.http.total == 13);

  rig.lobby.hide();
  CHECK(rig.scheduler.pending() == 0);
  rig.scheduler.advance(Lobby::kRefreshInterval * 5);
  CHECK(rig.http.total == 13);
}

TEST_CASE("a slow answer delays the next refresh instead of piling requests up", "[lobby]") {
  LobbyRig rig;
  rig.lobby.show();
  rig.scheduler.advance(Lobby::kRefreshInterval * 4);
  CHECK(rig.http.total == 1);
  rig.http.reply(200, "[]");
  rig.scheduler.advance(Lobby::kRefreshInterval);
  CHECK(rig.http.total == 2);
}

TEST_CASE("an answer that arrives after the lobby was hidden is ignored and starts no timer",
          "[lobby]") {
  LobbyRig rig;
  rig.lobby.show();
  rig.lobby.hide();
  rig.http.reply(200, kTwoRooms);
  CHECK(rig.lobby.rooms().empty());
  CHECK(rig.scheduler.pending() == 0);

  // Shown again: fetches at once.
  rig.lobby.show();
  CHECK(rig.http.requests.size() == 1);
}

TEST_CASE("a failed refresh keeps the last list and says why, and the next good one clears it",
          "[lobby]") {
  LobbyRig rig;
  rig.lobby.show();
  rig.http.reply(200, kTwoRooms);
  rig.scheduler.advance(Lobby::kRefreshInterval);
  rig.http.fail("TypeError: Failed to fetch");
  CHECK(rig.lobby.rooms().size() == 2);
  CHECK(rig.lobby.listError().find("Failed to fetch") != std::string::npos);
  // It keeps trying.
  rig.scheduler.advance(Lobby::kRefreshInterval);
  rig.http.reply(200, "[not json");
  CHECK(!rig.lobby.listError().empty());
  rig.scheduler.advance(Lobby::kRefreshInterval);
  rig.http.reply(200, kTwoRooms);
  CHECK(rig.lobby.listError().empty());
}

TEST_CASE("creating a room posts the form and enters the room, with the creator's token",
          "[lobby]") {
  LobbyRig rig;
  rig.lobby.create({"Team Sync!", "hunter2", true, 5});
  REQUIRE(rig.http.requests.size() == 1);
  const auto& request = rig.http.requests[0];
  CHECK(request.method == "POST");
  CHECK(request.url == "http://orbit.test/api/rooms");
  const Json body = Json::parse(*request.body);
  CHECK(
      body ==
      Json{{"name", "Team Sync!"}, {"password", "hunter2"}, {"public", true}, {"guest_limit", 5}});
  CHECK(rig.lobby.creating());

  rig.http.reply(201, wire(CreateRoomReply{RoomId("team-sync"), std::string("123.abc")}));
  CHECK_FALSE(rig.lobby.creating());
  CHECK(rig.lobby.createError().empty());
  REQUIRE(rig.entered.size() == 1);
  CHECK(rig.entered[0] == std::pair<std::string, std::string>{"team-sync", "123.abc"});
  // For renewing the token later (PreJoin::renewToken).
  CHECK(rig.passwords.at(0) == "hunter2");
}

TEST_CASE("an open room is created without a password field", "[lobby]") {
  LobbyRig rig;
  rig.lobby.create({"Open", "", false, 0});
  const Json body = Json::parse(*rig.http.requests[0].body);
  CHECK_FALSE(body.contains("password"));
  CHECK(body["public"] == false);
  rig.http.reply(201, wire(CreateRoomReply{RoomId("open"), std::nullopt}));
  CHECK(rig.entered.at(0) == std::pair<std::string, std::string>{"open", ""});
  CHECK(rig.passwords.at(0).empty());
}

TEST_CASE(
    "a taken name, a refused field and a network failure become words, and nothing is entered",
    "[lobby]") {
  LobbyRig rig;
  rig.lobby.create({"Standup", "", true, 0});
  rig.http.reply(409, refusal("room \"standup\" exists"));
  CHECK(rig.lobby.createError().find("\"standup\" exists already") != std::string::npos);

  rig.lobby.create({"Standup 2", "", true, 0});
  CHECK(rig.lobby.createError().empty());  // cleared while trying again
  rig.http.reply(400, refusal("\"guest_limit\" must be a whole number from 0 (no limit) up"));
  CHECK(rig.lobby.createError() ==
        "The server refused the room: \"guest_limit\" must be a whole number from 0 (no limit) up");

  rig.lobby.create({"Standup 3", "", true, 0});
  rig.http.fail("cannot reach /api/rooms: TypeError: Failed to fetch");
  CHECK(rig.lobby.createError().rfind("Cannot reach the server: ", 0) == 0);
  CHECK_FALSE(rig.lobby.creating());
  CHECK(rig.entered.empty());
}

TEST_CASE("a guest limit below 0 is refused with words, and one above the server's largest room by the server",
          "[lobby]") {
  LobbyRig rig;
  rig.lobby.create({"Standup", "", true, -4});
  CHECK(rig.http.total == 0);
  CHECK(rig.lobby.createError() == "The guest limit is a whole number from 0 (no limit) up.");
  rig.lobby.create({"Standup", "", true, 999});
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(Json::parse(*rig.http.requests[0].body)["guest_limit"] == 999);  // not silently made 50
  rig.http.reply(400, refusal("a guest limit of 999 is more than this server's largest room (50)"));
  CHECK(rig.lobby.createError() ==
        "The server refused the room: a guest limit of 999 is more than this server's largest room (50)");
  CHECK(rig.entered.empty());
}

TEST_CASE("a name with nothing to slug is refused before asking the server", "[lobby]") {
  LobbyRig rig;
  rig.lobby.create({"!!!", "", true, 0});
  CHECK(rig.http.total == 0);
  CHECK_FALSE(rig.lobby.createError().empty());
  rig.lobby.joinByName("  ?? ");
  CHECK_FALSE(rig.lobby.joinError().empty());
  CHECK(rig.entered.empty());
}

TEST_CASE("joining by name goes to the room whose id is the name's slug", "[lobby]") {
  LobbyRig rig;
  rig.lobby.joinByName("Team Sync!");
  REQUIRE(rig.entered.size() == 1);
  CHECK(rig.entered[0].first == "team-sync");
  CHECK(rig.entered[0].second.empty());
  CHECK(rig.http.total == 0);
}

// GET /api/rooms/<id> as server/http_api.cpp answers it.
std::string described(const std::string& room, bool exists, bool password, std::size_t clients = 0,
                      std::size_t capacity = 50) {
  return wire(RoomStatus{RoomId(room), exists, password, exists ? "The " + room : "", clients, capacity});
}

TEST_CASE("a full room is said to be full before Join, and waiting joins as soon as a place is free",
          "[prejoin][full]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("pair"), {}, "Cy");  // ?name=Cy: would join at once
  rig.http.reply(200, described("pair", true, false, 2, 2));
  CHECK(rig.admitted.empty());
  CHECK(rig.preJoin.full());
  CHECK(rig.preJoin.roomName() == "The pair");
  CHECK(rig.preJoin.error() == "This room is full (2 of 2 people). Wait for a place, or try again later.");
  rig.preJoin.join("Cy");
  CHECK(rig.admitted.empty());
  CHECK(rig.http.requests.empty());

  rig.preJoin.waitForPlace("Cy");
  CHECK(rig.preJoin.waiting());
  CHECK(rig.preJoin.snapshot()["waiting"] == true);
  for (int poll = 0; poll < 3; ++poll) {
    REQUIRE(rig.http.requests.size() == 1);
    rig.http.reply(200, described("pair", true, false, 2, 2));
    CHECK(rig.admitted.empty());
    CHECK(rig.http.requests.empty());  // the next look waits for the clock
    rig.scheduler.advance(PreJoin::kWaitPoll);
  }
  rig.http.reply(200, described("pair", true, false, 1, 2));
  REQUIRE(rig.admitted.size() == 1);
  CHECK(rig.admitted[0] == std::pair<std::string, std::string>{"", "Cy"});
  CHECK_FALSE(rig.preJoin.waiting());
  CHECK(rig.preJoin.error().empty());
}

TEST_CASE("waiting for a place in a password room trades the password once a place is free, and can stop",
          "[prejoin][full]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("vault"));
  rig.http.reply(200, described("vault", true, true, 3, 3));
  rig.preJoin.waitForPlace("Bob", "sesame");
  rig.http.reply(200, described("vault", true, true, 2, 3));
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "/api/rooms/vault/join");
  CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "sesame"}});
  rig.http.reply(200, token("5.ee"));
  CHECK(rig.admitted.at(0) == std::pair<std::string, std::string>{"5.ee", "Bob"});

  PreJoinRig stopped;
  stopped.preJoin.open(RoomId("pair"));
  stopped.http.reply(200, described("pair", true, false, 2, 2));
  stopped.preJoin.waitForPlace("Cy");
  stopped.preJoin.stopWaiting();
  CHECK_FALSE(stopped.preJoin.waiting());
  stopped.http.reply(200, described("pair", true, false, 0, 2));  // the answer to a wait given up
  stopped.scheduler.advance(PreJoin::kWaitPoll * 5);
  CHECK(stopped.http.requests.empty());
  CHECK(stopped.admitted.empty());
  // A blank name is refused before any waiting.
  stopped.preJoin.waitForPlace("   ");
  CHECK_FALSE(stopped.preJoin.waiting());
  CHECK_THAT(stopped.preJoin.error(), Catch::Contains("Your name"));
}

TEST_CASE("an error about the name goes as soon as the name would do", "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("vault"));
  rig.http.reply(200, described("vault", true, true));
  rig.preJoin.join("", "sesame");
  CHECK_THAT(rig.preJoin.error(), Catch::Contains("Your name"));
  rig.preJoin.nameChanged("   ");
  CHECK_FALSE(rig.preJoin.error().empty());
  rig.preJoin.nameChanged("B");
  CHECK(rig.preJoin.error().empty());
  // Other errors stay while the name is edited.
  rig.preJoin.join("Bob", "");
  CHECK(rig.preJoin.error() == "This room needs a password.");
  rig.preJoin.nameChanged("Bo");
  CHECK(rig.preJoin.error() == "This room needs a password.");
}

TEST_CASE("the pre-join screen looks the room up and joins an open one without a token", "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("standup"));
  CHECK(rig.preJoin.access() == PreJoin::Access::Checking);
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].method == "GET");
  CHECK(rig.http.requests[0].url == "/api/rooms/standup");
  rig.http.reply(200, described("standup", true, false));
  CHECK(rig.preJoin.access() == PreJoin::Access::Open);
  CHECK(rig.admitted.empty());  // waits for the name

  rig.preJoin.join("  Ann  ");
  CHECK(rig.http.total == 1);
  REQUIRE(rig.admitted.size() == 1);
  CHECK(rig.admitted[0] == std::pair<std::string, std::string>{"", "Ann"});

  // A room nobody made yet is open too: the WebSocket makes it.
  PreJoinRig fresh;
  fresh.preJoin.open(RoomId("fresh"));
  fresh.http.reply(200, described("fresh", false, false));
  CHECK(fresh.preJoin.access() == PreJoin::Access::Open);
}

TEST_CASE("a private password room asks for the password before Join", "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("vault"));
  rig.http.reply(200, described("vault", true, true));
  CHECK(rig.preJoin.needsPassword());
  rig.preJoin.join("Bob", "sesame");
  CHECK(rig.http.requests[0].url == "/api/rooms/vault/join");
  CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "sesame"}});
  rig.http.reply(200, token("3.ab"));
  CHECK(rig.admitted.at(0) == std::pair<std::string, std::string>{"3.ab", "Bob"});
}

TEST_CASE("a server without the look-up leaves the room unknown, and Join finds out from the join endpoint",
          "[prejoin]") {
  for (const bool passwordRoom : {false, true}) {
    INFO("password room: " << passwordRoom);
    PreJoinRig rig;
    rig.preJoin.open(RoomId("vault"));
    rig.http.reply(404, refusal("no such API route: GET /api/rooms/vault"));
    CHECK(rig.preJoin.access() == PreJoin::Access::Unknown);
    CHECK_FALSE(rig.preJoin.needsPassword());
    rig.preJoin.join("Bob");
    REQUIRE(rig.http.requests.size() == 1);
    CHECK(rig.http.requests[0].method == "POST");
    CHECK(rig.http.requests[0].url == "/api/rooms/vault/join");
    CHECK(Json::parse(*rig.http.requests[0].body) == Json::object());
    if (!passwordRoom) {
      rig.http.reply(404, refusal("no room \"vault\""));  // nobody made it yet
      CHECK(rig.admitted.at(0) == std::pair<std::string, std::string>{"", "Bob"});
      continue;
    }
    rig.http.reply(401, refusal("wrong password"));
    CHECK(rig.preJoin.needsPassword());
    CHECK(rig.preJoin.error() == "This room needs a password.");
    CHECK(rig.admitted.empty());
    rig.preJoin.join("Bob", "sesame");
    CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "sesame"}});
    rig.http.reply(200, token("3.ab"));
    CHECK(rig.admitted.at(0) == std::pair<std::string, std::string>{"3.ab", "Bob"});
  }
}

TEST_CASE("a password room asks for the password, refuses a wrong one, and admits with the token",
          "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("secret"));
  rig.http.reply(200, described("secret", true, true));
  CHECK(rig.preJoin.needsPassword());
  CHECK(rig.preJoin.error().empty());

  rig.preJoin.join("Bob", "");
  CHECK(rig.http.total == 1);  // not asked: no password typed
  CHECK(rig.preJoin.error() == "This room needs a password.");

  rig.preJoin.join("Bob", "guess");
  CHECK(rig.preJoin.busy());
  CHECK(rig.http.requests[0].url == "/api/rooms/secret/join");
  CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "guess"}});
  rig.http.reply(401, refusal("wrong password"));
  CHECK(rig.preJoin.error() == "Wrong password: try again.");
  CHECK(rig.preJoin.needsPassword());
  CHECK_FALSE(rig.preJoin.busy());
  CHECK(rig.admitted.empty());

  rig.preJoin.join("Bob", "hunter2");
  rig.http.reply(200, token("99.feed"));
  REQUIRE(rig.admitted.size() == 1);
  CHECK(rig.admitted[0] == std::pair<std::string, std::string>{"99.feed", "Bob"});
  CHECK(rig.preJoin.error().empty());

  // The token goes with the room's WebSocket, offered as a subprotocol: never in its URL.
  PageAddress address = parsePageAddress("https://orbit.test/room/secret");
  address.token = rig.admitted[0].first;
  CHECK(webSocketTarget(address) ==
        WebSocketTarget{"wss://orbit.test/room/secret/ws", {"orbit", "orbit-token.99.feed"}});
}

TEST_CASE("too many wrong passwords: the server's 429 is said in plain words with when to try again, and the "
          "right password then admits",
          "[prejoin][limits]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("secret"));
  rig.http.reply(200, described("secret", true, true));
  rig.preJoin.join("Bob", "guess 6");
  rig.http.reply(429, wire(ErrorReply{"too many wrong passwords for this room from your address: try again in 8 s", 8}));
  CHECK(rig.preJoin.error() == "Too many wrong passwords for this room from your address: try again in 8 s.");
  CHECK(rig.preJoin.errorCode() == "refused");
  CHECK_FALSE(rig.preJoin.busy());
  CHECK(rig.admitted.empty());
  rig.preJoin.join("Bob", "hunter2");
  rig.http.reply(200, token("99.feed"));
  CHECK(rig.admitted.size() == 1);
  CHECK(rig.preJoin.error().empty());
}

TEST_CASE("a look-up turned away by a connection limit says why and joins nobody at once", "[prejoin][limits]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("standup"), {}, "Cy");  // ?name=Cy: would join at once
  rig.http.reply(503, wire(ErrorReply{"the server is full (500 connections); try again later", 0}));
  CHECK(rig.preJoin.error() == "The server is full (500 connections); try again later.");
  CHECK(rig.preJoin.errorCode() == "refused");
  CHECK(rig.admitted.empty());
}

TEST_CASE("with a name from the URL a room is joined at once unless it wants a password", "[prejoin]") {
  PreJoinRig open;
  open.preJoin.open(RoomId("standup"), "", "Ann");
  open.http.reply(200, described("standup", true, false));
  CHECK(open.admitted.at(0) == std::pair<std::string, std::string>{"", "Ann"});

  PreJoinRig unreachable;
  unreachable.preJoin.open(RoomId("fresh"), "", "Ann");
  unreachable.http.fail("TypeError: Failed to fetch");
  CHECK(unreachable.admitted.at(0) == std::pair<std::string, std::string>{"", "Ann"});

  PreJoinRig locked;  // private or public alike
  locked.preJoin.open(RoomId("vault"), "", "Ann");
  locked.http.reply(200, described("vault", true, true));
  CHECK(locked.admitted.empty());
  CHECK(locked.preJoin.needsPassword());
}

TEST_CASE("the password that got us in renews the token, and open rooms have nothing to renew", "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("secret"));
  rig.http.reply(200, described("secret", true, true));
  rig.preJoin.join("Bob", "hunter2");
  rig.http.reply(200, token("1.aa"));
  REQUIRE(rig.admitted.size() == 1);

  std::vector<std::string> renewed;
  CHECK(rig.preJoin.renewToken([&](std::string token) { renewed.push_back(token); }));
  CHECK_FALSE(rig.preJoin.renewToken([&](std::string token) { renewed.push_back(token); }));  // one at a time
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "/api/rooms/secret/join");
  CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "hunter2"}});
  rig.http.reply(200, token("2.bb"));
  CHECK(renewed == std::vector<std::string>{"2.bb"});

  // A server that is down, or came back without the room, leaves the old token; the next try asks again.
  CHECK(rig.preJoin.renewToken([&](std::string token) { renewed.push_back(token); }));
  rig.http.fail("TypeError: Failed to fetch");
  CHECK(rig.preJoin.renewToken([&](std::string token) { renewed.push_back(token); }));
  rig.http.reply(404, refusal("no room \"secret\""));
  CHECK(renewed.size() == 1);
  CHECK(rig.admitted.size() == 1);  // renewing admits nobody again

  // The lobby's creator comes in with a token and the password they chose.
  PreJoinRig creator;
  creator.preJoin.open(RoomId("secret"), "5.cafe", "Ann", "hunter2");
  CHECK(creator.preJoin.renewToken([](std::string) {}));
  REQUIRE(creator.http.requests.size() == 2);  // the look-up for the room's name, then the renewal
  CHECK(Json::parse(creator.http.requests.at(1).body.value()) == Json{{"password", "hunter2"}});

  PreJoinRig open;
  open.preJoin.open(RoomId("standup"), "", "Ann");
  open.http.reply(200, described("standup", true, false));
  REQUIRE(open.admitted.size() == 1);
  CHECK_FALSE(open.preJoin.renewToken([](std::string) {}));
  CHECK(open.http.total == 1);
}

TEST_CASE("the creator's token spares the check and the password", "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("secret"), "5.cafe");
  CHECK_FALSE(rig.preJoin.needsPassword());
  CHECK_FALSE(rig.preJoin.busy());
  // Join does not wait for the look-up, which only brings the room's name.
  rig.preJoin.join("Ann");
  CHECK(rig.admitted.at(0) == std::pair<std::string, std::string>{"5.cafe", "Ann"});
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "/api/rooms/secret");
  rig.http.reply(200, described("secret", true, true, 1, 50));
  CHECK(rig.preJoin.roomName() == "The secret");
}

TEST_CASE("a network failure on the pre-join screen is shown and can be retried", "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("secret"));
  rig.http.reply(200, described("secret", true, true));
  rig.preJoin.join("Bob", "hunter2");
  rig.http.fail("cannot reach /api/rooms/secret/join: TypeError: Failed to fetch");
  CHECK(rig.preJoin.error().find("Failed to fetch") != std::string::npos);
  CHECK(rig.admitted.empty());
  rig.preJoin.join("Bob", "hunter2");
  rig.http.reply(200, token("7.ab"));
  CHECK(rig.admitted.size() == 1);
}

TEST_CASE("the pre-join screen refuses exactly the names the server refuses, and says why",
          "[prejoin]") {
  struct Case {
    std::string name;
    std::string reason;
  };
  const Case bad = GENERATE(values<Case>({
      {"   ", "Your name must not be empty."},
      {std::string(65, 'x'), "Your name must be at most 64 characters."},
      {"Ann\x07", "Your name must not contain control characters."},
      {"Ann\xC2\x85", "Your name must not contain control characters."},  // NEL, a C1 control
      {"Ann\xC2\x9F", "Your name must not contain control characters."},
      {"Ann\xFF", "Your name must be valid UTF-8."},
      {"\xC3\x28", "Your name must be valid UTF-8."},
  }));
  INFO("name: " << Json(toValidUtf8(bad.name)).dump());
  PreJoinRig rig;
  rig.preJoin.open(RoomId("standup"));
  rig.http.reply(200, described("standup", true, false));
  rig.preJoin.join(bad.name);
  CHECK(rig.preJoin.error() == bad.reason);
  CHECK(rig.admitted.empty());
  CHECK(rig.http.total == 1);
  CHECK_FALSE(normalizeUsername(bad.name).ok());  // and the server refuses it too

  // Form feed and vertical tab are white space to the server: trimmed, not refused.
  rig.preJoin.join("\f\v Ann \v\f");
  CHECK(rig.preJoin.error().empty());
  CHECK(rig.admitted.at(0) == std::pair<std::string, std::string>{"", "Ann"});
  std::string longest;
  for (int i = 0; i < 64; ++i) longest += "\xC3\xA9";  // é: 128 bytes, 64 characters
  rig.preJoin.join(longest);
  CHECK(rig.admitted.at(1).second == longest);
}

TEST_CASE("an answer about a room the screen has left is ignored", "[prejoin]") {
  PreJoinRig rig;
  rig.preJoin.open(RoomId("one"), "", "Ann");
  rig.preJoin.open(RoomId("two"));
  rig.http.reply(200, described("one", true, false));  // about "one"
  CHECK(rig.admitted.empty());
  CHECK(rig.preJoin.access() == PreJoin::Access::Checking);
}

TEST_CASE("page addresses give the API's and the invite's URLs", "[prejoin]") {
  const PageAddress address = parsePageAddress("http://127.0.0.1:8080/room/team-sync?name=Ann");
  CHECK(apiUrl(address, "/api/rooms") == "http://127.0.0.1:8080/api/rooms");
  CHECK(roomPageUrl(address) == "http://127.0.0.1:8080/room/team-sync");
  CHECK(webSocketUrl(address) == "ws://127.0.0.1:8080/room/team-sync/ws");
  CHECK(apiUrl(PageAddress{}, "/api/rooms") == "/api/rooms");
}
