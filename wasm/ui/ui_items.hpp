#pragma once

#include "message.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace orbit {

// Where the last drawn frame put each named control, so that browser tests click and type
// where a user would, rather than calling into the client behind the UI's back.
//
// Views call noteItem("Join") right after the ImGui widget it names; the shell starts a new
// map before each frame. Rectangles are in CSS pixels of the canvas: [x, y, width, height].
void noteItem(std::string_view name);
// The same for the window being drawn (a popup, say) as a whole.
void noteWindow(std::string_view name);
// Whether the last drawn frame had a named text field at (x, y), in ImGui's device pixels: a
// tap there brings up the on-screen keyboard.
bool textFieldAt(float x, float y);
// Whether the last drawn frame's active text field has another before it and after it that
// Tab and Shift+Tab go to; from the first and the last they leave the client.
struct TextFieldTabs {
  bool previous = false;
  bool next = false;
  bool operator==(const TextFieldTabs&) const = default;
};
TextFieldTabs activeTextFieldTabs();
// Before the text field `label` is drawn: its buffer takes `text` (Drafts, which the page's copy
// of the field may have changed) unless the field is being typed into. Cut at a character's
// start when longer than the buffer.
void takeDraft(const char* label, const std::string& text, char* buffer, std::size_t size);
// Starts a frame's map; ImGui draws in device pixels, `pixelRatio` of them per CSS pixel.
void beginItems(float pixelRatio);
// {"Join": [x, y, w, h], ..., "focus": "Join"}: "focus" names the control that has the
// keyboard's focus, when a named one has it.
inline constexpr const char* kFocusKey = "focus";
const Json& itemRects();
// True once after the map changed since the last call, so the app republishes its state.
bool itemsChanged();

}  // namespace orbit
