#include "ui/ui_shell.hpp"

#include "ui/style.hpp"
#include "ui/ui_items.hpp"

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cfloat>
#include <cmath>
#include <utility>

namespace orbit {
namespace {

// ImGui 1.86 reports the input method position through a plain function pointer.
UiShell* imeShell = nullptr;

// ImGui lays a changed window out over the following frames (a new window is measured in
// one frame and shown in the next; table columns settle a frame later), so each change is
// drawn this many times.
constexpr int kSettleFrames = 3;

// The height of a line of text in CSS pixels, from the ascent to the descent of the font:
// ProggyClean, ImGui's built-in font, is drawn for 13; the UI's own font, Noto Sans, at 18 has
// an em of 13.2, a browser's small text.
constexpr float kBuiltInFontPixels = 13.0f;
constexpr float kFontPixels = 18.0f;

// The smallest control a finger hits reliably, in CSS pixels.
constexpr float kTouchTarget = 44.0f;

UiShell& shellOf(GLFWwindow* window) { return *static_cast<UiShell*>(glfwGetWindowUserPointer(window)); }

}  // namespace

UiShell::UiShell(Platform& platform, Scheduler& clock, TextPainter* painter, std::function<void()> draw)
    : platform_(platform), clock_(clock), draw_(std::move(draw)), glyphs_(painter) {}

UiShell::~UiShell() { close(); }

void UiShell::close() {
  if (imeShell == this) imeShell = nullptr;
  if (!window_) return;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(std::exchange(window_, nullptr));
  glfwTerminate();
}

std::optional<Error> UiShell::open(const char* title) {
  if (!glfwInit()) return Error{"GLFW did not start"};
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  // The platform fits the surface to the screen before the first frame; this is a start.
  window_ = glfwCreateWindow(1280, 720, title, nullptr, nullptr);
  if (!window_) {
    glfwTerminate();
    return Error{"no OpenGL ES 3 / WebGL2 context"};
  }
  glfwMakeContextCurrent(window_);
  glfwSetWindowUserPointer(window_, this);
  // Before ImGui's backend installs its own callbacks, which then chain to these.
  installInputHooks();

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  // Every control within reach of the keyboard: arrows move, Space presses, Escape closes a
  // popup.
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(window_, /*install_callbacks=*/true);
  // GLFW's clipboard is a no-op in the browser: ImGui's copy and paste go to the page's.
  ImGuiIO& io = ImGui::GetIO();
  io.ClipboardUserData = this;
  io.SetClipboardTextFn = [](void* shell, const char* text) { static_cast<UiShell*>(shell)->platform_.copyText(text); };
  io.GetClipboardTextFn = [](void* user) -> const char* {
    auto* shell = static_cast<UiShell*>(user);
    shell->clipboard_ = shell->platform_.clipboardText();
    return shell->clipboard_.c_str();
  };
  // Input methods: ImGui says where the active field's cursor is; the platform composes there.
  imeShell = this;
  io.ImeSetInputScreenPosFn = [](int x, int y) {
    if (imeShell) imeShell->imePosition_ = {static_cast<float>(x), static_cast<float>(y)};
  };
  platform_.setOnComposedText([this](std::string_view text) {
    ImGui::GetIO().AddInputCharactersUTF8(std::string(text).c_str());
    invalidate();
  });
  platform_.setOnTextFieldLeft([this] {
    leaveTextField_ = true;
    invalidate();
  });
  platform_.setOnWheel([this](double linesX, double linesY) {
    if (!canScroll(linesX, linesY)) return false;
    scroll(linesX, linesY);
    invalidate();
    return true;
  });
  platform_.setOnTouch([this](Platform::TouchPhase phase, int id, float x, float y, double timeMs) {
    return touch(phase, id, x, y, timeMs);
  });
  platform_.setOnResize([this] { invalidate(); });
  // A blinking caret would need a frame twice a second for as long as a field has focus.
  io.ConfigInputTextCursorBlink = false;
  ImGui_ImplOpenGL3_Init(nullptr);
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  invalidate();
  fetchFonts();
  return std::nullopt;
}

bool UiShell::ownFonts() const { return window_ && !fontsArrived_ && glyphs_.hasTextFont(); }

float UiShell::fontPixels() const {
  const ImFontAtlas* atlas = window_ ? ImGui::GetIO().Fonts : nullptr;
  return atlas && !atlas->Fonts.empty() ? atlas->Fonts[0]->FontSize : 0.0f;
}

void UiShell::fetchFonts() {
  // Both, or the text would be laid out twice within a moment.
  const auto arrived = [this](std::string UiFonts::*which) {
    return [this, which](std::optional<std::string> bytes) {
      if (bytes) arriving_.*which = std::move(*bytes);
      if (--fontsAwaited_ > 0 || (arriving_.text.empty() && arriving_.icons.empty())) return;
      // The cache checks them, keeps them and says which it builds with from now on.
      glyphs_.setFonts(std::exchange(arriving_, {}));
      fontsArrived_ = true;
      invalidate();
    };
  };
  fontsAwaited_ = 2;
  platform_.fetchFile("orbit-text.ttf", arrived(&UiFonts::text));
  platform_.fetchFile("orbit-icons.ttf", arrived(&UiFonts::icons));
}

void UiShell::installInputHooks() {
  glfwSetCursorPosCallback(window_, [](GLFWwindow* w, double, double) {
    // A mouse moved (the platform keeps touches away from GLFW): it has the pointer again.
    UiShell& shell = shellOf(w);
    if (!shell.touch_.touching() && !shell.touch_.pending()) shell.touchOwnsPointer_ = false;
    shell.invalidate();
  });
  glfwSetCursorEnterCallback(window_, [](GLFWwindow* w, int) { shellOf(w).invalidate(); });
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int, int, int) { shellOf(w).invalidate(); });
  glfwSetKeyCallback(window_, [](GLFWwindow* w, int, int, int, int) { shellOf(w).invalidate(); });
  glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned int) { shellOf(w).invalidate(); });
  glfwSetWindowFocusCallback(window_, [](GLFWwindow* w, int) { shellOf(w).invalidate(); });
  glfwSetFramebufferSizeCallback(window_, [](GLFWwindow* w, int, int) { shellOf(w).invalidate(); });
}

