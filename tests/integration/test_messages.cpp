// Every message type through a real orbit-server and real WebSocket clients.
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <regex>

using namespace orbit::test;

namespace {

bool isHexId(const std::string& s) { return std::regex_match(s, std::regex("[0-9a-f]{32}")); }

auto roomInfoWith(std::size_t n) {
  return [n](const Json& m) {
    return m.value("type", "") == "room-info" && m["data"]["clients"].size() == n;
  };
}

std::vector<std::string> typesOf(const std::vector<Json>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) out.push_back(f.is_object() ? f.value("type", "?") : "?");
  return out;
}

}  // namespace

TEST_CASE("a client learns its id from the pong to its ping, with the data echoed", "[integration][ping]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/lobby/ws");
  a.send({{"type", "ping"}, {"receiver", "ground control"}, {"data", {{"n", 42}, {"s", "x"}}}});
  auto pong = a.waitForType("pong");
  REQUIRE(pong);
  CHECK((*pong)["sender"] == "ground control");
  CHECK(isHexId((*pong)["receiver"]));
  CHECK((*pong)["data"] == Json({{"n", 42}, {"s", "x"}}));

  a.send({{"type", "ping"}, {"receiver", "ground control"}});
  auto bare = a.waitForType("pong");
  REQUIRE(bare);
  CHECK_FALSE(bare->contains("data"));
}

TEST_CASE("joining and leaving broadcast room-info to everyone in the room", "[integration][room-info]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/standup/ws");
  // The newcomer's first room-info follows the pong that tells it its id.
  a.send({{"type", "ping"}, {"receiver", "ground control"}});
  auto pong = a.next();
  REQUIRE(pong);
  CHECK((*pong)["type"] == "pong");
  const std::string idA = (*pong)["receiver"];
  auto first = a.next();
  REQUIRE(first);
  REQUIRE(roomInfoWith(1)(*first));
  CHECK((*first)["data"]["room_id"] == "standup");
  CHECK((*first)["data"]["clients"][0]["id"] == idA);

  auto b = std::make_unique<WsClient>(server.port(), "/room/standup/ws");
  auto seenByA = a.waitFor(roomInfoWith(2));
  REQUIRE(seenByA);
  CHECK((*seenByA)["receiver"] == idA);
  const std::string idB = b->learnId();
  CHECK((*seenByA)["data"]["clients"][1]["id"] == idB);

  b->send({{"type", "bye"}, {"receiver", "ground control"}});
  CHECK(b->waitClosed());
  auto after = a.waitFor(roomInfoWith(1));
  REQUIRE(after);
  CHECK((*after)["data"]["clients"][0]["id"] == idA);
}

TEST_CASE("profile renames a client for the whole room, trimmed", "[integration][profile]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/names/ws");
  WsClient b(server.port(), "/room/names/ws");
  const std::string idA = a.learnId();
  b.learnId();  // room-info reaches a client once it knows its id
  a.send({{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", "  Alice  "}}}});
  auto named = b.waitFor([&](const Json& m) {
    if (m.value("type", "") != "room-info") return false;
    for (const auto& c : m["data"]["clients"]) {
      if (c["id"] == idA && c["username"] == "Alice") return true;
    }
    return false;
  });
  CHECK(named);
}

TEST_CASE("get-room-info is answered to the asker only", "[integration][room-info]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/ask/ws");
  WsClient b(server.port(), "/room/ask/ws");
  // Asked before the first ping: answered all the same.
  a.send({{"type", "get-room-info"}, {"receiver", "ground control"}});
  auto info = a.next();
  REQUIRE(info);
  CHECK(roomInfoWith(2)(*info));
  CHECK(typesOf(b.drain()).empty());  // nothing of a's question reaches b
  CHECK(typesOf(a.drain()).empty());  // asking introduced a: its first pong comes alone
}

TEST_CASE("get-ice-servers returns STUN and TURN with REST credentials coturn accepts", "[integration][ice]") {
  ServerProcess server({"--stun", "stun:stun.test:3478", "--stun", "stun:stun2.test:3478", "--turn",
                        "turn:turn.test:3478?transport=udp", "--turn-secret", "s3cret", "--turn-ttl", "3600"});
  WsClient a(server.port(), "/room/ice/ws");
  const std::string id = a.learnId();
  a.send({{"type", "get-ice-servers"}, {"receiver", "ground control"}});
  auto reply = a.waitForType("ice-servers");
  REQUIRE(reply);
  const Json& servers = (*reply)["data"];
  REQUIRE(servers.size() == 2);
  CHECK(servers[0]["urls"] == Json::array({"stun:stun.test:3478", "stun:stun2.test:3478"}));
  CHECK_FALSE(servers[0].contains("credential"));
  CHECK(servers[1]["urls"] == Json::array({"turn:turn.test:3478?transport=udp"}));

  const std::string username = servers[1]["username"];
  const auto colon = username.find(':');
  REQUIRE(colon != std::string::npos);
  CHECK(username.substr(colon + 1) == id);
  const long long expiry = std::stoll(username.substr(0, colon));
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(expiry > now + 3500);
  CHECK(expiry <= now + 3601);

  // What coturn computes for use-auth-secret: base64(HMAC-SHA1(secret, username)).
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), "s3cret", 6, reinterpret_cast<const unsigned char*>(username.data()), username.size(), digest, &len);
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  CHECK(servers[1]["credential"] == std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n)));
}

