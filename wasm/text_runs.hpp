#pragma once

#include <functional>
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
// that "محمد joined" does not read "joined محمد"), or right to left (a line of a right-to-left
// paragraph, wherever its own first strong letter points).
enum class Paragraph { FromText, LeftToRight, RightToLeft };

// `text` (UTF-8) cut into runs and put in display order, left to right: a small form of
// Unicode's bidirectional algorithm over whole runs. Neutrals (spaces, punctuation, emoji)
// between two runs of one direction take it, others the paragraph's; right-to-left stretches
// are reversed and their brackets mirrored. A paragraph that wraps is cut into lines first
// (wrapLines), and each line put in display order with the paragraph's direction.
std::vector<TextRun> displayRuns(std::string_view text, Paragraph paragraph = Paragraph::FromText);

// Whether `text` runs right to left as a paragraph: its first strong letter does.
bool rightToLeft(std::string_view text);
// Whether any letter of `text` is written right to left.
bool hasRightToLeft(std::string_view text);
// Whether `text` has letters that change shape with their neighbours or are reordered around
// them (Arabic, Hebrew, Indic scripts): drawn a character at a time, it would read wrong.
bool hasShapedText(std::string_view text);

// `text` cut into lines at most `width` wide, each in logical (typed) order, as a paragraph is
// wrapped before it is put in display order: the first line holds the first words, whichever
// way they read. Lines break at spaces (the space at a break is dropped) and at each newline; a
// word wider than a line is cut between its runs. `widthOf` measures a piece of text.
std::vector<std::string> wrapLines(std::string_view text, float width,
                                   const std::function<float(std::string_view)>& widthOf);

}  // namespace orbit
