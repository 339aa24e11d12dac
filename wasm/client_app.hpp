#pragma once

#include "http_client.hpp"
#include "lobby.hpp"
#include "manager.hpp"
#include "media_backend.hpp"
#include "media_sink.hpp"
#include "notification.hpp"
#include "page_address.hpp"
#include "peer_backend.hpp"
#include "platform.hpp"
#include "pre_join.hpp"
#include "result.hpp"
#include "scheduler.hpp"
#include "transport.hpp"
#include "ui/lobby_view.hpp"
#include "ui/pre_join_view.hpp"
#include "ui/room_view.hpp"
#include "ui/ui_shell.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// The whole client as one program: the lobby, the pre-join screen, the room. Entry points
// (the browser's) create it with their platform's pieces and call frame() from their main
// loop; the embed API reaches it through command().
class ClientApp {
 public:
  enum class Screen { Lobby, PreJoin, Room, Left };

  // How long a notification stays on screen; the state keeps the last kMaxNotifications.
  static constexpr Scheduler::Millis kNotificationTime{6000};
  static constexpr std::size_t kMaxNotifications = 20;

  ClientApp(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers,
            MediaBackend& media, MediaSink& sink, HttpClient& http, PageAddress address);
  ClientApp(const ClientApp&) = delete;
  ClientApp& operator=(const ClientApp&) = delete;

  std::optional<Error> start();
  void frame() { shell_.frame(); }

  // One command of the embed API, as JSON: {"command": "sendText", "text": "...", "to": "<id>"},
  // {"command": "setMuted", "muted": true}, {"command": "setCamera", "on": false},
  // {"command": "leave"}. Returns why a command was refused.
  std::optional<Error> command(std::string_view json);

  Screen screen() const { return screen_; }
  // What window.orbit.state() returns: the Manager's snapshot plus the screen, the
  // notifications, each peer's decoded frame count and the UI's control rectangles.
  Json snapshot();

 private:
  void enterRoom();
  // The lobby opened `room`: the address bar follows, then the pre-join screen.
  void goToRoom(RoomId room, std::string token, std::string password);
  // The pre-join screen for address_.room; `token` when the lobby already has one.
  void openPreJoin(std::string token, std::string password = {});
  // The pre-join screen let us in: the room's WebSocket carries `token` (if any).
  void admit(std::string token, std::string name);
  // The camera and microphone are asked for once, by whichever screen comes first.
  void startMediaOnce();
  void leave();
  // The address that brings someone else into this room.
  std::string inviteUrl() const;
  void draw();
  void handleEvent(const ManagerEvent& event);
  void handleConnectionChange();
  void renewToken();
  void notify(std::string kind, std::string text);
  void changed();
  void publishState();

  Platform& platform_;
  Scheduler& scheduler_;
  MediaSink& sink_;
  PageAddress address_;
  Manager manager_;
  UiShell shell_;
  RoomView room_;
  Lobby lobby_;
  PreJoin preJoin_;
  LobbyView lobbyView_;
  PreJoinView preJoinView_;
  bool mediaStarted_ = false;
  Screen screen_ = Screen::Lobby;
  std::deque<Notification> notifications_;
  ConnectionState lastConnection_ = ConnectionState::Idle;
  bool everOpen_ = false;
  bool unreachableTold_ = false;  // since the connection was last open
};

std::string_view toString(ClientApp::Screen screen);

}  // namespace orbit
