#pragma once

#include "manager.hpp"
#include "media_sink.hpp"
#include "notification.hpp"
#include "scheduler.hpp"

#include <deque>
#include <functional>
#include <string>

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

  // `inviteUrl` is what "Copy invite link" copies.
  void draw(const std::string& inviteUrl, const std::deque<Notification>& notifications, Scheduler::Millis now);

 private:
  enum class Panel { Chat, People, Connections };

  void drawTopBar(const std::string& inviteUrl);
  void drawGrid(float width, float height);
  void drawTile(int index, const char* label, const VideoFrame* frame, bool mirror, float level, bool muted,
                bool cameraOff, const char* status, float width, float height);
  void drawControls();
  void drawDevices();
  void drawSidePanel(float width, float height);
  void drawChat();
  void drawPeople();
  void drawConnections();
  void drawNotifications(const std::deque<Notification>& notifications, Scheduler::Millis now);
  void sendChat();

  Manager& manager_;
  MediaSink& sink_;
  Hooks hooks_;
  Panel panel_ = Panel::Chat;
  char chatInput_[1024] = {};
  std::string chatTo_;  // empty: everyone
  bool focusChat_ = false;
  std::string chatError_;
  std::size_t chatSeen_ = 0;  // log lines seen, to scroll to new ones
  Scheduler::Millis copiedUntil_{0};
  Scheduler::Millis now_{0};
};

}  // namespace orbit
