#include "url.hpp"

#include <catch2/catch.hpp>

using orbit::percentDecode;
using orbit::queryParam;

TEST_CASE("a query parameter is found by name and decoded as a form value", "[url]") {
  CHECK(queryParam("name=Ann", "name") == std::string("Ann"));
  CHECK(queryParam("a=1&name=Ann+Lee&b=2", "name") == std::string("Ann Lee"));
  CHECK(queryParam("token=123.abc%2B", "token") == std::string("123.abc+"));
  CHECK(queryParam("name=%E2%9C%93", "name") == std::string("\xE2\x9C\x93"));
  CHECK(queryParam("name=100%", "name") == std::string("100%"));  // a malformed escape stays
  CHECK(queryParam("name=", "name") == std::string());
  CHECK(queryParam("name", "name") == std::string());
  CHECK_FALSE(queryParam("username=Ann", "name"));
  CHECK_FALSE(queryParam("", "name"));
  CHECK(queryParam("name=first&name=second", "name") == std::string("first"));
}

TEST_CASE("a path decodes strictly: broken escapes and NUL give nothing", "[url]") {
  CHECK(percentDecode("/room/team%20sync") == std::string("/room/team sync"));
  CHECK(percentDecode("a+b") == std::string("a+b"));
  CHECK_FALSE(percentDecode("%"));
  CHECK_FALSE(percentDecode("%4"));
  CHECK_FALSE(percentDecode("%zz"));
  CHECK_FALSE(percentDecode("%00"));
}

TEST_CASE("a room id or a query value goes into a URL percent-encoded, unreserved characters as they are", "[url]") {
  CHECK(orbit::percentEncode("team-sync") == "team-sync");
  CHECK(orbit::percentEncode("\xD0\xBF\xD1\x80") == "%D0%BF%D1%80");
  CHECK(orbit::percentEncode("a/b?c") == "a%2Fb%3Fc");
  CHECK(orbit::percentEncode("12.ab_~") == "12.ab_~");
  CHECK(orbit::percentEncode("a b&c=d+") == "a%20b%26c%3Dd%2B");
}
