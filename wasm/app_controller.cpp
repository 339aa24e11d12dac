#include "app_controller.hpp"

#include "codec.hpp"
#include "slug.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace orbit {

std::string_view toString(AppController::Screen screen) {
  switch (screen) {
    case AppController::Screen::Lobby: return "lobby";
    case AppController::Screen::PreJoin: return "prejoin";
    case AppController::Screen::Room: return "room";
    case AppController::Screen::Left: return "left";
  }
  return "lobby";
}

AppController::AppController(Platform& platform, std::unique_ptr<Transport> transport, Scheduler& scheduler,
                             PeerBackend& peers, MediaBackend& media, MediaSink& sink, HttpClient& http,
                             PageAddress address, Options options)
    : platform_(platform),
      scheduler_(scheduler),
      sink_(sink),
      address_(std::move(address)),
      wallClock_(options.wallClock ? std::move(options.wallClock) : systemMillis),
      manager_(std::move(transport), scheduler, peers, media, std::move(options.manager)),
      lobby_(http, scheduler, apiUrl(address_, "")),
      preJoin_(http, scheduler, apiUrl(address_, "")) {}

void AppController::start() {
  manager_.setOnChange([this] {
    handleConnectionChange();
    changed();
  });
  manager_.setOnEvent([this](const ManagerEvent& event) { handleEvent(event); });
  // New connection figures: the state has them, and the UI draws them only when shown.
  manager_.setOnStats([this] {
    platform_.statsChanged();
    if (hooks_.statsChanged) hooks_.statsChanged();
  });
  platform_.setStateSource([this] { return dumpJson(snapshot()); });
  platform_.setCommandSink([this](std::string_view json) { return command(json); });
  platform_.setDraftSource([this] { return dumpJson(drafts_.toJson()); });
  // The network is back or the page in view again: no need to wait for the reconnect timer.
  platform_.setOnResume([this] { manager_.signaler().retryNow(); });
  lobby_.setOnChange([this] { changed(); });
  lobby_.setOnEnterRoom([this](RoomId room, std::string token, std::string password) {
    goToRoom(std::move(room), std::move(token), std::move(password));
  });
  preJoin_.setOnChange([this] {
    publishPreJoinError();
    changed();
  });
  preJoin_.setOnAdmit([this](std::string token, std::string name) { admit(std::move(token), std::move(name)); });
  if (address_.room.empty()) {
    screen_ = Screen::Lobby;
    lobby_.show();
  } else {
    // Even with ?name= the server is asked first: a password room still needs the prompt, or
    // the password the embedder gave.
    openPreJoin({}, address_.password);
  }
  changed();
}

void AppController::enterRoom() {
  // Straight in with the default camera and microphone; a refusal leaves the call
  // receive-only and says so.
  screen_ = Screen::Room;
  inRoom_ = false;
  drafts_.chatTo.clear();  // an id of another call, or another connection
  refusalCheck_ = RefusalCheck::NotAsked;
  startMediaOnce();
  if (address_.uplinkKbps > 0) manager_.setUplinkBudget(address_.uplinkKbps);
  manager_.setIceTransportPolicy(address_.relayOnly ? IceTransportPolicy::Relay : IceTransportPolicy::All);
  manager_.join(webSocketTarget(address_), address_.room, address_.username);
}

void AppController::goToRoom(RoomId room, std::string token, std::string password) {
  lobby_.hide();
  address_.room = std::move(room);
  address_.token.clear();
  platform_.showAddress(roomPageUrl(address_));
  openPreJoin(std::move(token), std::move(password));
}

void AppController::openPreJoin(std::string token, std::string password) {
  screen_ = Screen::PreJoin;
  // The self-view runs while the name is typed; the same tracks go into the room.
  startMediaOnce();
  drafts_.name = address_.username;
  drafts_.password.clear();
  if (hooks_.preJoinOpened) hooks_.preJoinOpened();
  // May admit at once (a name in the URL and a token in hand), so it comes last.
  preJoin_.open(address_.room, std::move(token), address_.username, std::move(password));
  changed();
}

void AppController::admit(std::string token, std::string name) {
  address_.token = std::move(token);
  address_.username = std::move(name);
  enterRoom();
  changed();
}

void AppController::startMediaOnce() {
  if (std::exchange(mediaStarted_, true)) return;
  manager_.startMedia(MediaConstraints{});
}

