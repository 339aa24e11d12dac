#pragma once

#include "platform.hpp"

#include <functional>

namespace orbit {

// The page the client runs in: its canvas, its pixel density, its animation frames, and the
// embed API in web/orbit-loader.js. One per page, as Emscripten has one main loop.
class BrowserPlatform final : public Platform {
 public:
  BrowserPlatform() = default;
  // JavaScript holds `this` as the main loop's argument.
  BrowserPlatform(const BrowserPlatform&) = delete;
  BrowserPlatform& operator=(const BrowserPlatform&) = delete;

  float pixelRatio() const override;
  void fitSurface() override;
  void publishState(std::string_view json) override;

  // Calls `frame` on every animation frame for as long as the page lives. Returns at once:
  // the browser drives the loop, so whatever `frame` uses must outlive main().
  void runMainLoop(std::function<void()> frame);

 private:
  static void onAnimationFrame(void* self);

  std::function<void()> frame_;
};

}  // namespace orbit
