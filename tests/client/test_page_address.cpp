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
