#include "ui/client_app.hpp"

#include "ui/glyph_cache.hpp"
#include "ui/ui_items.hpp"

#include <string>
#include <utility>

namespace orbit {

ClientApp::ClientApp(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler,
                     PeerBackend& peers, MediaBackend& media, MediaSink& sink, HttpClient& http,
                     TextPainter& painter, PageAddress address)
    : platform_(platform),
      scheduler_(scheduler),
      sink_(sink),
      controller_(platform, std::move(transport), scheduler, peers, media, sink, http, std::move(address)),
      shell_(platform, scheduler, &painter, [this] { draw(); }),
      room_(controller_.manager(), controller_.drafts(), sink,
            {.copyText = [this](const std::string& text) { platform_.copyText(text); },
             .leave = [this] { controller_.leave(); }}),
      lobbyView_(controller_.lobby(), controller_.drafts()),
      leftView_({.rejoin = [this] { controller_.rejoin(); }, .backToLobby = [this] { controller_.backToLobby(); }}),
      preJoinView_(controller_.preJoin(), controller_.drafts(), controller_.manager(), media, sink,
                   [this] { controller_.changed(); }) {}

std::optional<Error> ClientApp::start(std::function<void(const Error&)> onFailure) {
  onFailure_ = std::move(onFailure);
  sink_.setOnFrame([this] { shell_.invalidate(); });
  controller_.setHooks({
      .redraw = [this] { shell_.invalidate(); },
      .statsChanged =
          [this] {
            if (controller_.screen() == AppController::Screen::Room && room_.showsStats()) shell_.invalidate();
          },
      .extendSnapshot =
          [this](Json& state) {
            state["prejoin"]["devices"] = preJoinView_.snapshot();
            state["ui"] = itemRects();
            state["framesDrawn"] = shell_.framesDrawn();
            state["fonts"] = {{"own", shell_.ownFonts()}, {"icons", iconsDrawn()}, {"pixels", shell_.fontPixels()}};
          },
      .preJoinOpened = [this] { preJoinView_.opened(); },
      .deviceChosen = [this](TrackKind kind, const std::string& deviceId) { preJoinView_.chose(kind, deviceId); },
  });
  controller_.start();
  if (controller_.screen() == AppController::Screen::Lobby) return openWindow();
  windowPending_ = true;
  startedAt_ = scheduler_.now();
  return std::nullopt;
}

std::optional<Error> ClientApp::openWindow() {
  if (auto error = shell_.open("Orbit")) {
    controller_.shutdown();
    return error;
  }
  return std::nullopt;
}

void ClientApp::frame() {
  if (windowPending_) {
    // Until then the loop runs on, drawing nothing.
    if (controller_.preJoin().access() == PreJoin::Access::Checking && scheduler_.now() - startedAt_ < kWindowWait) return;
    windowPending_ = false;
    if (auto error = openWindow()) {
      if (onFailure_) onFailure_(*error);
      return platform_.sleep();
    }
  }
  shell_.frame();
}

void ClientApp::shutdown() {
  controller_.shutdown();
  sink_.present({}, {});
  shell_.close();
}

void ClientApp::draw() {
  switch (controller_.screen()) {
    case AppController::Screen::Lobby:
      lobbyView_.draw();
      break;
    case AppController::Screen::PreJoin:
      preJoinView_.draw();
      break;
    case AppController::Screen::Room:
      room_.draw(controller_.preJoin().roomName(), controller_.inviteUrl(), controller_.notifications(),
                 scheduler_.now());
      break;
    case AppController::Screen::Left:
      sink_.present({}, {});  // nothing plays once we have left
      leftView_.draw(controller_.preJoin().roomName());
      break;
  }
  if (itemsChanged()) controller_.changed();
  // What was typed into the canvas's fields, for the page's copies of them.
  if (controller_.drafts() != draftsTold_) {
    draftsTold_ = controller_.drafts();
    platform_.draftsChanged();
  }
}

}  // namespace orbit
