#include "ui/left_view.hpp"

#include "ui/glyph_cache.hpp"
#include "ui/style.hpp"
#include "ui/ui_items.hpp"

#include <imgui.h>

namespace orbit {

using namespace ui;

void LeftView::draw(const std::string& roomName) {
  if (beginPage("Left")) {
    ImGui::TextColored(kAccent, "Orbit");
    ImGui::Separator();
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("You left \"%s\".", shown(roomName));
    ImGui::PopTextWrapPos();
    noteItem("You left");
    ImGui::Spacing();
    if (ImGui::Button("Rejoin")) hooks_.rejoin();
    // The keyboard starts on Rejoin: Space brings you back.
    ImGui::SetItemDefaultFocus();
    noteItem("Rejoin");
    ImGui::SameLine();
    if (ImGui::Button("Back to the lobby")) hooks_.backToLobby();
    noteItem("Back to the lobby");
  }
  ImGui::End();
}

}  // namespace orbit
