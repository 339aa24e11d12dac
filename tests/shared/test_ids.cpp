#include "ids.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

using orbit::isClientId;
using orbit::randomHexId;

TEST_CASE("randomHexId gives 32 lowercase hex characters", "[ids]") {
  for (int i = 0; i < 100; ++i) {
    const std::string id = randomHexId();
    CAPTURE(id);
    REQUIRE(id.size() == 32);
    for (char c : id) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
  }
}

TEST_CASE("isClientId accepts every id randomHexId makes", "[ids]") {
  for (int i = 0; i < 100; ++i) {
    const std::string id = randomHexId();
    CAPTURE(id);
    CHECK(isClientId(id));
  }
}

TEST_CASE("1000 random ids are all distinct", "[ids]") {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(randomHexId());
  CHECK(ids.size() == 1000);
}

TEST_CASE("random ids use every hex digit", "[ids]") {
  // 1000 ids hold 32,000 digits; a generator stuck on part of the alphabet shows up here.
  std::set<char> seen;
  for (int i = 0; i < 1000; ++i) {
    for (char c : randomHexId()) seen.insert(c);
  }
  CHECK(seen.size() == 16);
}

TEST_CASE("every position of a random id varies", "[ids]") {
  // A generator that leaves some bits fixed (a short random source, a bad shift) shows
  // up as a position with few distinct digits. Fewer than 8 of 16 in 1000 draws would be
  // astronomically unlikely from 128 uniform bits.
  std::vector<std::set<char>> digits(32);
  for (int i = 0; i < 1000; ++i) {
    const std::string id = randomHexId();
    REQUIRE(id.size() == 32);
    for (std::size_t p = 0; p < 32; ++p) digits[p].insert(id[p]);
  }
  for (std::size_t p = 0; p < 32; ++p) {
    CAPTURE(p);
    CHECK(digits[p].size() >= 8);
  }
}

TEST_CASE("isClientId refuses the wrong length", "[ids]") {
  CHECK_FALSE(isClientId(""));
  CHECK_FALSE(isClientId(std::string(31, 'a')));
  CHECK_FALSE(isClientId(std::string(33, 'a')));
  CHECK_FALSE(isClientId(std::string(64, 'a')));
  CHECK(isClientId(std::string(32, 'a')));
  CHECK(isClientId("0123456789abcdef0123456789abcdef"));
}

TEST_CASE("isClientId refuses uppercase and non-hex characters", "[ids]") {
  CHECK_FALSE(isClientId("0123456789ABCDEF0123456789abcdef"));
  CHECK_FALSE(isClientId("0123456789abcdef0123456789abcdeF"));
  CHECK_FALSE(isClientId("0123456789abcdef0123456789abcdeg"));
  CHECK_FALSE(isClientId("0123456789abcdef-123456789abcdef"));
  CHECK_FALSE(isClientId("0123456789abcdef 123456789abcdef"));
  CHECK_FALSE(
      isClientId(std::string("0123456789abcdef\0"
                             "123456789abcdef",
                             32)));
  CHECK_FALSE(isClientId("ground control"));
  CHECK_FALSE(isClientId("room"));
}

TEST_CASE("client and room ids are distinct types that compare and hash by value", "[ids]") {
  STATIC_REQUIRE_FALSE(std::is_convertible_v<orbit::ClientId, orbit::RoomId>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<std::string, orbit::ClientId>);
  const orbit::ClientId a{"aa"}, a2{"aa"}, b{"bb"};
  CHECK(a == a2);
  CHECK(a != b);
  CHECK(a < b);
  CHECK(orbit::ClientId{}.empty());
  CHECK(a.str() == "aa");
  std::unordered_set<orbit::ClientId> set{a, a2, b};
  CHECK(set.size() == 2);
}
