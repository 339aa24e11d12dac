#include "auth.hpp"
#include "chat_manager.hpp"
#include "ids.hpp"
#include "recording_connection.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using orbit::ChatManager;
using orbit::CloseCode;
using orbit::Json;
using orbit::ManagerConfig;
using orbit::Message;
using orbit::MessageType;
using orbit::TimePoint;
using orbit::testing::Harness;
using orbit::testing::memberIds;
using orbit::testing::Peer;
using orbit::testing::textData;

namespace {

const TimePoint t0{};

using Ids = std::vector<std::string>;

// Checks a message is room-info from the server to `to` listing exactly `members`.
void checkRoomInfo(const Message& m, const Peer& to, const std::string& room, const Ids& members) {
  REQUIRE(m.type == MessageType::RoomInfo);
  CHECK(m.sender == "ground control");
  CHECK(m.receiver == to.id());
  CHECK(m.data->at("room_id") == room);
  CHECK(memberIds(m) == members);
}

std::string usernameOf(const Message& roomInfo, const std::string& id) {
  for (const auto& c : roomInfo.data->at("clients")) {
    if (c.at("id") == id) return c.at("username").get<std::string>();
  }
  FAIL("no client " << id << " in room-info");
  return {};
}

Json to(std::string receiver, std::string type, std::optional<Json> data = std::nullopt) {
  Json m{{"receiver", std::move(receiver)}, {"type", std::move(type)}};
  if (data) m["data"] = *data;
  return m;
}

Json offerData() { return Json{{"type", "offer"}, {"sdp", "v=0\r\n"}}; }

}  // namespace

// ---------------------------------------------------------------- joining and leaving

TEST_CASE(
    "joining a room that does not exist creates it, and the members already there hear of the "
    "newcomer",
    "[manager][join]") {
  Harness h;
  REQUIRE(h.manager.room("alpha") == nullptr);

  Peer& a = h.joinIntroduced("alpha");
  CHECK(orbit::isClientId(a.id()));
  REQUIRE(h.manager.room("alpha") != nullptr);
  CHECK_FALSE(h.manager.room("alpha")->settings().explicitlyCreated);
  CHECK(h.manager.roomCount() == 1);
  CHECK(h.manager.clientCount() == 1);

  Peer& b = h.join("alpha");
  CHECK(b.id() != a.id());
  CHECK(h.manager.roomCount() == 1);
  CHECK(h.manager.clientCount() == 2);
  checkRoomInfo(a.only(), a, "alpha", {a.id(), b.id()});
  CHECK(b.inbox().empty());  // its own comes after its first pong
}

// ---------------------------------------------------------------- room-info waits for the pong

TEST_CASE("a newcomer gets no room-info before the pong that tells it its id, then the current one",
          "[manager][join][introduction]") {
  Harness h;
  Peer& a = h.joinIntroduced("alpha");
  Peer& b = h.joinIntroduced("alpha");
  h.drainAll();

  Peer& newcomer = h.join("alpha");
  checkRoomInfo(a.only(), a, "alpha", {a.id(), b.id(), newcomer.id()});
  checkRoomInfo(b.only(), b, "alpha", {a.id(), b.id(), newcomer.id()});
  // Meanwhile the room changes: a rename, another newcomer, someone leaving.
  h.send(a, to("ground control", "profile", Json{{"username", "Ada"}}));
  Peer& late = h.join("alpha");
  h.manager.leave(*b.client, "test", t0);
  h.send(newcomer, to("ground control", "profile", Json{{"username", "Camus"}}));
  h.send(newcomer, to("ground control", "get-ice-servers"));
  h.send(a, to(newcomer.id(), "text", textData("psst")));
  for (const Message& m : newcomer.inbox()) CHECK(m.type != MessageType::RoomInfo);
  CHECK(late.inbox().empty());
  CHECK(a.inbox().size() == 4);  // the rename, late's join, b's leave, newcomer's rename

  h.send(newcomer, to("ground control", "ping", Json("who am i")));
  const auto got = newcomer.inbox();
  REQUIRE(got.size() == 2);
  CHECK(got[0].type == MessageType::Pong);
  CHECK(got[0].receiver == newcomer.id());
  checkRoomInfo(got[1], newcomer, "alpha", {a.id(), newcomer.id(), late.id()});
  CHECK(usernameOf(got[1], a.id()) == "Ada");
  CHECK(usernameOf(got[1], newcomer.id()) == "Camus");
  CHECK(a.inbox().empty());

  SECTION("after that it hears of every change at once, and later pongs come alone") {
    h.send(a, to("ground control", "profile", Json{{"username", "Ada L"}}));
    CHECK(usernameOf(newcomer.only(), a.id()) == "Ada L");
    h.send(newcomer, to("ground control", "ping"));
    CHECK(newcomer.only().type == MessageType::Pong);
  }
  SECTION("a pong from a peer does not introduce anyone") {
    h.send(a, to(late.id(), "ping"));
    h.send(late, to(a.id(), "pong"));
    (void)a.inbox();
    CHECK(late.inbox().size() == 1);  // a's ping only
    h.send(a, to("ground control", "profile", Json{{"username", "Ada L"}}));
    CHECK(late.inbox().empty());
  }
}

