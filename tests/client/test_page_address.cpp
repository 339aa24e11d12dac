#include "page_address.hpp"

#include <catch2/catch.hpp>

using namespace orbit;

TEST_CASE("a room address outside ASCII is read decoded and written percent-encoded", "[client][address]") {
  // /room/привет, as a browser's address bar sends it.
  const PageAddress address = parsePageAddress("https://orbit.test/room/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?name=Ann");
  CHECK(address.room.str() == "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  CHECK(address.username == "Ann");
  CHECK(webSocketUrl(address) == "wss://orbit.test/room/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/ws");
  CHECK(roomPageUrl(address) == "https://orbit.test/room/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82");
}

TEST_CASE("a room address typed with capitals or accents lands in the room its name makes", "[client][address]") {
  CHECK(parsePageAddress("http://h/room/Caf%C3%A9").room.str() == "cafe");
  CHECK(parsePageAddress("http://h/room/%D0%9F%D0%A0").room.str() == "\xD0\xBF\xD1\x80");
}

TEST_CASE("?relay=1 asks for relay-only ICE, and anything else leaves ICE as it is", "[client][address]") {
  CHECK(parsePageAddress("https://o.example/room/r?name=Ann&relay=1").relayOnly);
  CHECK(parsePageAddress("https://o.example/room/r?relay=true&name=Ann").relayOnly);
  for (const char* url : {"https://o.example/room/r", "https://o.example/room/r?relay=", "https://o.example/room/r?relay=0",
                          "https://o.example/room/r?relay=no", "https://o.example/room/r?name=relay"}) {
    CAPTURE(url);
    CHECK_FALSE(parsePageAddress(url).relayOnly);
  }
}

TEST_CASE("?uplink= sets the mesh's upload budget when it is a sensible number of kbit/s", "[client][address]") {
  CHECK(parsePageAddress("https://o.example/room/r?name=Ann&uplink=1200").uplinkKbps == 1200);
  CHECK(parsePageAddress("https://o.example/room/r?uplink=100000").uplinkKbps == 100000);
  for (const char* url : {"https://o.example/room/r", "https://o.example/room/r?uplink=", "https://o.example/room/r?uplink=99",
                          "https://o.example/room/r?uplink=100001", "https://o.example/room/r?uplink=1e3",
                          "https://o.example/room/r?uplink=-500", "https://o.example/room/r?uplink=99999999999"}) {
    CAPTURE(url);
    CHECK(parsePageAddress(url).uplinkKbps == 0);
  }
}

TEST_CASE("a page under a base path keeps it for the API, the WebSocket and the invite", "[client][address]") {
  // orbit-server --base-path /orbit behind a proxy at https://example.org/orbit/.
  const PageAddress room = parsePageAddress("https://example.org/orbit/room/standup?name=Ann");
  CHECK(room.basePath == "/orbit");
  CHECK(room.room.str() == "standup");
  CHECK(room.username == "Ann");
  CHECK(webSocketUrl(room) == "wss://example.org/orbit/room/standup/ws");
  CHECK(apiUrl(room, "/api/rooms") == "https://example.org/orbit/api/rooms");
  CHECK(roomPageUrl(room) == "https://example.org/orbit/room/standup");
  CHECK(parsePageAddress("https://example.org/a/b/room/x/").basePath == "/a/b");

  for (const char* lobby : {"https://example.org/orbit/", "https://example.org/orbit/index.html",
                            "https://example.org/orbit/?name=Ann"}) {
    CAPTURE(lobby);
    const PageAddress address = parsePageAddress(lobby);
    CHECK(address.room.empty());
    CHECK(address.basePath == "/orbit");
    CHECK(apiUrl(address, "/") == "https://example.org/orbit/");
  }
  // A room called "room" under a base is still a room.
  CHECK(parsePageAddress("http://h/orbit/room/room").room.str() == "room");
  CHECK(parsePageAddress("http://h/orbit/room/room").basePath == "/orbit");
  // A known host and no base: the API on the page's own origin, as before.
  CHECK(apiUrl(PageAddress{}, "/api/rooms") == "/api/rooms");
}

TEST_CASE("a page at the site's root has no base path", "[client][address]") {
  for (const char* url : {"http://h/", "http://h/room/abc", "http://h/room/abc/", "http://h/index.html", "http://h"}) {
    CAPTURE(url);
    CHECK(parsePageAddress(url).basePath.empty());
  }
  CHECK(parsePageAddress("http://h/room/").room.empty());
  CHECK(parsePageAddress("http://h/room/a/b").room.empty());
}

TEST_CASE("a join token is offered as a subprotocol and kept out of the WebSocket URL", "[client][address]") {
  PageAddress address = parsePageAddress("https://example.org/orbit/room/vault");
  CHECK(webSocketTarget(address) == WebSocketTarget{"wss://example.org/orbit/room/vault/ws", {}});
  address.token = "1796149729.0a1b2c";
  CHECK(webSocketTarget(address) ==
        WebSocketTarget{"wss://example.org/orbit/room/vault/ws", {"orbit", "orbit-token.1796149729.0a1b2c"}});
  // Not something a Sec-WebSocket-Protocol header can carry: in the query, as old clients sent it.
  address.token = "a b";
  CHECK(webSocketTarget(address) == WebSocketTarget{"wss://example.org/orbit/room/vault/ws?token=a%20b", {}});
}