bool UiShell::canScroll(double linesX, double linesY) const {
  const ImGuiContext* context = ImGui::GetCurrentContext();
  if (!context || !context->HoveredWindow) return false;
  // ImGui 1.86's UpdateMouseWheel: a child window that cannot scroll (or takes no wheel) hands
  // it to its parent; the window it ends at scrolls, unless it takes no wheel either.
  const auto target = [context](float ImVec2::*axis) -> const ImGuiWindow* {
    const ImGuiWindow* window = context->HoveredWindow;
    const auto passes = [axis](const ImGuiWindow* w) {
      return w->ScrollMax.*axis == 0.0f ||
             ((w->Flags & ImGuiWindowFlags_NoScrollWithMouse) && !(w->Flags & ImGuiWindowFlags_NoMouseInputs));
    };
    while ((window->Flags & ImGuiWindowFlags_ChildWindow) && window->ParentWindow && passes(window)) {
      window = window->ParentWindow;
    }
    if (window->Flags & (ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoMouseInputs)) return nullptr;
    return window;
  };
  const auto moves = [&target](float ImVec2::*axis, double lines) {
    const ImGuiWindow* window = lines == 0 ? nullptr : target(axis);
    if (!window) return false;
    return lines > 0 ? window->Scroll.*axis < window->ScrollMax.*axis : window->Scroll.*axis > 0.0f;
  };
  return moves(&ImVec2::y, linesY) || moves(&ImVec2::x, linesX);
}

void UiShell::scroll(double linesX, double linesY) {
  // ImGui scrolls a window by five font heights per wheel step, and up for a positive step.
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float fontSize = io.Fonts->Fonts.empty() ? kBuiltInFontPixels : io.Fonts->Fonts[0]->FontSize;
  const double stepsPerLine = (fontSize + style.ItemSpacing.y) / (5.0 * fontSize);
  io.MouseWheel -= static_cast<float>(linesY * stepsPerLine);
  io.MouseWheelH -= static_cast<float>(linesX * stepsPerLine);
}

