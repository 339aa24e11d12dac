#include "slug.hpp"

#include "payloads.hpp"

#include <algorithm>
#include <cstdint>

namespace orbit {
namespace {

struct CodeRange {
  char32_t first;
  char32_t last;
};

struct LowerRun {  // first..last, every `step`: add `delta` for the lower case
  char32_t first;
  char32_t last;
  int step;
  int delta;
};

struct LatinFold {
  char32_t letter;
  const char* ascii;
};

#include "unicode_tables.inc"

bool isWord(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  const auto* end = std::end(kWordRanges);
  const auto* it = std::upper_bound(std::begin(kWordRanges), end, cp,
                                    [](char32_t c, const CodeRange& r) { return c < r.first; });
  return it != std::begin(kWordRanges) && cp <= std::prev(it)->last;
}

const char* latinFold(char32_t cp) {
  const auto* end = std::end(kLatinFolds);
  const auto* it = std::lower_bound(std::begin(kLatinFolds), end, cp,
                                    [](const LatinFold& f, char32_t c) { return f.letter < c; });
  return it != end && it->letter == cp ? it->ascii : nullptr;
}

char32_t toLower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp - 'A' + 'a';
  const auto* end = std::end(kLowerRuns);
  const auto* it = std::upper_bound(std::begin(kLowerRuns), end, cp,
                                    [](char32_t c, const LowerRun& r) { return c < r.first; });
  if (it == std::begin(kLowerRuns)) return cp;
  const LowerRun& run = *std::prev(it);
  if (cp > run.last || (cp - run.first) % static_cast<char32_t>(run.step) != 0) return cp;
  return static_cast<char32_t>(static_cast<std::int64_t>(cp) + run.delta);
}

}  // namespace

std::string slugify(std::string_view name) {
  std::string out;
  std::size_t length = 0;  // code points in `out`
  bool pendingDash = false;
  const auto keep = [&](char32_t cp) {
    if (pendingDash) {
      if (length + 1 >= kMaxSlugLength) return false;
      out += '-';
      ++length;
      pendingDash = false;
    }
    if (length >= kMaxSlugLength) return false;
    appendUtf8(out, cp);
    ++length;
    return true;
  };
  // An ill-formed byte reads as U+FFFD, which is no word character: a separator, as a space.
  for (const char32_t cp : decodeUtf8(name)) {
    if (cp >= 0x80) {
      // The small letter's fold too: the table folds some small letters only (ƒ, not Ƒ), and
      // a capital kept as its small form would give an id that isValidSlug() refuses.
      const char* ascii = latinFold(cp);
      if (!ascii) ascii = latinFold(toLower(cp));
      if (ascii) {
        bool room = true;
        for (const char* c = ascii; *c && room; ++c) room = keep(static_cast<char32_t>(*c));
        if (!room) break;
        continue;
      }
    }
    if (!isWord(cp)) {
      pendingDash = !out.empty();
      continue;
    }
    if (!keep(toLower(cp))) break;
  }
  return out;
}

bool isValidSlug(std::string_view s) {
  // A code point takes at most 4 bytes: a longer id is refused before any of it is decoded.
  if (s.empty() || s.size() > 4 * kMaxSlugLength) return false;
  std::size_t length = 0;
  // An ill-formed byte reads as U+FFFD, which is no word character: refused, as it must be.
  for (const char32_t cp : decodeUtf8(s)) {
    if (++length > kMaxSlugLength) return false;
    if (cp == '-') continue;
    // What slugify() would change (upper case, accents) or drop is no room id.
    if (!isWord(cp) || toLower(cp) != cp || (cp >= 0x80 && latinFold(cp))) return false;
  }
  return true;
}

}  // namespace orbit
