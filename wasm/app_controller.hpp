#pragma once

#include "connection_state.hpp"
#include "drafts.hpp"
#include "http_client.hpp"
#include "liveness.hpp"
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

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// The whole client without its drawing: which screen is up (lobby, pre-join, room, left),
// the embed API (commands in, events and state out, through the Platform), notifications,
// and a fresh join token for each reconnect to a password room. The views (wasm/ui) draw
// what it holds; tests drive it natively on fakes.
class AppController {
 public:
  enum class Screen { Lobby, PreJoin, Room, Left };

  // How long a notification stays on screen; the state keeps the last kMaxNotifications.
  static constexpr Scheduler::Millis kNotificationTime{6000};
  static constexpr std::size_t kMaxNotifications = 20;

  struct Hooks {
    // What is drawn may have changed: draw again.
    std::function<void()> redraw;
    // Only the connections' figures changed: draw again if they are on screen.
    std::function<void()> statsChanged;
    // Adds what only the UI knows to the state (the controls' rectangles, say).
    std::function<void(Json& state)> extendSnapshot;
    // The pre-join screen opens, its name field holding drafts().name.
    std::function<void()> preJoinOpened;
    // A command (switchDevice) chose the device the camera or microphone takes from now on.
    std::function<void(TrackKind kind, const std::string& deviceId)> deviceChosen;
  };

  struct Options {
    Manager::Options manager;
    // Milliseconds since the epoch, for notifications; the system clock by default.
    std::function<std::int64_t()> wallClock;
  };

  AppController(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers,
                MediaBackend& media, MediaSink& sink, HttpClient& http, PageAddress address, Options options = {});
  AppController(const AppController&) = delete;
  AppController& operator=(const AppController&) = delete;

  void setHooks(Hooks hooks) { hooks_ = std::move(hooks); }

  // Takes the embed API's side of the Platform and opens the first screen: the lobby, or the
  // pre-join screen of the room the address names.
  void start();

  // One command of the embed API, as JSON: {"command": "sendText", "text": "...", "to": "<id>"},
  // {"command": "setMuted", "muted": true}, {"command": "setCamera", "on": false},
  // {"command": "leave"}; and, for the page elements that mirror the other screens
  // (library_orbit_a11y.js), what their buttons do: in the lobby {"command": "createRoom",
  // "name", "password"?, "public"?, "guestLimit"?} and {"command": "openRoom", "name": "<as
  // typed>"} or {"room": "<id of the list>"}; on the pre-join screen {"command": "join" or
  // "waitForPlace", "name", "password"?} and {"command": "stopWaiting"}; on the Left screen
  // {"command": "backToLobby"}; and on any screen {"command": "draft", <fields of Drafts>}, what
  // was typed into the page's fields. Returns why a command was refused (a command of another
  // screen than the one shown is).
  std::optional<Error> command(std::string_view json);
  // Hangs up: the Left screen offers to rejoin or go back to the lobby.
  void leave();
  // From the Left screen, back into the same room under the same name.
  void rejoin();
  // From any screen, to the lobby (hanging up first when in a room).
  void backToLobby();
  // Ends everything for good (the embed API's destroy()): the call, the camera and
  // microphone, and what the lobby and the pre-join screen were waiting for.
  void shutdown();

  Screen screen() const { return screen_; }
  // What window.orbit.state() returns: the Manager's snapshot plus the screen, the lobby, the
  // pre-join screen, the notifications, each peer's decoded frame count, and what
  // Hooks::extendSnapshot adds.
  Json snapshot();

  // Something shown has changed: draw again and tell the host.
  void changed();

  // The address that brings someone else into this room.
  std::string inviteUrl() const;
  const PageAddress& address() const { return address_; }
  const std::deque<Notification>& notifications() const { return notifications_; }
  Manager& manager() { return manager_; }
  Lobby& lobby() { return lobby_; }
  PreJoin& preJoin() { return preJoin_; }
  // What the fields hold; the views' fields write each edit here (and the pre-join name field
  // tells preJoin().nameChanged() too).
  Drafts& drafts() { return drafts_; }

 private:
  // The commands of the lobby, the pre-join and the Left screens (see command()).
  std::optional<Error> screenCommand(const std::string& name, const Json& json);
  void enterRoom();
  // The lobby opened `room`: the address bar follows, then the pre-join screen.
  void goToRoom(RoomId room, std::string token, std::string password);
  // The pre-join screen for address_.room; `token` when the lobby already has one.
  void openPreJoin(std::string token, std::string password = {});
  // The pre-join screen let us in: the room's WebSocket carries `token` (if any).
  void admit(std::string token, std::string name);
  // The camera and microphone are asked for once, by whichever screen comes first.
  void startMediaOnce();
  void handleEvent(const ManagerEvent& event);
  void handleConnectionChange();
  // Says that the connection was lost (`previous` was Open) or cannot be made, and renews a
  // password room's token for the next attempt.
  void connectionLost(ConnectionState previous);
  // Ends the call and lets the camera and microphone go.
  void hangUp();
  void renewToken();
  void notify(std::string kind, std::string text);
  void redraw();
  // Events for the embed API beyond the Manager's (see handleEvent): {"event": ...}.
  void publish(const Json& event);
  void publishLeft(std::string_view reason);
  // An `error` event when the pre-join screen meets a new error (or a password room).
  void publishPreJoinError();
  // A `media` event when our own microphone or camera changed, as others get it.
  void publishMedia();
  Json mediaJson() const;  // the `media` event's payload

  Liveness alive_;
  Platform& platform_;
  Scheduler& scheduler_;
  MediaSink& sink_;
  PageAddress address_;
  std::function<std::int64_t()> wallClock_;
  Hooks hooks_;
  Manager manager_;
  Lobby lobby_;
  PreJoin preJoin_;
  Drafts drafts_;
  bool mediaStarted_ = false;
  Screen screen_ = Screen::Lobby;
  std::deque<Notification> notifications_;
  ConnectionState lastConnection_ = ConnectionState::Idle;
  bool inRoom_ = false;         // the room's WebSocket has opened since enterRoom()
  // Whether the server was asked why the room's WebSocket would not open (once a join).
  enum class RefusalCheck { NotAsked, Asking, Answered };
  RefusalCheck refusalCheck_ = RefusalCheck::NotAsked;
  bool unreachableTold_ = false;  // since the connection was last open
  std::string preJoinErrorTold_;   // the code of the pre-join screen's error last published
  Json mediaTold_;                 // the last `media` event's payload
};

std::string_view toString(AppController::Screen screen);

}  // namespace orbit
