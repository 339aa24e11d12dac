#include "browser_platform.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <string>
#include <utility>

// From library_orbit_platform.js.
extern "C" {
void orbit_platform_fit_canvas();
void orbit_platform_publish_state(const char* json);
}

namespace orbit {

float BrowserPlatform::pixelRatio() const {
  return static_cast<float>(emscripten_get_device_pixel_ratio());
}

void BrowserPlatform::fitSurface() { orbit_platform_fit_canvas(); }

void BrowserPlatform::publishState(std::string_view json) {
  orbit_platform_publish_state(std::string(json).c_str());
}

void BrowserPlatform::runMainLoop(std::function<void()> frame) {
  frame_ = std::move(frame);
  // fps 0: the browser's requestAnimationFrame paces the loop.
  emscripten_set_main_loop_arg(&BrowserPlatform::onAnimationFrame, this, 0, /*simulate_infinite_loop=*/false);
}

void BrowserPlatform::onAnimationFrame(void* self) { static_cast<BrowserPlatform*>(self)->frame_(); }

}  // namespace orbit
