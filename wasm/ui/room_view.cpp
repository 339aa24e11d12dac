#include "ui/room_view.hpp"

#include "ui/glyph_cache.hpp"
#include "ui/style.hpp"
#include "payloads.hpp"
#include "text_runs.hpp"
#include "ui/ui_fonts.hpp"
#include "ui/ui_items.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {
namespace {

using namespace ui;

constexpr float kSpeaking = 0.04f;  // audio level above which a tile gets its ring
constexpr float kTileAspect = 16.0f / 9.0f;
const ImU32 kTileBackground = IM_COL32(28, 32, 40, 255);
const ImU32 kLabelBackground = IM_COL32(0, 0, 0, 150);
const ImU32 kSpeakingRing = IM_COL32(90, 210, 120, 255);

struct Tile {
  std::string id;  // the member's; empty for ourselves
  // The label: a name (cut short with "…" where the tile is too narrow) and what follows it.
  std::string name;
  std::string suffix;
  std::optional<VideoFrame> frame;
  std::optional<VideoFrame> inset;  // the camera in a corner while a shared screen fills the tile
  bool mirror = false;
  float level = 0;
  bool muted = false;
  bool cameraOff = false;
  std::string status;  // shown over the tile while not connected
};

std::string clock(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", local.tm_hour, local.tm_min);
  return text;
}

std::string nameOr(const std::string& name) { return name.empty() ? "(no name)" : name; }

// Names come from people, in any script: drawn through the glyph cache.
const char* orNoName(const std::string& name) { return shown(nameOr(name)); }

// The first remote track of a kind, by id; empty when there is none.
std::string remoteTrack(const std::vector<RemoteTrack>& tracks, const char* kind) {
  for (const RemoteTrack& track : tracks) {
    if (track.kind == kind) return track.id;
  }
  return {};
}

// Before a button after the first of a row: on the same line when it fits there.
void flow(const char* nextLabel) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = ImGui::CalcTextSize(nextLabel, nullptr, true).x + style.FramePadding.x * 2;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + width <= right) ImGui::SameLine();
}

bool button(const char* label, const char* item, bool active = false, const ImVec4* color = nullptr) {
  if (color) ImGui::PushStyleColor(ImGuiCol_Button, *color);
  if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
  const bool pressed = ImGui::Button(label);
  // A label that follows the state ("Unmute###mute") is noted as drawn too, before the stable
  // name, which stays the focus's.
  const std::string_view words = withoutIcon(label);
  const std::string_view drawn = words.substr(0, words.find("###"));
  if (drawn != item) noteItem(drawn);
  noteItem(item);
  if (active) ImGui::PopStyleColor();
  if (color) ImGui::PopStyleColor();
  return pressed;
}

const char* toString(RoomView::Shortcut action) {
  switch (action) {
    case RoomView::Shortcut::Mute: return "mute or unmute the microphone";
    case RoomView::Shortcut::Camera: return "turn the camera off or on";
    case RoomView::Shortcut::Share: return "share the screen, or stop";
    case RoomView::Shortcut::Help: return "show this list";
    case RoomView::Shortcut::Leave: return "leave the call";
    case RoomView::Shortcut::None: break;
  }
  return "";
}

}  // namespace

RoomView::RoomView(Manager& manager, Drafts& drafts, MediaSink& sink, Hooks hooks)
    : manager_(manager), drafts_(drafts), sink_(sink), hooks_(std::move(hooks)) {}

