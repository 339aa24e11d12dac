#include "text_runs.hpp"

#include "payloads.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using orbit::Paragraph;

namespace {

// The runs of `text` as the reader meets them left to right, joined by '|'.
std::string display(std::string_view text, Paragraph paragraph = Paragraph::FromText) {
  std::string out;
  for (const orbit::TextRun& run : orbit::displayRuns(text, paragraph)) {
    if (!out.empty()) out += '|';
    out += run.text;
  }
  return out;
}

// Every code point one unit wide, as a monospaced font of one unit.
float codePoints(std::string_view text) { return static_cast<float>(orbit::decodeUtf8(text).size()); }

std::vector<std::string> wrap(std::string_view text, float width) { return orbit::wrapLines(text, width, codePoints); }

}  // namespace

TEST_CASE("a right-to-left word is one run and a right-to-left paragraph reads from the right",
          "[client][text]") {
  CHECK(display("שלום עולם") == "עולם| |שלום");
  CHECK(display("abc def") == "a|b|c| |d|e|f");
  // Brackets face the way they read.
  CHECK(display("(שלום)") == "(|שלום|)");
}

TEST_CASE("the UI's own left-to-right sentence keeps a right-to-left name where it stands", "[client][text]") {
  CHECK(display("محمد joined", Paragraph::LeftToRight) == "محمد| |j|o|i|n|e|d");
  CHECK(display("محمد joined") == "j|o|i|n|e|d| |محمد");
}

TEST_CASE("a line of a right-to-left paragraph reads right to left even when it starts with a Latin word",
          "[client][text]") {
  CHECK(display("ok שלום", Paragraph::RightToLeft) == "שלום| |o|k");
  CHECK(display("ok שלום") == "o|k| |שלום");
}

TEST_CASE("a paragraph's direction is its first strong letter's", "[client][text]") {
  CHECK(orbit::rightToLeft("  !שלום world"));
  CHECK_FALSE(orbit::rightToLeft("world שלום"));
  CHECK_FALSE(orbit::rightToLeft("123 ..."));
  CHECK(orbit::hasRightToLeft("world שלום"));
  CHECK_FALSE(orbit::hasRightToLeft("Привет, 你好 👋"));
  // Text a field cannot draw a character at a time.
  CHECK(orbit::hasShapedText("नमस्ते"));
  CHECK(orbit::hasShapedText("hi مرحبا"));
  CHECK_FALSE(orbit::hasShapedText("Zoë Ключ 王小明 👋"));
}

TEST_CASE("a paragraph wraps at spaces, each line in typed order", "[client][text]") {
  CHECK(wrap("one two three four", 9) == std::vector<std::string>{"one two", "three", "four"});
  CHECK(wrap("short", 40) == std::vector<std::string>{"short"});
  CHECK(wrap("", 10) == std::vector<std::string>{""});
  // Newlines always break.
  CHECK(wrap("a b\nc", 40) == std::vector<std::string>{"a b", "c"});
}

TEST_CASE("a wrapped right-to-left paragraph starts on its top line, read from the right", "[client][text]") {
  // "one two three four five" in Hebrew.
  const std::vector<std::string> lines = wrap("אחת שתים שלש ארבע חמש", 8);
  REQUIRE(lines == std::vector<std::string>{"אחת שתים", "שלש ארבע", "חמש"});
  // The top line, read from the right, starts with the paragraph's first word.
  CHECK(display(lines.front(), Paragraph::RightToLeft) == "שתים| |אחת");
}

TEST_CASE("a word wider than the line is cut between its runs", "[client][text]") {
  CHECK(wrap("abcdefgh ij", 3) == std::vector<std::string>{"abc", "def", "gh", "ij"});
  // A run is never cut: a shaped word wider than the line stands alone.
  CHECK(wrap("x מילהארוכה", 4) == std::vector<std::string>{"x", "מילהארוכה"});
}
