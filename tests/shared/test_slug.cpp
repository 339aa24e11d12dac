#include "slug.hpp"

#include <catch2/catch.hpp>

#include <string>

using orbit::isValidSlug;
using orbit::slugify;

TEST_CASE("a display name becomes its slug as the protocol shows", "[slug]") {
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

TEST_CASE("Latin letters with accents lose them, and ligatures are spelled out", "[slug]") {
  CHECK(slugify("Caf\xC3\xA9 Cr\xC3\xA8me") == "cafe-creme");
  CHECK(slugify("Z\xC3\xBCrich Team") == "zurich-team");
  CHECK(slugify("\xC3\x80\xC3\x89 \xC3\x85ngstr\xC3\xB6m") == "ae-angstrom");
  CHECK(slugify("Stra\xC3\x9F" "e") == "strasse");
  CHECK(slugify("\xC5\x81\xC3\xB3" "d\xC5\xBA") == "lodz");  // Łódź
  CHECK(slugify("\xC3\x86sir \xC3\x98resund") == "aesir-oresund");
}

TEST_CASE("every script's letters and digits count, lower-cased where the script has cases", "[slug]") {
  // Привет команда / ПРИВЕТ КОМАНДА
  CHECK(slugify("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBA\xD0\xBE\xD0\xBC\xD0\xB0\xD0\xBD\xD0\xB4\xD0\xB0") ==
        "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82-\xD0\xBA\xD0\xBE\xD0\xBC\xD0\xB0\xD0\xBD\xD0\xB4\xD0\xB0");
  CHECK(slugify("\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2") == "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  // 日本語チーム: no case, kept whole.
  CHECK(slugify("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x83\x81\xE3\x83\xBC\xE3\x83\xA0") ==
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x83\x81\xE3\x83\xBC\xE3\x83\xA0");
  // ΑΘΗΝΑ 2024 -> αθηνα-2024
  CHECK(slugify("\xCE\x91\xCE\x98\xCE\x97\xCE\x9D\xCE\x91 2024") == "\xCE\xB1\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1-2024");
  // नमस्ते keeps its vowel signs and virama (marks), مرحبا its letters.
  CHECK(slugify("\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87!") ==
        "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87");
  CHECK(slugify("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 team") == "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7-team");
}

TEST_CASE("symbols, punctuation and emoji of any script separate words", "[slug]") {
  CHECK(slugify("\xF0\x9F\x98\x80 party \xF0\x9F\x8E\x89") == "party");
  CHECK(slugify("a\xE2\x80\x94" "b") == "a-b");                    // em dash
  CHECK(slugify("\xE3\x80\x8C\xE4\xBC\x9A\xE8\xAD\xB0\xE3\x80\x8D") == "\xE4\xBC\x9A\xE8\xAD\xB0");  // 「会議」
  CHECK(slugify("\xC2\xBFqu\xC3\xA9?") == "que");
  CHECK(slugify("bad\xFF\xFE" "bytes") == "bad-bytes");
  CHECK(slugify("bad\xEF\xBF\xBD" "bytes") == "bad-bytes");  // U+FFFD as such
  CHECK(slugify("\xC0\xAF" "x\xED\xA0\x80") == "x");           // an overlong '/', a surrogate
}

TEST_CASE("an id with an ill-formed byte, or U+FFFD, is no room id", "[slug]") {
  CHECK(isValidSlug("\xE4\xBC\x9A\xE8\xAD\xB0"));              // 会議
  CHECK_FALSE(isValidSlug("\xE4\xBC\x9A\xE8\xAD"));             // cut short
  CHECK_FALSE(isValidSlug("\xE4\xBC\x9A\xE8\xAD\xB0\xFF"));
  CHECK_FALSE(isValidSlug("a\xEF\xBF\xBD" "b"));
  CHECK_FALSE(isValidSlug("\xC1\xA1"));  // an overlong 'a'
}

TEST_CASE("a slug of another script is capped at 64 code points, not bytes", "[slug]") {
  std::string name;
  for (int i = 0; i < 100; ++i) name += "\xE6\x97\xA5";
  const std::string s = slugify(name);
  CHECK(s.size() == 64 * 3);
  CHECK(isValidSlug(s));
  CHECK_FALSE(isValidSlug(s + "\xE6\x97\xA5"));
}

TEST_CASE("a slug of 64 four-byte code points is valid, and a 65th refuses it", "[slug]") {
  std::string s;
  for (int i = 0; i < 64; ++i) s += "\xF0\xA0\x80\x80";  // U+20000, a CJK ideograph
  CHECK(s.size() == 4 * 64);
  CHECK(isValidSlug(s));
  CHECK(slugify(s) == s);
  CHECK_FALSE(isValidSlug(s + "\xF0\xA0\x80\x80"));
  CHECK_FALSE(isValidSlug(std::string(1 << 20, 'a')));
}

TEST_CASE("slugify returns an empty string when nothing usable is left", "[slug]") {
  CHECK(slugify("").empty());
  CHECK(slugify("   ").empty());
  CHECK(slugify("!!! --- ???").empty());
  CHECK(slugify("\xF0\x9F\x98\x80\xF0\x9F\x8E\x89").empty());
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
       {"Team Sync!", "  x  ", "A_B_C", "--", "\xC3\xA9t\xC3\xA9", "a.b.c.d", "Z",
        "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "\xE6\x97\xA5\xE6\x9C\xAC", "\xCE\x91\xCE\x98"}) {
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

TEST_CASE("isValidSlug refuses what slugify would change or drop", "[slug]") {
  CHECK(isValidSlug("team-sync-2"));
  CHECK_FALSE(isValidSlug("Team-sync"));
  CHECK_FALSE(isValidSlug("team_sync"));
  CHECK_FALSE(isValidSlug("team sync"));
  CHECK_FALSE(isValidSlug("team.sync"));
  CHECK_FALSE(isValidSlug("team/sync"));
  CHECK_FALSE(isValidSlug("../etc"));
  CHECK_FALSE(isValidSlug("caf\xC3\xA9"));                       // slugify spells it "cafe"
  CHECK_FALSE(isValidSlug("\xD0\x9F\xD1\x80"));                 // upper-case Cyrillic
  CHECK(isValidSlug("\xD0\xBF\xD1\x80"));
  CHECK(isValidSlug("\xE6\x97\xA5\xE6\x9C\xAC"));
  CHECK_FALSE(isValidSlug("\xF0\x9F\x98\x80"));                 // an emoji
  CHECK_FALSE(isValidSlug("a\xE2\x80\x94" "b"));
  CHECK_FALSE(isValidSlug("\xE6\x97"));                         // cut UTF-8
  CHECK_FALSE(isValidSlug(std::string("ab\0c", 4)));
  CHECK_FALSE(isValidSlug("%2e%2e"));
}

// Found by tests/fuzz/fuzz_payloads (corpus/payloads/regression-capital-f-with-hook): "Ƒ" became
// "ƒ", which the table folds to "f", so the id slugify() gave was one isValidSlug() refused.
TEST_CASE("a capital whose small letter folds to ASCII folds the same way, so its id is valid", "[slug][fuzz]") {
  CHECK(slugify("\u0191jord") == "fjord");  // LATIN CAPITAL LETTER F WITH HOOK
  CHECK(slugify("\u212B") == "a");          // ANGSTROM SIGN, whose small letter is å
  for (const char* name : {"\u0191", "\u0192", "\u212B", "\u00C5", "\u00E5"}) {
    INFO(name);
    CHECK(isValidSlug(slugify(name)));
    CHECK(slugify(slugify(name)) == slugify(name));
  }
}

