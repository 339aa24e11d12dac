#pragma once

#include "ui/text_painter.hpp"
#include "text_runs.hpp"
#include "ui/ui_fonts.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

struct ImFont;
struct ImFontAtlas;

namespace orbit {

// The UI's font atlas: the UI's own fonts (ImGui's built-in ProggyClean until they arrive), and
// the characters they lack, painted by the host as they first appear. A character is a glyph at its own code
// point; a run that must be shaped whole (an Arabic word, an emoji sequence) is one glyph at a
// private-use code point that stands for it in the text handed to ImGui.
//
// Views pass the text they draw through shown(); the glyphs it lacks are painted before the
// next frame, so the atlas is rebuilt (and uploaded) once for every frame that brought new
// ones, and never while nothing new is drawn.
class GlyphCache {
 public:
  // Makes this the cache that shown() and needGlyphs() use.
  explicit GlyphCache(TextPainter* painter);
  ~GlyphCache();
  GlyphCache(const GlyphCache&) = delete;
  GlyphCache& operator=(const GlyphCache&) = delete;

  // The fonts to build with from now on. The glyphs painted so far are dropped (they are
  // painted again, in the new font's size, as they are drawn).
  void setFonts(UiFonts fonts);
  // Fills `atlas` with the UI's fonts, `fontPixels` high, and every glyph painted so far; a
  // new size drops them all, as new fonts do.
  void build(ImFontAtlas& atlas, float fontPixels);
  // Paints the glyphs the last frame lacked; true when there were any, and then the atlas
  // needs build() and a new texture.
  bool paintMissing();
  bool missing() const { return painter_ && !missing_.empty(); }
  bool iconsInAtlas() const { return icons_; }
  // The text font larger, for headings, once the UI's own fonts are in the atlas; else null.
  ImFont* heading() const { return heading_; }
  // A text font of the UI's own is set (and not found unreadable).
  bool hasTextFont() const { return !fonts_.text.empty(); }
  void beginFrame();

  const char* shown(const std::string& text, Paragraph paragraph);
  void needGlyphs(std::string_view text);

  // At most this many painted glyphs; the least recently drawn make way.
  static constexpr std::size_t kMaxGlyphs = 1024;

 private:
  struct Glyph {
    TextPainter::Bitmap bitmap;
    std::uint64_t drawn = 0;  // the frame that last drew it
  };
  struct Missing {
    std::string text;
    bool rightToLeft = false;
  };
  struct Shown {
    std::string text;  // for ImGui: runs replaced by their private-use code points
    std::vector<char32_t> glyphs;
  };

  // The glyph for a run: its own code point, or one standing for it. 0 when there is none.
  char32_t glyphFor(const std::string& run, bool rightToLeft);
  bool builtIn(char32_t codePoint) const;
  void evict();
  void forgetPainted();

  TextPainter* painter_;
  UiFonts fonts_;
  bool fontsChanged_ = false;
  float emPerLine_ = 1.0f;  // of the font in the atlas: ProggyClean's em is its line
  bool icons_ = false;      // the icon font is in the atlas
  ImFont* heading_ = nullptr;
  float fontPixels_ = 0;
  float ascent_ = 0;
  std::uint64_t frame_ = 0;
  std::map<char32_t, Glyph> glyphs_;
  std::map<char32_t, Missing> missing_;
  std::unordered_map<std::string, char32_t> runs_;  // run text → its private-use code point
  std::vector<char32_t> freeRunCodes_;
  std::map<std::pair<Paragraph, std::string>, Shown> shown_;
};

// What the views call. shown(): `text` as ImGui should draw it (in display order, each run a
// glyph), alive until the next frame; needGlyphs(): for a text field's own buffer, which ImGui
// draws as it is (each character, not reordered).
const char* shown(const std::string& text, Paragraph paragraph = Paragraph::FromText);
// shown(), cut to `width` pixels where it is wider: its first characters and "…".
const char* shownWithin(const std::string& text, float width, Paragraph paragraph = Paragraph::FromText);
void needGlyphs(std::string_view text);
// What a person wrote, wrapped to the space left on the line as ImGui::TextWrapped does, but
// cut into lines before its right-to-left words are reordered, so that every line reads in
// order; a right-to-left paragraph stands at the right. One item (a group) for noteItem().
void paragraph(const std::string& text);
// ImGui::InputTextWithHint for what a person types (a name, a chat line), with the glyphs it
// needs. ImGui draws a field a character at a time in typed order; text with shaped or
// right-to-left words is drawn over the field instead as it will be shown once sent: shaped, in
// display order, its typing end in view, with the caret there.
bool textField(const char* label, const char* hint, char* buffer, std::size_t size, int flags = 0);
// Whether the icon font is in the atlas (withIcon() asks).
bool iconsDrawn();
// The UI's font for headings, once its own fonts are in: Latin-1 only. Null until then.
ImFont* headingFont();

}  // namespace orbit