std::optional<Error> AppController::command(std::string_view text) {
  auto parsed = parseJson(text);
  if (!parsed) return Error{"a command must be JSON: " + parsed.error().message};
  const Json& json = *parsed;
  if (!json.is_object() || !json.contains("command") || !json["command"].is_string()) {
    return Error{"a command is an object with a \"command\" string"};
  }
  const std::string name = json["command"].get<std::string>();
  const auto flag = [&json](const char* key) -> std::optional<bool> {
    if (!json.contains(key) || !json[key].is_boolean()) return std::nullopt;
    return json[key].get<bool>();
  };
  if (screen_ == Screen::Left &&
      (name == "sendText" || name == "setMuted" || name == "setCamera" || name == "setScreenShare")) {
    return Error{"cannot " + name + ": you have left the room (rejoin() goes back in)"};
  }
  if (name == "sendText") {
    if (!json.contains("text") || !json["text"].is_string()) return Error{"sendText needs a \"text\" string"};
    std::string to;
    if (json.contains("to") && json["to"].is_string()) to = json["to"].get<std::string>();
    return manager_.sendText(json["text"].get<std::string>(), to);
  }
  if (name == "setMuted") {
    const auto muted = flag("muted");
    if (!muted) return Error{"setMuted needs \"muted\": true or false"};
    manager_.setMuted(*muted);
    return std::nullopt;
  }
  if (name == "setCamera") {
    const auto on = flag("on");
    if (!on) return Error{"setCamera needs \"on\": true or false"};
    manager_.setCameraEnabled(*on);
    return std::nullopt;
  }
  if (name == "setScreenShare") {
    const auto on = flag("on");
    if (!on) return Error{"setScreenShare needs \"on\": true or false"};
    if (*on) {
      manager_.startScreenShare();
    } else {
      manager_.stopScreenShare();
    }
    return std::nullopt;
  }
  if (name == "switchDevice") {
    // The pre-join screen's and the call's camera and microphone choice.
    if (screen_ != Screen::PreJoin && screen_ != Screen::Room) {
      return Error{"cannot switchDevice: no camera or microphone is in use on the " + std::string(toString(screen_)) +
                   " screen"};
    }
    const std::string kind = json.contains("kind") && json["kind"].is_string() ? json["kind"].get<std::string>() : "";
    if (kind != "camera" && kind != "microphone") {
      return Error{"switchDevice needs \"kind\": \"camera\" or \"microphone\""};
    }
    if (!json.contains("deviceId") || !json["deviceId"].is_string()) {
      return Error{"switchDevice needs a \"deviceId\" string"};
    }
    const std::string deviceId = json["deviceId"].get<std::string>();
    const DeviceKind wanted = kind == "camera" ? DeviceKind::VideoInput : DeviceKind::AudioInput;
    const auto& devices = manager_.devices();
    if (std::none_of(devices.begin(), devices.end(), [&](const MediaDevice& device) {
          return device.kind == wanted && device.deviceId == deviceId;
        })) {
      return Error{"switchDevice: no " + kind + " \"" + deviceId + "\" (media.devices lists them)"};
    }
    const TrackKind track = kind == "camera" ? TrackKind::Video : TrackKind::Audio;
    manager_.switchDevice(track, deviceId);
    if (hooks_.deviceChosen) hooks_.deviceChosen(track, deviceId);
    return std::nullopt;
  }
  if (name == "leave") {
    if (screen_ == Screen::Left) return std::nullopt;  // left already
    if (screen_ != Screen::Room) return Error{"cannot leave: not in a room"};
    leave();
    return std::nullopt;
  }
  if (name == "rejoin") {
    if (screen_ != Screen::Left) return Error{"cannot rejoin: the room was not left"};
    rejoin();
    return std::nullopt;
  }
  return screenCommand(name, json);
}

