#include "client_app.hpp"

#include "codec.hpp"
#include "ui/views.hpp"

#include <utility>

namespace orbit {

ClientApp::ClientApp(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler,
                     PeerBackend& peers, MediaBackend& media, PageAddress address)
    : platform_(platform),
      address_(std::move(address)),
      manager_(std::move(transport), scheduler, peers, media),
      shell_(platform, [this] { draw(); }) {}

std::optional<Error> ClientApp::start() {
  if (auto error = shell_.open("Orbit")) return error;
  manager_.setOnChange([this] {
    shell_.invalidate();
    publishState();
  });
  publishState();
  if (!address_.room.empty()) {
    // Straight in with the default camera and microphone; a refusal leaves the call
    // receive-only and says so.
    manager_.startMedia(MediaConstraints{});
    manager_.join(webSocketUrl(address_), address_.room, address_.username);
  }
  return std::nullopt;
}

void ClientApp::draw() {
  if (address_.room.empty()) {
    drawLobbyView();
  } else {
    drawRoomView(manager_);
  }
}

void ClientApp::publishState() { platform_.publishState(dumpJson(manager_.snapshot())); }

}  // namespace orbit
