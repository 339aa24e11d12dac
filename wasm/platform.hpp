#pragma once

#include "result.hpp"
#include "wheel.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// What the client app needs from whatever hosts it: a browser page (bindings/browser) or,
// later, a native process. The embed API lives on this seam: the host asks for the state
// and sends commands; the app tells it of events.
class Platform {
 public:
  using StateSource = std::function<std::string()>;
  using CommandSink = std::function<std::optional<Error>(std::string_view json)>;

  virtual ~Platform() = default;

  // Device pixels per layout pixel, so the UI keeps its size on high-density screens.
  virtual float pixelRatio() const = 0;

  // Makes the drawing surface as many pixels as it covers on screen. Called before every
  // frame; a change reaches the app as a window-size event. False while the surface is not
  // shown at all (hidden, or no size): nothing is drawn then, and the loop sleeps until a
  // resize says it is back.
  virtual bool fitSurface() = 0;

  // The app's state as JSON text, computed when the host asks for it.
  virtual void setStateSource(StateSource source) = 0;
  // Commands from the host, as JSON text; an Error says why one was refused.
  virtual void setCommandSink(CommandSink sink) = 0;
  // What is being typed into the screens' fields (Drafts, as JSON), for a host that shows the
  // same fields itself (the browser's page elements for screen readers and Tab): kept apart
  // from the state, since it holds passwords. draftsChanged(): the client's own fields changed
  // it. A host without such fields ignores both.
  virtual void setDraftSource(StateSource /*source*/) {}
  virtual void draftsChanged() {}
  // Something happened, as a JSON object with an "event" name; the host passes it to its
  // subscribers.
  virtual void publishEvent(std::string_view json) = 0;
  // The state has changed since the host last asked (hosts may poll instead).
  virtual void stateChanged() = 0;
  // Only the connection figures changed (once a second per connection): a host that shows
  // none of them need not look again.
  virtual void statsChanged() { stateChanged(); }
  // The client moved to another address without reloading (the lobby opened a room): a host
  // that is the client's own page shows `url` in its address bar, so the invite link is right;
  // a page that embeds the client keeps its own address.
  virtual void showAddress(std::string_view url) = 0;

  // Puts text on the system clipboard (the invite link, ImGui's copy).
  virtual void copyText(std::string_view text) = 0;
  // What ImGui's paste inserts: the text the user last pasted into the page, or else the
  // text the client last copied. Browsers hand the clipboard over only in a paste event.
  virtual std::string clipboardText() = 0;

  // Text typed through an input method (Japanese, Chinese, dead keys ...), which never
  // arrives as plain key presses: the host routes it to `onText` while a text field is
  // active, with the composition shown at the field's cursor (x, y in CSS pixels).
  virtual void setTextInput(bool active, float x, float y) = 0;
  virtual void setOnComposedText(std::function<void(std::string_view text)> onText) = 0;
  // Tab in the active text field goes to the next one (Shift+Tab: the one before) while there
  // is one, as the client says here whenever that changes; from the last (the first) the host
  // moves its focus on, past the client, and calls `onLeft`: the client lets go of the field,
  // keeping what was typed. A host whose focus never leaves the client ignores both.
  virtual void setTextFieldTabs(bool /*previous*/, bool /*next*/) {}
  virtual void setOnTextFieldLeft(std::function<void()> /*onLeft*/) {}

  // The wheel or trackpad over the client, in lines of text with the browser's sign
  // (positive scrolls down or right). Returns whether the client takes it: something under
  // the pointer can still scroll that way. Otherwise the host may scroll its own page. A host
  // without a wheel never calls it.
  using OnWheel = std::function<bool(double linesX, double linesY)>;
  virtual void setOnWheel(OnWheel /*onWheel*/) {}

  // A touch screen's finger over the client (CSS pixels of the surface), from the first one down
  // to the last one up, with when it happened on the Scheduler's clock (a flick's speed comes
  // from these, not from when they are handled). Returns whether a touch that ends is a tap on a
  // text field: the host then brings up its on-screen keyboard at once, within the gesture, as
  // browsers require.
  enum class TouchPhase { Start = 0, Move = 1, End = 2, Cancel = 3 };
  using OnTouch = std::function<bool(TouchPhase phase, int id, float x, float y, double timeMs)>;
  virtual void setOnTouch(OnTouch /*onTouch*/) {}
  // The main pointer is a finger (CSS `pointer: coarse`): controls are made big enough for it.
  virtual bool coarsePointer() const { return false; }

  // The network came back, or the user turned to the page again: a good moment to retry a
  // lost connection at once rather than at its timer.
  virtual void setOnResume(std::function<void()> /*onResume*/) {}

  // The frame loop. sleep(): the UI has nothing to draw until wake(), so the host may stop
  // calling it (no animation frames at all while idle). wake(): input, a network event or a
  // new video frame may need drawing. A host that always runs the loop ignores both.
  virtual void sleep() {}
  virtual void wake() {}
  // The drawing surface changed size or pixel density, which the host reports even while
  // the loop sleeps.
  virtual void setOnResize(std::function<void()> /*onResize*/) {}

  // A file the host serves beside the client (the UI's fonts), by its name; nothing when it
  // could not be had. `done` runs later, never from inside the call, and not at all once the
  // client is destroyed. A host without such files never calls it.
  using OnFile = std::function<void(std::optional<std::string> bytes)>;
  virtual void fetchFile(std::string_view /*name*/, OnFile /*done*/) {}
};

}  // namespace orbit
