#pragma once

#include "app_controller.hpp"
#include "http_client.hpp"
#include "media_backend.hpp"
#include "media_sink.hpp"
#include "page_address.hpp"
#include "peer_backend.hpp"
#include "platform.hpp"
#include "result.hpp"
#include "scheduler.hpp"
#include "transport.hpp"
#include "ui/left_view.hpp"
#include "ui/lobby_view.hpp"
#include "ui/pre_join_view.hpp"
#include "ui/room_view.hpp"
#include "ui/text_painter.hpp"
#include "ui/ui_shell.hpp"

#include <functional>
#include <memory>
#include <optional>

namespace orbit {

// The whole client as one program: the AppController and the Dear ImGui views that draw its
// current screen. An entry point creates it with its platform's pieces and calls frame()
// from its main loop.
class ClientApp {
 public:
  ClientApp(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers,
            MediaBackend& media, MediaSink& sink, HttpClient& http, TextPainter& painter, PageAddress address);
  ClientApp(const ClientApp&) = delete;
  ClientApp& operator=(const ClientApp&) = delete;

  // Starts the client. The window (the WebGL context, ImGui and its shaders and font texture:
  // the slowest part of a page's start) is made at once for the lobby, but for a room by the
  // first frame after the room's look-up has been answered (or kWindowWait has passed), so
  // that the WebSocket is already under way while it is made. A window that cannot be made is
  // an error: returned here, or told to `onFailure` from frame(), after which the client has
  // left (shutdown()).
  std::optional<Error> start(std::function<void(const Error&)> onFailure);
  static constexpr Scheduler::Millis kWindowWait{500};
  // Ends the call and lets go of the window for good (the embed API's destroy()).
  void shutdown();
  void frame();

 private:
  void draw();
  std::optional<Error> openWindow();

  bool windowPending_ = false;  // frame() makes it
  Scheduler::Millis startedAt_{0};
  std::function<void(const Error&)> onFailure_;

  Platform& platform_;
  Scheduler& scheduler_;
  MediaSink& sink_;
  AppController controller_;
  UiShell shell_;
  RoomView room_;
  LobbyView lobbyView_;
  LeftView leftView_;
  PreJoinView preJoinView_;
  Drafts draftsTold_;  // the drafts when the page was last told they changed
};

}  // namespace orbit