void RoomView::draw(const std::string& roomName, const std::string& inviteUrl,
                    const std::deque<Notification>& notifications,
                    Scheduler::Millis now) {
  now_ = now;
  // Everything that should play or show: every peer's tracks and our own, but no camera that
  // is off (its black frames would only wake the drawing).
  std::vector<std::string> remote;
  for (const std::string& id : manager_.others()) {
    const RoomClient* member = manager_.memberOf(id);
    const bool cameraOff = member && member->indicators.cameraOff.value_or(false);
    for (const RemoteTrack& track : manager_.tracksOf(id)) {
      if (!(cameraOff && track.kind == "video")) remote.push_back(track.id);
    }
  }
  std::vector<int> local;
  for (const auto* track : {&manager_.microphone(), &manager_.camera(), &manager_.screen()}) {
    if (*track && !(track == &manager_.camera() && !manager_.cameraEnabled())) local.push_back((*track)->id);
  }
  sink_.present(remote, local);

  if (beginPage("Room")) {
    drawTopBar(roomName, inviteUrl);
    // The controls wrap onto more rows in a narrow window; they get the height they took in
    // the last frame.
    const float controlsHeight =
        std::max(controlsHeight_, ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y * 2);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float mainHeight = std::max(avail.y - controlsHeight, ImGui::GetFrameHeightWithSpacing() * 2);
    const ImVec2 gridCorner = ImGui::GetCursorScreenPos();
    gridTopLeft_ = gridCorner;
    gridBottomLeft_ = ImVec2(gridCorner.x, gridCorner.y + mainHeight);
    narrow_ = avail.x < ImGui::GetFontSize() * kDrawerFonts;
    if (narrow_) {
      // Too narrow for the grid and a panel side by side: the grid takes the width, and the
      // panel slides over it from the right when asked for, leaving a strip of the grid to
      // tap (or Escape, or Close) to put it away.
      ImGui::BeginChild("grid", ImVec2(avail.x, mainHeight), false, ImGuiWindowFlags_NoScrollbar);
      drawGrid(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
      if (drawerOpen_) {
        ImGui::GetWindowDrawList()->AddRectFilled(ImGui::GetWindowPos(),
                                                  ImVec2(gridCorner.x + avail.x, gridCorner.y + mainHeight),
                                                  IM_COL32(0, 0, 0, 120));
      }
      ImGui::EndChild();
      if (drawerOpen_) {
        // 19 lines of the font wide, or 60% of the window, but always a strip of the grid.
        const float width =
            std::min(avail.x - ImGui::GetFontSize() * 2.5f, std::max(ImGui::GetFontSize() * 19, avail.x * 0.6f));
        const ImVec2 drawerMin(gridCorner.x + avail.x - width, gridCorner.y);
        ImGui::SetCursorScreenPos(drawerMin);
        // Opaque, over the grid: a child window has no background of its own.
        ImVec4 background = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
        background.w = 1.0f;
        ImGui::PushStyleColor(ImGuiCol_ChildBg, background);
        ImGui::BeginChild("drawer", ImVec2(width, mainHeight), true);
        ImGui::PopStyleColor();
        drawSidePanel(true);
        ImGui::EndChild();
        noteItem("Drawer");
        const ImGuiIO& io = ImGui::GetIO();
        const ImVec2 stripMax(drawerMin.x, drawerMin.y + mainHeight);
        const bool besideDrawer = ImGui::IsMouseHoveringRect(gridCorner, stripMax, false);
        const bool escape = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false) && !io.WantTextInput;
        if (!popupWasOpen_ && ((ImGui::IsMouseClicked(0) && besideDrawer) || escape)) drawerOpen_ = false;
      }
    } else {
      drawerOpen_ = false;
      const float sideWidth = std::min(avail.x * 0.38f, ImGui::GetFontSize() * 20);
      ImGui::BeginChild("grid", ImVec2(avail.x - sideWidth - ImGui::GetStyle().ItemSpacing.x, mainHeight), false,
                        ImGuiWindowFlags_NoScrollbar);
      drawGrid(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
      ImGui::EndChild();
      ImGui::SameLine();
      ImGui::BeginChild("side", ImVec2(sideWidth, mainHeight), true);
      drawSidePanel(false);
      ImGui::EndChild();
    }
    const float top = ImGui::GetCursorPosY();
    drawControls();
    controlsHeight_ = ImGui::GetCursorPosY() - top;
  }
  popupWasOpen_ = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
  ImGui::End();
  drawNotifications(notifications, now);
}

void RoomView::drawTopBar(const std::string& roomName, const std::string& inviteUrl) {
  const Signaler& signaler = manager_.signaler();
  const char* status = "connected";
  ImVec4 statusColor = kGood;
  switch (signaler.state()) {
    case ConnectionState::Open:
      break;
    case ConnectionState::Closed:
    case ConnectionState::Failed:
      status = shown(signaler.reason());
      statusColor = signaler.reconnectPending() ? kWaiting : kBad;
      break;
    default:
      status = signaler.reason().empty() ? "connecting..." : shown(signaler.reason());
      statusColor = kWaiting;
      break;
  }
  const std::string copyLabel =
      withIcon(Icon::Link, now_ < copiedUntil_ ? "Copied!###copy" : "Copy invite link###copy");
  const float copyWidth = ImGui::CalcTextSize(withIcon(Icon::Link, "Copy invite link").c_str()).x +
                          ImGui::GetStyle().FramePadding.x * 2;
  // The title gives way to the status and the invite button after it on the line, down to half
  // the line: a long name ends in "…" rather than pushing the status out of sight.
  const float line = ImGui::GetContentRegionAvail().x;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float statusWidth = std::min(ImGui::CalcTextSize(status).x, line / 2);
  const float title = std::max(line / 2, line - statusWidth - copyWidth - spacing * 2);
  // On the line of the invite button's words.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(shownWithin(roomName, title));
  noteItem("Room title");
  ImGui::SameLine();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(statusColor, "%s", status);
  noteItem("Connection status");
  ImGui::PopTextWrapPos();
  // At the right end of the line, or on a line of its own when the status leaves no room.
  const float right = ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetStyle().ItemSpacing.x + copyWidth <= right) {
    ImGui::SameLine(right - copyWidth);
  }
  if (button(copyLabel.c_str(), "Copy invite link")) {
    if (hooks_.copyText) hooks_.copyText(inviteUrl);
    copiedUntil_ = now_ + Scheduler::Millis(2000);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", inviteUrl.c_str());
  if (sink_.audioBlocked()) {
    ImGui::TextColored(kWaiting, "The browser holds back the sound until you click.");
    ImGui::SameLine();
    if (button("Enable sound", "Enable sound")) sink_.resumeAudio();
  }
  ImGui::Separator();
}

void RoomView::drawGrid(float width, float height) {
  std::vector<Tile> tiles;
  {
    Tile self;
    const std::string name =
        manager_.selfId().empty() ? manager_.selfName() : manager_.displayName(manager_.selfId().str());
    self.name = name.empty() ? "You" : name;
    if (!name.empty()) self.suffix = " (you)";
    const auto& video = manager_.screen() ? manager_.screen() : manager_.camera();
    if (video && (manager_.screen() || manager_.cameraEnabled())) self.frame = sink_.localFrame(video->id);
    self.mirror = !manager_.screen();  // a self-view reads like a mirror; a shared screen does not
    // Through the server the others see our camera beside the screen; so do we.
    if (manager_.forwarding() && manager_.screen() && manager_.camera() && manager_.cameraEnabled()) {
      self.inset = sink_.localFrame(manager_.camera()->id);
    }
    if (manager_.microphone()) self.level = sink_.localLevel(manager_.microphone()->id);
    const MediaIndicators own = manager_.indicators();
    self.muted = own.muted.value_or(false);
    self.cameraOff = own.cameraOff.value_or(false);
    if (own.sharingScreen.value_or(false)) self.suffix += "  [sharing screen]";
    tiles.push_back(std::move(self));
  }
  for (const std::string& id : manager_.others()) {
    const bool reached = manager_.forwarding() || manager_.peer(ClientId(id)) != nullptr;
    const std::vector<RemoteTrack> tracks = manager_.tracksOf(id);
    Tile tile;
    tile.id = id;
    tile.name = nameOr(manager_.displayName(id));
    const std::string video = remoteTrack(tracks, "video");
    const std::string screen = remoteTrack(tracks, "screen");  // through the server, beside the camera
    const std::string audio = remoteTrack(tracks, "audio");
    if (!screen.empty()) {
      tile.frame = sink_.remoteFrame(screen);
      if (!video.empty()) tile.inset = sink_.remoteFrame(video);
    } else if (!video.empty()) {
      tile.frame = sink_.remoteFrame(video);
    }
    if (!audio.empty()) tile.level = sink_.remoteLevel(audio);
    if (const RoomClient* member = manager_.memberOf(id)) {
      tile.muted = member->indicators.muted.value_or(false);
      tile.cameraOff = member->indicators.cameraOff.value_or(false);
      if (member->indicators.sharingScreen.value_or(false)) tile.suffix = "  [sharing screen]";
    }
    const PeerConnectionState state = manager_.connectionOf(id);
    const VideoPeer* peer = manager_.peer(ClientId(id));
    if (!reached) {
      tile.status = "not connected";
    } else if (peer && !peer->failure().empty()) {
      // Rather than a dark tile that says "new..." for good.
      tile.status = "Could not connect: " + peer->failure() + ".";
    } else if (state != PeerConnectionState::Connected) {
      tile.status = std::string(toString(state)) + "...";
    }
    tiles.push_back(std::move(tile));
  }

  // The column count that makes the tiles largest.
  const int n = static_cast<int>(tiles.size());
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  int bestColumns = 1;
  float bestWidth = 0;
  for (int columns = 1; columns <= n; ++columns) {
    const int rows = (n + columns - 1) / columns;
    const float w = std::min((width - gap * (columns - 1)) / columns, ((height - gap * (rows - 1)) / rows) * kTileAspect);
    if (w > bestWidth) {
      bestWidth = w;
      bestColumns = columns;
    }
  }
  const float tileWidth = std::max(bestWidth, 40.0f);
  // Through the server, each video comes in the layer its tile needs, and whoever is speaking
  // (or spoke in the last seconds) in the largest.
  if (manager_.forwarding()) {
    const int bySize = tileWidth >= 400 ? 2 : tileWidth >= 180 ? 1 : 0;
    for (const Tile& t : tiles) {
      if (t.id.empty()) continue;
      if (t.level > kSpeaking && !t.muted) lastSpoke_[t.id] = now_;
      const auto spoke = lastSpoke_.find(t.id);
      const bool speaking = spoke != lastSpoke_.end() && now_ - spoke->second < Scheduler::Millis(3000);
      manager_.setVideoQuality(t.id, speaking ? 2 : bySize);
    }
  }
  const float tileHeight = tileWidth / kTileAspect;
  const int rows = (n + bestColumns - 1) / bestColumns;
  const float usedHeight = rows * tileHeight + (rows - 1) * gap;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float top = origin.y + std::max(0.0f, (height - usedHeight) / 2);
  for (int i = 0; i < n; ++i) {
    const int row = i / bestColumns;
    const int inRow = std::min(bestColumns, n - row * bestColumns);
    const float rowWidth = inRow * tileWidth + (inRow - 1) * gap;
    const float left = origin.x + (width - rowWidth) / 2;
    ImGui::SetCursorScreenPos(ImVec2(left + (i % bestColumns) * (tileWidth + gap), top + row * (tileHeight + gap)));
    const Tile& t = tiles[i];
    drawTile(i, t.name, t.suffix, t.frame ? &*t.frame : nullptr, t.inset ? &*t.inset : nullptr, t.mirror, t.level,
             t.muted, t.cameraOff, t.status.c_str(), tileWidth, tileHeight);
  }
}

void RoomView::drawTile(int index, const std::string& name, const std::string& suffix, const VideoFrame* frame,
                        const VideoFrame* inset, bool mirror, float level, bool muted, bool cameraOff,
                        const char* status, float width, float height) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const ImVec2 max(min.x + width, min.y + height);
  const float rounding = 6.0f * ImGui::GetFontSize() / 13.0f;
  draw->AddRectFilled(min, max, kTileBackground, rounding);
  const auto shows = [](const VideoFrame* f) { return f && f->texture != 0 && f->width > 0 && f->height > 0; };
  // Letterboxed into the box from `corner` of `size`: the whole picture, at its own aspect.
  const auto image = [&](const VideoFrame& f, ImVec2 corner, ImVec2 box, bool flip) {
    const float scale = std::min(box.x / f.width, box.y / f.height);
    const ImVec2 size(f.width * scale, f.height * scale);
    const ImVec2 a(corner.x + (box.x - size.x) / 2, corner.y + (box.y - size.y) / 2);
    draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(f.texture)), a,
                   ImVec2(a.x + size.x, a.y + size.y), ImVec2(flip ? 1.0f : 0.0f, 0.0f), ImVec2(flip ? 0.0f : 1.0f, 1.0f));
  };
  if (shows(frame) && !cameraOff) {
    image(*frame, min, ImVec2(width, height), mirror);
    if (shows(inset)) {
      // A quarter of the width, in the top right corner.
      const ImVec2 box(width / 4, height / 4);
      const float margin = ImGui::GetStyle().FramePadding.x;
      const ImVec2 corner(max.x - box.x - margin, min.y + margin);
      draw->AddRectFilled(corner, ImVec2(corner.x + box.x, corner.y + box.y), kTileBackground, rounding / 2);
      image(*inset, corner, box, index == 0);  // the first tile is ours: a mirror, as our own camera is
    }
  } else {
    // No picture: the initial in a circle.
    const ImVec2 centre((min.x + max.x) / 2, (min.y + max.y) / 2);
    const float radius = std::min(width, height) * 0.18f;
    draw->AddCircleFilled(centre, radius, IM_COL32(70, 90, 130, 255));
    const std::u32string points = decodeUtf8(name);
    std::string first;
    appendUtf8(first, points.empty() ? U'?' : points.front());
    const char* initial = shown(first);
    // In the heading size when that font has the letter (it has Latin-1 only).
    ImFont* large = !points.empty() && points.front() <= 0xFF ? headingFont() : nullptr;
    if (large) ImGui::PushFont(large);
    const ImVec2 size = ImGui::CalcTextSize(initial);
    draw->AddText(ImVec2(centre.x - size.x / 2, centre.y - size.y / 2), IM_COL32_WHITE, initial);
    if (large) ImGui::PopFont();
  }
  if (level > kSpeaking && !muted) draw->AddRect(min, max, kSpeakingRing, rounding, 0, 3.0f * ImGui::GetFontSize() / 13.0f);

  // Name label, with the marks others need to see: a name too long for the tile gives way to them.
  std::string marks = suffix;
  if (muted) marks += "  [muted]";
  if (cameraOff) marks += "  [camera off]";
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  const char* after = shown(marks, Paragraph::LeftToRight);
  const float room = std::max(width - pad.x * 6 - ImGui::CalcTextSize(after).x, ImGui::GetFontSize() * 2);
  const std::string caption = std::string(shownWithin(name, room, Paragraph::LeftToRight)) + after;
  const ImVec2 textSize = ImGui::CalcTextSize(caption.c_str());
  const ImVec2 labelMin(min.x + pad.x, max.y - textSize.y - pad.y * 3);
  draw->AddRectFilled(labelMin, ImVec2(labelMin.x + textSize.x + pad.x * 2, labelMin.y + textSize.y + pad.y * 2),
                      kLabelBackground, rounding / 2);
  draw->AddText(ImVec2(labelMin.x + pad.x, labelMin.y + pad.y), muted ? ImGui::GetColorU32(kBad) : IM_COL32_WHITE,
                caption.c_str());
  // Where the label is, for tests: an item of its size, the cursor put back for the tile's own.
  ImGui::SetCursorScreenPos(labelMin);
  ImGui::Dummy(ImVec2(textSize.x + pad.x * 2, textSize.y + pad.y * 2));
  noteItem("Name label " + name + suffix);
  ImGui::SetCursorScreenPos(min);
  if (status && *status) {
    // Wrapped within the tile: a reason why it cannot connect is a sentence or two.
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(min.x + pad.x, min.y + pad.y),
                  ImGui::GetColorU32(kWaiting), status, nullptr, width - pad.x * 2);
  }
  // An item for the tile, so tests can find it where users see it.
  ImGui::PushID(index);
  ImGui::InvisibleButton("tile", ImVec2(width, height));
  ImGui::PopID();
  noteItem("Tile " + name + suffix);
}

