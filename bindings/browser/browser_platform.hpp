#pragma once

#include "platform.hpp"

#include <functional>
#include <map>
#include <string>

namespace orbit {

// The page the client runs in: its canvas, its pixel density, its animation frames, and the
// embed API (web/orbit-embed.js), which asks for the state and sends commands through the
// exported orbit_embed_* functions. One per page, as Emscripten has one main loop.
class BrowserPlatform final : public Platform {
 public:
  BrowserPlatform();
  ~BrowserPlatform() override;
  // JavaScript holds `this` as the main loop's argument.
  BrowserPlatform(const BrowserPlatform&) = delete;
  BrowserPlatform& operator=(const BrowserPlatform&) = delete;

  float pixelRatio() const override;
  bool fitSurface() override;
  void setStateSource(StateSource source) override;
  void setCommandSink(CommandSink sink) override;
  void setDraftSource(StateSource source) override;
  void draftsChanged() override;
  void publishEvent(std::string_view json) override;
  void stateChanged() override;
  void statsChanged() override;
  void showAddress(std::string_view url) override;
  void copyText(std::string_view text) override;
  std::string clipboardText() override;
  void setTextInput(bool active, float x, float y) override;
  void setOnComposedText(std::function<void(std::string_view text)> onText) override;
  void composed(const char* text);
  void setTextFieldTabs(bool previous, bool next) override;
  void setOnTextFieldLeft(std::function<void()> onLeft) override;
  void textFieldLeft();
  void setOnWheel(OnWheel onWheel) override;
  bool wheel(double deltaX, double deltaY, int deltaMode);
  void setOnTouch(OnTouch onTouch) override;
  bool touch(int phase, int id, double x, double y, double timeMs);
  bool coarsePointer() const override;
  void setOnResume(std::function<void()> onResume) override;
  void resume();
  void sleep() override;
  void wake() override;
  void setOnResize(std::function<void()> onResize) override;
  void resized();
  void fetchFile(std::string_view name, OnFile done) override;
  void fileArrived(int id, const char* bytes, int size);

  // What the embed API's destroy() runs (the composition root's teardown), after which the
  // platform undoes what it did to the page and the frame loop ends for good.
  void setOnDestroy(std::function<void()> onDestroy) { onDestroy_ = std::move(onDestroy); }
  void destroy();

  // The room password the embedder gave, once; "" without one.
  std::string takePassword();

  // Pushes JSON to the page's Module.onOrbitState at once: for test programs that report
  // results rather than serve state on demand.
  void publishState(std::string_view json);

  // Calls `frame` on every animation frame for as long as the page lives. Returns at once:
  // the browser drives the loop, so whatever `frame` uses must outlive main().
  void runMainLoop(std::function<void()> frame);

  // For the exported entry points.
  const std::string& state();
  const std::string& drafts();
  const std::string* command(const char* json);

 private:
  static void onAnimationFrame(void* self);

  std::function<void()> frame_;
  StateSource stateSource_;
  StateSource draftSource_;
  CommandSink commandSink_;
  std::function<void(std::string_view)> onComposedText_;
  std::function<void()> onTextFieldLeft_;
  OnWheel onWheel_;
  OnTouch onTouch_;
  std::function<void()> onResume_;
  std::function<void()> onResize_;
  std::function<void()> onDestroy_;
  std::map<int, OnFile> files_;  // fetches under way, by id
  int nextFile_ = 0;
  bool asleep_ = false;
  bool hidden_ = false;     // the canvas is not shown: wake() waits for a resize
  bool destroyed_ = false;
  std::string state_;   // the last state handed to JS, kept alive until the next call
  std::string drafts_;  // likewise
  std::string refusal_;  // the last command's error, likewise
};

}  // namespace orbit