TEST_CASE("get-room-info is answered before the first pong too, and introduces the asker",
          "[manager][join][introduction]") {
  Harness h;
  Peer& a = h.joinIntroduced("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();

  h.send(b, to("ground control", "get-room-info"));
  checkRoomInfo(b.only(), b, "alpha", {a.id(), b.id()});
  h.send(a, to("ground control", "profile", Json{{"username", "Ada"}}));
  CHECK(usernameOf(b.only(), a.id()) == "Ada");
  // Nothing was withheld since it asked: the pong comes alone.
  h.send(b, to("ground control", "ping"));
  CHECK(b.only().type == MessageType::Pong);
}

TEST_CASE(
    "a newcomer that pings before anything changes gets the pong, then the room-info of its join",
    "[manager][join][introduction]") {
  Harness h;
  Peer& a = h.join("alpha");
  h.send(a, to("ground control", "ping"));
  const auto got = a.inbox();
  REQUIRE(got.size() == 2);
  CHECK(got[0].type == MessageType::Pong);
  checkRoomInfo(got[1], a, "alpha", {a.id()});
}

TEST_CASE("joining an invalid room id fails and creates nothing", "[manager][join]") {
  Harness h;
  orbit::testing::RecordingConnection conn;
  for (const char* bad : {"", "Bad_Id", "a b", "../x"}) {
    INFO(bad);
    CHECK_FALSE(h.manager.join(bad, conn, t0).ok());
  }
  CHECK(h.manager.join(std::string(65, 'a'), conn, t0).ok() == false);
  CHECK(h.manager.roomCount() == 0);
  CHECK(h.manager.clientCount() == 0);
  CHECK(conn.wakes == 0);
}

TEST_CASE("a member leaving is announced to the rest, and an implicit room vanishes when empty",
          "[manager][leave]") {
  Harness h;
  Peer& a = h.joinIntroduced("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();

  h.manager.leave(*b.client, "test", t0 + 1s);
  checkRoomInfo(a.only(), a, "alpha", {a.id()});
  CHECK(b.inbox().empty());
  CHECK(h.manager.clientCount() == 1);
  CHECK(h.manager.room("alpha")->find(b.client->id()) == nullptr);

  h.manager.leave(*a.client, "test", t0 + 2s);
  CHECK(h.manager.room("alpha") == nullptr);
  CHECK(h.manager.roomCount() == 0);
  CHECK(h.manager.clientCount() == 0);

  SECTION("leaving twice changes nothing") {
    h.manager.leave(*a.client, "again", t0 + 3s);
    CHECK(h.manager.clientCount() == 0);
    CHECK(a.inbox().empty());
  }
  SECTION("a new join after that creates a fresh room") {
    Peer& c = h.join("alpha", t0 + 3s);
    h.send(c, to("ground control", "get-room-info"), t0 + 3s);
    checkRoomInfo(c.only(), c, "alpha", {c.id()});
    CHECK(h.manager.roomCount() == 1);
  }
}

TEST_CASE("frames from a client that has left are ignored", "[manager][leave]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  h.manager.leave(*a.client, "test", t0);
  h.drainAll();
  const auto framesBefore = h.manager.metrics().framesReceived;

  h.send(a, to("room", "text", textData("ghost")), t0 + 1s);
  h.manager.onBinary(*a.client, t0 + 1s);
  CHECK(a.inbox().empty());
  CHECK(b.inbox().empty());
  CHECK(h.manager.metrics().framesReceived == framesBefore);
}

TEST_CASE("an explicitly created room outlives being empty and is retired after the idle timeout",
          "[manager][rooms]") {
  ManagerConfig config;
  config.roomIdleTimeout = 1h;
  Harness h(config);

  auto created = h.manager.createRoom({"Team Sync!", true, 0}, std::nullopt, t0);
  REQUIRE(std::holds_alternative<std::string>(created));
  CHECK(std::get<std::string>(created) == "team-sync");
  REQUIRE(h.manager.room("team-sync") != nullptr);
  CHECK(h.manager.room("team-sync")->settings().explicitlyCreated);
  CHECK(h.manager.room("team-sync")->settings().name == "Team Sync!");

  Peer& a = h.join("team-sync", t0 + 10min);
  h.manager.leave(*a.client, "test", t0 + 20min);
  CHECK(h.manager.room("team-sync") != nullptr);

  h.manager.tick(t0 + 20min + 1h - 1s);
  CHECK(h.manager.room("team-sync") != nullptr);
  h.manager.tick(t0 + 20min + 1h);
  CHECK(h.manager.room("team-sync") == nullptr);
  CHECK(h.manager.roomCount() == 0);
}

// Found by tests/fuzz/fuzz_payloads: a room made from "Ƒjord" got the id "ƒjord", which admit()
// refused, so nobody could ever enter it.
TEST_CASE("a room made through the API from any name has an id that admits its members", "[manager][rooms][fuzz]") {
  Harness h;
  auto created = h.manager.createRoom({"\u0191jord", true, 0}, std::nullopt, t0);
  REQUIRE(std::holds_alternative<std::string>(created));
  const std::string id = std::get<std::string>(created);
  CHECK(id == "fjord");
  CHECK_FALSE(h.manager.admit(id, ""));
  Peer& a = h.join(id);
  CHECK(h.manager.room(id)->find(a.client->id()) == a.client.get());
}

TEST_CASE("an occupied explicit room is not retired however long it lives", "[manager][rooms]") {
  ManagerConfig config;
  config.roomIdleTimeout = 1min;
  Harness h(config);
  REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"busy", false, 0}, std::nullopt, t0)));
  Peer& a = h.join("busy", t0);
  for (auto t = t0 + 10s; t <= t0 + 5min; t += 10s) {
    h.send(a, to("ground control", "pong"), t);
    h.manager.tick(t);
  }
  CHECK(h.manager.room("busy") != nullptr);
  CHECK(h.manager.room("busy")->find(a.client->id()) != nullptr);
}

TEST_CASE("createRoom refuses a name without letters and a taken slug", "[manager][rooms]") {
  Harness h;
  auto refusal = [](const std::variant<std::string, orbit::Refusal>& v) {
    REQUIRE(std::holds_alternative<orbit::Refusal>(v));
    return std::get<orbit::Refusal>(v);
  };
  CHECK(refusal(h.manager.createRoom({"!!!", false, 0}, std::nullopt, t0)).status == 400);
  CHECK(refusal(h.manager.createRoom({"   ", false, 0}, std::nullopt, t0)).status == 400);
  REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Team Sync", false, 0}, std::nullopt, t0)));
  CHECK(refusal(h.manager.createRoom({"team  sync", false, 0}, std::nullopt, t0)).status == 409);
  // An implicit room holds its id too.
  h.join("lobby");
  CHECK(refusal(h.manager.createRoom({"Lobby", false, 0}, std::nullopt, t0)).status == 409);
}

// ---------------------------------------------------------------- messages to the server

