#pragma once

#include "drafts.hpp"
#include "manager.hpp"
#include "media_sink.hpp"
#include "notification.hpp"
#include "payloads.hpp"
#include "scheduler.hpp"

#include <imgui.h>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace orbit {

// The room: a video grid that adapts to the number of people (self-view included), name
// labels, mute and camera-off marks and a speaking ring; the controls (microphone, camera,
// screen share, devices, leave); side panels for chat, participants and each connection's
// numbers; the invite link; notifications. In a narrow window (a phone) the side panels are
// a drawer over the grid, opened from the row of controls.
class RoomView {
 public:
  struct Hooks {
    std::function<void(const std::string& text)> copyText;  // to the system clipboard
    std::function<void()> leave;
  };

  // The chat field and its recipient show and edit drafts.chatText and drafts.chatTo.
  RoomView(Manager& manager, Drafts& drafts, MediaSink& sink, Hooks hooks);

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
  enum class Panel { Chat, People, Connections };
  // Below this width, in font heights (lines of Noto Sans, 18 CSS pixels: about 700 CSS
  // pixels), the grid takes the whole width and the side panel is a drawer over it.
  static constexpr float kDrawerFonts = 39.0f;

  // The shortcut pressed in this frame, if any.
  Shortcut shortcut() const;
  void drawKeys();

  void drawTopBar(const std::string& roomName, const std::string& inviteUrl);
  void drawGrid(float width, float height);
  // A tile: its video (or the initial without one), `inset` small in a corner, the speaking
  // ring, and the name with the marks others need to see.
  void drawTile(int index, const std::string& name, const std::string& suffix, const VideoFrame* frame,
                const VideoFrame* inset, bool mirror, float level, bool muted, bool cameraOff, const char* status,
                float width, float height);
  void drawControls();
  // The buttons that open the drawer at a panel, or close it.
  void drawDrawerButtons();
  void drawDevices();
  // `inDrawer`: with a button that closes the drawer beside the tabs.
  void drawSidePanel(bool inDrawer);
  // Room lines from others that came since the chat was last on screen.
  std::size_t unreadLines() const;
  void drawChat();
  void drawPeople();
  void drawConnections();
  void drawNotifications(const std::deque<Notification>& notifications, Scheduler::Millis now);
  void sendChat();
  void chooseRecipient(std::string id);  // "" everyone

  Manager& manager_;
  Drafts& drafts_;
  MediaSink& sink_;
  Hooks hooks_;
  Panel panel_ = Panel::Chat;
  Panel tabShown_ = Panel::Chat;  // the tab the tab bar showed in the last frame
  // Room for the protocol's longest line, whatever its script: 4 bytes a code point.
  std::array<char, kMaxTextChars * 4 + 1> chatInput_{};
  // The name drafts_.chatTo went by, to find them again after a reconnect, and the id it is for.
  std::string chatToName_;
  std::string chatToNamed_;
  bool focusChat_ = false;
  std::string chatError_;
  std::uint64_t chatSeen_ = 0;    // Manager::chatAdded() when the log was last drawn, to scroll to new lines
  std::size_t unsentSeen_ = 0;  // and lines waiting to go out
  Scheduler::Millis copiedUntil_{0};
  float controlsHeight_ = 0;  // in the last frame
  bool narrow_ = false;          // the side panel is a drawer, in the last frame
  bool drawerOpen_ = false;
  bool popupWasOpen_ = false;    // in the last frame: Escape then closed the popup, not the drawer
  ImVec2 gridBottomLeft_{0, 0};  // where notifications stack up from
  ImVec2 gridTopLeft_{0, 0};     // and down from, while the drawer covers the grid's bottom
  Scheduler::Millis now_{0};
  std::map<std::string, Scheduler::Millis> lastSpoke_;  // member → when its level last rose
};

}  // namespace orbit