RoomView::Shortcut RoomView::shortcut() const {
  // Single keys, as video players have them, so only while no text field takes the typing.
  // ImGui's key indices here are GLFW's key codes, which are the capital letters' ASCII codes.
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
    return Shortcut::None;
  }
  for (const auto& [key, action] : kShortcuts) {
    if (ImGui::IsKeyPressed(key, false)) return action;
  }
  return Shortcut::None;
}

void RoomView::drawControls() {
  ImGui::Separator();
  const Shortcut key = shortcut();
  // Each control with its icon, and a tooltip that names what it does and its key.
  const auto control = [](const std::string& label, const char* item, Shortcut shortcut, bool active = false,
                          const ImVec4* color = nullptr, const char* tip = nullptr) {
    flow(label.c_str());
    const bool pressed = button(label.c_str(), item, active, color);
    if (ImGui::IsItemHovered()) {
      const char* what = toString(shortcut);
      char keyName = 0;
      for (const auto& [k, action] : kShortcuts) {
        if (action == shortcut) keyName = static_cast<char>(k);
      }
      if (keyName) {
        ImGui::SetTooltip("%c%s (%c)", std::toupper(static_cast<unsigned char>(what[0])), what + 1, keyName);
      } else {
        ImGui::SetTooltip("%s", tip ? tip : item);
      }
    }
    return pressed;
  };
  const bool muted = manager_.muted();
  // "###": one ImGui id whatever the label says, so the keyboard's focus stays on a button
  // that a press relabels.
  if (control(withIcon(muted ? Icon::MicrophoneOff : Icon::Microphone, muted ? "Unmute###mute" : "Mute###mute"),
              "Mute", Shortcut::Mute, muted) ||
      key == Shortcut::Mute) {
    manager_.setMuted(!muted);
  }
  const bool cameraOn = manager_.cameraEnabled();
  if (control(withIcon(Icon::Camera, cameraOn ? "Camera off###camera" : "Camera on###camera"), "Camera",
              Shortcut::Camera, !cameraOn) ||
      key == Shortcut::Camera) {
    manager_.setCameraEnabled(!cameraOn);
  }
  if (narrow_) drawDrawerButtons();
  const bool sharing = manager_.screen().has_value();
  if (control(withIcon(Icon::Screen, sharing ? "Stop sharing###share" : "Share screen###share"), "Share screen",
              Shortcut::Share, sharing) ||
      key == Shortcut::Share) {
    if (sharing) {
      manager_.stopScreenShare();
    } else {
      manager_.startScreenShare();
    }
  }
  if (control(withIcon(Icon::Devices, "Devices###devices"), "Devices", Shortcut::None, false, nullptr,
              "Choose the camera, microphone and speaker")) {
    manager_.refreshDevices();
    ImGui::OpenPopup("devices");
  }
  // Above the row of buttons, so that it covers none of them.
  ImGui::SetNextWindowPos(ImVec2(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y - ImGui::GetStyle().ItemSpacing.y),
                          ImGuiCond_Appearing, ImVec2(0.0f, 1.0f));
  drawDevices();
  if (control(withIcon(Icon::Keys, "Keys###keys"), "Keys", Shortcut::Help) || key == Shortcut::Help) {
    ImGui::OpenPopup("keys");
  }
  ImGui::SetNextWindowPos(ImVec2(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y - ImGui::GetStyle().ItemSpacing.y),
                          ImGuiCond_Appearing, ImVec2(0.0f, 1.0f));
  drawKeys();
  static const ImVec4 kLeave{0.75f, 0.22f, 0.22f, 1.0f};
  if ((control(withIcon(Icon::Leave, "Leave###leave"), "Leave", Shortcut::Leave, false, &kLeave) ||
       key == Shortcut::Leave) &&
      hooks_.leave) {
    hooks_.leave();
  }
  if (!manager_.mediaError().empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(kBad, "%s", shown(manager_.mediaError()));
    ImGui::PopTextWrapPos();
  }
}

