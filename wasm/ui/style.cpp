#include "ui/style.hpp"

#include "ui/glyph_cache.hpp"

#include <algorithm>

namespace orbit::ui {
namespace {

bool touchTargets = false;

}  // namespace

void setTouchTargets(bool finger) { touchTargets = finger; }

bool inlineButton(const char* label) { return touchTargets ? ImGui::Button(label) : ImGui::SmallButton(label); }

void alignWithInlineButtons() {
  if (touchTargets) ImGui::AlignTextToFramePadding();
}

bool listItem(const char* label, bool selected) {
  if (!touchTargets) return ImGui::Selectable(label, selected);
  ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.0f, 0.5f));
  const bool chosen = ImGui::Selectable(label, selected, 0, ImVec2(0.0f, ImGui::GetFrameHeight()));
  ImGui::PopStyleVar();
  return chosen;
}

ImGuiStyle look() {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowPadding = ImVec2(12, 10);
  style.FramePadding = ImVec2(10, 5);
  style.ItemSpacing = ImVec2(8, 6);
  style.ItemInnerSpacing = ImVec2(6, 4);
  style.ScrollbarSize = 12;
  style.WindowRounding = 0;  // the page: it fills the canvas
  style.ChildRounding = 8;
  style.FrameRounding = 6;
  style.PopupRounding = 8;
  style.GrabRounding = 6;
  style.TabRounding = 6;
  style.ScrollbarRounding = 6;
  style.WindowBorderSize = 0;
  style.PopupBorderSize = 1;

  const auto rgb = [](int r, int g, int b, float a = 1.0f) { return ImVec4(r / 255.0f, g / 255.0f, b / 255.0f, a); };
  ImVec4* c = style.Colors;
  c[ImGuiCol_WindowBg] = rgb(18, 20, 26);
  c[ImGuiCol_ChildBg] = rgb(24, 27, 34);
  c[ImGuiCol_PopupBg] = rgb(30, 33, 42, 0.98f);
  c[ImGuiCol_Border] = rgb(52, 57, 70);
  c[ImGuiCol_FrameBg] = rgb(36, 40, 50);
  c[ImGuiCol_FrameBgHovered] = rgb(46, 51, 64);
  c[ImGuiCol_FrameBgActive] = rgb(54, 60, 76);
  c[ImGuiCol_Button] = rgb(44, 49, 62);
  c[ImGuiCol_ButtonHovered] = rgb(60, 67, 86);
  c[ImGuiCol_ButtonActive] = rgb(62, 102, 196);
  c[ImGuiCol_Header] = rgb(44, 49, 62);
  c[ImGuiCol_HeaderHovered] = rgb(60, 67, 86);
  c[ImGuiCol_HeaderActive] = rgb(62, 102, 196);
  c[ImGuiCol_Tab] = rgb(30, 33, 42);
  c[ImGuiCol_TabHovered] = rgb(60, 67, 86);
  c[ImGuiCol_TabActive] = rgb(52, 82, 150);
  c[ImGuiCol_TabUnfocusedActive] = rgb(44, 62, 104);
  c[ImGuiCol_Separator] = rgb(44, 48, 58);
  c[ImGuiCol_CheckMark] = rgb(110, 160, 255);
  c[ImGuiCol_SliderGrab] = rgb(90, 130, 230);
  c[ImGuiCol_TextSelectedBg] = rgb(62, 102, 196, 0.5f);
  c[ImGuiCol_Text] = rgb(232, 234, 240);
  c[ImGuiCol_TextDisabled] = rgb(130, 136, 150);
  c[ImGuiCol_TableHeaderBg] = rgb(30, 33, 42);
  c[ImGuiCol_TableRowBgAlt] = rgb(255, 255, 255, 0.03f);
  c[ImGuiCol_NavHighlight] = rgb(255, 217, 77);
  return style;
}

void card(float width, float& height, const std::function<void(float innerWidth)>& draw) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 pad = style.WindowPadding;
  const ImVec2 min = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddRectFilled(min, ImVec2(min.x + width, min.y + height),
                                            ImGui::GetColorU32(ImGuiCol_ChildBg), style.ChildRounding);
  ImGui::SetCursorScreenPos(ImVec2(min.x + pad.x, min.y + pad.y));
  ImGui::BeginGroup();
  draw(std::max(width - pad.x * 2, 1.0f));
  ImGui::EndGroup();
  height = ImGui::GetItemRectMax().y - min.y + pad.y;
  ImGui::SetCursorScreenPos(ImVec2(min.x, min.y + height));
  ImGui::Dummy(ImVec2(width, 0.0f));
}

void heading(const char* text, const ImVec4& color) {
  ImFont* font = headingFont();
  if (font) ImGui::PushFont(font);
  ImGui::TextColored(color, "%s", text);
  if (font) ImGui::PopFont();
}

bool beginPage(const char* id) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  // Not NoDecoration: a window smaller than the page's content needs its scrollbar.
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                      ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus;
  return ImGui::Begin(id, nullptr, kFlags);
}

}  // namespace orbit::ui
