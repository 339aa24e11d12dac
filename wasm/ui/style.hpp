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

// One window covering the whole canvas: the page itself. Pair with ImGui::End().
bool beginPage(const char* id = "Orbit");

}  // namespace orbit::ui