void RoomView::drawDrawerButtons() {
  const auto toggle = [this](Panel panel) {
    drawerOpen_ = !(drawerOpen_ && panel_ == panel);
    panel_ = panel;
  };
  // New lines counted on the button, so that none goes unseen while the drawer is closed.
  const std::size_t unread = unreadLines();
  const std::string chat =
      withIcon(Icon::Chat, unread > 0 ? "Chat (" + std::to_string(unread) + ")###chat" : std::string("Chat###chat"));
  flow(chat.c_str());
  if (button(chat.c_str(), "Chat", drawerOpen_ && panel_ == Panel::Chat)) toggle(Panel::Chat);
  const std::string people = withIcon(Icon::People, "People###people");
  flow(people.c_str());
  if (button(people.c_str(), "People", drawerOpen_ && panel_ == Panel::People)) toggle(Panel::People);
}

std::size_t RoomView::unreadLines() const {
  const auto& chat = manager_.chat();
  const auto fresh = static_cast<std::ptrdiff_t>(
      std::min<std::uint64_t>(manager_.chatAdded() - chatSeen_, chat.size()));
  return static_cast<std::size_t>(std::count_if(chat.end() - fresh, chat.end(), [](const ChatEntry& entry) {
    return !entry.self && !entry.history;
  }));
}

