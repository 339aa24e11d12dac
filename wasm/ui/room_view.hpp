#pragma once

#include "manager.hpp"
#include "media_sink.hpp"
#include "notification.hpp"
#include "payloads.hpp"
#include "scheduler.hpp"

#include <imgui.h>

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace orbit {

// The room: a video grid that adapts to the number of people (self-view included), name
// labels, mute and camera-off marks and a speaking ring; the controls (microphone, camera,
// screen share, devices, leave); side panels for chat, participants and each connection's
// numbers; the invite link; notifications.
class RoomView {
 public:
  struct Hooks {
    std::function<void(const std::string& text)> copyText;  // to the system clipboard
    std::function<void()> leave;
  };

  RoomView(Manager& manager, MediaSink& sink, Hooks hooks);

  // `roomName` heads the page; `inviteUrl` is what "Copy invite link" copies.
  void draw(const std::string& roomName, const std::string& inviteUrl, const std::deque<Notification>& notifications,
            Scheduler::Millis now);

  // Whether the last frame drew the connections' figures (the Connections tab).
  bool showsStats() const { return panel_ == Panel::Connections; }

  // The room's keyboard shortcuts (listed by the "Keys" button and in the README).
  enum class Shortcut { None, Mute, Camera, Share, Help, Leave };
  static constexpr std::pair<int, Shortcut> kShortcuts[] = {
      {'M', Shortcut::Mute}, {'V', Shortcut::Camera}, {'S', Shortcut::Share},
      {'H', Shortcut::Help}, {'L', Shortcut::Leave},
  };

 private:
  enum class Panel { Call, Chat, People, Connections };
  // Below this width, in font heights (lines of Noto Sans, 18 CSS pixels), the grid and the
  // side panel take turns: about 570 CSS pixels.
  static constexpr float kNarrowFonts = 32.0f;

  // The shortcut pressed in this frame, if any.
  Shortcut shortcut() const;
  void drawKeys();

  void drawTopBar(const std::string& roomName, const std::string& inviteUrl);
  void drawGrid(float width, float height);
  // A tile: its video (or the initial without one), `inset` small in a corner, the speaking
  // ring, and the name with the marks others need to see.
  void drawTile(int index, const char* label, const VideoFrame* frame, const VideoFrame* inset, bool mirror,
                float level, bool muted, bool cameraOff, const char* status, float width, float height);
  void drawControls();
  void drawDevices();
  // `withCall`: the grid is one of the panels, for a window too narrow for both.
  void drawSidePanel(bool withCall);
  void drawChat();
  void drawPeople();
  void drawConnections();
  void drawNotifications(const std::deque<Notification>& notifications, Scheduler::Millis now);
  void sendChat();

  Manager& manager_;
  MediaSink& sink_;
  Hooks hooks_;
  Panel panel_ = Panel::Chat;
  // Room for the protocol's longest line, whatever its script: 4 bytes a code point.
  std::array<char, kMaxTextChars * 4 + 1> chatInput_{};
  std::string chatTo_;      // empty: everyone
  std::string chatToName_;  // the name chatTo_ went by, to find them again after a reconnect
  bool focusChat_ = false;
  std::string chatError_;
  std::size_t chatSeen_ = 0;      // log lines seen, to scroll to new ones
  std::size_t unsentSeen_ = 0;  // and lines waiting to go out
  Scheduler::Millis copiedUntil_{0};
  float controlsHeight_ = 0;  // in the last frame
  ImVec2 gridBottomLeft_{0, 0};  // where notifications stack up from
  Scheduler::Millis now_{0};
  std::map<std::string, Scheduler::Millis> lastSpoke_;  // member → when its level last rose
};

}  // namespace orbit
