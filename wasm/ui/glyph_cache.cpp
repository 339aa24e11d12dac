#include "ui/glyph_cache.hpp"

#include "payloads.hpp"
#include "text_runs.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace orbit {
namespace {

GlyphCache* current = nullptr;

// The code points that stand for runs: the first half of the Basic Multilingual Plane's private
// use area, so that ImGui's glyph index (as long as the highest code point) stays small; the
// icon font has U+F000 and up. A lone private-use character of the text is a run too, so the
// two never collide.
constexpr char32_t kFirstRunCode = 0xE000;
constexpr char32_t kLastRunCode = 0xEFFF;
bool isRunCode(char32_t c) { return c >= kFirstRunCode && c <= kLastRunCode; }

// More strings than a screen holds: the map of shown texts starts again beyond it.
constexpr std::size_t kMaxShownTexts = 4096;

}  // namespace

GlyphCache::GlyphCache(TextPainter* painter) : painter_(painter) { current = this; }

GlyphCache::~GlyphCache() {
  if (current == this) current = nullptr;
}

bool GlyphCache::builtIn(char32_t c) const {
  return c <= 0xFF || !painter_ || (!fonts_.text.empty() && UiFonts::textCovers(c)) ||
         (icons_ && UiFonts::iconsCover(c));
}

char32_t GlyphCache::glyphFor(const std::string& run, bool rightToLeft) {
  const std::u32string points = decodeUtf8(run);
  char32_t code = points.size() == 1 && !isRunCode(points[0]) ? points[0] : 0;
  if (code == 0) {
    if (const auto it = runs_.find(run); it != runs_.end()) {
      code = it->second;
    } else if (!freeRunCodes_.empty()) {
      code = freeRunCodes_.back();
      freeRunCodes_.pop_back();
    } else {
      const char32_t next = kFirstRunCode + static_cast<char32_t>(runs_.size());
      if (next > kLastRunCode) return 0;
      code = next;
    }
    runs_[run] = code;
  }
  if (const auto it = glyphs_.find(code); it != glyphs_.end()) {
    it->second.drawn = frame_;
  } else {
    missing_.try_emplace(code, Missing{run, rightToLeft});
  }
  return code;
}

const char* GlyphCache::shown(const std::string& text, Paragraph paragraph) {
  // Always a copy of its own, alive until the next frame: callers pass temporaries.
  auto key = std::make_pair(paragraph, text);
  auto it = shown_.find(key);
  if (it == shown_.end() &&
      std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    it = shown_.emplace(std::move(key), Shown{text, {}}).first;
  } else if (it == shown_.end()) {
    Shown out;
    for (const TextRun& run : displayRuns(text, paragraph)) {
      const std::u32string points = decodeUtf8(run.text);
      if (points.size() == 1 && builtIn(points[0])) {
        out.text += run.text;
        continue;
      }
      const char32_t code = glyphFor(run.text, run.rightToLeft);
      appendUtf8(out.text, code ? code : U'?');
      if (code) out.glyphs.push_back(code);
    }
    it = shown_.emplace(std::move(key), std::move(out)).first;
  } else {
    for (const char32_t code : it->second.glyphs) {
      if (const auto glyph = glyphs_.find(code); glyph != glyphs_.end()) glyph->second.drawn = frame_;
    }
  }
  return it->second.text.c_str();
}

void GlyphCache::needGlyphs(std::string_view text) {
  for (const char32_t c : decodeUtf8(text)) {
    if (builtIn(c)) continue;
    std::string single;
    appendUtf8(single, c);
    glyphFor(single, false);
  }
}

void GlyphCache::beginFrame() {
  ++frame_;
  if (shown_.size() > kMaxShownTexts) shown_.clear();
}

bool GlyphCache::paintMissing() {
  if (missing_.empty() || !painter_) return false;
  for (auto& [code, run] : missing_) {
    Glyph glyph;
    glyph.drawn = frame_;
    // One that cannot be painted stays empty (ImGui draws its '?'), rather than asked for again.
    // The browser sizes type by its em, ImGui by its line.
    const int em = static_cast<int>(std::lround(fontPixels_ * emPerLine_));
    if (auto bitmap = painter_->paint(run.text, em, run.rightToLeft)) {
      glyph.bitmap = std::move(*bitmap);
    }
    glyphs_[code] = std::move(glyph);
  }
  missing_.clear();
  evict();
  return true;
}

void GlyphCache::evict() {
  if (glyphs_.size() <= kMaxGlyphs) return;
  std::vector<std::pair<std::uint64_t, char32_t>> byAge;
  for (const auto& [code, glyph] : glyphs_) {
    if (glyph.drawn < frame_) byAge.emplace_back(glyph.drawn, code);
  }
  std::sort(byAge.begin(), byAge.end());
  for (const auto& [drawn, code] : byAge) {
    if (glyphs_.size() <= kMaxGlyphs) break;
    glyphs_.erase(code);
    if (!isRunCode(code)) continue;
    const auto run = std::find_if(runs_.begin(), runs_.end(), [code = code](const auto& r) { return r.second == code; });
    if (run != runs_.end()) runs_.erase(run);
    freeRunCodes_.push_back(code);
  }
  // Texts shown before may stand on a code point that now means another run.
  shown_.clear();
}