void RoomView::drawDevices() {
  if (!ImGui::BeginPopup("devices")) return;
  // Named "... device" for tests: the row of controls has a "Camera" button of its own.
  const auto combo = [this](const char* title, DeviceKind kind, TrackKind track, const std::optional<LocalTrack>& current) {
    const std::string item = std::string(title) + " device";
    const std::string preview = current ? current->label : std::string("(none)");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    if (ImGui::BeginCombo(title, shown(preview))) {
      for (const MediaDevice& device : manager_.devices()) {
        if (device.kind != kind) continue;
        const std::string name = device.label.empty() ? device.deviceId : device.label;
        if (ui::listItem(shown(name), current && current->label == device.label)) {
          manager_.switchDevice(track, device.deviceId);
        }
        noteItem(item + " " + name);
      }
      ImGui::EndCombo();
    }
    noteItem(item);
  };
  combo("Microphone", DeviceKind::AudioInput, TrackKind::Audio, manager_.microphone());
  combo("Camera", DeviceKind::VideoInput, TrackKind::Video, manager_.camera());
  noteWindow("Devices menu");
  ImGui::EndPopup();
}

void RoomView::drawKeys() {
  if (!ImGui::BeginPopup("keys")) return;
  ImGui::TextColored(kAccent, "Keyboard");
  ImGui::Separator();
  const auto row = [](const char* keys, const char* what) {
    ImGui::TextColored(kWaiting, "%s", keys);
    ImGui::SameLine(ImGui::GetFontSize() * 9);
    ImGui::TextUnformatted(what);
  };
  for (const auto& [key, action] : kShortcuts) {
    const char name[2] = {static_cast<char>(key), 0};
    row(name, toString(action));
  }
  row("Arrow keys", "move between the controls");
  row("Space", "press the control in focus");
  row("Tab", "next text field, or out of the canvas");
  row("Escape", "close a menu or this list");
  noteWindow("Keys list");
  ImGui::EndPopup();
}

