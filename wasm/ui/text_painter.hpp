#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace orbit {

// Draws text with the host's own fonts and text shaper, for the characters the UI's built-in
// font lacks (bindings/browser: a 2D canvas).
class TextPainter {
 public:
  struct Bitmap {
    int width = 0;
    int height = 0;
    int left = 0;      // from the pen position to the bitmap's left edge, in pixels
    int baseline = 0;  // from the bitmap's top edge down to the baseline
    float advance = 0;
    bool colored = false;  // drawn in its own colours (an emoji), not in the text's
    std::vector<std::uint8_t> rgba;  // width * height pixels, not premultiplied
  };

  virtual ~TextPainter() = default;
  // `text`, one glyph's worth (a character, a word that must be shaped whole), in type
  // `pixels` high, white unless it has colours of its own. Nothing when the host cannot.
  virtual std::optional<Bitmap> paint(std::string_view text, int pixels, bool rightToLeft) = 0;
};

}  // namespace orbit