void GlyphCache::setFonts(UiFonts fonts) {
  // A font that is not one stays out: ImGui would stop at it.
  if (!fonts.text.empty() && !emPerLine(fonts.text)) fonts.text.clear();
  if (!fonts.icons.empty() && !emPerLine(fonts.icons)) fonts.icons.clear();
  fonts_ = std::move(fonts);
  fontsChanged_ = true;
}

void GlyphCache::forgetPainted() {
  glyphs_.clear();
  missing_.clear();
  runs_.clear();
  freeRunCodes_.clear();
  shown_.clear();
}

void GlyphCache::build(ImFontAtlas& atlas, float fontPixels) {
  if (fontPixels != fontPixels_ || fontsChanged_) {
    fontPixels_ = fontPixels;
    fontsChanged_ = false;
    forgetPainted();
  }
  atlas.Clear();
  // ImGui keeps pointers to the ranges and the font data until the next build.
  static std::vector<ImWchar> textRanges;
  static std::vector<ImWchar> iconRanges;
  const auto ranges = [](std::vector<ImWchar>& out, const char32_t* from) {
    out.clear();
    for (; *from; ++from) out.push_back(static_cast<ImWchar>(*from));
    out.push_back(0);
    return out.data();
  };
  ImFont* font = nullptr;
  if (!fonts_.text.empty()) {
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;
    // Each glyph on whole device pixels: a letter looks the same wherever it stands, and no
    // oversampled copies are needed in the atlas.
    config.PixelSnapH = true;
    config.OversampleH = 1;
    font = atlas.AddFontFromMemoryTTF(fonts_.text.data(), static_cast<int>(fonts_.text.size()), fontPixels, &config,
                                      ranges(textRanges, UiFonts::kTextRanges));
    emPerLine_ = emPerLine(fonts_.text).value_or(1.0f);
  } else {
    ImFontConfig config;
    config.SizePixels = fontPixels;
    font = atlas.AddFontDefault(&config);
    emPerLine_ = 1.0f;
  }
  icons_ = false;
  if (!fonts_.icons.empty()) {
    // Into the text font, as wide as they are high and centred on its capitals.
    ImFontConfig config;
    config.MergeMode = true;
    config.FontDataOwnedByAtlas = false;
    config.GlyphMinAdvanceX = std::round(fontPixels * 0.9f);
    config.GlyphOffset.y = std::round(fontPixels * 0.02f);
    atlas.AddFontFromMemoryTTF(fonts_.icons.data(), static_cast<int>(fonts_.icons.size()), std::round(fontPixels * 0.85f),
                               &config, ranges(iconRanges, UiFonts::kIconRanges));
    icons_ = true;
  }
  if (!fonts_.text.empty()) {
    // Headings: the text font larger, Latin-1 only (for the UI's own words).
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;
    static const ImWchar kLatin1[] = {0x0020, 0x00FF, 0};
    heading_ = atlas.AddFontFromMemoryTTF(fonts_.text.data(), static_cast<int>(fonts_.text.size()),
                                          std::round(fontPixels * 1.7f), &config, kLatin1);
  } else {
    heading_ = nullptr;
  }
  std::vector<std::pair<int, const Glyph*>> rects;
  int widest = 0;
  for (const auto& [code, glyph] : glyphs_) {
    const TextPainter::Bitmap& b = glyph.bitmap;
    if (b.width <= 0 || b.height <= 0) continue;
    // ascent_: the built-in font's, from the last build; glyphs exist only after one at this size.
    const ImVec2 offset(static_cast<float>(b.left), std::round(ascent_) - static_cast<float>(b.baseline));
    rects.emplace_back(atlas.AddCustomRectFontGlyph(font, static_cast<ImWchar>(code), b.width, b.height, b.advance, offset),
                       &glyph);
    widest = std::max(widest, b.width);
  }
  // ImGui sizes the atlas by the glyphs' total area: a long word may be wider than that.
  int width = 512;
  while (width < widest + 2 && width < 4096) width *= 2;
  atlas.TexDesiredWidth = width > 512 ? width : 0;
  if (!atlas.Build() && (!fonts_.text.empty() || !fonts_.icons.empty())) {
    // A font stb_truetype could not read: the built-in one, as before it came.
    fonts_ = {};
    fontsChanged_ = true;
    return build(atlas, fontPixels);
  }
  ascent_ = font->Ascent;

  unsigned char* pixels = nullptr;
  int atlasWidth = 0;
  int atlasHeight = 0;
  atlas.GetTexDataAsRGBA32(&pixels, &atlasWidth, &atlasHeight);
  for (const auto& [index, glyph] : rects) {
    const ImFontAtlasCustomRect* rect = atlas.GetCustomRectByIndex(index);
    if (!rect->IsPacked()) continue;
    const TextPainter::Bitmap& b = glyph->bitmap;
    for (int y = 0; y < b.height; ++y) {
      std::memcpy(pixels + (static_cast<std::size_t>(rect->Y + y) * atlasWidth + rect->X) * 4,
                  b.rgba.data() + static_cast<std::size_t>(y) * b.width * 4, static_cast<std::size_t>(b.width) * 4);
    }
    // ImGui tints a glyph with the text's colour unless it is marked as coloured.
    if (b.colored) {
      if (auto* drawn = const_cast<ImFontGlyph*>(font->FindGlyphNoFallback(static_cast<ImWchar>(rect->GlyphID)))) {
        drawn->Colored = true;
      }
    }
  }
}

