#include "text_runs.hpp"

#include "payloads.hpp"

#include <algorithm>

namespace orbit {
namespace {

bool within(char32_t c, char32_t first, char32_t last) { return c >= first && c <= last; }

bool isRightToLeft(char32_t c) {
  return within(c, 0x0590, 0x08FF) || within(c, 0xFB1D, 0xFDFF) || within(c, 0xFE70, 0xFEFF) ||
         within(c, 0x10800, 0x10FFF) || within(c, 0x1E800, 0x1EFFF);
}

// Scripts whose letters change shape with their neighbours (or are reordered around them):
// their words go to the shaper whole.
bool isShaped(char32_t c) {
  return isRightToLeft(c) || within(c, 0x0900, 0x0DFF) || within(c, 0x0E00, 0x0FFF) ||
         within(c, 0x1000, 0x109F) || within(c, 0x1100, 0x11FF) || within(c, 0x1780, 0x17FF) ||
         within(c, 0xA8E0, 0xA8FF);
}

// Code points that belong to the one before: combining marks, joiners, variation selectors,
// emoji skin tones and tags.
bool extends(char32_t c) {
  return within(c, 0x0300, 0x036F) || within(c, 0x1AB0, 0x1AFF) || within(c, 0x1DC0, 0x1DFF) ||
         within(c, 0x200C, 0x200D) || within(c, 0x20D0, 0x20FF) || within(c, 0xFE00, 0xFE0F) ||
         within(c, 0xFE20, 0xFE2F) || within(c, 0x1F3FB, 0x1F3FF) || within(c, 0xE0020, 0xE007F) ||
         within(c, 0xE0100, 0xE01EF);
}

bool isRegionalIndicator(char32_t c) { return within(c, 0x1F1E6, 0x1F1FF); }

bool isEmoji(char32_t c) { return within(c, 0x2600, 0x27BF) || within(c, 0x2B00, 0x2BFF) || c >= 0x1F000; }

enum class Direction { Left, Right, Neutral };

Direction directionOf(const std::u32string& run) {
  const char32_t c = run.front();
  if (isRightToLeft(c)) return Direction::Right;
  if (c < 0x80) return (within(c, '0', '9') || within(c, 'A', 'Z') || within(c, 'a', 'z')) ? Direction::Left : Direction::Neutral;
  if (within(c, 0xA0, 0xBF) || c == 0xD7 || c == 0xF7 || within(c, 0x2000, 0x206F) || within(c, 0x2190, 0x23FF) ||
      within(c, 0x3000, 0x303F) || isEmoji(c)) {
    return Direction::Neutral;
  }
  return Direction::Left;
}

char32_t mirrored(char32_t c) {
  switch (c) {
    case '(': return ')';
    case ')': return '(';
    case '[': return ']';
    case ']': return '[';
    case '{': return '}';
    case '}': return '{';
    case '<': return '>';
    case '>': return '<';
    case 0xAB: return 0xBB;
    case 0xBB: return 0xAB;
    default: return c;
  }
}

std::vector<std::u32string> splitRuns(const std::u32string& text) {
  std::vector<std::u32string> runs;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    bool joins = false;
    if (!runs.empty()) {
      const std::u32string& last = runs.back();
      const char32_t before = last.back();
      const auto flags = std::count_if(last.begin(), last.end(), isRegionalIndicator);
      joins = extends(c) || before == 0x200D || (isShaped(c) && isShaped(before)) ||
              (isRegionalIndicator(c) && isRegionalIndicator(before) && flags % 2 == 1);
    }
    if (joins) {
      runs.back().push_back(c);
    } else {
      runs.emplace_back(1, c);
    }
  }
  return runs;
}

}  // namespace

