#pragma once

#include "manager.hpp"
#include "media_backend.hpp"
#include "page_address.hpp"
#include "peer_backend.hpp"
#include "platform.hpp"
#include "result.hpp"
#include "scheduler.hpp"
#include "transport.hpp"
#include "ui/ui_shell.hpp"

#include <memory>
#include <optional>

namespace orbit {

// The whole client as one program: joins the room its address names, shows it, and keeps
// the embedder informed. Entry points (the browser's, later a native one) create it with
// their platform's pieces and call frame() from their main loop.
class ClientApp {
 public:
  ClientApp(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers,
            MediaBackend& media, PageAddress address);
  ClientApp(const ClientApp&) = delete;
  ClientApp& operator=(const ClientApp&) = delete;

  std::optional<Error> start();
  void frame() { shell_.frame(); }

 private:
  void draw();
  void publishState();

  Platform& platform_;
  PageAddress address_;
  Manager manager_;
  UiShell shell_;
};

}  // namespace orbit
