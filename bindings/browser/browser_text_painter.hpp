#pragma once

#include "ui/text_painter.hpp"

namespace orbit {

// Text painted on a 2D canvas with the browser's fonts (library_orbit_text.js).
class BrowserTextPainter final : public TextPainter {
 public:
  std::optional<Bitmap> paint(std::string_view text, int pixels, bool rightToLeft) override;
};

}  // namespace orbit