void RoomView::drawSidePanel(bool inDrawer) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float tabsHeight = ImGui::GetFrameHeight();
  bool close = false;
  if (inDrawer) {
    // The tab bar takes the whole width of its window: it gets a window of its own, beside Close.
    const float closeWidth = ImGui::CalcTextSize("Close").x + style.FramePadding.x * 2;
    ImGui::BeginChild("tabs", ImVec2(ImGui::GetContentRegionAvail().x - closeWidth - style.ItemSpacing.x, tabsHeight),
                      false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  }
  // Whole words while they fit; ImGui would otherwise shrink every tab to a cut-off stub.
  const std::size_t unread = panel_ == Panel::Chat ? 0 : unreadLines();
  const std::string chat = unread > 0 ? "Chat (" + std::to_string(unread) + ")###Chat" : std::string("Chat###Chat");
  const auto natural = [&style](const char* title) {
    return ImGui::CalcTextSize(title, nullptr, true).x + style.FramePadding.x * 2 + style.ItemInnerSpacing.x;
  };
  const bool fits =
      natural(chat.c_str()) + natural("People") + natural("Connections") <= ImGui::GetContentRegionAvail().x;
  if (ImGui::BeginTabBar("panels")) {
    // A button chose the panel (the drawer's, or Message): its tab is selected, which ImGui
    // shows from the next frame on; until then the panel stays the chosen one.
    const bool chosen = panel_ != tabShown_;
    Panel visible = panel_;
    const auto tab = [this, chosen, &visible](const char* title, const char* item, Panel panel) {
      const bool open =
          ImGui::BeginTabItem(title, nullptr, chosen && panel == panel_ ? ImGuiTabItemFlags_SetSelected : 0);
      noteItem(std::string("Tab ") + item);
      // And by the word it shows, which is shorter where the whole names do not fit.
      const std::string_view words(title);
      noteItem(std::string("Tab label ") + std::string(words.substr(0, words.find("###"))));
      if (open) {
        visible = panel;
        if (!chosen) panel_ = panel;
        ImGui::EndTabItem();
      }
    };
    tab(chat.c_str(), "Chat", Panel::Chat);
    tab("People", "People", Panel::People);
    tab(fits ? "Connections###Connections" : "Net###Connections", "Connections", Panel::Connections);
    ImGui::EndTabBar();
    tabShown_ = visible;
  }
  if (inDrawer) {
    ImGui::EndChild();
    ImGui::SameLine();
    close = button("Close", "Close drawer");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Close the panel (Esc)");
  }
  switch (panel_) {
    case Panel::Chat: drawChat(); break;
    case Panel::People: drawPeople(); break;
    case Panel::Connections: drawConnections(); break;
  }
  if (close) drawerOpen_ = false;
}

