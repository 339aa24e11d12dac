// The test support's WebSocket client: its barrier never passes silently.
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace orbit::test;

TEST_CASE("drain returns what came before its barrier, and throws when the barrier never comes",
          "[integration][support]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/drain/ws");
  WsClient b(server.port(), "/room/drain/ws");
  const std::string bId = b.learnId();
  b.drain();
  a.send({{"receiver", bId},
          {"type", "text"},
          {"data", {{"from", "A"}, {"time", 1}, {"text", "before"}}}});
  a.drain();  // the server has relayed the text by now
  bool sawText = false;
  for (const Json& m : b.drain())
    sawText = sawText || (m.value("type", "") == "text" && m["data"]["text"] == "before");
  CHECK(sawText);

  SECTION("a socket the client closed") {
    b.close();
    CHECK_THROWS_WITH(b.drain(1s), Catch::Contains("no pong from the server"));
  }
  SECTION("a server that died") {
    server.stop(SIGKILL);
    CHECK_THROWS_WITH(b.drain(1s), Catch::Contains("no pong from the server"));
  }
}
