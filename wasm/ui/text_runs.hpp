#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// A piece of text the UI draws as one glyph: a single code point, or a run that only the
// host's text shaper draws right (an Arabic or Devanagari word, a letter with combining marks,
// an emoji sequence).
struct TextRun {
  std::string text;  // UTF-8, in logical order
  bool rightToLeft = false;
};

// Where a paragraph's direction comes from: its first strong letter (what a person wrote, as
// HTML's dir="auto"), or left to right (the UI's own English sentences with a name inside, so
// that "محمد joined" does not read "joined محمد").
enum class Paragraph { FromText, LeftToRight };

// `text` (UTF-8) cut into runs and put in display order, left to right: a small form of
// Unicode's bidirectional algorithm over whole runs. Neutrals (spaces, punctuation, emoji)
// between two runs of one direction take it, others the paragraph's; right-to-left stretches
// are reversed and their brackets mirrored. A right-to-left paragraph that wraps onto several
// lines reads bottom line first: wrapping happens after this, in ImGui.
std::vector<TextRun> displayRuns(std::string_view text, Paragraph paragraph = Paragraph::FromText);

// The code points of UTF-8 `text`; a malformed byte becomes U+FFFD.
std::u32string decodeUtf8(std::string_view text);
void appendUtf8(std::string& out, char32_t codePoint);

}  // namespace orbit