void RoomView::drawChat() {
  const float inputHeight = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetTextLineHeightWithSpacing();
  // Room above the first line and below the last for glyphs the browser paints taller than the
  // built-in font's line (Devanagari's vowel signs): a child without a border has no padding.
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, ImGui::GetStyle().ItemSpacing.y));
  ImGui::BeginChild("log", ImVec2(0, -inputHeight), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::PopStyleVar();
  std::size_t line = 0;
  bool marked = false;
  const auto& chat = manager_.chat();
  for (std::size_t i = 0; i < chat.size(); ++i) {
    const ChatEntry& entry = chat[i];
    ImGui::TextColored(kQuiet, "%s", clock(entry.time).c_str());
    ImGui::SameLine();
    // A sender still in the room goes by the name that tells it from namesakes.
    const std::string from = manager_.isMember(entry.fromId) ? manager_.displayName(entry.fromId) : entry.fromName;
    ImGui::TextColored(entry.history ? kQuiet : entry.self ? kAccent : kGood, "%s", orNoName(from));
    noteItem("Chat name " + std::to_string(line + 1));
    if (!entry.toId.empty()) {
      ImGui::SameLine();
      const std::string to = entry.self ? "to " + manager_.displayName(entry.toId) + " (private)" : "(private)";
      ImGui::TextColored(kWaiting, "%s", shown(to));
    }
    if (entry.history) ImGui::PushStyleColor(ImGuiCol_Text, kQuiet);
    paragraph(entry.text);
    if (entry.history) ImGui::PopStyleColor();
    // Where each line is, scrolled or not: tests compare it with the log's own rectangle.
    noteItem("Chat line " + std::to_string(++line));
    // What was said before we came ends where we came in.
    if (entry.history && !marked && (i + 1 == chat.size() || !chat[i + 1].history)) {
      marked = true;
      ImGui::TextColored(kQuiet, "--- you joined ---");
      noteItem("You joined");
    }
  }
  // Lines that could not reach everyone yet, greyed, after the log.
  std::size_t unsent = 0;
  for (const UnsentLine& out : manager_.unsentLines()) {
    const std::string n = std::to_string(++unsent);
    ImGui::PushID(static_cast<int>(out.id));
    ImGui::TextColored(kQuiet, "%s", clock(out.time).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kQuiet, "%s", orNoName(manager_.selfName()));
    if (!out.toId.empty()) {
      ImGui::SameLine();
      ImGui::TextColored(kQuiet, "to %s (private)", shown(out.toName));
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kQuiet);
    paragraph(out.text);
    ImGui::PopStyleColor();
    noteItem("Unsent line " + n);
    if (out.state == UnsentLine::State::Waiting) {
      ImGui::TextColored(kWaiting, "waiting: goes out once everyone is back");
    } else {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(kBad, "%s", shown("not sent: " + out.why, Paragraph::LeftToRight));
      ImGui::PopTextWrapPos();
      if (ui::inlineButton("Retry")) manager_.retryLine(out.id);
      noteItem("Retry " + n);
      ImGui::SameLine();
      if (ui::inlineButton("Drop")) manager_.dropLine(out.id);
      noteItem("Drop " + n);
    }
    ImGui::PopID();
  }
  if (manager_.chatAdded() != chatSeen_ || manager_.unsentLines().size() != unsentSeen_) {
    chatSeen_ = manager_.chatAdded();
    unsentSeen_ = manager_.unsentLines().size();
    ImGui::SetScrollHereY(1.0f);
  }
  ImGui::EndChild();
  noteItem("Chat log");

  // Recipient: the room, or one person. While the server is away nobody is a member; after a
  // reconnect the same person has a new id, found again by name. Never silently Everyone.
  // Chosen here or in the page's copy of the chat (Drafts).
  if (drafts_.chatTo != chatToNamed_) chooseRecipient(manager_.isMember(drafts_.chatTo) ? drafts_.chatTo : "");
  const std::string& chatTo = drafts_.chatTo;
  if (!chatTo.empty() && !manager_.isMember(chatTo) && manager_.roomInfo()) {
    drafts_.chatTo = chatToNamed_ = manager_.memberNamed(chatToName_);
    if (chatTo.empty()) chatError_ = nameOr(chatToName_) + " left: lines go to everyone again";
  }
  std::string toName = chatTo.empty() ? "Everyone" : nameOr(chatToName_);
  if (!chatTo.empty() && manager_.isMember(chatTo)) toName = manager_.displayName(chatTo);
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##to", shown("To: " + toName))) {
    if (ui::listItem("Everyone", chatTo.empty())) chooseRecipient("");
    noteItem("Chat to Everyone");
    for (const std::string& id : manager_.others()) {
      if (!manager_.isMember(id)) continue;
      ImGui::PushID(id.c_str());
      if (ui::listItem(orNoName(manager_.displayName(id)), chatTo == id)) chooseRecipient(id);
      ImGui::PopID();
      noteItem("Chat to " + manager_.displayName(id));
    }
    ImGui::EndCombo();
  }
  noteItem("Chat recipient");
  if (focusChat_) {
    ImGui::SetKeyboardFocusHere();
    focusChat_ = false;
  }
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("Send").x - ImGui::GetStyle().FramePadding.x * 2 -
                          ImGui::GetStyle().ItemSpacing.x);
  takeDraft("##message", drafts_.chatText, chatInput_.data(), chatInput_.size());
  const bool entered =
      textField("##message", "Message", chatInput_.data(), chatInput_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemEdited()) drafts_.chatText = chatInput_.data();
  noteItem("Chat input");
  ImGui::SameLine();
  const bool clicked = button("Send", "Send");
  if (entered || clicked) sendChat();
  // The limit shows once a line is three quarters of the way there.
  const std::size_t length = utf8Length(chatInput_.data());
  if (length > kMaxTextChars * 3 / 4) {
    ImGui::TextColored(length > kMaxTextChars ? kBad : kQuiet, "%zu / %zu characters%s", length, kMaxTextChars,
                       length > kMaxTextChars ? ": too long to send" : "");
    noteItem("Chat length");
  }
  if (!chatError_.empty()) {
    ImGui::TextColored(kBad, "%s", shown(chatError_, Paragraph::LeftToRight));
    noteItem("Chat error");
  }
}

void RoomView::sendChat() {
  if (chatInput_[0] == '\0') return;
  if (auto error = manager_.sendText(chatInput_.data(), drafts_.chatTo)) {
    chatError_ = error->message;
  } else {
    chatError_.clear();
    chatInput_[0] = '\0';
    drafts_.chatText.clear();
  }
  focusChat_ = true;  // keep typing
}

void RoomView::chooseRecipient(std::string id) {
  chatToName_ = id.empty() ? std::string() : manager_.nameOf(id);
  drafts_.chatTo = chatToNamed_ = std::move(id);
}

void RoomView::drawPeople() {
  const std::vector<std::string> others = manager_.others();
  ImGui::Text("%zu in the room", others.size() + 1);
  ImGui::Separator();
  const MediaIndicators own = manager_.indicators();
  ImGui::TextColored(kAccent, "%s", shown(nameOr(manager_.selfName()) + " (you)", Paragraph::LeftToRight));
  if (own.muted.value_or(false)) {
    ImGui::SameLine();
    ImGui::TextColored(kBad, "muted");
  }
  for (const std::string& id : others) {
    ImGui::PushID(id.c_str());
    if (manager_.isMember(id)) alignWithInlineButtons();
    ImGui::TextUnformatted(orNoName(manager_.displayName(id)));
    if (const RoomClient* member = manager_.memberOf(id)) {
      if (member->indicators.muted.value_or(false)) {
        ImGui::SameLine();
        ImGui::TextColored(kBad, "muted");
      }
      if (member->indicators.cameraOff.value_or(false)) {
        ImGui::SameLine();
        ImGui::TextColored(kQuiet, "camera off");
      }
      if (member->indicators.sharingScreen.value_or(false)) {
        ImGui::SameLine();
        ImGui::TextColored(kAccent, "sharing screen");
      }
    }
    const VideoPeer* peer = manager_.peer(ClientId(id));
    const bool reached = manager_.forwarding() || peer != nullptr;
    const PeerConnectionState state = manager_.connectionOf(id);
    ImGui::SameLine();
    if (peer && !peer->failure().empty()) {
      ImGui::TextColored(kBad, "could not connect");  // the tile and the Connections tab say why
    } else {
      ImGui::TextColored(state == PeerConnectionState::Connected ? kGood : kWaiting, "%s",
                         reached ? std::string(toString(state)).c_str() : "not connected");
    }
    if (manager_.isMember(id)) {
      ImGui::SameLine();
      if (ui::inlineButton("Message")) {
        chooseRecipient(id);
        panel_ = Panel::Chat;
        focusChat_ = true;
      }
      noteItem("Message " + manager_.displayName(id));
    }
    ImGui::PopID();
  }
}

