#include "handshake.hpp"

#include <catch2/catch.hpp>

using namespace orbit;

TEST_CASE("a join token is offered as orbit-token.<token> beside orbit, and nothing is offered without one",
          "[shared][handshake]") {
  CHECK(joinSubprotocols("1796149729.0a1b") == std::vector<std::string>{"orbit", "orbit-token.1796149729.0a1b"});
  CHECK(joinSubprotocols("").empty());
}

TEST_CASE("the server reads orbit and the first token from Sec-WebSocket-Protocol, spaces and lines aside",
          "[shared][handshake]") {
  const auto offered = parseSubprotocols("orbit, orbit-token.99.feed,orbit-token.1.dead");
  CHECK(offered.orbit);
  CHECK(offered.token == "99.feed");

  const auto tokenOnly = parseSubprotocols("  orbit-token.5.ab\t");
  CHECK_FALSE(tokenOnly.orbit);
  CHECK(tokenOnly.token == "5.ab");

  const auto other = parseSubprotocols("chat, orbitx, orbit-tokens.1.2");
  CHECK_FALSE(other.orbit);
  CHECK_FALSE(other.token);
  CHECK_FALSE(parseSubprotocols("").token);
  CHECK(parseSubprotocols("orbit-token.").token == "");
}

TEST_CASE("only RFC 9110 tokens may be subprotocols", "[shared][handshake]") {
  CHECK(isSubprotocolToken("orbit-token.1796149729.0a1b"));
  CHECK(isSubprotocolToken("a!#$%&'*+-.^_`|~Z9"));
  CHECK_FALSE(isSubprotocolToken(""));
  CHECK_FALSE(isSubprotocolToken("has space"));
  CHECK_FALSE(isSubprotocolToken("a,b"));
  CHECK_FALSE(isSubprotocolToken("caf\xc3\xa9"));
  CHECK_FALSE(isSubprotocolToken("a/b"));
}
