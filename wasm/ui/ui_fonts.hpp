#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// The UI's own fonts, which the host serves beside the client and hands over after the first
// paint (bindings/browser: orbit-text.ttf and orbit-icons.ttf, subset at build time from
// Debian's Noto Sans and Fork Awesome). Until they arrive ImGui's built-in ProggyClean draws
// the text, and the controls show words without icons.
struct UiFonts {
  std::string text;   // TrueType: Latin-1 and the punctuation in kTextRanges
  std::string icons;  // TrueType: the Fork Awesome glyphs of Icon, at their own code points

  // What the text font covers besides Latin-1 (ImGui's glyph ranges: pairs, then 0).
  static const char32_t kTextRanges[];
  static const char32_t kIconRanges[];
  static bool textCovers(char32_t c);
  static bool iconsCover(char32_t c);
};

// How many pixels an em of `ttf` takes when ImGui draws it `1` pixel high: ImGui sizes a font
// by its ascent to its descent, a browser by its em. Nothing when `ttf` is not a TrueType font.
std::optional<float> emPerLine(std::string_view ttf);

// The controls' icons (Fork Awesome's code points).
enum class Icon : char32_t {
  Microphone = 0xF130,
  MicrophoneOff = 0xF131,
  Camera = 0xF03D,
  Screen = 0xF108,
  Devices = 0xF013,
  Keys = 0xF11C,
  Leave = 0xF08B,
  Link = 0xF0C1,
  People = 0xF0C0,
  Chat = 0xF086,
  Send = 0xF1D8,
  Close = 0xF00D,
  Sound = 0xF028,
};

// `label` after its icon, when the icon font is in the atlas; `label` alone until then.
std::string withIcon(Icon icon, std::string_view label);
// The words of a label withIcon() made.
std::string_view withoutIcon(std::string_view label);

}  // namespace orbit
