#include "ui/lobby_view.hpp"

#include "ui/glyph_cache.hpp"
#include "ui/style.hpp"
#include "ui/ui_items.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

namespace orbit {

using namespace ui;

void LobbyView::draw() {
  if (beginPage("Lobby")) {
    // One column in the middle of the page, as wide as a form reads well.
    const float em = ImGui::GetFontSize();
    const float avail = ImGui::GetContentRegionAvail().x;
    const float width = std::min(avail, em * 32);
    ImGui::Dummy(ImVec2(0.0f, std::min(em, ImGui::GetContentRegionAvail().y * 0.04f)));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (avail - width) / 2));
    ImGui::BeginGroup();
    heading("Orbit", kAccent);
    ImGui::TextColored(kQuiet, "Video calls in a room, peer to peer");
    ImGui::Dummy(ImVec2(width, em * 0.4f));
    card(width, createHeight_, [this](float inner) { drawCreate(inner); });
    card(width, joinHeight_, [this](float inner) { drawJoinByName(inner); });
    card(width, roomsHeight_, [this](float inner) { drawPublicRooms(inner); });
    ImGui::EndGroup();
  }
  ImGui::End();
}

void LobbyView::drawCreate(float width) {
  ImGui::TextUnformatted("Create a room");
  // Each field's label beside it, or above it where the column is too narrow for the longest
  // beside its field (a phone).
  constexpr const char* kLimit = "Guest limit (0: the server's)";
  const bool above = ImGui::CalcTextSize(kLimit).x + ImGui::GetStyle().ItemInnerSpacing.x > width * 0.4f;
  const auto label = [&](const char* text) {
    if (above) ImGui::TextUnformatted(text);
    ImGui::SetNextItemWidth(above ? width : width * 0.6f);
    return std::string(above ? "##" : "") + text;
  };
  std::string id = label("Name");
  takeDraft(id.c_str(), drafts_.roomName, name_.data(), name_.size());
  bool submit = textField(id.c_str(), "Team sync", name_.data(), name_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemEdited()) drafts_.roomName = name_.data();
  noteItem("Room name");
  id = label("Password");
  takeDraft(id.c_str(), drafts_.roomPassword, password_.data(), password_.size());
  submit |= ImGui::InputTextWithHint(id.c_str(), "none", password_.data(), password_.size(),
                                     ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemEdited()) drafts_.roomPassword = password_.data();
  noteItem("Room password");
  // Numbers and a tick box: the drafts themselves, which ImGui reads each frame.
  ImGui::InputInt(label(kLimit).c_str(), &drafts_.guestLimit);
  noteItem("Guest limit");
  ImGui::Checkbox("Listed in public rooms", &drafts_.isPublic);
  noteItem("Public");

  ImGui::BeginDisabled(lobby_.creating());
  // The page's main action, in the accent colour.
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(kAccent.x * 0.8f, kAccent.y * 0.8f, kAccent.z * 0.8f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, kAccent);
  submit |= ImGui::Button(lobby_.creating() ? "Creating..." : "Create room");
  ImGui::PopStyleColor(2);
  noteItem("Create");
  ImGui::EndDisabled();
  if (submit && !lobby_.creating()) {
    lobby_.create({drafts_.roomName, drafts_.roomPassword, drafts_.isPublic, drafts_.guestLimit});
  }
  if (!lobby_.createError().empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextColored(kBad, "%s", shown(lobby_.createError()));
    ImGui::PopTextWrapPos();
  }
}

void LobbyView::drawJoinByName(float width) {
  ImGui::TextUnformatted("Join a room by its name");
  ImGui::SetNextItemWidth(width * 0.6f);
  takeDraft("##joinname", drafts_.joinName, joinName_.data(), joinName_.size());
  bool submit =
      textField("##joinname", "room name", joinName_.data(), joinName_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemEdited()) drafts_.joinName = joinName_.data();
  noteItem("Join name");
  ImGui::SameLine();
  submit |= ImGui::Button("Join##byname");
  noteItem("Join by name");
  if (submit) lobby_.joinByName(drafts_.joinName);
  if (!lobby_.joinError().empty()) ImGui::TextColored(kBad, "%s", shown(lobby_.joinError()));
}

void LobbyView::drawPublicRooms(float width) {
  ImGui::TextUnformatted("Public rooms");
  if (!lobby_.listError().empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextColored(kBad, "%s", shown(lobby_.listError()));
    ImGui::PopTextWrapPos();
  }
  if (!lobby_.listed()) {
    if (lobby_.listError().empty()) ImGui::TextColored(kQuiet, "Loading...");
    return;
  }
  if (lobby_.rooms().empty()) {
    ImGui::TextColored(kQuiet, "None yet: create one above.");
    return;
  }
  constexpr ImGuiTableFlags kFlags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("public-rooms", 4, kFlags, ImVec2(width, 0.0f))) return;
  ImGui::TableSetupColumn("Room", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("People");
  ImGui::TableSetupColumn("Access");
  ImGui::TableSetupColumn("");
  ImGui::TableHeadersRow();
  for (const PublicRoom& room : lobby_.rooms()) {
    ImGui::PushID(room.roomId.str().c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    alignWithInlineButtons();
    // A name too long for its column ends in "…"; the id follows where there is room for it, in
    // its own script too (a Cyrillic name's is Cyrillic).
    const float column = ImGui::GetContentRegionAvail().x;
    const char* id = shown("/" + room.roomId.str(), Paragraph::LeftToRight);
    const char* name = shownWithin(room.name.empty() ? room.roomId.str() : room.name, column);
    ImGui::TextUnformatted(name);
    noteItem("Room name " + room.roomId.str());
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    if (ImGui::CalcTextSize(name).x + spacing + ImGui::CalcTextSize(id).x <= column) {
      ImGui::SameLine();
      ImGui::TextColored(kQuiet, "%s", id);
      noteItem("Room id " + room.roomId.str());
    }
    ImGui::TableNextColumn();
    alignWithInlineButtons();
    if (room.guestLimit > 0) {
      ImGui::Text("%zu / %zu", room.clients, room.guestLimit);
    } else {
      ImGui::Text("%zu", room.clients);
    }
    noteItem("People in " + room.roomId.str());
    ImGui::TableNextColumn();
    alignWithInlineButtons();
    if (room.hasPassword) {
      ImGui::TextColored(kWaiting, "password");
    } else {
      ImGui::TextColored(kGood, "open");
    }
    ImGui::TableNextColumn();
    const bool full = room.guestLimit > 0 && room.clients >= room.guestLimit;
    ImGui::BeginDisabled(full);
    if (ui::inlineButton(full ? "Full" : "Join")) lobby_.join(room.roomId);
    noteItem("Join " + room.roomId.str());
    ImGui::EndDisabled();
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace orbit