TEST_CASE("ping is answered with a pong to the asker's own id, echoing its data", "[manager][ping]") {
  Harness h;
  Peer& a = h.joinIntroduced("alpha");  // its first pong brings room-info along
  Peer& b = h.join("alpha");
  h.drainAll();

  SECTION("with data") {
    const Json data{{"seq", 7}, {"list", {1, "two", nullptr}}};
    h.send(a, to("ground control", "ping", data));
    const Message pong = a.only();
    CHECK(pong.type == MessageType::Pong);
    CHECK(pong.sender == "ground control");
    CHECK(pong.receiver == a.id());
    REQUIRE(pong.data);
    CHECK(*pong.data == data);
  }
  SECTION("without data: the pong has no data field either") {
    h.send(a, Json{{"type", "ping"}});  // no receiver means the server
    const auto raw = a.rawInbox();
    REQUIRE(raw.size() == 1);
    const Json pong = Json::parse(raw[0]);
    CHECK(pong.at("type") == "pong");
    CHECK(pong.at("receiver") == a.id());
    CHECK_FALSE(pong.contains("data"));
  }
  SECTION("with null data: the pong's data is null") {
    h.send(a, to("ground control", "ping", Json(nullptr)));
    const Message pong = a.only();
    REQUIRE(pong.data);
    CHECK(pong.data->is_null());
  }
  CHECK(b.inbox().empty());
}

TEST_CASE("profile trims the name and tells the room, and a bad name gets an error", "[manager][profile]") {
  Harness h;
  Peer& a = h.joinIntroduced("alpha");
  Peer& b = h.joinIntroduced("alpha");
  h.drainAll();

  h.send(a, to("ground control", "profile", Json{{"username", "  Ada Lovelace \t"}}));
  for (Peer* p : {&a, &b}) {
    const Message info = p->only();
    checkRoomInfo(info, *p, "alpha", {a.id(), b.id()});
    CHECK(usernameOf(info, a.id()) == "Ada Lovelace");
    CHECK(usernameOf(info, b.id()) == "");
  }
  CHECK(a.client->name() == "Ada Lovelace");

  SECTION("mute, camera and screen indicators reach the room, and a profile without them keeps them") {
    h.send(a, to("ground control", "profile",
                 Json{{"username", "Ada Lovelace"}, {"muted", true}, {"camera_off", false}, {"sharing_screen", true}}));
    for (Peer* p : {&a, &b}) {
      const Message info = p->only();
      const Json& clients = (*info.data)["clients"];
      for (const Json& c : clients) {
        if (c["id"] == a.id()) {
          CHECK(c["muted"] == true);
          CHECK(c["camera_off"] == false);
          CHECK(c["sharing_screen"] == true);
        } else {
          CHECK_FALSE(c.contains("muted"));  // b never said
        }
      }
    }
    h.send(a, to("ground control", "profile", Json{{"username", "Ada Lovelace"}}));
    CHECK(a.inbox().empty());  // nothing changed
    h.send(a, to("ground control", "profile", Json{{"username", "Ada Lovelace"}, {"muted", false}}));
    const Message info = b.only();
    CHECK((*info.data)["clients"][0]["muted"] == false);
    CHECK((*info.data)["clients"][0]["camera_off"] == false);
    CHECK((*info.data)["clients"][0]["sharing_screen"] == true);
  }
  SECTION("renaming to the same name again sends nothing") {
    h.send(a, to("ground control", "profile", Json{{"username", "Ada Lovelace"}}));
    CHECK(a.inbox().empty());
    CHECK(b.inbox().empty());
  }
  SECTION("bad names") {
    for (const std::string& bad : {std::string("   "), std::string(""), std::string(65, 'x'),
                                  std::string("Ada\x07"), std::string("line\nbreak"),
                                  std::string("\xC2\x85")}) {
      INFO("username: " << Json(bad).dump());
      h.send(a, to("ground control", "profile", Json{{"username", bad}}));
      CHECK_THAT(a.onlyError(), Contains("username"));
      CHECK(b.inbox().empty());
      CHECK(a.client->name() == "Ada Lovelace");
    }
  }
  SECTION("64 characters are fine, counted in code points") {
    std::string name;
    for (int i = 0; i < 64; ++i) name += "\xC3\xA9";  // é: 128 bytes, 64 characters
    h.send(a, to("ground control", "profile", Json{{"username", name}}));
    CHECK(usernameOf(a.only(), a.id()) == name);
  }
}

TEST_CASE("get-room-info and get-ice-servers are answered to the asker only", "[manager][info]") {
  ManagerConfig config;
  config.stunUrls = {"stun:stun.example.org:3478"};
  Harness h(config);
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  Peer& c = h.join("beta");
  h.drainAll();

  h.send(b, to("ground control", "get-room-info"));
  checkRoomInfo(b.only(), b, "alpha", {a.id(), b.id()});
  CHECK(a.inbox().empty());
  CHECK(c.inbox().empty());

  h.send(b, Json{{"type", "get-ice-servers"}});
  const Message ice = b.only();
  CHECK(ice.type == MessageType::IceServers);
  CHECK(ice.sender == "ground control");
  CHECK(ice.receiver == b.id());
  CHECK(*ice.data == Json::array({Json{{"urls", {"stun:stun.example.org:3478"}}}}));
  CHECK(a.inbox().empty());
  CHECK(c.inbox().empty());
}