TEST_CASE("text to the room reaches everyone, the sender included, stamped with the real sender",
          "[integration][text]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/chat/ws");
  WsClient b(server.port(), "/room/chat/ws");
  const std::string idA = a.learnId();
  const Json data = {{"from", "Alice"}, {"time", 1764450000000LL}, {"text", "hello, room"}, {"extra", true}};
  a.send({{"sender", "someone-else"}, {"receiver", "room"}, {"type", "text"}, {"data", data}});
  for (WsClient* c : {&a, &b}) {
    auto got = c->waitForType("text");
    REQUIRE(got);
    CHECK((*got)["sender"] == idA);
    CHECK((*got)["receiver"] == "room");
    CHECK((*got)["data"] == data);
  }
}

TEST_CASE("a direct message reaches only its receiver", "[integration][text]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/dm/ws");
  WsClient b(server.port(), "/room/dm/ws");
  WsClient c(server.port(), "/room/dm/ws");
  const std::string idA = a.learnId();
  const std::string idB = b.learnId();
  c.drain();
  a.send({{"receiver", idB}, {"type", "text"}, {"data", {{"from", "A"}, {"time", 1}, {"text", "psst"}}}});
  auto got = b.waitForType("text");
  REQUIRE(got);
  CHECK((*got)["sender"] == idA);
  CHECK((*got)["data"]["text"] == "psst");
  // The server handles frames in order: had C been sent the text, it would precede this pong.
  a.drain();
  for (const auto& t : typesOf(c.drain())) CHECK(t != "text");
  for (const auto& t : typesOf(a.drain())) CHECK(t != "text");
}

