#include "ui/ui_items.hpp"

#include <imgui.h>

#include <cmath>
#include <string>

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

}  // namespace

void noteItem(std::string_view name) {
  const float scale = cssPerPixel;
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  const auto css = [scale](float v) { return std::lround(v * scale); };
  current()[std::string(name)] = {css(min.x), css(min.y), css(max.x - min.x), css(max.y - min.y)};
}

void beginItems(float pixelRatio) {
  cssPerPixel = pixelRatio > 0 ? 1.0f / pixelRatio : 1.0f;
  current() = Json::object();
}

const Json& itemRects() { return published(); }

bool itemsChanged() {
  if (current() == published()) return false;
  published() = current();
  return true;
}

}  // namespace orbit