void RoomView::drawConnections() {
  if (const SfuSession* sfu = manager_.sfu()) {
    ImGui::TextColored(kAccent, "Through the server");
    ImGui::TextWrapped("This room is large, so video goes through the server: one connection sends, one receives.");
    ImGui::Text("sending %s, receiving %s", std::string(toString(sfu->publishState())).c_str(),
                std::string(toString(sfu->subscribeState())).c_str());
    if (const auto& stats = sfu->publishStats()) ImGui::Text("out %.0f kbit/s", stats->sendKbps);
    if (const auto& stats = sfu->subscribeStats()) {
      ImGui::Text("in %.0f kbit/s, RTT %.0f ms, loss %.1f %%", stats->receiveKbps, stats->rttMs, stats->packetLoss * 100);
    }
    return;
  }
  if (manager_.iceTransportPolicy() == IceTransportPolicy::Relay) {
    ImGui::TextWrapped("Relay only (?relay=1): media goes only through the relay server (TURN), never straight between you.");
  }
  const std::vector<ClientId> ids = manager_.peerIds();
  if (ids.empty()) {
    ImGui::TextColored(kQuiet, "No peer connections yet.");
    return;
  }
  for (const ClientId& id : ids) {
    const VideoPeer* peer = manager_.peer(id);
    ImGui::TextColored(kAccent, "%s", orNoName(manager_.displayName(id.str())));
    ImGui::Text("state %s, ICE %s", std::string(toString(peer->connectionState())).c_str(),
                std::string(toString(peer->iceConnectionState())).c_str());
    if (const auto& stats = peer->stats()) {
      ImGui::Text("path %s -> %s", std::string(toString(stats->localCandidateType)).c_str(),
                  std::string(toString(stats->remoteCandidateType)).c_str());
      ImGui::Text("RTT %.0f ms, loss %.1f %%", stats->rttMs, stats->packetLoss * 100);
      ImGui::Text("in %.0f kbit/s, out %.0f kbit/s", stats->receiveKbps, stats->sendKbps);
      if (stats->frameWidth > 0) {
        ImGui::Text("video %dx%d at %.0f fps", stats->frameWidth, stats->frameHeight, stats->framesPerSecond);
      }
    } else {
      ImGui::TextColored(kQuiet, "no numbers yet");
    }
    if (peer->iceRestarts() > 0) ImGui::TextColored(kWaiting, "%d ICE restarts", peer->iceRestarts());
    if (!peer->failure().empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, kBad);
      ImGui::TextWrapped("%s", shown("Could not connect: " + peer->failure() + ".", Paragraph::LeftToRight));
      ImGui::PopStyleColor();
    }
    ImGui::Separator();
  }
}

void RoomView::drawNotifications(const std::deque<Notification>& notifications, Scheduler::Millis now) {
  // Stacked up from the grid's bottom left corner, clear of the tabs and the controls.
  // While the drawer is open they hang from the top instead, clear of the chat's text field.
  const float margin = ImGui::GetFontSize() / 2;
  const bool fromTop = drawerOpen_;
  float y = fromTop ? gridTopLeft_.y + ImGui::GetFrameHeight() * 2 : gridBottomLeft_.y - margin;
  int stacked = 0;
  for (auto it = notifications.rbegin(); it != notifications.rend() && stacked < 4; ++it) {
    if (it->shownUntil <= now) continue;
    ImGui::SetNextWindowPos(ImVec2(gridBottomLeft_.x + margin, y), ImGuiCond_Always,
                            ImVec2(0.0f, fromTop ? 0.0f : 1.0f));
    ImGui::SetNextWindowBgAlpha(0.85f);
    const std::string id = "##toast" + std::to_string(stacked);
    constexpr ImGuiWindowFlags kToast = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                        ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs;
    if (ImGui::Begin(id.c_str(), nullptr, kToast)) {
      const ImVec4 color = it->kind == "media-error" || it->kind == "peer-failed" ? kBad
                           : it->kind == "connection"                             ? kWaiting
                                                                                  : kGood;
      // A long one (why a connection failed) wraps rather than running off the window.
      ImGui::PushTextWrapPos(std::min(ImGui::GetFontSize() * 36, ImGui::GetIO().DisplaySize.x - margin * 4));
      ImGui::TextColored(color, "%s", shown(it->text, Paragraph::LeftToRight));
      ImGui::PopTextWrapPos();
      noteWindow("Notification " + std::to_string(stacked + 1));
      y += (fromTop ? 1 : -1) * (ImGui::GetWindowHeight() + margin);
    }
    ImGui::End();
    ++stacked;
  }
}

}  // namespace orbit