std::optional<Error> AppController::screenCommand(const std::string& name, const Json& json) {
  // What the lobby's, the pre-join screen's and the Left screen's buttons do, for the page
  // elements that mirror them (library_orbit_a11y.js): the same Lobby and PreJoin calls, each
  // refused on a screen that does not show its button.
  const auto text = [&json](const char* key) {
    return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : std::string();
  };
  const auto notOn = [this, &name](std::string_view where) {
    return Error{"cannot " + name + ": not on the " + std::string(where) + " (the screen is " +
                 std::string(toString(screen_)) + ")"};
  };
  if (name == "createRoom") {
    if (screen_ != Screen::Lobby) return notOn("lobby");
    if (!json.contains("name") || !json["name"].is_string()) return Error{"createRoom needs a \"name\" string"};
    Lobby::CreateForm form{text("name"), text("password"), true, 0};
    if (json.contains("public")) {
      if (!json["public"].is_boolean()) return Error{"createRoom's \"public\" is true or false"};
      form.isPublic = json["public"].get<bool>();
    }
    if (json.contains("guestLimit")) {
      const Json& limit = json["guestLimit"];
      if (!limit.is_number_integer() || limit.get<std::int64_t>() > std::numeric_limits<int>::max() ||
          limit.get<std::int64_t>() < std::numeric_limits<int>::min()) {
        return Error{"createRoom's \"guestLimit\" is a whole number"};
      }
      form.guestLimit = limit.get<int>();  // below 0: the Lobby says why, as for the canvas's field
    }
    // Refused while a creation is on its way, as the canvas's button is disabled then.
    if (lobby_.creating()) return Error{"cannot createRoom: a room is being created"};
    lobby_.create(form);
    return std::nullopt;
  }
  if (name == "openRoom") {
    if (screen_ != Screen::Lobby) return notOn("lobby");
    if (json.contains("room") && json["room"].is_string()) {
      // A Join button of the public list: the room as listed.
      const std::string room = json["room"].get<std::string>();
      if (!isValidSlug(room)) return Error{"openRoom: \"" + room + "\" is no room's id"};
      lobby_.join(RoomId(room));
      return std::nullopt;
    }
    if (!json.contains("name") || !json["name"].is_string()) {
      return Error{"openRoom needs a \"name\" (as typed) or a \"room\" (an id of the list) string"};
    }
    lobby_.joinByName(text("name"));
    return std::nullopt;
  }
  if (name == "join" || name == "waitForPlace") {
    if (screen_ != Screen::PreJoin) return notOn("pre-join screen");
    if (!json.contains("name") || !json["name"].is_string()) return Error{name + " needs a \"name\" string"};
    if (preJoin_.waiting()) return Error{"cannot " + name + ": waiting for a place (stopWaiting first)"};
    if (name == "waitForPlace") {
      if (!preJoin_.full()) return Error{"cannot waitForPlace: the room is not full"};
      preJoin_.waitForPlace(text("name"), text("password"));
    } else {
      if (preJoin_.busy()) return Error{"cannot join yet: waiting for the server's answer"};
      preJoin_.join(text("name"), text("password"));
    }
    return std::nullopt;
  }
  if (name == "draft") {
    if (auto error = drafts_.update(json)) return Error{"draft: " + error->message};
    // As the canvas's name field: an error about the name goes once the name would do.
    if (json.contains("name") && screen_ == Screen::PreJoin) preJoin_.nameChanged(drafts_.name);
    redraw();  // the canvas's fields show it
    return std::nullopt;
  }
  if (name == "stopWaiting") {
    if (screen_ != Screen::PreJoin) return notOn("pre-join screen");
    preJoin_.stopWaiting();
    return std::nullopt;
  }
  if (name == "backToLobby") {
    if (screen_ != Screen::Left) return notOn("Left screen");
    backToLobby();
    return std::nullopt;
  }
  return Error{"unknown command \"" + name + "\""};
}

void AppController::leave() {
  if (screen_ != Screen::Room) return;
  screen_ = Screen::Left;  // first: hanging up is no lost connection
  hangUp();
  publishLeft("leave");
  changed();
}

void AppController::shutdown() {
  const bool inCall = screen_ == Screen::Room;
  screen_ = Screen::Left;  // first: hanging up is no lost connection
  // Also when not in a call: the pre-join screen's self-view holds the camera too.
  hangUp();
  preJoin_.stopWaiting();
  lobby_.hide();
  if (inCall) publishLeft("destroy");
}

void AppController::hangUp() {
  manager_.leave();
  // The camera and microphone went with the call: the next screen that wants them asks again.
  mediaStarted_ = false;
}

void AppController::rejoin() {
  if (screen_ != Screen::Left) return;
  // Through the pre-join screen, which lets us straight in under the same name, or says why
  // not (the room filled up meanwhile).
  openPreJoin(address_.token, preJoin_.password());
}

void AppController::backToLobby() {
  const bool inCall = screen_ == Screen::Room;
  screen_ = Screen::Lobby;
  if (inCall) {
    hangUp();
    publishLeft("lobby");
  }
  preJoin_.stopWaiting();
  address_.room = RoomId();
  address_.token.clear();
  platform_.showAddress(apiUrl(address_, "/"));
  lobby_.show();
  changed();
}

