// Rooms that forward media through Janus (--janus), seen from the wire: a real orbit-server
// and a real Janus, each on 127.0.0.1 and a free port, with WebSocket clients playing an Orbit
// client ("sfu": true in its profile) and the original client (no "sfu"). The media itself
// is the browser tests' part (tests/e2e/sfu.test.mjs).
#include "janus_process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

using namespace orbit::test;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

std::unique_ptr<WsClient> joinAs(const ServerProcess& server, const std::string& room, const std::string& name,
                                 bool sfu) {
  auto c = std::make_unique<WsClient>(server.port(), "/room/" + room + "/ws");
  c->learnId();
  Json profile{{"username", name}};
  if (sfu) profile["sfu"] = true;
  c->send({{"type", "profile"}, {"receiver", "ground control"}, {"data", profile}});
  return c;
}

bool isMode(const Json& m, const std::string& mode) {
  return m.value("type", "") == "room-mode" && m["data"].value("mode", "") == mode;
}

std::optional<Json> modeOf(WsClient& c, const std::string& mode, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return c.waitFor([&](const Json& m) { return isMode(m, mode); }, timeout);
}

// Everything the server sent the client up to now.
std::vector<Json> drained(WsClient& c) { return c.drain(); }

bool anyMode(const std::vector<Json>& messages) {
  for (const Json& m : messages) {
    if (m.value("type", "") == "room-mode") return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a room of --sfu-from people is forwarded: Orbit's clients are told, the original client gets an error",
          "[integration][sfu]") {
  JanusProcess janus;
  ServerProcess server({"--janus", janus.url(), "--sfu-from", "2"});
  auto ann = joinAs(server, "big", "Ann", true);
  // Alone, the room is a mesh, and a mesh room says nothing of its mode.
  CHECK_FALSE(anyMode(drained(*ann)));

  auto cam = joinAs(server, "big", "Cam", false);
  const auto sfu = modeOf(*ann, "sfu");
  REQUIRE(sfu);
  CHECK((*sfu)["sender"] == "ground control");
  CHECK((*sfu)["data"]["streams"] == Json::array());  // nobody publishes yet
  const auto refused = cam->waitForType("error");
  REQUIRE(refused);
  CHECK_THAT((*refused)["data"].get<std::string>(), Contains("use Orbit's client") && Contains("room big"));
  CHECK_FALSE(anyMode(drained(*cam)));

  SECTION("what goes to ground control must name its connection, and each side makes its own offers") {
    ann->send({{"type", "offer"}, {"receiver", "ground control"}, {"data", {{"type", "offer"}, {"sdp", "v=0\r\n"}}}});
    auto e = ann->waitForType("error");
    REQUIRE(e);
    CHECK_THAT((*e)["data"].get<std::string>(), Contains("\"connection\""));
    ann->send({{"type", "answer"},
               {"receiver", "ground control"},
               {"data", {{"type", "answer"}, {"sdp", "v=0\r\n"}, {"connection", "publish"}}}});
    e = ann->waitForType("error");
    REQUIRE(e);
    CHECK_THAT((*e)["data"].get<std::string>(), Contains("the client makes the offers on the publish connection"));
  }
  SECTION("a layer must name a video of the client's subscription") {
    ann->send({{"type", "layer"}, {"receiver", "ground control"}, {"data", {{"mid", "7"}, {"substream", 1}}}});
    auto e = ann->waitForType("error");
    REQUIRE(e);
    CHECK_THAT((*e)["data"].get<std::string>(), Contains("no video with mid \"7\""));
    ann->send({{"type", "layer"}, {"receiver", "ground control"}, {"data", {{"mid", "1"}, {"substream", 3}}}});
    e = ann->waitForType("error");
    REQUIRE(e);
    CHECK_THAT((*e)["data"].get<std::string>(), Contains("0, 1 or 2"));
    cam->send({{"type", "layer"}, {"receiver", "ground control"}, {"data", {{"mid", "1"}, {"substream", 1}}}});
    e = cam->waitForType("error");
    REQUIRE(e);
    CHECK_THAT((*e)["data"].get<std::string>(), Contains("does not forward media"));
  }
  SECTION("the original client's offers to the others are refused, not relayed") {
    const std::string annId = ann->learnId();
    cam->send({{"type", "offer"}, {"receiver", annId}, {"data", {{"type", "offer"}, {"sdp", "v=0\r\n"}}}});
    const auto e = cam->waitForType("error");
    REQUIRE(e);
    CHECK_THAT((*e)["data"].get<std::string>(), Contains("use Orbit's client"));
    for (const Json& m : ann->drain()) CHECK(m.value("type", "") != "offer");
  }
}

TEST_CASE("a forwarded room is a mesh again only below --sfu-from minus one", "[integration][sfu]") {
  JanusProcess janus;
  ServerProcess server({"--janus", janus.url(), "--sfu-from", "3"});
  auto ann = joinAs(server, "hyst", "Ann", true);
  auto ben = joinAs(server, "hyst", "Ben", true);
  CHECK_FALSE(anyMode(drained(*ann)));
  auto cat = joinAs(server, "hyst", "Cat", true);
  REQUIRE(modeOf(*ann, "sfu"));
  REQUIRE(modeOf(*cat, "sfu"));

  // Two of three (N - 1) stay forwarded: the room does not flap with one coming and going.
  cat->send({{"type", "bye"}, {"receiver", "ground control"}});
  CHECK(cat->waitClosed());
  CHECK_FALSE(anyMode(drained(*ann)));
  // One is a mesh.
  ben->send({{"type", "bye"}, {"receiver", "ground control"}});
  CHECK(ben->waitClosed());
  const auto mesh = modeOf(*ann, "mesh");
  REQUIRE(mesh);
  CHECK_FALSE((*mesh)["data"].contains("reason"));  // its size, nothing to explain
  CHECK_THAT(httpRequest(server.port(), "GET", "/metrics").body, Contains("orbit_sfu_rooms 0"));
}

TEST_CASE("a forwarded room that empties gives its VideoRoom back", "[integration][sfu]") {
  JanusProcess janus;
  ServerProcess server({"--janus", janus.url(), "--sfu-from", "0"});
  for (int round = 0; round < 3; ++round) {
    auto ann = joinAs(server, "brief", "Ann", true);
    REQUIRE(modeOf(*ann, "sfu"));
    CHECK_THAT(httpRequest(server.port(), "GET", "/metrics").body, Contains("orbit_sfu_rooms 1"));
    ann->send({{"type", "bye"}, {"receiver", "ground control"}});
    CHECK(ann->waitClosed());
    CHECK_THAT(httpRequest(server.port(), "GET", "/metrics").body, Contains("orbit_sfu_rooms 0"));
  }
  CHECK_THAT(server.log(), !Contains("warn  sfu") && !Contains("warn  janus"));
}

TEST_CASE("when Janus is lost the room is a mesh and says why, and it is forwarded again once Janus is back",
          "[integration][sfu]") {
  JanusProcess janus;
  ServerProcess server({"--janus", janus.url(), "--sfu-from", "2"});
  auto ann = joinAs(server, "lost", "Ann", true);
  auto ben = joinAs(server, "lost", "Ben", true);
  REQUIRE(modeOf(*ann, "sfu"));
  REQUIRE(modeOf(*ben, "sfu"));

  janus.kill();
  for (WsClient* c : {ann.get(), ben.get()}) {
    const auto mesh = modeOf(*c, "mesh");
    REQUIRE(mesh);
    CHECK_THAT((*mesh)["data"]["reason"].get<std::string>(), Contains("media server is unreachable"));
  }
  // Chat goes on meanwhile.
  ann->send({{"type", "text"}, {"receiver", "room"}, {"data", {{"from", "Ann"}, {"time", 1}, {"text", "still here"}}}});
  CHECK(ben->waitFor([](const Json& m) { return m.value("type", "") == "text"; }));

  janus.start();
  CHECK(modeOf(*ann, "sfu", std::chrono::seconds(20)));
  CHECK(modeOf(*ben, "sfu", std::chrono::seconds(20)));
  CHECK_THAT(server.log(), Contains("lost the media server") && Contains("the media server is back"));
}
