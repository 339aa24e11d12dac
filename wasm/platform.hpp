#pragma once

#include <string_view>

namespace orbit {

// What the client app needs from whatever hosts it: a browser page (bindings/browser) or,
// later, a native process.
class Platform {
 public:
  virtual ~Platform() = default;

  // Device pixels per layout pixel, so the UI keeps its size on high-density screens.
  virtual float pixelRatio() const = 0;

  // Makes the drawing surface as many pixels as it covers on screen. Called before every
  // frame; a change reaches the app as a window-size event.
  virtual void fitSurface() = 0;

  // Hands the app's state, as JSON text, to whoever embeds the app.
  virtual void publishState(std::string_view json) = 0;
};

}  // namespace orbit
