#include "ui/ui_fonts.hpp"

#include "ui/glyph_cache.hpp"
#include "payloads.hpp"

#include <cstdint>

namespace orbit {

// Keep in step with the subsets bindings/browser/CMakeLists.txt makes.
const char32_t UiFonts::kTextRanges[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2018, 0x201D, 0x2022, 0x2022,
                                         0x2026, 0x2026, 0x2190, 0x2193, 0x2212, 0x2212, 0};
const char32_t UiFonts::kIconRanges[] = {0xF000, 0xF2FF, 0};

namespace {

bool covers(const char32_t* ranges, char32_t c) {
  for (; ranges[0]; ranges += 2) {
    if (c >= ranges[0] && c <= ranges[1]) return true;
  }
  return false;
}

std::uint32_t readU32(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

std::uint16_t readU16(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) << 8 | static_cast<unsigned char>(bytes[at + 1]));
}

// The offset of table `tag` in an sfnt file, if it is there whole with `size` bytes at least.
std::optional<std::size_t> table(std::string_view ttf, std::string_view tag, std::size_t size) {
  if (ttf.size() < 12) return std::nullopt;
  const std::size_t count = readU16(ttf, 4);
  for (std::size_t i = 0; i < count && 12 + i * 16 + 16 <= ttf.size(); ++i) {
    const std::size_t entry = 12 + i * 16;
    if (ttf.substr(entry, 4) != tag) continue;
    const std::size_t offset = readU32(ttf, entry + 8);
    if (offset + size > ttf.size()) return std::nullopt;
    return offset;
  }
  return std::nullopt;
}

}  // namespace

bool UiFonts::textCovers(char32_t c) { return covers(kTextRanges, c); }
bool UiFonts::iconsCover(char32_t c) { return covers(kIconRanges, c); }

std::optional<float> emPerLine(std::string_view ttf) {
  // stb_truetype, inside ImGui, scales the hhea table's ascender to descender to the size.
  const auto head = table(ttf, "head", 20);
  const auto hhea = table(ttf, "hhea", 8);
  if (!head || !hhea) return std::nullopt;
  const int unitsPerEm = readU16(ttf, *head + 18);
  const int ascent = static_cast<std::int16_t>(readU16(ttf, *hhea + 4));
  const int descent = static_cast<std::int16_t>(readU16(ttf, *hhea + 6));
  if (unitsPerEm <= 0 || ascent - descent <= 0) return std::nullopt;
  return static_cast<float>(unitsPerEm) / static_cast<float>(ascent - descent);
}

namespace {
constexpr std::string_view kIconGap = "  ";
}

std::string withIcon(Icon icon, std::string_view label) {
  std::string out;
  if (iconsDrawn()) {
    appendUtf8(out, static_cast<char32_t>(icon));
    out += kIconGap;
  }
  out += label;
  return out;
}

std::string_view withoutIcon(std::string_view label) {
  const std::u32string first = decodeUtf8(label.substr(0, 3));
  if (first.size() != 1 || !UiFonts::iconsCover(first[0]) || label.substr(3, kIconGap.size()) != kIconGap) return label;
  return label.substr(3 + kIconGap.size());
}

}  // namespace orbit