std::string AppController::inviteUrl() const { return roomPageUrl(address_); }

void AppController::handleEvent(const ManagerEvent& event) {
  using Kind = ManagerEvent::Kind;
  const std::string name = event.name.empty() ? "someone" : event.name;
  switch (event.kind) {
    case Kind::PeerJoined: notify("peer-joined", name + " joined"); break;
    case Kind::PeerLeft: notify("peer-left", name + " left"); break;
    case Kind::MediaError: notify("media-error", event.text); break;
    case Kind::PeerFailed: notify("peer-failed", event.text); break;
    default: break;
  }
  // Every event also goes to whoever embeds the client, in the shape README.md documents:
  // whoever was there when we came is a peer-joined too, marked "present".
  const bool present = event.kind == Kind::PeerPresent;
  Json out = {{"event", present ? std::string_view("peer-joined") : toString(event.kind)}};
  if (!event.peer.empty()) out["peer"] = event.peer;
  if (!event.name.empty()) out["name"] = event.name;
  if (!event.text.empty()) out["text"] = event.text;
  switch (event.kind) {
    case Kind::Joined:
      out["room"] = address_.room.str();
      break;
    case Kind::PeerPresent:
    case Kind::PeerJoined:
    case Kind::PeerMedia: {
      const auto flag = [](const std::optional<bool>& value) { return value ? Json(*value) : Json(nullptr); };
      if (event.kind != Kind::PeerMedia) out["present"] = present;
      out["muted"] = flag(event.indicators.muted);
      out["cameraOff"] = flag(event.indicators.cameraOff);
      out["sharingScreen"] = flag(event.indicators.sharingScreen);
      break;
    }
    case Kind::PeerState:
      out["state"] = toString(event.state);
      break;
    case Kind::Text:
      out["to"] = event.to.empty() ? Json(nullptr) : Json(event.to);
      out["private"] = !event.to.empty();
      break;
    case Kind::MediaError:
      out["code"] = event.code;
      break;
    default:
      break;
  }
  publish(out);
}

void AppController::publish(const Json& event) { platform_.publishEvent(dumpJson(event)); }

void AppController::publishLeft(std::string_view reason) {
  publish({{"event", "left"}, {"room", address_.room.str()}, {"reason", reason}});
}

void AppController::publishPreJoinError() {
  std::string code = preJoin_.errorCode();
  std::string message = preJoin_.error();
  // A password room asks in its pre-join screen: the embedder learns it without an error shown.
  if (code.empty() && screen_ == Screen::PreJoin && preJoin_.asksPassword()) {
    code = "password-required";
    message = "This room needs a password.";
  }
  if (code == preJoinErrorTold_) return;
  preJoinErrorTold_ = code;
  if (!code.empty()) publish({{"event", "error"}, {"code", code}, {"message", message}});
}

Json AppController::mediaJson() const {
  // As the others get it (our profile's indicators: no microphone is muted, no picture is a
  // camera off), and which devices there are.
  const MediaIndicators shown = manager_.indicators();
  return {{"muted", shown.muted.value_or(true)},
          {"cameraOff", shown.cameraOff.value_or(true)},
          {"sharingScreen", shown.sharingScreen.value_or(false)},
          {"microphone", manager_.microphone().has_value()},
          {"camera", manager_.camera().has_value()}};
}

void AppController::publishMedia() {
  Json media = mediaJson();
  if (media == mediaTold_) return;
  mediaTold_ = media;
  Json event = media;
  event["event"] = "media";
  publish(event);
}

void AppController::handleConnectionChange() {
  const ConnectionState state = manager_.signaler().state();
  if (state == lastConnection_) return;
  const ConnectionState previous = std::exchange(lastConnection_, state);
  if (screen_ != Screen::Room) return;  // hung up: nothing was lost
  if (state == ConnectionState::Open) {
    if (inRoom_) {
      notify("connection", "Reconnected to the server");
      publish({{"event", "reconnected"}});
    }
    inRoom_ = true;
    unreachableTold_ = false;
    return;
  }
  if (state != ConnectionState::Closed && state != ConnectionState::Failed) return;
  if (!inRoom_ && refusalCheck_ == RefusalCheck::Asking) return;  // the answer below says what to tell
  if (!inRoom_ && refusalCheck_ == RefusalCheck::NotAsked) {
    // Refused before we were ever in, and a browser is not told why. A full room, or a limit
    // on connections from this address, is no connection failure: the pre-join screen says
    // so (and offers to wait for a place).
    refusalCheck_ = RefusalCheck::Asking;
    preJoin_.recheck(alive_.guard([this, previous](bool told) {
      refusalCheck_ = RefusalCheck::Answered;
      if (screen_ != Screen::Room || inRoom_) return;
      if (!told) return connectionLost(previous);
      screen_ = Screen::PreJoin;  // first: hanging up is no lost connection
      hangUp();
      startMediaOnce();
      changed();
    }));
    return;
  }
  connectionLost(previous);
}

