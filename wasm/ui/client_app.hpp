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
#include "ui/ui_shell.hpp"

#include <memory>
#include <optional>

namespace orbit {

// The whole client as one program: the AppController and the Dear ImGui views that draw its
// current screen. An entry point creates it with its platform's pieces and calls frame()
// from its main loop.
class ClientApp {
 public:
  ClientApp(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers,
            MediaBackend& media, MediaSink& sink, HttpClient& http, PageAddress address);
  ClientApp(const ClientApp&) = delete;
  ClientApp& operator=(const ClientApp&) = delete;

  std::optional<Error> start();
  // Ends the call and lets go of the window for good (the embed API's destroy()).
  void shutdown();
  void frame() { shell_.frame(); }

 private:
  void draw();

  Platform& platform_;
  Scheduler& scheduler_;
  MediaSink& sink_;
  AppController controller_;
  UiShell shell_;
  RoomView room_;
  LobbyView lobbyView_;
  LeftView leftView_;
  PreJoinView preJoinView_;
};

}  // namespace orbit