bool UiShell::touch(Platform::TouchPhase phase, int id, float x, float y, double timeMs) {
  touchOwnsPointer_ = true;
  invalidate();
  const float ratio = pixelRatio_ > 0 ? pixelRatio_ : 1.0f;
  switch (phase) {
    case Platform::TouchPhase::Start:
      if (!touch_.touching()) {
        // A finger on flicked content stops it, as on a phone.
        fling_.stop();
        fling_.track(timeMs, x, y);
        dragTargetsKnown_ = false;
        dragX_ = dragY_ = 0;
      }
      touch_.start(id, x, y);
      return false;
    case Platform::TouchPhase::Move: {
      const TouchPointer::Drag drag = touch_.move(id, x, y);
      dragX_ += drag.x * ratio;
      dragY_ += drag.y * ratio;
      if (touch_.dragging()) fling_.track(timeMs, x, y);
      return false;
    }
    case Platform::TouchPhase::End: {
      const bool dragged = touch_.dragging();
      const bool tap = touch_.end(id, x, y);
      if (dragged && !touch_.touching()) fling_.release(timeMs, static_cast<double>(clock_.now().count()));
      return tap && textFieldAt(x * ratio, y * ratio);
    }
    case Platform::TouchPhase::Cancel:
      touch_.cancel(id);
      fling_.stop();
      return false;
  }
  return false;
}

void UiShell::applyDrag() {
  if (fling_.moving()) {
    const TouchPointer::Drag drag = fling_.step(static_cast<double>(clock_.now().count()));
    const float ratio = pixelRatio_ > 0 ? pixelRatio_ : 1.0f;
    dragX_ += drag.x * ratio;
    dragY_ += drag.y * ratio;
    // Until it stops: the frames go on without input.
    invalidate();
  }
  if (dragX_ == 0 && dragY_ == 0) return;
  ImGuiContext* context = ImGui::GetCurrentContext();
  if (!dragTargetsKnown_) {
    // The last frame had the pointer where the finger went down (feedTouch keeps it there
    // until now), so the window ImGui found under it is the one the finger is on.
    if (!context->HoveredWindow) return;
    // As the wheel goes (canScroll): from the window under the finger out to the first one
    // that scrolls that way.
    const auto target = [context](float ImVec2::*axis) -> ImGuiID {
      ImGuiWindow* window = context->HoveredWindow;
      while (window && window->ScrollMax.*axis == 0.0f && (window->Flags & ImGuiWindowFlags_ChildWindow)) {
        window = window->ParentWindow;
      }
      if (!window || window->ScrollMax.*axis == 0.0f || (window->Flags & ImGuiWindowFlags_NoScrollWithMouse)) return 0;
      return window->ID;
    };
    dragTargetX_ = target(&ImVec2::x);
    dragTargetY_ = target(&ImVec2::y);
    dragTargetsKnown_ = true;
  }
  // The content follows the finger: a finger moving down shows what is above. A flick stops
  // where there is no further to go, in either direction it moves.
  bool further = false;
  if (ImGuiWindow* window = dragTargetY_ ? ImGui::FindWindowByID(dragTargetY_) : nullptr) {
    if (dragY_ != 0) further |= dragY_ > 0 ? window->Scroll.y > 0 : window->Scroll.y < window->ScrollMax.y;
    ImGui::SetScrollY(window, window->Scroll.y - dragY_);
  }
  if (ImGuiWindow* window = dragTargetX_ ? ImGui::FindWindowByID(dragTargetX_) : nullptr) {
    if (dragX_ != 0) further |= dragX_ > 0 ? window->Scroll.x > 0 : window->Scroll.x < window->ScrollMax.x;
    ImGui::SetScrollX(window, window->Scroll.x - dragX_);
  }
  if (fling_.moving() && !further) fling_.stop();
  dragX_ = dragY_ = 0;
}

