#include "ui/views.hpp"

#include <imgui.h>

#include <string>

namespace orbit {
namespace {

const ImVec4 kGood{0.45f, 0.85f, 0.45f, 1.0f};
const ImVec4 kWaiting{0.95f, 0.80f, 0.35f, 1.0f};
const ImVec4 kBad{0.95f, 0.45f, 0.40f, 1.0f};
const ImVec4 kQuiet{0.60f, 0.62f, 0.66f, 1.0f};

// One window covering the whole canvas: the page itself.
bool beginPage() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus;
  return ImGui::Begin("Orbit", nullptr, kFlags);
}

void drawConnection(const Signaler& signaler) {
  ImGui::TextUnformatted("Connection:");
  ImGui::SameLine();
  const std::string state(toString(signaler.state()));
  switch (signaler.state()) {
    case ConnectionState::Open:
      ImGui::TextColored(kGood, "%s", state.c_str());
      break;
    case ConnectionState::Idle:
    case ConnectionState::Connecting:
    case ConnectionState::Reconnecting:
    case ConnectionState::Closing:
      ImGui::TextColored(kWaiting, "%s...", state.c_str());
      break;
    case ConnectionState::Closed:
    case ConnectionState::Failed:
      if (signaler.closeCode() == 0) {
        ImGui::TextColored(kBad, "%s", state.c_str());
      } else {
        ImGui::TextColored(kBad, "%s (code %u%s%s)", state.c_str(), unsigned{signaler.closeCode()},
                           signaler.closeReason().empty() ? "" : ": ", signaler.closeReason().c_str());
      }
      if (!signaler.failure().empty()) ImGui::TextColored(kBad, "%s", signaler.failure().c_str());
      break;
  }
  // Says when the next reconnect attempt comes.
  if (signaler.reconnectPending() && !signaler.reason().empty()) {
    ImGui::TextColored(kWaiting, "%s", signaler.reason().c_str());
  }
}

void drawMembers(const Manager& manager) {
  const auto& info = manager.roomInfo();
  if (!info) {
    ImGui::TextColored(kQuiet, "Waiting for the room's members...");
    return;
  }
  ImGui::Text("In this room (%zu):", info->clients.size());
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                     ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("members", 2, kFlags)) return;
  ImGui::TableSetupColumn("Name");
  ImGui::TableSetupColumn("Id");
  ImGui::TableHeadersRow();
  for (const auto& client : info->clients) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool self = client.id == manager.selfId().str();
    const char* name = client.username.empty() ? "(no name)" : client.username.c_str();
    if (self) {
      ImGui::TextColored(kGood, "%s (you)", name);
    } else {
      ImGui::TextUnformatted(name);
    }
    ImGui::TableNextColumn();
    ImGui::TextColored(kQuiet, "%s", client.id.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void drawRoomView(const Manager& manager) {
  if (beginPage()) {
    ImGui::Text("Orbit - room \"%s\"", manager.room().str().c_str());
    ImGui::Separator();
    drawConnection(manager.signaler());
    const std::string name = manager.selfName();
    ImGui::Text("You: %s", name.empty() ? "(no name)" : name.c_str());
    ImGui::SameLine();
    if (manager.selfId().empty()) {
      ImGui::TextColored(kQuiet, "(id not known yet)");
    } else {
      ImGui::TextColored(kQuiet, "id %s", manager.selfId().str().c_str());
    }
    ImGui::Spacing();
    drawMembers(manager);
    if (!manager.lastProblem().empty()) {
      ImGui::Spacing();
      ImGui::TextColored(kBad, "Last problem: %s", manager.lastProblem().c_str());
    }
  }
  ImGui::End();
}

void drawLobbyView() {
  if (beginPage()) {
    // ImGui's built-in font has no em dash.
    ImGui::TextUnformatted("Orbit - open /room/<name> to join");
  }
  ImGui::End();
}

}  // namespace orbit
