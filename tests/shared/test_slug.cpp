#include "slug.hpp"

#include <catch2/catch.hpp>

#include <string>

using orbit::isValidSlug;
using orbit::slugify;

TEST_CASE("a display name becomes its slug as docs/protocol.md shows", "[slug]") {
  CHECK(slugify("Team Sync!") == "team-sync");
}

TEST_CASE("slugify lowercases ASCII letters and keeps digits", "[slug]") {
  CHECK(slugify("ABC") == "abc");
  CHECK(slugify("Room42") == "room42");
  CHECK(slugify("2024 Q3 Review") == "2024-q3-review");
  CHECK(slugify("already-a-slug") == "already-a-slug");
}

TEST_CASE("slugify drops junk at either end", "[slug]") {
  CHECK(slugify("  hello  ") == "hello");
  CHECK(slugify("--hello--") == "hello");
  CHECK(slugify("!!!Team Sync???") == "team-sync");
  CHECK(slugify("\t\n(standup)\r\n") == "standup");
}

TEST_CASE("slugify turns each run of separators into one dash", "[slug]") {
  CHECK(slugify("a   b") == "a-b");
  CHECK(slugify("a - _ . b") == "a-b");
  CHECK(slugify("a--b") == "a-b");
  CHECK(slugify("a_b") == "a-b");
  CHECK(slugify("one, two & three") == "one-two-three");
}

TEST_CASE("slugify keeps no non-ASCII character and treats it as a separator", "[slug]") {
  CHECK(slugify("Caf\xC3\xA9") == "caf");
  CHECK(slugify("Z\xC3\xBCrich Team") == "z-rich-team");
  CHECK(slugify("\xE6\x97\xA5\xE6\x9C\xAC room") == "room");
  CHECK(slugify("\xF0\x9F\x98\x80 party \xF0\x9F\x8E\x89") == "party");
  const std::string s = slugify("\xC3\x80\xC3\x89 \xC3\x85ngstr\xC3\xB6m");
  for (char c : s) CHECK(static_cast<unsigned char>(c) < 0x80);
  CHECK(isValidSlug(s));
}

TEST_CASE("slugify returns an empty string when nothing usable is left", "[slug]") {
  CHECK(slugify("").empty());
  CHECK(slugify("   ").empty());
  CHECK(slugify("!!! --- ???").empty());
  CHECK(slugify("\xE6\x97\xA5\xE6\x9C\xAC").empty());
  CHECK(slugify(std::string(3, '\0')).empty());
}

TEST_CASE("slugify caps a slug at 64 characters", "[slug]") {
  const std::string s = slugify(std::string(200, 'A'));
  CHECK(s == std::string(64, 'a'));
}

TEST_CASE("slugify never ends a capped slug with a dash", "[slug]") {
  // Word boundaries placed so the cut lands on, just before and just after a separator.
  for (std::size_t firstWord = 55; firstWord <= 66; ++firstWord) {
    CAPTURE(firstWord);
    const std::string s = slugify(std::string(firstWord, 'x') + " " + std::string(100, 'y'));
    CHECK(s.size() <= orbit::kMaxSlugLength);
    REQUIRE_FALSE(s.empty());
    CHECK(s.back() != '-');
    CHECK(isValidSlug(s));
  }
  SECTION("a separator right at character 64") {
    // 63 letters, a space, more letters: the 64th character would be the dash.
    const std::string s = slugify(std::string(63, 'b') + " cdef");
    CHECK(s == std::string(63, 'b'));
  }
  SECTION("a separator right after character 64") {
    const std::string s = slugify(std::string(64, 'b') + " cdef");
    CHECK(s == std::string(64, 'b'));
  }
  SECTION("room for the dash and one more letter") {
    const std::string s = slugify(std::string(62, 'b') + " cdef");
    CHECK(s == std::string(62, 'b') + "-c");
  }
}

TEST_CASE("every slug slugify produces is a valid slug or empty", "[slug]") {
  for (const char* name :
       {"Team Sync!", "  x  ", "A_B_C", "--", "\xC3\xA9t\xC3\xA9", "a.b.c.d", "Z"}) {
    CAPTURE(name);
    const std::string s = slugify(name);
    CHECK((s.empty() || isValidSlug(s)));
    CHECK(slugify(s) == s);  // a slug is its own slug
  }
}

TEST_CASE("isValidSlug accepts 1 to 64 characters and refuses 0 or 65", "[slug]") {
  CHECK_FALSE(isValidSlug(""));
  CHECK(isValidSlug("a"));
  CHECK(isValidSlug("7"));
  CHECK(isValidSlug("-"));
  CHECK(isValidSlug(std::string(64, 'a')));
  CHECK_FALSE(isValidSlug(std::string(65, 'a')));
}

TEST_CASE("isValidSlug refuses anything outside lowercase letters digits and dash", "[slug]") {
  CHECK(isValidSlug("team-sync-2"));
  CHECK_FALSE(isValidSlug("Team-sync"));
  CHECK_FALSE(isValidSlug("team_sync"));
  CHECK_FALSE(isValidSlug("team sync"));
  CHECK_FALSE(isValidSlug("team.sync"));
  CHECK_FALSE(isValidSlug("team/sync"));
  CHECK_FALSE(isValidSlug("../etc"));
  CHECK_FALSE(isValidSlug("caf\xC3\xA9"));
  CHECK_FALSE(isValidSlug(std::string("ab\0c", 4)));
  CHECK_FALSE(isValidSlug("%2e%2e"));
}