TEST_CASE("ice-servers carry STUN and TURN REST credentials that expire turnTtl from now",
          "[manager][ice]") {
  ManagerConfig config;
  config.stunUrls = {"stun:a.example.org:3478", "stun:b.example.org"};
  config.turnUrls = {"turn:t.example.org:3478?transport=udp", "turns:t.example.org:5349"};
  config.turnSecret = "orbit-secret";
  config.turnTtl = 3600s;
  Harness h(config);
  h.unixTime = 1'700'000'000 - 3600;
  Peer& a = h.join("alpha");
  h.drainAll();

  h.send(a, to("ground control", "get-ice-servers"));
  const Message m = a.only();
  REQUIRE(m.type == MessageType::IceServers);
  auto servers = orbit::parseIceServers(*m.data);
  REQUIRE(servers.ok());
  REQUIRE(servers->size() == 2);
  CHECK((*servers)[0].urls == config.stunUrls);
  CHECK_FALSE((*servers)[0].username);
  CHECK_FALSE((*servers)[0].credential);
  CHECK((*servers)[1].urls == config.turnUrls);
  CHECK((*servers)[1].username == "1700000000:" + a.id());
  // The HMAC itself is checked against a known answer in test_auth.cpp.
  CHECK((*servers)[1].credential ==
        orbit::turnCredential("orbit-secret", a.client->id(), 1'700'000'000).credential);

  SECTION("the expiry follows the wall clock") {
    h.unixTime += 100;
    h.send(a, to("ground control", "get-ice-servers"));
    auto later = orbit::parseIceServers(*a.only().data);
    REQUIRE(later.ok());
    CHECK((*later)[1].username == "1700000100:" + a.id());
  }
}

TEST_CASE("without TURN secret or URLs no TURN entry is offered", "[manager][ice]") {
  ManagerConfig config;
  SECTION("nothing configured: an empty list") {}
  SECTION("TURN URLs but no secret") { config.turnUrls = {"turn:t.example.org"}; }
  Harness h(config);
  Peer& a = h.join("alpha");
  h.drainAll();
  h.send(a, to("ground control", "get-ice-servers"));
  const Message m = a.only();
  REQUIRE(m.type == MessageType::IceServers);
  CHECK(*m.data == Json::array());
}

TEST_CASE("a greeting or a pong to the server gets no reply", "[manager][info]") {
  Harness h;
  Peer& a = h.join("alpha");
  h.drainAll();
  h.send(a, to("ground control", "greeting", Json("hello from the test")));
  h.send(a, to("ground control", "pong", Json{{"seq", 1}}));
  CHECK(a.inbox().empty());
}

// ---------------------------------------------------------------- relaying

TEST_CASE("text to the room reaches every member, the sender included, with sender overwritten",
          "[manager][relay]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  Peer& other = h.join("beta");
  h.drainAll();

  Json msg = to("room", "text", textData("hello, room"));
  msg["sender"] = GENERATE(as<std::string>{}, "ground control", "ffffffffffffffffffffffffffffffff", "");
  h.send(a, msg);

  for (Peer* p : {&a, &b}) {
    const Message m = p->only();
    CHECK(m.type == MessageType::Text);
    CHECK(m.sender == a.id());
    CHECK(m.receiver == "room");
    CHECK(*m.data == textData("hello, room"));
  }
  CHECK(other.inbox().empty());
  CHECK(h.manager.metrics().messagesRelayed == 2);
}

TEST_CASE("a direct message reaches only its receiver, extra fields untouched", "[manager][relay]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  Peer& c = h.join("alpha");
  h.drainAll();

  const Json candidate{{"candidate", "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host"},
                       {"sdpMid", "0"},
                       {"sdpMLineIndex", 0},
                       {"usernameFragment", "abcd"}};
  const std::string type = GENERATE(as<std::string>{}, "icecandidate", "offer", "text", "bye", "ping");
  const Json data = type == "icecandidate" ? candidate
                    : type == "offer"      ? offerData()
                    : type == "text"       ? textData("psst")
                                           : Json{{"note", "x"}};
  Json msg = to(b.id(), type, data);
  msg["sender"] = c.id();  // forged: the server says who sent it
  h.send(a, msg);

  const Message m = b.only();
  CHECK(toString(m.type) == type);
  CHECK(m.sender == a.id());
  CHECK(m.receiver == b.id());
  CHECK(*m.data == data);
  CHECK(a.inbox().empty());
  CHECK(c.inbox().empty());
}

TEST_CASE("a receiver outside the sender's room gets nothing and the sender gets an error",
          "[manager][relay]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  Peer& outsider = h.join("beta");
  h.drainAll();

  SECTION("a client in another room") {
    h.send(a, to(outsider.id(), "offer", offerData()));
    CHECK_THAT(a.onlyError(), Contains(outsider.id()) && Contains("not delivered"));
  }
  SECTION("an id nobody has") {
    h.send(a, to("00000000000000000000000000000000", "text", textData("anyone?")));
    CHECK_THAT(a.onlyError(), Contains("not delivered"));
  }
  SECTION("the other room's broadcast stays in that room") {
    h.send(outsider, to("room", "text", textData("beta only")));
    CHECK(outsider.only().type == MessageType::Text);
    CHECK(a.inbox().empty());
  }
  CHECK(outsider.inbox().empty());
  CHECK(b.inbox().empty());
}

TEST_CASE("offer, answer and icecandidate must name one peer", "[manager][relay]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();

  const std::string type = GENERATE(as<std::string>{}, "offer", "answer", "icecandidate");
  const Json data = type == "icecandidate" ? Json{{"candidate", ""}} : Json{{"type", type}, {"sdp", "v=0"}};
  const std::string receiver = GENERATE(as<std::string>{}, "room", "ground control", "");
  INFO(type << " to \"" << receiver << "\"");
  Json msg{{"type", type}, {"data", data}};
  if (!receiver.empty()) msg["receiver"] = receiver;
  h.send(a, msg);
  CHECK_THAT(a.onlyError(), Contains(type));
  CHECK(b.inbox().empty());
}

TEST_CASE("messages only the server sends are refused from clients", "[manager][relay]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();

  struct Case {
    std::string type;
    Json data;
  };
  const Case c = GENERATE(values<Case>({
      {"room-info", Json{{"room_id", "alpha"}, {"clients", Json::array()}}},
      {"ice-servers", Json::array({Json{{"urls", "stun:evil.example.org"}}})},
      {"error", Json("you are wrong")},
  }));
  const std::string receiver = GENERATE(as<std::string>{}, "room", "ground control", "peer");
  INFO(c.type << " to " << receiver);
  h.send(a, to(receiver == "peer" ? b.id() : receiver, c.type, c.data));
  CHECK_THAT(a.onlyError(), Contains(c.type) && Contains("server"));
  CHECK(b.inbox().empty());
}

TEST_CASE("requests for the server addressed elsewhere, and text to the server, are errors",
          "[manager][relay]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();

  SECTION("get-room-info to the room") { h.send(a, to("room", "get-room-info")); }
  SECTION("get-ice-servers to a peer") { h.send(a, to(b.id(), "get-ice-servers")); }
  SECTION("profile to a peer") { h.send(a, to(b.id(), "profile", Json{{"username", "Ada"}})); }
  SECTION("text to ground control") { h.send(a, to("ground control", "text", textData("hi server"))); }
  SECTION("text without a receiver") { h.send(a, Json{{"type", "text"}, {"data", textData("hi")}}); }
  (void)a.onlyError();
  CHECK(b.inbox().empty());
  CHECK(a.client->name().empty());
}

TEST_CASE("bye to ground control closes the connection after the queue is written and leaves",
          "[manager][bye]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.joinIntroduced("alpha");
  h.drainAll();

  h.send(a, to("ground control", "bye", Json("see you")), t0 + 1s);
  REQUIRE(a.connection.closes.size() == 1);
  CHECK(a.connection.closes[0].code == CloseCode::Normal);
  CHECK(a.connection.closes[0].flush);
  CHECK(h.manager.clientCount() == 1);
  CHECK(h.manager.room("alpha")->find(a.client->id()) == nullptr);
  checkRoomInfo(b.only(), b, "alpha", {b.id()});
  CHECK(a.inbox().empty());

  // A later close notification from the session changes nothing.
  h.manager.leave(*a.client, "socket closed", t0 + 2s);
  CHECK(b.inbox().empty());
  CHECK(h.manager.clientCount() == 1);
}

TEST_CASE("bye to a peer is relayed and does not remove anyone", "[manager][bye]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();
  h.send(a, to(b.id(), "bye"));
  const Message m = b.only();
  CHECK(m.type == MessageType::Bye);
  CHECK(m.sender == a.id());
  CHECK_FALSE(a.connection.closed());
  CHECK(h.manager.clientCount() == 2);
}

// ---------------------------------------------------------------- bad input

TEST_CASE("every malformed frame gets exactly one error and the client stays joined",
          "[manager][bad-input]") {
  Harness h;
  Peer& a = h.joinIntroduced("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();

  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += '[';
  const std::string frame = GENERATE_COPY(values<std::string>({
      "",
      "not json",
      "{\"type\":\"ping\"",
      "[1,2,3]",
      "42",
      "null",
      "\"ping\"",
      "{}",
      "{\"type\":5}",
      "{\"type\":null}",
      "{\"type\":\"\"}",
      "{\"type\":\"teleport\"}",
      "{\"type\":\"PING\"}",
      "{\"type\":\"ping\",\"receiver\":42}",
      "{\"type\":\"ping\",\"sender\":{}}",
      "{\"type\":\"text\",\"receiver\":\"room\"}",
      "{\"type\":\"text\",\"receiver\":\"room\",\"data\":\"hi\"}",
      "{\"type\":\"text\",\"receiver\":\"room\",\"data\":{\"from\":\"a\",\"time\":\"now\",\"text\":\"t\"}}",
      "{\"type\":\"text\",\"receiver\":\"room\",\"data\":{\"from\":\"a\",\"time\":1e300,\"text\":\"t\"}}",
      "{\"type\":\"text\",\"receiver\":\"room\",\"data\":{\"from\":\"a\",\"time\":1,\"text\":\"" +
          std::string(4097, 'x') + "\"}}",
      "{\"type\":\"offer\",\"receiver\":\"room\",\"data\":{\"type\":\"answer\",\"sdp\":\"\"}}",
      "{\"type\":\"icecandidate\",\"data\":{\"candidate\":1}}",
      "{\"type\":\"icecandidate\",\"data\":{\"candidate\":\"\",\"sdpMLineIndex\":-1}}",
      "{\"type\":\"profile\"}",
      "{\"type\":\"profile\",\"data\":{}}",
      "{\"type\":\"profile\",\"data\":{\"username\":7}}",
      "{\"type\":\"greeting\"}",
      "{\"type\":\"greeting\",\"data\":{}}",
      "{\"type\":\"ping\",\"data\":\"\xff\xfe\"}",
      "{\"type\":\"\xc3\x28\"}",
      deep,
  }));
  INFO("frame: " << frame.substr(0, 120));

  h.sendRaw(a, frame, t0 + 1s);
  const std::string error = a.onlyError();
  CHECK_FALSE(error.empty());
  CHECK(b.inbox().empty());
  CHECK_FALSE(a.connection.closed());
  CHECK(h.manager.room("alpha")->find(a.client->id()) != nullptr);
  CHECK(h.manager.clientCount() == 2);

  // And the session lives on: the next good frame is answered.
  h.send(a, to("ground control", "ping", Json(1)), t0 + 2s);
  CHECK(a.only().type == MessageType::Pong);
}

TEST_CASE("a binary frame gets an error and the client stays joined", "[manager][bad-input]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  h.drainAll();
  h.manager.onBinary(*a.client, t0 + 1s);
  CHECK_THAT(a.onlyError(), Contains("binary"));
  CHECK(b.inbox().empty());
  CHECK_FALSE(a.connection.closed());
  CHECK(h.manager.clientCount() == 2);
  CHECK(h.manager.metrics().errorsSent == 1);
}

TEST_CASE("binary frames count against the rate limit like text frames", "[manager][bad-input][rate-limit]") {
  ManagerConfig config;
  config.clientLimits.messagesPerSecond = 1;
  config.clientLimits.burst = 3;
  Harness h(config);
  Peer& a = h.join("alpha");
  h.drainAll();
  for (int i = 0; i < 50; ++i) h.manager.onBinary(*a.client, t0 + 1s);
  const auto got = a.inbox();
  REQUIRE(got.size() == 4);  // three answered, one told to slow down, the rest dropped
  for (int i = 0; i < 3; ++i) CHECK_THAT(got[i].data->get<std::string>(), Contains("binary"));
  CHECK_THAT(got[3].data->get<std::string>(), Contains("too many messages"));
  CHECK(h.manager.metrics().messagesThrottled == 47);
}

// ---------------------------------------------------------------- heartbeat and reaping

TEST_CASE("a silent client is pinged after 10 s, once, and any frame resets the clock",
          "[manager][heartbeat]") {
  Harness h;
  Peer& a = h.join("alpha", t0);
  h.drainAll();

  h.manager.tick(t0 + 9s);
  CHECK(a.inbox().empty());

  h.manager.tick(t0 + 10s);
  const Message ping = a.only();
  CHECK(ping.type == MessageType::Ping);
  CHECK(ping.sender == "ground control");
  CHECK(ping.receiver == a.id());

  h.manager.tick(t0 + 11s);
  h.manager.tick(t0 + 19s);
  CHECK(a.inbox().empty());  // one ping outstanding is enough

  // Any frame counts as a sign of life, not only a pong.
  h.send(a, to("ground control", "get-room-info"), t0 + 20s);
  (void)a.inbox();
  h.manager.tick(t0 + 29s);
  CHECK(a.inbox().empty());
  h.manager.tick(t0 + 30s);
  CHECK(a.only().type == MessageType::Ping);
  CHECK(h.manager.clientCount() == 1);
  CHECK_FALSE(a.connection.closed());
}

TEST_CASE("a client silent for 30 s is told bye, closed and removed, and the room hears of it",
          "[manager][heartbeat]") {
  Harness h;
  Peer& silent = h.join("alpha", t0);
  Peer& chatty = h.joinIntroduced("alpha", t0);

  h.manager.tick(t0 + 10s);
  h.send(chatty, to("ground control", "pong"), t0 + 25s);
  h.drainAll();

  h.manager.tick(t0 + 29s);
  CHECK(silent.inbox().empty());
  CHECK_FALSE(silent.connection.closed());

  h.manager.tick(t0 + 30s);
  const Message bye = silent.only();
  CHECK(bye.type == MessageType::Bye);
  CHECK(bye.sender == "ground control");
  CHECK(bye.receiver == silent.id());
  REQUIRE(silent.connection.closes.size() == 1);
  CHECK(silent.connection.closes[0].code == CloseCode::GoingAway);
  CHECK(silent.connection.closes[0].flush);
  CHECK(h.manager.room("alpha")->find(silent.client->id()) == nullptr);
  CHECK(h.manager.clientCount() == 1);
  CHECK(h.manager.metrics().clientsReaped == 1);

  checkRoomInfo(chatty.only(), chatty, "alpha", {chatty.id()});
  CHECK_FALSE(chatty.connection.closed());

  h.manager.tick(t0 + 31s);
  CHECK(silent.connection.closes.size() == 1);
}

TEST_CASE("reaping the last member of an implicit room removes the room", "[manager][heartbeat]") {
  Harness h;
  Peer& a = h.join("alpha", t0);
  h.manager.tick(t0 + 60s);
  CHECK(a.connection.closed());
  CHECK(h.manager.roomCount() == 0);
  CHECK(h.manager.clientCount() == 0);
}

// ---------------------------------------------------------------- rate limit and slow receivers

TEST_CASE("a burst beyond the limit gets one error, then silence, and tokens refill over time",
          "[manager][rate-limit]") {
  ManagerConfig config;
  config.clientLimits.messagesPerSecond = 2;
  config.clientLimits.burst = 5;
  Harness h(config);
  Peer& a = h.join("alpha", t0);
  Peer& b = h.join("alpha", t0);
  h.drainAll();

  auto burst = [&](int n, TimePoint at) {
    for (int i = 0; i < n; ++i) h.send(a, to(b.id(), "text", textData("#" + std::to_string(i))), at);
  };

  burst(12, t0);
  CHECK(b.inbox().size() == 5);
  CHECK_THAT(a.onlyError(), Contains("too many messages"));
  CHECK(h.manager.metrics().messagesThrottled == 7);

  burst(5, t0 + 500ms);  // half a second: one token back
  CHECK(b.inbox().size() == 1);
  CHECK_THAT(a.onlyError(), Contains("too many messages"));

  burst(10, t0 + 1h);  // long idle: the bucket is full again, but no fuller than `burst`
  CHECK(b.inbox().size() == 5);
  CHECK_THAT(a.onlyError(), Contains("too many messages"));

  CHECK_FALSE(a.connection.closed());
  CHECK(h.manager.clientCount() == 2);
}

TEST_CASE("a receiver too far behind is dropped without flushing while the sender is unaffected",
          "[manager][slow]") {
  ManagerConfig config;
  config.clientLimits.maxQueuedBytes = 4096;
  Harness h(config);
  Peer& sender = h.join("alpha", t0);
  Peer& slow = h.join("alpha", t0);
  Peer& fine = h.join("alpha", t0);
  h.drainAll();

  const bool toRoom = GENERATE(true, false);
  INFO((toRoom ? "to the room" : "direct"));
  int sent = 0;
  while (!slow.connection.closed() && sent < 100) {
    h.send(sender, to(toRoom ? "room" : slow.id(), "text", textData(std::string(500, 'z'))), t0 + 1s);
    ++sent;
    (void)sender.rawInbox();  // these two keep up
    (void)fine.rawInbox();
  }
  REQUIRE(slow.connection.closes.size() == 1);
  CHECK(slow.connection.closes[0].code == CloseCode::TryAgainLater);
  CHECK_FALSE(slow.connection.closes[0].flush);
  CHECK(sent > 1);
  CHECK(slow.client->queuedBytes() <= 4096);
  CHECK(h.manager.room("alpha")->find(slow.client->id()) == nullptr);
  CHECK(h.manager.clientCount() == 2);
  CHECK(h.manager.metrics().clientsDroppedSlow == 1);
  CHECK_FALSE(sender.connection.closed());
  CHECK_FALSE(fine.connection.closed());

  // The next message finds only the two who kept up, and says who is left.
  h.send(sender, to("room", "text", textData("still here?")), t0 + 2s);
  Ids left;
  for (const auto& c : h.manager.room("alpha")->info().clients) left.push_back(c.id);
  CHECK(left == Ids{sender.id(), fine.id()});
  const auto got = fine.inbox();
  REQUIRE(got.size() == 1);
  CHECK(*got[0].data == textData("still here?"));
}

TEST_CASE("when a slow receiver is dropped the others get room-info without it", "[manager][slow]") {
  ManagerConfig config;
  config.clientLimits.maxQueuedBytes = 2048;
  Harness h(config);
  Peer& sender = h.joinIntroduced("alpha", t0);
  Peer& slow = h.join("alpha", t0);
  h.drainAll();
  for (int i = 0; i < 10 && !slow.connection.closed(); ++i) {
    h.send(sender, to(slow.id(), "text", textData(std::string(400, 'q'))), t0);
  }
  REQUIRE(slow.connection.closed());
  const auto got = sender.inbox();
  REQUIRE(got.size() == 1);
  checkRoomInfo(got[0], sender, "alpha", {sender.id()});
}

TEST_CASE("a client the answer to its ping drops as too slow leaves its room, which closes, and nothing more is sent",
          "[manager][slow]") {
  // Found by fuzz_chat_manager: the pong overflowed the queue, the client was dropped and its
  // room, now empty, closed; the room-info and the history that follow a pong then read the
  // closed room (a use after free).
  ManagerConfig config;
  config.clientLimits.maxQueuedBytes = 200;
  config.historyLines = 3;
  Harness h(config);
  const std::string request = GENERATE(std::string("ping"), std::string("get-room-info"));
  INFO(request);
  Peer& solo = h.join("solo", t0);
  // The room-info that answers lists the long name: more than the queue holds.
  h.send(solo, to("ground control", "profile", Json{{"username", std::string(60, 'n')}}), t0);
  REQUIRE(solo.inbox().empty());
  h.send(solo, to("ground control", request), t0);
  REQUIRE(solo.connection.closes.size() == 1);
  CHECK(solo.connection.closes[0].code == CloseCode::TryAgainLater);
  CHECK(h.manager.room("solo") == nullptr);
  CHECK(h.manager.clientCount() == 0);
  CHECK(h.manager.metrics().clientsDroppedSlow == 1);
  CHECK(solo.client->queuedBytes() <= 200);
}

// ---------------------------------------------------------------- admission

TEST_CASE("admit refuses invalid ids, missing or bad tokens, full rooms and a stopping server",
          "[manager][admit]") {
  ManagerConfig config;
  config.maxRoomSize = 3;
  config.tokenTtl = 600s;
  Harness h(config);

  SECTION("an invalid slug is a bad request") {
    for (const std::string& bad : std::vector<std::string>{"", "Bad_Id", "caf\xC3\xA9", "a/b", std::string(65, 'a')}) {
      INFO(bad);
      auto r = h.manager.admit(bad, "");
      REQUIRE(r);
      CHECK(r->status == 400);
    }
    CHECK_FALSE(h.manager.admit(std::string(64, 'a'), ""));
  }
  SECTION("a room that does not exist yet is open") { CHECK_FALSE(h.manager.admit("new-room", "")); }

  SECTION("a password room needs a valid token for that room") {
    REQUIRE(std::holds_alternative<std::string>(
        h.manager.createRoom({"Vault", false, 0}, std::string("some-hash"), t0)));
    REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Other", false, 0}, std::nullopt, t0)));

    auto missing = h.manager.admit("vault", "");
    REQUIRE(missing);
    CHECK(missing->status == 401);
    for (const char* bad : {"garbage", "1.2", "99999999999.abc"}) {
      auto r = h.manager.admit("vault", bad);
      REQUIRE(r);
      CHECK(r->status == 401);
    }
    const std::string token = h.manager.issueToken("vault");
    CHECK_FALSE(h.manager.admit("vault", token));

    auto foreign = h.manager.admit("vault", h.manager.issueToken("other"));
    REQUIRE(foreign);
    CHECK(foreign->status == 401);

    // An open room ignores a token, valid or not.
    CHECK_FALSE(h.manager.admit("other", "garbage"));

    h.unixTime += 600;
    CHECK_FALSE(h.manager.admit("vault", token));
    h.unixTime += 1;
    auto expired = h.manager.admit("vault", token);
    REQUIRE(expired);
    CHECK(expired->status == 401);
  }

  SECTION("a room at its guest limit refuses with 403 and says the limit") {
    REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Pair", false, 2}, std::nullopt, t0)));
    h.join("pair");
    CHECK_FALSE(h.manager.admit("pair", ""));
    h.join("pair");
    auto full = h.manager.admit("pair", "");
    REQUIRE(full);
    CHECK(full->status == 403);
    CHECK_THAT(full->reason, Contains("2"));
    orbit::testing::RecordingConnection late;
    CHECK_FALSE(h.manager.join("pair", late, t0).ok());
    CHECK(h.manager.room("pair")->size() == 2);
  }

  SECTION("no room admits more than the server maximum, and no guest limit may promise more") {
    const auto tooBig = h.manager.createRoom({"Huge", false, 10}, std::nullopt, t0);
    REQUIRE(std::holds_alternative<orbit::Refusal>(tooBig));
    CHECK(std::get<orbit::Refusal>(tooBig).status == 400);
    CHECK_THAT(std::get<orbit::Refusal>(tooBig).reason, Contains("largest room (3)"));
    REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Big", false, 3}, std::nullopt, t0)));
    for (int i = 0; i < 3; ++i) h.join("big");
    for (int i = 0; i < 3; ++i) h.join("implicit");
    for (const char* room : {"big", "implicit"}) {
      auto full = h.manager.admit(room, "");
      REQUIRE(full);
      CHECK(full->status == 403);
      CHECK_THAT(full->reason, Contains("3"));
    }
  }

  SECTION("a server shutting down refuses everyone with 503") {
    h.manager.shutdown();
    auto r = h.manager.admit("anything", "");
    REQUIRE(r);
    CHECK(r->status == 503);
    orbit::testing::RecordingConnection late;
    CHECK_FALSE(h.manager.join("anything", late, t0).ok());
    auto created = h.manager.createRoom({"Late", false, 0}, std::nullopt, t0);
    REQUIRE(std::holds_alternative<orbit::Refusal>(created));
    CHECK(std::get<orbit::Refusal>(created).status == 503);
  }
}

TEST_CASE("shutdown says bye to every client and closes each connection once", "[manager][shutdown]") {
  Harness h;
  Peer& a = h.join("alpha");
  Peer& b = h.join("alpha");
  Peer& c = h.join("beta");
  h.drainAll();

  h.manager.shutdown();
  CHECK(h.manager.shuttingDown());
  for (Peer* p : {&a, &b, &c}) {
    const Message bye = p->only();
    CHECK(bye.type == MessageType::Bye);
    CHECK(bye.sender == "ground control");
    CHECK(bye.receiver == p->id());
    REQUIRE(p->connection.closes.size() == 1);
    CHECK(p->connection.closes[0].code == CloseCode::GoingAway);
    CHECK(p->connection.closes[0].flush);
  }

  // As the sessions close, nobody is told about the others leaving.
  h.manager.leave(*a.client, "closed", t0);
  CHECK(b.inbox().empty());
  h.manager.shutdown();  // twice is harmless
  CHECK(b.inbox().empty());
  CHECK(b.connection.closes.size() == 1);
}

// ---------------------------------------------------------------- figures

TEST_CASE("metricsText reports every metric with its current value", "[manager][metrics]") {
  ManagerConfig config;
  config.clientLimits.burst = 3;
  Harness h(config);
  Peer& a = h.join("alpha", t0);
  Peer& b = h.join("alpha", t0);
  h.join("beta", t0);
  h.send(a, to("room", "text", textData("hi")), t0);  // relayed twice
  h.send(a, to(b.id(), "text", textData("hi")), t0);   // relayed once
  h.manager.onBinary(*b.client, t0);                   // an error
  h.send(a, to("ground control", "ping"), t0);         // the last token: a pong, not a relay
  h.send(a, to("ground control", "ping"), t0);         // over the burst: throttled, an error
  h.send(a, to("ground control", "ping"), t0);         // throttled again, silently
  h.manager.tick(t0 + 60s);                            // everyone reaped

  const std::string text = h.manager.metricsText();
  INFO(text);
  for (const char* line : {
           "orbit_connected_clients 0\n",
           "orbit_rooms 0\n",
           "orbit_frames_received_total 6\n",
           "orbit_messages_relayed_total 3\n",
           "orbit_errors_sent_total 2\n",
           "orbit_clients_joined_total 3\n",
           "orbit_clients_reaped_total 3\n",
           "orbit_clients_dropped_slow_total 0\n",
           "orbit_messages_throttled_total 2\n",
           "# TYPE orbit_connected_clients gauge\n",
           "# TYPE orbit_frames_received_total counter\n",
       }) {
    CHECK_THAT(text, Contains(line));
  }
}

TEST_CASE("metricsText counts the clients and rooms there are now", "[manager][metrics]") {
  Harness h;
  h.join("alpha");
  h.join("alpha");
  h.join("beta");
  const std::string text = h.manager.metricsText();
  CHECK_THAT(text, Contains("orbit_connected_clients 3\n"));
  CHECK_THAT(text, Contains("orbit_rooms 2\n"));
  CHECK_THAT(text, StartsWith("# HELP "));
}

TEST_CASE("publicRooms lists only public rooms, with their member counts and limits",
          "[manager][rooms]") {
  ManagerConfig config;
  config.maxRoomSize = 50;
  Harness h(config);
  REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Team Sync", true, 4}, std::string("hash"), t0)));
  REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Open Space", true, 0}, std::nullopt, t0)));
  REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Secret Plans", false, 0}, std::nullopt, t0)));
  h.join("team-sync");
  h.join("team-sync");
  h.join("secret-plans");
  h.join("implicit-room");

  auto rooms = h.manager.publicRooms();
  std::sort(rooms.begin(), rooms.end(), [](const auto& x, const auto& y) { return x.roomId < y.roomId; });
  REQUIRE(rooms.size() == 2);
  CHECK(rooms[0].roomId.str() == "open-space");
  CHECK(rooms[0].name == "Open Space");
  CHECK(rooms[0].clients == 0);
  CHECK(rooms[0].guestLimit == 50);  // no limit of its own: the server's
  CHECK_FALSE(rooms[0].hasPassword);
  CHECK(rooms[1].roomId.str() == "team-sync");
  CHECK(rooms[1].name == "Team Sync");
  CHECK(rooms[1].clients == 2);
  CHECK(rooms[1].guestLimit == 4);
  CHECK(rooms[1].hasPassword);
}

TEST_CASE("passwordHashOf tells an unknown room from one without a password", "[manager][rooms]") {
  Harness h;
  REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom({"Locked", false, 0}, std::string("h4sh"), t0)));
  h.join("open");
  CHECK_FALSE(h.manager.passwordHashOf("nowhere"));
  CHECK(h.manager.passwordHashOf("open") == std::string());
  CHECK(h.manager.passwordHashOf("locked") == std::string("h4sh"));
}

// ---------------------------------------------------------------- history

TEST_CASE("a newcomer gets the room's last lines after its pong, in order, marked as history, and no direct line",
          "[manager][history]") {
  ManagerConfig config;
  config.historyLines = 3;
  Harness h(config);
  Peer& ann = h.joinIntroduced("alpha", t0);
  Peer& bob = h.joinIntroduced("alpha", t0);
  for (const char* line : {"one", "two", "three", "four"}) h.send(ann, to("room", "text", textData(line)));
  h.send(ann, to(bob.id(), "text", textData("just for Bob")));
  // A client cannot pass its own lines off as history.
  h.drainAll();
  h.send(bob, to("room", "text", Json{{"from", "Bob"}, {"time", 1}, {"text", "five"}, {"history", true}}));
  const Message five = ann.only();
  CHECK((*five.data)["text"] == "five");
  CHECK_FALSE(five.data->contains("history"));
  h.drainAll();

  Peer& cy = h.join("alpha", t0);
  CHECK(cy.inbox().empty());  // nothing before it knows its id
  h.send(cy, to("ground control", "ping"));
  const auto got = cy.inbox();
  REQUIRE(got.size() == 5);  // pong, room-info, three lines
  CHECK(got[0].type == MessageType::Pong);
  CHECK(got[1].type == MessageType::RoomInfo);
  std::vector<std::string> texts;
  for (std::size_t i = 2; i < got.size(); ++i) {
    CHECK(got[i].type == MessageType::Text);
    CHECK(got[i].receiver == "room");
    CHECK((*got[i].data)["history"] == true);
    texts.push_back((*got[i].data)["text"]);
  }
  CHECK(texts == std::vector<std::string>{"three", "four", "five"});
  CHECK(got[2].sender == ann.id());
  CHECK(got[4].sender == bob.id());
  // Once: a get-room-info later replays nothing.
  h.send(cy, to("ground control", "get-room-info"));
  CHECK(cy.only().type == MessageType::RoomInfo);

  ManagerConfig none;
  none.historyLines = 0;
  Harness off(none);
  Peer& a = off.joinIntroduced("beta", t0);
  off.send(a, to("room", "text", textData("gone")));
  Peer& b = off.join("beta", t0);
  off.send(b, to("ground control", "ping"));
  CHECK(b.inbox().size() == 2);  // pong and room-info only
}