std::vector<TextRun> displayRuns(std::string_view text, Paragraph from) {
  std::vector<std::u32string> runs = splitRuns(decodeUtf8(text));
  std::vector<Direction> directions;
  for (const std::u32string& run : runs) directions.push_back(directionOf(run));
  const auto strong = std::find_if(directions.begin(), directions.end(), [](Direction d) { return d != Direction::Neutral; });
  const Direction paragraph = from == Paragraph::RightToLeft ? Direction::Right
                              : from == Paragraph::FromText && strong != directions.end() ? *strong
                                                                                           : Direction::Left;

  // Neutrals between runs of one direction take it; others the paragraph's.
  for (std::size_t i = 0; i < runs.size();) {
    if (directions[i] != Direction::Neutral) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < runs.size() && directions[end] == Direction::Neutral) ++end;
    const Direction before = i == 0 ? paragraph : directions[i - 1];
    const Direction after = end == runs.size() ? paragraph : directions[end];
    std::fill(directions.begin() + i, directions.begin() + end, before == after ? before : paragraph);
    i = end;
  }

  // Embedding levels (left-to-right text in a right-to-left paragraph is level 2), then each
  // stretch at or above a level reversed, from the highest level down to 1.
  std::vector<int> levels;
  for (const Direction d : directions) {
    levels.push_back(d == Direction::Right ? 1 : paragraph == Direction::Right ? 2 : 0);
  }
  std::vector<std::size_t> order(runs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const int highest = levels.empty() ? 0 : *std::max_element(levels.begin(), levels.end());
  for (int level = highest; level >= 1; --level) {
    for (std::size_t i = 0; i < order.size();) {
      if (levels[order[i]] < level) {
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < order.size() && levels[order[end]] >= level) ++end;
      std::reverse(order.begin() + i, order.begin() + end);
      i = end;
    }
  }

  std::vector<TextRun> out;
  out.reserve(runs.size());
  for (const std::size_t i : order) {
    TextRun run;
    run.rightToLeft = directions[i] == Direction::Right;
    for (char32_t c : runs[i]) appendUtf8(run.text, run.rightToLeft && runs[i].size() == 1 ? mirrored(c) : c);
    out.push_back(std::move(run));
  }
  return out;
}

bool rightToLeft(std::string_view text) {
  for (const std::u32string& run : splitRuns(decodeUtf8(text))) {
    const Direction direction = directionOf(run);
    if (direction != Direction::Neutral) return direction == Direction::Right;
  }
  return false;
}

bool hasRightToLeft(std::string_view text) {
  const std::u32string codePoints = decodeUtf8(text);
  return std::any_of(codePoints.begin(), codePoints.end(), isRightToLeft);
}

bool hasShapedText(std::string_view text) {
  const std::u32string codePoints = decodeUtf8(text);
  return std::any_of(codePoints.begin(), codePoints.end(), isShaped);
}

namespace {

// The lines of one line of text (no newline in it), appended to `lines`.
void wrapLine(std::string_view text, float width, const std::function<float(std::string_view)>& widthOf,
              float space, std::vector<std::string>& lines) {
  std::string line;
  float used = 0;
  bool started = false;  // `line` holds a word (maybe an empty one, between two spaces)
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    const std::string_view word = text.substr(at, end - at);
    at = end + 1;
    const float wordWidth = word.empty() ? 0.0f : widthOf(word);
    if (started && used + space + wordWidth <= width) {
      line += ' ';
      line += word;
      used += space + wordWidth;
      continue;
    }
    if (started) lines.push_back(std::move(line));
    line.clear();
    used = 0;
    started = true;
    if (wordWidth <= width) {
      line = word;
      used = wordWidth;
      continue;
    }
    // Wider than a line: cut between its runs, as many as fit on each line.
    for (const std::u32string& run : splitRuns(decodeUtf8(word))) {
      std::string piece;
      for (const char32_t c : run) appendUtf8(piece, c);
      const float pieceWidth = widthOf(piece);
      if (!line.empty() && used + pieceWidth > width) {
        lines.push_back(std::move(line));
        line.clear();
        used = 0;
      }
      line += piece;
      used += pieceWidth;
    }
  }
  lines.push_back(std::move(line));
}

}  // namespace

std::vector<std::string> wrapLines(std::string_view text, float width,
                                   const std::function<float(std::string_view)>& widthOf) {
  std::vector<std::string> lines;
  const float space = widthOf(" ");
  std::size_t at = 0;
  while (true) {
    const std::size_t end = text.find('\n', at);
    wrapLine(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at), width, widthOf,
             space, lines);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return lines;
}

}  // namespace orbit
