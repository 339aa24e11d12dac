#include "browser_platform.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <cstdlib>
#include <string>
#include <utility>

// From library_orbit_platform.js.
extern "C" {
void orbit_platform_init();
void orbit_platform_release();
int orbit_platform_fit_canvas();
char* orbit_platform_take_password();
void orbit_platform_publish_state(const char* json);
void orbit_platform_publish_event(const char* json);
void orbit_platform_state_changed(int statsOnly);
void orbit_platform_drafts_changed();
void orbit_platform_show_address(const char* url);
void orbit_platform_copy_text(const char* text);
char* orbit_platform_clipboard_text();
void orbit_platform_text_input(int active, double x, double y);
void orbit_platform_text_field_tabs(int previous, int next);
void orbit_platform_listen_wheel();
void orbit_platform_listen_touch();
int orbit_platform_coarse_pointer();
void orbit_platform_listen_resume();
void orbit_platform_listen_resize();
void orbit_platform_fetch_file(const char* name, int id);
}

namespace {

// The embed API's way in; a page has one module instance per client, so one platform.
orbit::BrowserPlatform* embedded = nullptr;

}  // namespace

namespace orbit {

BrowserPlatform::BrowserPlatform() {
  embedded = this;
  // Before the UI opens its window: GLFW's listeners are added then.
  orbit_platform_init();
}

BrowserPlatform::~BrowserPlatform() {
  if (embedded == this) embedded = nullptr;
}

float BrowserPlatform::pixelRatio() const {
  return static_cast<float>(emscripten_get_device_pixel_ratio());
}

bool BrowserPlatform::fitSurface() {
  hidden_ = orbit_platform_fit_canvas() == 0;
  return !hidden_;
}

void BrowserPlatform::setStateSource(StateSource source) { stateSource_ = std::move(source); }

void BrowserPlatform::setCommandSink(CommandSink sink) { commandSink_ = std::move(sink); }

void BrowserPlatform::publishEvent(std::string_view json) {
  orbit_platform_publish_event(std::string(json).c_str());
}

void BrowserPlatform::setDraftSource(StateSource source) { draftSource_ = std::move(source); }

void BrowserPlatform::draftsChanged() { orbit_platform_drafts_changed(); }

void BrowserPlatform::stateChanged() { orbit_platform_state_changed(0); }

void BrowserPlatform::statsChanged() { orbit_platform_state_changed(1); }

void BrowserPlatform::showAddress(std::string_view url) { orbit_platform_show_address(std::string(url).c_str()); }

void BrowserPlatform::copyText(std::string_view text) { orbit_platform_copy_text(std::string(text).c_str()); }

std::string BrowserPlatform::clipboardText() {
  char* text = orbit_platform_clipboard_text();
  std::string out = text ? text : "";
  std::free(text);
  return out;
}

void BrowserPlatform::setTextInput(bool active, float x, float y) { orbit_platform_text_input(active, x, y); }

void BrowserPlatform::setOnComposedText(std::function<void(std::string_view text)> onText) {
  onComposedText_ = std::move(onText);
}

void BrowserPlatform::setTextFieldTabs(bool previous, bool next) { orbit_platform_text_field_tabs(previous, next); }

void BrowserPlatform::setOnTextFieldLeft(std::function<void()> onLeft) { onTextFieldLeft_ = std::move(onLeft); }

void BrowserPlatform::textFieldLeft() {
  if (onTextFieldLeft_) onTextFieldLeft_();
}

void BrowserPlatform::composed(const char* text) {
  if (onComposedText_ && text && *text) onComposedText_(text);
}

void BrowserPlatform::setOnWheel(OnWheel onWheel) {
  onWheel_ = std::move(onWheel);
  orbit_platform_listen_wheel();
}

bool BrowserPlatform::wheel(double deltaX, double deltaY, int deltaMode) {
  if (!onWheel_ || deltaMode < 0 || deltaMode > 2) return false;
  const auto unit = static_cast<WheelUnit>(deltaMode);
  return onWheel_(wheelLines(deltaX, unit), wheelLines(deltaY, unit));
}

void BrowserPlatform::setOnTouch(OnTouch onTouch) {
  onTouch_ = std::move(onTouch);
  orbit_platform_listen_touch();
}

bool BrowserPlatform::touch(int phase, int id, double x, double y, double timeMs) {
  if (!onTouch_ || destroyed_ || phase < 0 || phase > 3) return false;
  return onTouch_(static_cast<TouchPhase>(phase), id, static_cast<float>(x), static_cast<float>(y), timeMs);
}

bool BrowserPlatform::coarsePointer() const { return orbit_platform_coarse_pointer() != 0; }

void BrowserPlatform::setOnResume(std::function<void()> onResume) {
  onResume_ = std::move(onResume);
  orbit_platform_listen_resume();
}

void BrowserPlatform::resume() {
  if (onResume_) onResume_();
}

void BrowserPlatform::sleep() {
  if (asleep_) return;
  asleep_ = true;
  emscripten_pause_main_loop();
}

void BrowserPlatform::wake() {
  // Hidden, nothing would be drawn: a resize wakes the loop once the canvas is shown.
  if (!asleep_ || hidden_ || destroyed_) return;
  asleep_ = false;
  emscripten_resume_main_loop();
}

void BrowserPlatform::setOnResize(std::function<void()> onResize) {
  onResize_ = std::move(onResize);
  orbit_platform_listen_resize();
}

void BrowserPlatform::resized() {
  if (destroyed_) return;
  hidden_ = false;  // the next frame measures again
  if (onResize_) onResize_();
}

void BrowserPlatform::fetchFile(std::string_view name, OnFile done) {
  const int id = ++nextFile_;
  files_.emplace(id, std::move(done));
  orbit_platform_fetch_file(std::string(name).c_str(), id);
}

void BrowserPlatform::fileArrived(int id, const char* bytes, int size) {
  const auto it = files_.find(id);
  if (it == files_.end()) return;
  OnFile done = std::move(it->second);
  files_.erase(it);
  if (destroyed_ || !done) return;
  if (bytes && size >= 0) {
    done(std::string(bytes, static_cast<std::size_t>(size)));
  } else {
    done(std::nullopt);
  }
}

void BrowserPlatform::destroy() {
  if (std::exchange(destroyed_, true)) return;
  if (onDestroy_) onDestroy_();
  stateSource_ = nullptr;
  draftSource_ = nullptr;
  commandSink_ = nullptr;
  files_.clear();
  emscripten_cancel_main_loop();
  orbit_platform_release();
}

void BrowserPlatform::publishState(std::string_view json) {
  orbit_platform_publish_state(std::string(json).c_str());
}

std::string BrowserPlatform::takePassword() {
  char* password = orbit_platform_take_password();
  std::string out = password ? password : "";
  std::free(password);
  return out;
}

const std::string& BrowserPlatform::state() {
  state_ = stateSource_ ? stateSource_() : std::string("null");
  return state_;
}

const std::string& BrowserPlatform::drafts() {
  drafts_ = draftSource_ ? draftSource_() : std::string("{}");
  return drafts_;
}

const std::string* BrowserPlatform::command(const char* json) {
  if (!commandSink_) {
    refusal_ = "the client has not started";
    return &refusal_;
  }
  if (auto error = commandSink_(json ? json : "")) {
    refusal_ = error->message;
    return &refusal_;
  }
  return nullptr;
}

void BrowserPlatform::runMainLoop(std::function<void()> frame) {
  frame_ = std::move(frame);
  // fps 0: the browser's requestAnimationFrame paces the loop.
  emscripten_set_main_loop_arg(&BrowserPlatform::onAnimationFrame, this, 0, /*simulate_infinite_loop=*/false);
}

void BrowserPlatform::onAnimationFrame(void* self) { static_cast<BrowserPlatform*>(self)->frame_(); }

}  // namespace orbit