TEST_CASE("offer, answer and icecandidate relay between two peers with extra fields intact",
          "[integration][negotiation]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/call/ws");
  WsClient b(server.port(), "/room/call/ws");
  const std::string idA = a.learnId();
  const std::string idB = b.learnId();

  const Json offer = {{"type", "offer"}, {"sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}};
  a.send({{"receiver", idB}, {"type", "offer"}, {"data", offer}});
  auto gotOffer = b.waitForType("offer");
  REQUIRE(gotOffer);
  CHECK((*gotOffer)["sender"] == idA);
  CHECK((*gotOffer)["data"] == offer);

  const Json answer = {{"type", "answer"}, {"sdp", "v=0\r\n"}};
  b.send({{"receiver", idA}, {"type", "answer"}, {"data", answer}});
  auto gotAnswer = a.waitForType("answer");
  REQUIRE(gotAnswer);
  CHECK((*gotAnswer)["sender"] == idB);
  CHECK((*gotAnswer)["data"] == answer);

  const Json candidate = {{"candidate", "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host"},
                          {"sdpMid", "0"}, {"sdpMLineIndex", 0}, {"usernameFragment", "abcd"}};
  a.send({{"receiver", idB}, {"type", "icecandidate"}, {"data", candidate}});
  auto gotCandidate = b.waitForType("icecandidate");
  REQUIRE(gotCandidate);
  CHECK((*gotCandidate)["data"] == candidate);

  const Json endOfCandidates = {{"candidate", ""}, {"sdpMid", nullptr}, {"sdpMLineIndex", nullptr}};
  a.send({{"receiver", idB}, {"type", "icecandidate"}, {"data", endOfCandidates}});
  auto gotEnd = b.waitForType("icecandidate");
  REQUIRE(gotEnd);
  CHECK((*gotEnd)["data"] == endOfCandidates);
}

TEST_CASE("a large offer arriving in many frames relays intact, and so do the small messages around it",
          "[integration][negotiation]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/big/ws");
  WsClient b(server.port(), "/room/big/ws");
  const std::string idB = b.learnId();
  a.learnId();

  // Beast's client writes a message in frames of 4 KB: this one takes sixteen, just under
  // the server's 64 KiB limit for a message.
  std::string sdp = "v=0\r\n";
  while (sdp.size() < 60 * 1024) sdp += "a=candidate:" + std::to_string(sdp.size()) + " 1 udp 2122260223 127.0.0.1 9 typ host\r\n";
  const Json small = {{"type", "offer"}, {"sdp", "v=0\r\n"}};
  const Json big = {{"type", "offer"}, {"sdp", sdp}};
  for (const Json& offer : {small, big, small}) {
    a.send({{"receiver", idB}, {"type", "offer"}, {"data", offer}});
    auto got = b.waitForType("offer");
    REQUIRE(got);
    CHECK((*got)["data"] == offer);
  }
}

TEST_CASE("greeting, pong and bye between peers are relayed, and to ground control get no reply",
          "[integration][greeting][bye]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/hi/ws");
  WsClient b(server.port(), "/room/hi/ws");
  const std::string idA = a.learnId();
  const std::string idB = b.learnId();
  a.drain();

  a.send({{"receiver", "ground control"}, {"type", "greeting"}, {"data", "hello server"}});
  a.send({{"receiver", "ground control"}, {"type", "pong"}, {"data", "late"}});
  CHECK(typesOf(a.drain()).empty());

  a.send({{"receiver", idB}, {"type", "greeting"}, {"data", "hello B"}});
  auto greeting = b.waitForType("greeting");
  REQUIRE(greeting);
  CHECK((*greeting)["data"] == "hello B");
  CHECK((*greeting)["sender"] == idA);

  a.send({{"receiver", idB}, {"type", "ping"}, {"data", "peer ping"}});
  auto ping = b.waitForType("ping");
  REQUIRE(ping);
  CHECK((*ping)["sender"] == idA);
  b.send({{"receiver", idA}, {"type", "pong"}, {"data", (*ping)["data"]}});
  auto pong = a.waitForType("pong");
  REQUIRE(pong);
  CHECK((*pong)["sender"] == idB);
  CHECK((*pong)["data"] == "peer ping");

  a.send({{"receiver", idB}, {"type", "bye"}, {"data", "hanging up"}});
  auto bye = b.waitForType("bye");
  REQUIRE(bye);
  CHECK((*bye)["sender"] == idA);
  CHECK(a.isOpen());
  CHECK(b.isOpen());
}

TEST_CASE("rooms are isolated: nothing crosses from one room to another", "[integration][rooms]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/red/ws");
  WsClient b(server.port(), "/room/blue/ws");
  a.learnId();
  const std::string idB = b.learnId();
  b.drain();

  a.send({{"receiver", "room"}, {"type", "text"}, {"data", {{"from", "A"}, {"time", 1}, {"text", "red only"}}}});
  REQUIRE(a.waitForType("text"));
  a.send({{"receiver", idB}, {"type", "text"}, {"data", {{"from", "A"}, {"time", 1}, {"text", "sneaky"}}}});
  auto refused = a.waitForType("error");
  REQUIRE(refused);
  CHECK_THAT((*refused)["data"].get<std::string>(), Catch::Contains("not delivered"));

  for (const auto& t : typesOf(b.drain())) {
    CHECK(t != "text");
    CHECK(t != "room-info");  // red's membership is no business of blue's
  }
}