const char* shown(const std::string& text, Paragraph paragraph) {
  return current ? current->shown(text, paragraph) : text.c_str();
}

const char* shownWithin(const std::string& text, float width, Paragraph paragraph) {
  const char* whole = shown(text, paragraph);
  if (ImGui::CalcTextSize(whole).x <= width) return whole;
  // The most characters that fit with the ellipsis: the widths grow with the count.
  const std::u32string chars = decodeUtf8(text);
  const auto cut = [&](std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) appendUtf8(out, chars[i]);
    return out + "\u2026";
  };
  std::size_t fits = 0;
  std::size_t over = chars.size();
  while (over - fits > 1) {
    const std::size_t mid = (fits + over) / 2;
    (ImGui::CalcTextSize(shown(cut(mid), paragraph)).x <= width ? fits : over) = mid;
  }
  return shown(cut(fits), paragraph);
}

void needGlyphs(std::string_view text) {
  if (current) current->needGlyphs(text);
}

bool textField(const char* label, const char* hint, char* buffer, std::size_t size, int flags) {
  // Whether ImGui's own drawing is hidden is known before this frame's keys reach the buffer;
  // what is drawn over it is the buffer after them.
  const bool over = hasShapedText(buffer);
  if (over) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 0, 0, 0));
  const bool entered = ImGui::InputTextWithHint(label, hint, buffer, size, flags);
  if (over) ImGui::PopStyleColor();
  needGlyphs(buffer);
  if (!over) return entered;

  const std::string text = buffer;
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 min(ImGui::GetItemRectMin().x + style.FramePadding.x, ImGui::GetItemRectMin().y + style.FramePadding.y);
  const ImVec2 max(ImGui::GetItemRectMax().x - style.FramePadding.x, ImGui::GetItemRectMax().y - style.FramePadding.y);
  const bool rtl = rightToLeft(text);
  const char* drawn = shown(text, rtl ? Paragraph::RightToLeft : Paragraph::LeftToRight);
  const float width = ImGui::CalcTextSize(drawn).x;
  const float room = max.x - min.x;
  // A right-to-left line is typed at its left end, a left-to-right one at its right: that end
  // stays in view.
  const float x = rtl ? (width <= room ? max.x - width : min.x) : (width <= room ? min.x : max.x - width);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(ImVec2(min.x - 1, min.y), ImVec2(max.x + 1, max.y), true);
  const ImU32 color = ImGui::GetColorU32(ImGuiCol_Text);
  draw->AddText(ImVec2(x, min.y), color, drawn);
  if (ImGui::IsItemActive()) {
    const float caret = std::round(rtl ? x - 1 : x + width + 1);
    draw->AddLine(ImVec2(caret, min.y), ImVec2(caret, min.y + ImGui::GetFontSize()), color);
  }
  draw->PopClipRect();
  return entered;
}

void paragraph(const std::string& text) {
  if (!hasRightToLeft(text)) {
    ImGui::TextWrapped("%s", shown(text));
    return;
  }
  // Wrapped in typed order, then each line put in display order with the paragraph's direction
  // (ImGui would wrap the display order: a right-to-left paragraph would read bottom line
  // first). A right-to-left paragraph stands at the right, as it does in a page.
  const Paragraph direction = rightToLeft(text) ? Paragraph::RightToLeft : Paragraph::LeftToRight;
  const float width = std::max(ImGui::GetContentRegionAvail().x, 1.0f);
  const auto widthOf = [direction](std::string_view piece) {
    return ImGui::CalcTextSize(shown(std::string(piece), direction)).x;
  };
  const float left = ImGui::GetCursorPosX();
  ImGui::BeginGroup();
  // Lines as close as ImGui's own wrapped lines; the usual spacing after the paragraph.
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0.0f));
  for (const std::string& line : wrapLines(text, width, widthOf)) {
    const char* drawn = shown(line, direction);
    if (direction == Paragraph::RightToLeft) {
      ImGui::SetCursorPosX(left + std::max(0.0f, width - ImGui::CalcTextSize(drawn).x));
    }
    ImGui::TextUnformatted(drawn);
  }
  ImGui::PopStyleVar();
  ImGui::EndGroup();
}

bool iconsDrawn() { return current && current->iconsInAtlas(); }

ImFont* headingFont() { return current ? current->heading() : nullptr; }

}  // namespace orbit
