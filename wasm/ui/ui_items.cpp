#include "ui/ui_items.hpp"

#include "payloads.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace orbit {
namespace {

Json& current() {
  static Json items = Json::object();
  return items;
}

Json& published() {
  static Json items = Json::object();
  return items;
}

float cssPerPixel = 1.0f;

// The visible part of each text field drawn in the frame.
std::vector<ImRect>& textFields() {
  static std::vector<ImRect> fields;
  return fields;
}

// The frame's text fields that Tab stops at, in ImGui's order: Tab goes from one to the next
// within the window.
struct TabStop {
  ImGuiID window;
  bool active;
};
std::vector<TabStop>& tabStops() {
  static std::vector<TabStop> stops;
  return stops;
}

void noteRect(std::string_view name, ImVec2 min, ImVec2 max) {
  const float scale = cssPerPixel;
  const auto css = [scale](float v) { return std::lround(v * scale); };
  current()[std::string(name)] = {css(min.x), css(min.y), css(max.x - min.x), css(max.y - min.y)};
}

}  // namespace

void noteItem(std::string_view name) {
  noteRect(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  // Where the keyboard is: the control its arrows, Space and Enter act on.
  if (ImGui::IsItemFocused()) current()[kFocusKey] = std::string(name);
  // ImGui marks text fields (and nothing else these views draw) as taking typed input.
  const ImGuiContext& g = *GImGui;
  if (g.LastItemData.InFlags & ImGuiItemFlags_Inputable) {
    ImRect visible = g.LastItemData.Rect;
    visible.ClipWithFull(g.CurrentWindow->ClipRect);
    if (visible.GetWidth() > 0 && visible.GetHeight() > 0) textFields().push_back(visible);
    if ((g.LastItemData.InFlags & (ImGuiItemFlags_NoTabStop | ImGuiItemFlags_Disabled)) == 0) {
      tabStops().push_back({g.CurrentWindow->ID, ImGui::IsItemActive()});
    }
  } else if (g.ActiveId != 0 && g.LastItemData.ID == g.ActiveId && g.InputTextState.ID == g.ActiveId) {
    // A group holding the text field being typed into: InputInt's number and its - and +
    // buttons. (When it is not active, it is not seen as one: no screen has it as the only
    // field before or after another.)
    tabStops().push_back({g.CurrentWindow->ID, true});
  }
}

TextFieldTabs activeTextFieldTabs() {
  const auto& stops = tabStops();
  const auto active = std::find_if(stops.begin(), stops.end(), [](const TabStop& stop) { return stop.active; });
  if (active == stops.end()) return {};
  const auto sameWindow = [&active](const TabStop& stop) { return stop.window == active->window; };
  return {std::any_of(stops.begin(), active, sameWindow), std::any_of(active + 1, stops.end(), sameWindow)};
}

bool textFieldAt(float x, float y) {
  for (const ImRect& field : textFields()) {
    if (field.Contains(ImVec2(x, y))) return true;
  }
  return false;
}

void noteWindow(std::string_view name) {
  const ImVec2 min = ImGui::GetWindowPos();
  const ImVec2 size = ImGui::GetWindowSize();
  noteRect(name, min, ImVec2(min.x + size.x, min.y + size.y));
}

void takeDraft(const char* label, const std::string& text, char* buffer, std::size_t size) {
  if (size == 0 || text == buffer || ImGui::GetActiveID() == ImGui::GetID(label)) return;
  const std::string_view kept = utf8Prefix(text, size - 1);
  std::memcpy(buffer, kept.data(), kept.size());
  buffer[kept.size()] = '\0';
}

void beginItems(float pixelRatio) {
  cssPerPixel = pixelRatio > 0 ? 1.0f / pixelRatio : 1.0f;
  current() = Json::object();
  textFields().clear();
  tabStops().clear();
}

const Json& itemRects() { return published(); }

bool itemsChanged() {
  if (current() == published()) return false;
  published() = current();
  return true;
}

}  // namespace orbit