void AppController::connectionLost(ConnectionState previous) {
  renewToken();
  const Signaler& signaler = manager_.signaler();
  if (previous == ConnectionState::Open) {
    notify("connection", signaler.reconnectPending() ? "Lost the server; reconnecting. Calls in progress go on."
                                                     : "Lost the server: " + signaler.reason());
    publish({{"event", "disconnected"},
             {"code", "connection-lost"},
             {"message", signaler.reason()},
             {"reconnecting", signaler.reconnectPending()}});
  } else if (!unreachableTold_) {
    // Once, not at every failed retry.
    unreachableTold_ = true;
    notify("connection", "Cannot reach the server: " + signaler.reason());
    // In the room before, the embedder was told "disconnected": the retries are no new error.
    if (!inRoom_) {
      publish({{"event", "error"},
               {"code", "unreachable"},
               {"message", "Cannot reach the server: " + signaler.reason()},
               {"reconnecting", signaler.reconnectPending()}});
    }
  }
}

void AppController::renewToken() {
  // A password room's token is short-lived, and a reconnect after it expired would be refused
  // for good: every lost connection trades the password for a fresh one for the next attempt.
  if (address_.token.empty() || !manager_.signaler().reconnectPending()) return;
  preJoin_.renewToken([this](std::string token) {
    address_.token = std::move(token);
    manager_.signaler().setTarget(webSocketTarget(address_));
  });
}

void AppController::notify(std::string kind, std::string text) {
  notifications_.push_back({std::move(kind), std::move(text), wallClock_(), scheduler_.now() + kNotificationTime});
  while (notifications_.size() > kMaxNotifications) notifications_.pop_front();
  // Drawn again when it is due to disappear.
  scheduler_.after(kNotificationTime, alive_.guard([this] { redraw(); }));
  changed();
}

Json AppController::snapshot() {
  Json out = manager_.snapshot();
  // What the UI shows: no microphone is muted, no camera is off.
  out["media"]["muted"] = manager_.indicators().muted.value_or(true);
  out["media"]["cameraEnabled"] = manager_.cameraEnabled() && manager_.camera().has_value();
  out["screen"] = toString(screen_);
  // The cameras and microphones to choose from (labelled once a capture was allowed).
  Json devices = Json::array();
  for (const MediaDevice& device : manager_.devices()) {
    if (device.kind == DeviceKind::AudioOutput) continue;
    devices.push_back({{"kind", device.kind == DeviceKind::VideoInput ? "camera" : "microphone"},
                       {"deviceId", device.deviceId},
                       {"label", device.label}});
  }
  out["media"]["devices"] = std::move(devices);
  out["lobby"] = lobby_.snapshot();
  out["prejoin"] = preJoin_.snapshot();
  // The name the pre-join screen's field starts with (the address's ?name=, else the one we
  // last joined under).
  out["prejoin"]["username"] = address_.username;
  Json notifications = Json::array();
  for (const Notification& n : notifications_) {
    notifications.push_back({{"kind", n.kind}, {"text", n.text}, {"time", n.time}});
  }
  out["notifications"] = std::move(notifications);
  for (Json& peer : out["peers"]) {
    // Frames decoded of its camera, and of a screen it shares beside it (through the server).
    std::uint64_t frames = 0, screenFrames = 0;
    for (const RemoteTrack& track : manager_.tracksOf(peer["id"].get<std::string>())) {
      if (track.kind != "video" && track.kind != "screen") continue;
      if (auto frame = sink_.remoteFrame(track.id)) (track.kind == "video" ? frames : screenFrames) = frame->frames;
    }
    peer["video"]["frames"] = frames;
    if (screenFrames > 0) peer["screen"] = {{"frames", screenFrames}};
  }
  if (hooks_.extendSnapshot) hooks_.extendSnapshot(out);
  return out;
}

void AppController::changed() {
  redraw();
  publishMedia();
  platform_.stateChanged();
}

void AppController::redraw() {
  if (hooks_.redraw) hooks_.redraw();
}

}  // namespace orbit