void UiShell::feedTouch() {
  if (!touchOwnsPointer_) return;
  TouchPointer::Pointer pointer = touch_.next();
  // A drag keeps the pointer where it went down until the window it drags is known.
  if (touch_.dragging() && !dragTargetsKnown_) pointer = touch_.startPoint();
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = pointer.present ? ImVec2(pointer.x * pixelRatio_, pointer.y * pixelRatio_) : ImVec2(-FLT_MAX, -FLT_MAX);
  io.MouseDown[0] = pointer.down;
  if (touch_.pending() || (touch_.dragging() && !dragTargetsKnown_)) {
    invalidate();
    // A tap into a text field made its platform text input take the focus at once; once the
    // tap has been drawn, it is told again whether a field really is active.
    textInputCheck_ = 2;
  }
}

void UiShell::applyStyle(float ratio, bool coarse) {
  if (ratio != pixelRatio_) {
    pixelRatio_ = ratio;
    rebuildFonts();
  }
  coarsePointer_ = coarse;
  ui::setTouchTargets(coarse);

  ImGuiStyle style = ui::look();
  // A fingertip needs 44 CSS pixels each way (Apple's and the W3C's guidance): frames (buttons,
  // tabs, fields) get that height, and the shortest label, four letters, that width.
  if (coarse) style.FramePadding.x = 12.0f;
  style.ScaleAllSizes(ratio);
  if (coarse) style.FramePadding.y = std::ceil((kTouchTarget * ratio - std::round(linePixels() * ratio)) / 2);
  ImGui::GetStyle() = style;
}

float UiShell::linePixels() const { return glyphs_.hasTextFont() ? kFontPixels : kBuiltInFontPixels; }

void UiShell::rebuildFonts() {
  glyphs_.build(*ImGui::GetIO().Fonts, std::round(linePixels() * pixelRatio_));
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void UiShell::updateTextInput() {
  const bool active = ImGui::GetIO().WantTextInput;
  if (const TextFieldTabs tabs = active ? activeTextFieldTabs() : TextFieldTabs{}; tabs != textFieldTabs_) {
    textFieldTabs_ = tabs;
    platform_.setTextFieldTabs(tabs.previous, tabs.next);
  }
  const float ratio = pixelRatio_ > 0 ? pixelRatio_ : 1.0f;
  const std::pair<float, float> at{imePosition_.first / ratio, imePosition_.second / ratio};
  const bool recheck = textInputCheck_ > 0 && --textInputCheck_ == 0;
  if (!recheck && active == textInputActive_ && (!active || at == textInputAt_)) return;
  textInputActive_ = active;
  textInputAt_ = at;
  platform_.setTextInput(active, at.first, at.second);
}

void UiShell::invalidate() {
  framesToDraw_ = kSettleFrames;
  platform_.wake();
}

void UiShell::frame() {
  if (!window_) return platform_.sleep();
  glfwPollEvents();
  // Not shown: nothing to draw until a resize brings it back.
  if (!platform_.fitSurface()) return platform_.sleep();
  const float ratio = platform_.pixelRatio();
  const bool coarse = platform_.coarsePointer();
  if (ratio != pixelRatio_ || coarse != coarsePointer_) {
    applyStyle(ratio, coarse);
    invalidate();
  }
  // Nothing changed: the loop sleeps until an input, a resize or invalidate() wakes it.
  if (framesToDraw_ == 0) return platform_.sleep();
  --framesToDraw_;
  ++framesDrawn_;
  // The characters the last frame lacked, added between frames (ImGui locks the atlas within).
  if (std::exchange(fontsArrived_, false)) {
    rebuildFonts();
    applyStyle(pixelRatio_, coarsePointer_);  // touch frames are sized by the font's line
  } else if (glyphs_.paintMissing()) {
    rebuildFonts();
  }

  applyDrag();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  feedTouch();
  ImGui::NewFrame();
  // As a click beside the field would: what was typed stays in it (Escape would undo it).
  if (std::exchange(leaveTextField_, false) && ImGui::GetIO().WantTextInput) ImGui::ClearActiveID();
  beginItems(pixelRatio_);
  glyphs_.beginFrame();
  draw_();
  ImGui::Render();
  if (glyphs_.missing()) invalidate();

  int width = 0;
  int height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  glViewport(0, 0, width, height);
  glClearColor(0.06f, 0.07f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  glfwSwapBuffers(window_);
  updateTextInput();
}

}  // namespace orbit
