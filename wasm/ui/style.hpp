#pragma once

#include <imgui.h>

#include <functional>

namespace orbit::ui {

// The palette every screen shares.
inline const ImVec4 kGood{0.45f, 0.85f, 0.45f, 1.0f};
inline const ImVec4 kWaiting{0.95f, 0.80f, 0.35f, 1.0f};
inline const ImVec4 kBad{0.95f, 0.45f, 0.40f, 1.0f};
inline const ImVec4 kQuiet{0.60f, 0.62f, 0.66f, 1.0f};
inline const ImVec4 kAccent{0.30f, 0.55f, 0.95f, 1.0f};

// Orbit's look, at one pixel per CSS pixel: rounded controls with room around their words, a
// calm dark palette, and a keyboard focus ring that can be seen from across the room.
ImGuiStyle look();

// A panel within a page, `width` wide, on a background of its own: `draw` lays out what it
// holds, in `width` less the padding each side. `height` keeps the height it took, for the
// next frame's background.
void card(float width, float& height, const std::function<void(float innerWidth)>& draw);

// A heading in the heading font (the text font until that has come).
void heading(const char* text, const ImVec4& color);

// Whether the person points with a finger (CSS `pointer: coarse`): then every control, the
// small ones below included, is a fingertip's 44 CSS pixels high. The shell sets it with the style.
void setTouchTargets(bool finger);
// A button inside a line of text (Retry, Message, a room's Join): as small as the line for a
// mouse, a full frame for a finger.
bool inlineButton(const char* label);
// Before the text on a line that ends in an inline button: the text sits level with the
// button's label (a finger's button is taller than the line).
void alignWithInlineButtons();
// A choice in a list (a combo's items): a line high for a mouse, a frame for a finger.
bool listItem(const char* label, bool selected);

// One window covering the whole canvas: the page itself. Pair with ImGui::End().
bool beginPage(const char* id = "Orbit");

}  // namespace orbit::ui
