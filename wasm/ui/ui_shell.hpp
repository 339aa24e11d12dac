#pragma once

#include "platform.hpp"
#include "result.hpp"
#include "scheduler.hpp"
#include "touch.hpp"
#include "ui/glyph_cache.hpp"
#include "ui/text_painter.hpp"
#include "ui/ui_items.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

struct GLFWwindow;

namespace orbit {

// The window the UI lives in: a GLFW window with an OpenGL ES 3 (WebGL2) context and a Dear
// ImGui context drawn at the screen's pixel density. Draws only when something the UI shows
// may have changed: input, a resize, or invalidate(). Characters its font lacks are painted by
// `painter` (none: drawn as '?').
class UiShell {
 public:
  // `draw` makes the ImGui calls of one frame.
  UiShell(Platform& platform, Scheduler& clock, TextPainter* painter, std::function<void()> draw);
  ~UiShell();
  UiShell(const UiShell&) = delete;
  UiShell& operator=(const UiShell&) = delete;

  std::optional<Error> open(const char* title);
  // Lets go of ImGui, the GL context and the window (and with them GLFW's listeners); frame()
  // does nothing after it.
  void close();

  // One turn of the main loop: handles events, then draws if anything changed.
  void frame();

  // Asks for a redraw, e.g. after a network event changed what the UI shows.
  void invalidate();
  // Frames drawn since the start, for the state (tests count them while idle).
  std::uint64_t framesDrawn() const { return framesDrawn_; }
  // The font the text is drawn in: the UI's own (else ImGui's built-in one), and the height of
  // its lines in device pixels, for the state (tests wait for the fonts and read their size).
  bool ownFonts() const;
  float fontPixels() const;

 private:
  void installInputHooks();
  // Whether what is under the pointer would scroll by a wheel turn that way (lines of text,
  // positive: down, right), as ImGui routes the wheel: not at its end yet.
  bool canScroll(double linesX, double linesY) const;
  // Scrolls what is under the pointer by lines of text (positive: down, right).
  void scroll(double linesX, double linesY);
  // A finger on the surface: taps become presses of ImGui's mouse, drags scroll.
  bool touch(Platform::TouchPhase phase, int id, float x, float y, double timeMs);
  // Hands ImGui the finger's pointer for this frame, in place of the mouse's.
  void feedTouch();
  // Scrolls what the finger drags by what it moved since the last frame.
  void applyDrag();
  // The style at `ratio` device pixels per CSS pixel, with controls a finger can hit when `coarse`.
  void applyStyle(float ratio, bool coarse);
  void rebuildFonts();
  // The height of a line of the font the atlas is built with, in CSS pixels.
  float linePixels() const;
  void fetchFonts();
  void updateTextInput();

  Platform& platform_;
  Scheduler& clock_;  // for a flick's speed and its slowing down
  std::function<void()> draw_;
  GLFWwindow* window_ = nullptr;
  GlyphCache glyphs_;
  UiFonts arriving_;       // until both files have answered
  int fontsAwaited_ = 0;   // files asked for and not answered yet
  bool fontsArrived_ = false;  // the atlas is rebuilt with them before the next frame
  float pixelRatio_ = 0.0f;
  int framesToDraw_ = 0;
  std::uint64_t framesDrawn_ = 0;
  std::string clipboard_;  // what the last paste returned to ImGui, alive until the next
  std::pair<float, float> imePosition_{0, 0};  // the active field's cursor, device pixels
  bool textInputActive_ = false;
  std::pair<float, float> textInputAt_{0, 0};  // CSS pixels, as last told to the platform
  TextFieldTabs textFieldTabs_;                // as last told to the platform
  bool coarsePointer_ = false;
  TouchPointer touch_;
  bool touchOwnsPointer_ = false;  // since the last touch, until a mouse moves
  int textInputCheck_ = 0;         // frames until the text field state is told again after a tap
  bool leaveTextField_ = false;    // the keyboard went on to the page: the next frame lets go of the field
  // What a drag scrolls: the windows it started over, found once a frame has seen the finger.
  bool dragTargetsKnown_ = false;
  unsigned dragTargetX_ = 0;  // ImGuiIDs; 0: nothing scrolls that way
  unsigned dragTargetY_ = 0;
  float dragX_ = 0;  // device pixels moved and not yet scrolled
  float dragY_ = 0;
  Fling fling_;  // what a flick moves after the finger lifted, into the same windows
};

}  // namespace orbit