// The embed API (web/orbit-embed.js) calls these through ccall.
extern "C" {

// The state as JSON text; "null" before the client has started.
EMSCRIPTEN_KEEPALIVE const char* orbit_embed_state() {
  return embedded ? embedded->state().c_str() : "null";
}

// What is being typed into the screens' fields, as JSON, for the page's copies of them
// (library_orbit_a11y.js); "{}" before the client has started. Not in the state: it holds passwords.
EMSCRIPTEN_KEEPALIVE const char* orbit_a11y_drafts() {
  return embedded ? embedded->drafts().c_str() : "{}";
}

// Text an input method composed, or inserted without a key, from library_orbit_platform.js.
EMSCRIPTEN_KEEPALIVE void orbit_platform_composed(const char* text) {
  if (embedded) embedded->composed(text);
}

// Tab or Shift+Tab in one of the call's text fields, from library_orbit_platform.js: the focus
// goes on to the page.
EMSCRIPTEN_KEEPALIVE void orbit_platform_text_field_left() {
  if (embedded) embedded->textFieldLeft();
}

// A wheel event over the canvas, from library_orbit_platform.js: WheelEvent's deltaX, deltaY
// and deltaMode as the browser gave them. 1: the client took it; 0: it is the page's.
EMSCRIPTEN_KEEPALIVE int orbit_platform_wheel(double deltaX, double deltaY, int deltaMode) {
  return embedded && embedded->wheel(deltaX, deltaY, deltaMode) ? 1 : 0;
}

// A file fetched for orbit_platform_fetch_file: its bytes, or null (size -1) when it could not
// be had. The bytes are JavaScript's, freed after the call.
EMSCRIPTEN_KEEPALIVE void orbit_platform_file(int id, const char* bytes, int size) {
  if (embedded) embedded->fileArrived(id, bytes, size);
}

// A finger on the canvas, from library_orbit_platform.js: phase 0 down, 1 moved, 2 up, 3
// cancelled; x and y in CSS pixels of the canvas; the event's timeStamp, on performance.now()'s
// clock, as BrowserScheduler's. 1: a tap on a text field, whose hidden textarea the page then
// focuses within the gesture.
EMSCRIPTEN_KEEPALIVE int orbit_platform_touch(int phase, int id, double x, double y, double timeMs) {
  return embedded && embedded->touch(phase, id, x, y, timeMs) ? 1 : 0;
}

// The network is back, or the page is in view again, from library_orbit_platform.js.
EMSCRIPTEN_KEEPALIVE void orbit_platform_resume() {
  if (embedded) embedded->resume();
}

// The canvas changed size, or the page its pixel density, from library_orbit_platform.js.
EMSCRIPTEN_KEEPALIVE void orbit_platform_resized() {
  if (embedded) embedded->resized();
}

// The embed API's destroy(): the call ends, and the client lets go of the page.
EMSCRIPTEN_KEEPALIVE void orbit_embed_destroy() {
  if (embedded) embedded->destroy();
}

// Runs a command; returns why it was refused, or null.
EMSCRIPTEN_KEEPALIVE const char* orbit_embed_command(const char* json) {
  if (!embedded) return "the client has not started";
  const std::string* refusal = embedded->command(json);
  return refusal ? refusal->c_str() : nullptr;
}

}
