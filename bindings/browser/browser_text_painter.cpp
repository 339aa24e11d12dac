#include "browser_text_painter.hpp"

#include <string>

// From library_orbit_text.js.
extern "C" {
int orbit_text_paint(const char* text, int pixels, int rightToLeft, int* metrics);
void orbit_text_copy(std::uint8_t* rgba);
}

namespace orbit {

std::optional<TextPainter::Bitmap> BrowserTextPainter::paint(std::string_view text, int pixels, bool rightToLeft) {
  const std::string terminated(text);
  int metrics[6] = {};
  if (!orbit_text_paint(terminated.c_str(), pixels, rightToLeft ? 1 : 0, metrics)) return std::nullopt;
  Bitmap bitmap;
  bitmap.width = metrics[0];
  bitmap.height = metrics[1];
  bitmap.left = metrics[2];
  bitmap.baseline = metrics[3];
  bitmap.advance = static_cast<float>(metrics[4]) / 64.0f;
  bitmap.colored = metrics[5] != 0;
  bitmap.rgba.resize(static_cast<std::size_t>(bitmap.width) * bitmap.height * 4);
  orbit_text_copy(bitmap.rgba.data());
  return bitmap;
}

}  // namespace orbit
