// The bad-input battery: whatever a client sends, it gets a clear error (or, for an
// oversize frame, a 1009 close) and nobody else is disturbed.
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

using namespace orbit::test;

namespace {

// After the bad frame, the same connection must still work and a bystander must still
// get room messages.
void expectStillServing(WsClient& offender, WsClient& bystander) {
  CHECK(offender.learnId().size() == 32);
  offender.send({{"receiver", "room"}, {"type", "text"}, {"data", {{"from", "x"}, {"time", 1}, {"text", "still here"}}}});
  auto relayed = bystander.waitFor([](const Json& m) {
    return m.value("type", "") == "text" && m["data"]["text"] == "still here";
  });
  CHECK(relayed);
}

std::string nested(char open, char close, int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open == '{' ? "{\"a\":" : std::string(1, open);
  s += "1";
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

}  // namespace

TEST_CASE("every malformed frame gets an error naming the problem and the connection lives on",
          "[integration][bad-input]") {
  ServerProcess server;
  WsClient offender(server.port(), "/room/bad/ws");
  WsClient bystander(server.port(), "/room/bad/ws");
  const std::string bystanderId = bystander.learnId();
  offender.drain();

  struct Case {
    std::string frame;
    std::string expected;  // a substring of the error text
  };
  const std::string longName(65, 'x');
  const std::vector<Case> cases = {
      {"{not json", "invalid JSON"},
      {"", "invalid JSON"},
      {"{\"type\":\"ping\"} trailing", "invalid JSON"},
      {"[1,2,3]", "JSON object"},
      {"\"just a string\"", "JSON object"},
      {"42", "JSON object"},
      {"null", "JSON object"},
      {"{}", "no \"type\""},
      {"{\"data\":1}", "no \"type\""},
      {"{\"type\":7}", "\"type\" must be a string"},
      {"{\"type\":\"teleport\"}", "unknown message type \"teleport\""},
      {"{\"type\":\"ping\",\"receiver\":5}", "\"receiver\" must be a string"},
      {"{\"type\":\"text\",\"receiver\":\"room\",\"data\":\"hi\"}", "must be an object"},
      {"{\"type\":\"text\",\"receiver\":\"room\",\"data\":{\"from\":\"a\",\"text\":\"hi\"}}", "\"time\""},
      {"{\"type\":\"text\",\"receiver\":\"room\",\"data\":{\"from\":\"a\",\"time\":\"noon\",\"text\":\"hi\"}}", "\"time\""},
      {"{\"type\":\"text\",\"receiver\":\"room\",\"data\":{\"from\":1,\"time\":1,\"text\":\"hi\"}}", "\"from\""},
      {"{\"type\":\"text\",\"receiver\":\"room\",\"data\":{\"from\":\"a\",\"time\":1,\"text\":\"" + std::string(4097, 'y') + "\"}}", "4096"},
      {"{\"type\":\"text\",\"data\":{\"from\":\"a\",\"time\":1,\"text\":\"hi\"}}", "needs a receiver"},
      {"{\"type\":\"profile\",\"data\":{\"username\":\"" + longName + "\"}}", "at most 64"},
      {"{\"type\":\"profile\",\"data\":{\"username\":\"   \"}}", "empty"},
      {"{\"type\":\"profile\",\"data\":{\"username\":\"a\\u0007b\"}}", "control"},
      {"{\"type\":\"profile\",\"data\":{\"name\":\"bob\"}}", "\"username\""},
      {"{\"type\":\"profile\"}", "needs data"},
      {"{\"type\":\"offer\",\"receiver\":\"" + bystanderId + "\",\"data\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}", "\"type\" must be \"offer\""},
      {"{\"type\":\"offer\",\"receiver\":\"" + bystanderId + "\",\"data\":\"v=0\"}", "must be an object"},
      {"{\"type\":\"offer\",\"receiver\":\"room\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}", "goes to one peer"},
      {"{\"type\":\"answer\",\"receiver\":\"" + bystanderId + "\",\"data\":{\"type\":\"answer\"}}", "\"sdp\""},
      {"{\"type\":\"icecandidate\",\"receiver\":\"" + bystanderId + "\",\"data\":{\"sdpMid\":\"0\"}}", "\"candidate\""},
      {"{\"type\":\"icecandidate\",\"receiver\":\"" + bystanderId + "\",\"data\":{\"candidate\":\"\",\"sdpMLineIndex\":-1}}", "sdpMLineIndex"},
      {"{\"type\":\"greeting\",\"data\":{\"hi\":1}}", "must be a string"},
      {"{\"type\":\"room-info\",\"receiver\":\"room\",\"data\":{\"room_id\":\"bad\",\"clients\":[]}}", "sent by the server"},
      {"{\"type\":\"error\",\"receiver\":\"" + bystanderId + "\",\"data\":\"fake\"}", "sent by the server"},
      {"{\"type\":\"get-room-info\",\"receiver\":\"" + bystanderId + "\"}", "ground control"},
      {"{\"type\":\"text\",\"receiver\":\"ffffffffffffffffffffffffffffffff\",\"data\":{\"from\":\"a\",\"time\":1,\"text\":\"?\"}}", "not delivered"},
      {nested('[', ']', 20000), "nested deeper"},
      // Objects cost six bytes a level ({"a": and }), so 10,000 is about as deep as 64 KiB allows.
      {nested('{', '}', 10000), "nested deeper"},
  };
  for (const auto& c : cases) {
    INFO("frame: " << c.frame.substr(0, 120));
    offender.sendText(c.frame);
    auto error = offender.waitForType("error");
    REQUIRE(error);
    CHECK((*error)["sender"] == "ground control");
    CHECK_THAT((*error)["data"].get<std::string>(), Catch::Contains(c.expected));
  }
  expectStillServing(offender, bystander);
  for (const auto& m : bystander.drain()) CHECK(m.value("type", "") != "error");
}

TEST_CASE("a binary frame is refused with an error and the connection lives on", "[integration][bad-input]") {
  ServerProcess server;
  WsClient offender(server.port(), "/room/bin/ws");
  WsClient bystander(server.port(), "/room/bin/ws");
  offender.sendBinary(std::string("\x00\x01\x02\xff", 4));
  auto error = offender.waitForType("error");
  REQUIRE(error);
  CHECK_THAT((*error)["data"].get<std::string>(), Catch::Contains("binary"));
  expectStillServing(offender, bystander);
}

TEST_CASE("a frame over 64 KiB closes only that connection, with 1009", "[integration][bad-input]") {
  ServerProcess server;
  WsClient offender(server.port(), "/room/big/ws");
  WsClient bystander(server.port(), "/room/big/ws");
  const std::string idBystander = bystander.learnId();

  // Just under the limit is fine.
  const std::string fits = "{\"type\":\"greeting\",\"data\":\"" + std::string(64 * 1024 - 40, 'a') + "\"}";
  REQUIRE(fits.size() <= 64 * 1024);
  offender.sendText(fits);
  CHECK(offender.learnId().size() == 32);

  offender.sendText("{\"type\":\"greeting\",\"data\":\"" + std::string(64 * 1024 + 1, 'a') + "\"}");
  int code = 0;
  CHECK(offender.waitClosed(5s, &code));
  CHECK(code == 1009);
  auto info = bystander.waitFor([&](const Json& m) {
    return m.value("type", "") == "room-info" && m["data"]["clients"].size() == 1 &&
           m["data"]["clients"][0]["id"] == idBystander;
  });
  CHECK(info);
  CHECK(bystander.learnId() == idBystander);
}

TEST_CASE("a flood from one client is throttled while others are still served", "[integration][bad-input]") {
  ServerProcess server({"--rate-limit", "50"});
  WsClient flooder(server.port(), "/room/flood/ws");
  WsClient calm(server.port(), "/room/flood/ws");
  WsClient listener(server.port(), "/room/flood/ws");
  listener.drain();
  for (int i = 0; i < 2000; ++i) {
    flooder.send({{"receiver", "ground control"}, {"type", "greeting"}, {"data", "spam"}});
  }
  auto throttled = flooder.waitFor([](const Json& m) {
    return m.value("type", "") == "error" &&
           m["data"].get<std::string>().find("too many messages") != std::string::npos;
  });
  CHECK(throttled);

  calm.send({{"receiver", "room"}, {"type", "text"}, {"data", {{"from", "calm"}, {"time", 1}, {"text", "unaffected"}}}});
  auto got = listener.waitFor([](const Json& m) { return m.value("type", "") == "text"; });
  REQUIRE(got);
  CHECK((*got)["data"]["text"] == "unaffected");
  auto metrics = httpRequest(server.port(), "GET", "/metrics");
  CHECK_THAT(metrics.body, Catch::Contains("orbit_messages_throttled_total"));
  CHECK_THAT(metrics.body, !Catch::Contains("orbit_messages_throttled_total 0\n"));
}

TEST_CASE("invalid UTF-8 in a text frame closes that connection (1007) and no one else's",
          "[integration][bad-input]") {
  ServerProcess server;
  WsClient offender(server.port(), "/room/utf/ws");
  WsClient bystander(server.port(), "/room/utf/ws");
  const std::string idBystander = bystander.learnId();
  offender.sendText("{\"type\":\"ping\",\"data\":\"\xff\xfe\"}");
  int code = 0;
  CHECK(offender.waitClosed(5s, &code));
  CHECK(code == 1007);
  CHECK(bystander.learnId() == idBystander);
}

TEST_CASE("garbage HTTP and refused upgrades get clear answers and the server keeps serving",
          "[integration][bad-input]") {
  ServerProcess server;
  CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
  CHECK_THROWS_WITH(WsClient(server.port(), "/room/Not_A_Slug/ws"), Catch::Contains("400"));
  CHECK_THROWS_WITH(WsClient(server.port(), "/elsewhere/ws"), Catch::Contains("404"));
  const std::string hugeBody(64 * 1024, 'x');
  CHECK(httpRequest(server.port(), "POST", "/api/rooms", hugeBody).status == 413);
  auto health = httpRequest(server.port(), "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.json()["status"] == "ok");
}
