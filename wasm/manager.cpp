#include "manager.hpp"

#include "codec.hpp"

#include <chrono>
#include <initializer_list>
#include <utility>

namespace orbit {
namespace {

// Without a sender: the server writes the sender of everything it relays.
Message outgoing(std::string receiver, MessageType type, std::optional<Json> data = std::nullopt) {
  Message message;
  message.receiver = std::move(receiver);
  message.type = type;
  message.data = std::move(data);
  return message;
}

std::int64_t systemMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Json trackJson(const std::optional<LocalTrack>& track) {
  if (!track) return nullptr;
  return {{"id", track->id}, {"label", track->label}};
}

}  // namespace

std::string_view toString(ManagerEvent::Kind kind) {
  switch (kind) {
    case ManagerEvent::Kind::Joined: return "joined";
    case ManagerEvent::Kind::PeerJoined: return "peer-joined";
    case ManagerEvent::Kind::PeerLeft: return "peer-left";
    case ManagerEvent::Kind::PeerState: return "peer-state";
    case ManagerEvent::Kind::Text: return "text";
    case ManagerEvent::Kind::MediaError: return "media-error";
    case ManagerEvent::Kind::Problem: return "problem";
  }
  return "problem";
}

Manager::Manager(std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers, MediaBackend& media)
    : Manager(std::move(transport), scheduler, peers, media, Options{}) {}

Manager::Manager(std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers, MediaBackend& media,
                 Options options)
    : scheduler_(scheduler),
      peerBackend_(peers),
      media_(media),
      options_(std::move(options)),
      signaler_(std::move(transport), scheduler, options_.signaler) {
  if (!options_.wallClock) options_.wallClock = systemMillis;
  signaler_.setHandlers({
      .onStateChange = [this] { handleStateChange(); },
      .onMessage = [this](const Message& message) { handleMessage(message); },
      .onProblem = [this](std::string_view problem) { report(problem); },
  });
  media_.setOnTrackEnded(alive_.guard([this](const LocalTrack& track) { handleTrackEnded(track); }));
  media_.setOnDeviceChange(alive_.guard([this] { refreshDevices(); }));
}

Manager::~Manager() {
  media_.setOnTrackEnded(nullptr);
  media_.setOnDeviceChange(nullptr);
  peers_.clear();  // closes them; a VideoPeer calls nothing back from close()
  stopTrack(microphone_);
  stopTrack(camera_);
  stopTrack(screen_);
}

void Manager::setOnChange(std::function<void()> onChange) { onChange_ = std::move(onChange); }

void Manager::setOnEvent(std::function<void(const ManagerEvent&)> onEvent) { onEvent_ = std::move(onEvent); }

void Manager::join(std::string_view url, RoomId room, std::string username) {
  room_ = std::move(room);
  username_ = std::move(username);
  left_ = false;
  roomInfo_.reset();
  iceServers_.clear();
  roomInfoJson_ = nullptr;
  lastProblem_.clear();
  signaler_.connect(url);
}

void Manager::leave() {
  if (left_) return;
  left_ = true;
  const bool open = signaler_.state() == ConnectionState::Open;
  // PROTOCOL.md: bye to each peer, bye to ground control, close.
  for (auto& [id, entry] : peers_) {
    if (open && entry.session == signaler_.sessions()) send(outgoing(id, MessageType::Bye));
  }
  peers_.clear();
  hungUp_.clear();
  early_.clear();
  heldEvents_.clear();
  if (open) sendToServer(MessageType::Bye);
  signaler_.close(1000, "left the room");
  stopTrack(microphone_);
  stopTrack(camera_);
  stopTrack(screen_);
  changed();
}

std::string Manager::selfName() const {
  if (roomInfo_ && !selfId().empty()) {
    if (std::string name = nameOf(selfId().str()); !name.empty()) return name;
  }
  return username_;
}

std::string Manager::nameOf(std::string_view id) const {
  if (const RoomClient* member = memberOf(id)) return member->username;
  // A peer from before a reconnect keeps the name it had.
  const auto it = peers_.find(std::string(id));
  return it == peers_.end() ? std::string() : it->second.name;
}

bool Manager::isMember(std::string_view id) const { return memberOf(id) != nullptr; }

const RoomClient* Manager::memberOf(std::string_view id) const {
  if (!roomInfo_) return nullptr;
  for (const auto& client : roomInfo_->clients) {
    if (client.id == id) return &client;
  }
  return nullptr;
}

std::vector<std::string> Manager::others() const {
  std::vector<std::string> ids;
  if (roomInfo_) {
    for (const auto& client : roomInfo_->clients) {
      if (client.id != selfId().str()) ids.push_back(client.id);
    }
  }
  for (const auto& [id, entry] : peers_) {
    if (!isMember(id)) ids.push_back(id);
  }
  return ids;
}

void Manager::refreshDevices() {
  media_.enumerateDevices(alive_.guard([this](Result<std::vector<MediaDevice>> devices) {
    if (!devices) return report("could not list the devices: " + devices.error().message);
    devices_ = std::move(devices).value();
    changed();
  }));
}

std::vector<ClientId> Manager::peerIds() const {
  std::vector<ClientId> ids;
  for (const auto& [id, entry] : peers_) ids.emplace_back(id);
  return ids;
}

const VideoPeer* Manager::peer(const ClientId& id) const {
  const auto it = peers_.find(id.str());
  return it == peers_.end() ? nullptr : it->second.peer.get();
}

// --- the signaling connection ---

void Manager::handleStateChange() {
  if (signaler_.state() == ConnectionState::Open && signaler_.sessions() != joinedSession_) {
    rejoin();
  } else if (signaler_.state() == ConnectionState::Open) {
    announceJoin();
    becomeReady();
  } else if (signaler_.state() != ConnectionState::Open && signaler_.selfId().empty() && roomInfo_) {
    // Whoever was in the room is unknown until the next connection's room-info. The peer
    // connections stay up meanwhile: media does not go through the server.
    roomInfo_.reset();
    roomInfoJson_ = nullptr;
  }
  changed();
}

void Manager::rejoin() {
  // A new connection is a new client to the server: a new id, no name, no room-info yet.
  // The Signaler has already sent the ping that tells us the id.
  joinedSession_ = signaler_.sessions();
  iceServersKnown_ = false;
  rosterSeen_ = false;
  joinAnnounced_ = false;
  heldEvents_.clear();
  announced_.clear();
  roomInfo_.reset();
  roomInfoJson_ = nullptr;
  hungUp_.clear();
  early_.clear();
  sentIndicators_.reset();
  sendProfile();
  const unsigned session = joinedSession_;
  auto onIceServers = [this, session](Result<Message> reply) {
    if (reply || session != signaler_.sessions()) return;
    // Host candidates still connect a LAN; say why a wider network may not.
    report("no ICE servers: " + reply.error().message);
    iceServersKnown_ = true;
    becomeReady();
  };
  if (auto error = signaler_.request(MessageType::GetIceServers, std::nullopt, kRequestTimeout,
                                     alive_.guard(std::move(onIceServers)))) {
    report(error->message);
  }
  // The reply also arrives through handleMessage, like every later room-info.
  if (auto error = signaler_.request(MessageType::GetRoomInfo, std::nullopt, kRequestTimeout,
                                     alive_.guard([this](Result<Message> reply) {
                                       if (!reply) report("no room-info: " + reply.error().message);
                                     }))) {
    report(error->message);
  }
}

void Manager::handleMessage(const Message& message) {
  switch (message.type) {
    case MessageType::IceServers: {
      auto servers = parseIceServers(*message.data);
      if (!servers) return report("bad ice-servers: " + servers.error().message);
      iceServers_ = std::move(*servers);
      iceServersKnown_ = true;
      becomeReady();
      return;
    }
    case MessageType::RoomInfo: {
      auto info = parseRoomInfo(*message.data);
      if (!info) return report("bad room-info: " + info.error().message);
      return handleRoomInfo(std::move(*info), *message.data);
    }
    case MessageType::Text:
      return handleText(message);
    case MessageType::Offer:
    case MessageType::Answer:
    case MessageType::IceCandidate:
      return handlePeerMessage(message);
    case MessageType::Bye:
      // From the server, the connection is about to close and the Signaler reconnects.
      if (message.sender != kGroundControl) handlePeerMessage(message);
      return;
    case MessageType::Error:
      report("the server said: " + (message.data && message.data->is_string()
                                        ? message.data->get<std::string>()
                                        : dumpJson(message.data.value_or(nullptr))));
      return;
    default:
      // ping and pong are the Signaler's; greetings need nothing.
      return;
  }
}

void Manager::handleRoomInfo(RoomInfoData info, Json json) {
  // Until we have announced our own arrival (which waits for the pong as well), the room as
  // it is was there when we came, and is not news.
  const bool quiet = !joinAnnounced_;
  roomInfo_ = std::move(info);
  roomInfoJson_ = std::move(json);
  rosterSeen_ = true;
  std::set<std::string> present;
  for (const auto& client : roomInfo_->clients) {
    present.insert(client.id);
    if (auto it = peers_.find(client.id); it != peers_.end()) it->second.name = client.username;
    if (auto it = announced_.find(client.id); it != announced_.end()) {
      // A member already in the room when we came may name itself later: its profile can trail its join.
      if (!client.username.empty()) it->second = client.username;
    } else if (quiet) {
      announced_[client.id] = client.username;
    } else if (!client.username.empty() && client.id != selfId().str()) {
      // A newcomer is announced once it has a name: the profile follows the join.
      announced_[client.id] = client.username;
      emit({ManagerEvent::Kind::PeerJoined, client.id, client.username, {}, {}});
    }
  }
  for (auto it = announced_.begin(); it != announced_.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    if (!quiet && it->first != selfId().str()) emit({ManagerEvent::Kind::PeerLeft, it->first, it->second, {}, {}});
    it = announced_.erase(it);
  }
  announceJoin();
  becomeReady();
  changed();
}

void Manager::announceJoin() {
  // The server's first room-info may come before the pong that tells us who we are.
  if (joinAnnounced_ || !rosterSeen_ || selfId().empty()) return;
  joinAnnounced_ = true;
  emit({ManagerEvent::Kind::Joined, selfId().str(), selfName(), {}, {}});
  for (ManagerEvent& event : std::exchange(heldEvents_, {})) emit(std::move(event));
}

// --- peers ---

bool Manager::ready() const {
  return !left_ && signaler_.state() == ConnectionState::Open && !selfId().empty() && iceServersKnown_ &&
         rosterSeen_;
}

void Manager::becomeReady() {
  if (!ready()) return;
  reconcile();
  for (Message& message : std::exchange(early_, {})) handlePeerMessage(message);
}

void Manager::reconcile() {
  const unsigned session = signaler_.sessions();
  std::set<std::string> members;
  for (const auto& client : roomInfo_->clients) {
    if (client.id != selfId().str()) members.insert(client.id);
  }
  // Gone from the room, or made on an earlier connection: the ids on both ends changed.
  std::vector<std::string> stale;
  for (const auto& [id, entry] : peers_) {
    if (entry.session != session || members.count(id) == 0) stale.push_back(id);
  }
  for (const std::string& id : stale) closePeer(id);
  for (auto it = hungUp_.begin(); it != hungUp_.end();) {
    it = members.count(*it) ? std::next(it) : hungUp_.erase(it);
  }
  for (const std::string& id : members) {
    if (peers_.count(id) == 0 && hungUp_.count(id) == 0) createPeer(id);
  }
}

VideoPeer* Manager::createPeer(const std::string& id) {
  VideoPeer::Handlers handlers;
  const unsigned session = signaler_.sessions();
  handlers.send = [this, session](const Message& message) {
    // Addressed by this connection's ids: after a reconnect nobody would receive it.
    if (signaler_.state() == ConnectionState::Open && signaler_.sessions() == session) send(message);
  };
  handlers.onChange = [this, id] { peerChanged(id); };
  handlers.onProblem = [this, id](std::string_view problem) {
    report(nameOf(id).empty() ? std::string(problem) : nameOf(id) + ": " + std::string(problem));
  };
  auto peer = std::make_unique<VideoPeer>(selfId(), ClientId(id), peerBackend_, scheduler_, iceServers_,
                                          std::move(handlers), options_.peer);
  VideoPeer* raw = peer.get();
  peers_[id] = PeerEntry{std::move(peer), session, PeerConnectionState::New, nameOf(id)};
  // Adding tracks fires negotiationneeded; with none, the peer's own tracks start it.
  addTracksTo(*raw);
  changed();
  return raw;
}

void Manager::closePeer(const std::string& id) {
  // Sends nothing: the peer has gone, or said bye itself, or has a new id by now.
  const auto it = peers_.find(id);
  if (it == peers_.end()) return;
  const bool wasOpen = it->second.reported != PeerConnectionState::Closed;
  const std::string name = nameOf(id);  // a peer from before a reconnect is named only by its entry
  peers_.erase(it);
  if (wasOpen) emit({ManagerEvent::Kind::PeerState, id, name, {}, PeerConnectionState::Closed});
  changed();
}

void Manager::peerChanged(const std::string& id) {
  const auto it = peers_.find(id);
  if (it == peers_.end()) return;
  const PeerConnectionState state = it->second.peer->connectionState();
  if (state != it->second.reported) {
    it->second.reported = state;
    emit({ManagerEvent::Kind::PeerState, id, nameOf(id), {}, state});
  }
  changed();
}

void Manager::handlePeerMessage(const Message& message) {
  if (left_) return;
  const std::string& from = message.sender;
  if (!isClientId(from)) return;  // the server stamps every relayed message
  if (!ready()) {
    // An offer can overtake our ice-servers reply: keep it for when we are ready.
    if (early_.size() < kMaxEarlyMessages) early_.push_back(message);
    return;
  }
  if (message.type == MessageType::Bye) {
    if (peers_.count(from)) {
      hungUp_.insert(from);
      closePeer(from);
    }
    return;
  }
  auto it = peers_.find(from);
  if (it == peers_.end()) {
    // Someone not in the room is a peer that has just left: its last candidates are noise.
    // A member that hung up on us may call again with an offer.
    if (!isMember(from)) return;
    if (hungUp_.count(from) && message.type != MessageType::Offer) return;
    hungUp_.erase(from);
    createPeer(from);
    it = peers_.find(from);
  }
  it->second.peer->handle(message);
}

void Manager::addTracksTo(VideoPeer& peer) {
  const std::optional<LocalTrack>& video = screen_ ? screen_ : camera_;
  for (const std::optional<LocalTrack>* track : std::initializer_list<const std::optional<LocalTrack>*>{&microphone_, &video}) {
    if (!*track) continue;
    if (auto error = peer.addTrack(**track)) report(error->message);
  }
}

void Manager::addToPeers(const LocalTrack& track) {
  for (auto& [id, entry] : peers_) {
    if (auto error = entry.peer->addTrack(track)) report(error->message);
  }
}

void Manager::replaceOnPeers(const LocalTrack& current, const LocalTrack& replacement) {
  for (auto& [id, entry] : peers_) entry.peer->replaceTrack(current, replacement);
}

void Manager::removeFromPeers(const LocalTrack& track) {
  for (auto& [id, entry] : peers_) {
    if (auto error = entry.peer->removeTrack(track)) report(error->message);
  }
}

// --- local media ---

void Manager::startMedia(const MediaConstraints& constraints) { requestMedia(constraints, true); }

void Manager::requestMedia(const MediaConstraints& constraints, bool splitOnFailure) {
  media_.getUserMedia(constraints, alive_.guard([this, constraints, splitOnFailure](Result<std::vector<LocalTrack>> tracks) {
    if (tracks) return takeTracks(std::move(tracks).value());
    if (splitOnFailure && constraints.audio && constraints.video) {
      // One refused device should not cost the other.
      MediaConstraints audioOnly = constraints;
      audioOnly.video = false;
      MediaConstraints videoOnly = constraints;
      videoOnly.audio = false;
      requestMedia(audioOnly, false);
      requestMedia(videoOnly, false);
      return;
    }
    const char* what = constraints.audio ? (constraints.video ? "the camera and microphone" : "the microphone")
                                         : "the camera";
    mediaFailed(std::string("could not use ") + what + ": " + tracks.error().message);
  }));
}

void Manager::takeTracks(std::vector<LocalTrack> tracks) {
  for (LocalTrack& track : tracks) {
    if (left_) {
      media_.stop(track);
      continue;
    }
    std::optional<LocalTrack>& slot = isAudio(track.kind) ? microphone_ : camera_;
    const std::optional<LocalTrack> old = std::exchange(slot, track);
    media_.setEnabled(track, isAudio(track.kind) ? !muted_ : cameraEnabled_);
    const bool shown = isAudio(track.kind) || !screen_;  // a screen share keeps the camera off the wire
    if (old) {
      if (shown) replaceOnPeers(*old, track);
      media_.stop(*old);
    } else if (shown) {
      addToPeers(track);
    }
  }
  mediaError_.clear();
  sendProfile();
  // Device names are hidden until a capture is allowed.
  refreshDevices();
  changed();
}

void Manager::setMuted(bool muted) {
  muted_ = muted;
  if (microphone_) media_.setEnabled(*microphone_, !muted);
  sendProfile();
  changed();
}

void Manager::setCameraEnabled(bool enabled) {
  cameraEnabled_ = enabled;
  if (camera_) media_.setEnabled(*camera_, enabled);
  sendProfile();
  changed();
}

MediaIndicators Manager::indicators() const {
  // What the others see: no sound without a live, unmuted microphone; no picture without a
  // camera that is on, unless a screen is shared.
  return MediaIndicators{muted_ || !microphone_, !screen_ && (!camera_ || !cameraEnabled_)};
}

void Manager::sendProfile() {
  // The server needs a name in every profile; a nameless client shows no indicators.
  if (username_.empty() || left_ || signaler_.state() != ConnectionState::Open) return;
  const MediaIndicators now = indicators();
  if (sentIndicators_ && *sentIndicators_ == now) return;
  sentIndicators_ = now;
  sendToServer(MessageType::Profile, toJson(ProfileData{username_, now}));
}

void Manager::switchDevice(TrackKind kind, std::string deviceId) {
  if (kind == TrackKind::Screen) return;
  MediaConstraints constraints;
  constraints.audio = isAudio(kind);
  constraints.video = !isAudio(kind);
  (isAudio(kind) ? constraints.audioDeviceId : constraints.videoDeviceId) = std::move(deviceId);
  requestMedia(constraints, false);
}

void Manager::startScreenShare() {
  if (screen_) return;
  media_.getDisplayMedia(alive_.guard([this](Result<std::vector<LocalTrack>> tracks) {
    if (!tracks) return mediaFailed("could not share the screen: " + tracks.error().message);
    std::optional<LocalTrack> screen;
    for (const LocalTrack& track : *tracks) {
      // Tab audio is not shared: the microphone stays the one audio track.
      if (!screen && !isAudio(track.kind)) {
        screen = track;
      } else {
        media_.stop(track);
      }
    }
    if (!screen) return mediaFailed("the screen share had no video");
    if (left_ || screen_) return media_.stop(*screen);
    screen_ = screen;
    if (camera_) {
      replaceOnPeers(*camera_, *screen_);
    } else {
      addToPeers(*screen_);
    }
    sendProfile();
    changed();
  }));
}

void Manager::stopScreenShare() {
  if (!screen_) return;
  if (camera_) {
    replaceOnPeers(*screen_, *camera_);
  } else {
    removeFromPeers(*screen_);
  }
  stopTrack(screen_);
  sendProfile();
  changed();
}

void Manager::handleTrackEnded(const LocalTrack& track) {
  if (screen_ && screen_->id == track.id) {
    // The user stopped sharing from the browser's own controls.
    stopScreenShare();
    return;
  }
  for (std::optional<LocalTrack>* slot : {&microphone_, &camera_}) {
    if (*slot && (*slot)->id == track.id) {
      if (slot == &microphone_ || !screen_) removeFromPeers(track);
      slot->reset();
      sendProfile();
      mediaFailed(std::string(slot == &microphone_ ? "the microphone" : "the camera") + " stopped (" +
                  track.label + ")");
    }
  }
}

void Manager::stopTrack(std::optional<LocalTrack>& track) {
  if (track) media_.stop(*track);
  track.reset();
}

void Manager::mediaFailed(std::string what) {
  mediaError_ = what;
  emit({ManagerEvent::Kind::MediaError, {}, {}, std::move(what), {}});
  changed();
}

// --- chat ---

std::optional<Error> Manager::sendText(std::string_view text, std::string_view to) {
  if (left_) return Error{"you have left the room"};
  if (text.empty()) return Error{"the message is empty"};
  if (!isValidUtf8(text)) return Error{"the message is not valid UTF-8"};
  if (utf8Length(text) > kMaxTextChars) {
    return Error{"the message is longer than " + std::to_string(kMaxTextChars) + " characters"};
  }
  const bool direct = !to.empty();
  if (direct && !isMember(to)) {
    return Error{"nobody with the id " + std::string(to) + " is in the room"};
  }
  TextData data{selfName(), options_.wallClock(), std::string(text), direct};
  if (auto error = signaler_.send(outgoing(direct ? std::string(to) : std::string(kRoom), MessageType::Text,
                                           toJson(data)))) {
    return error;
  }
  if (direct) addChat({selfId().str(), data.from, std::string(to), data.text, data.time, true});
  return std::nullopt;
}

void Manager::handleText(const Message& message) {
  auto text = parseText(*message.data);
  if (!text) return report("bad text: " + text.error().message);
  const bool self = !selfId().empty() && message.sender == selfId().str();
  std::string name = nameOf(message.sender);
  if (name.empty()) name = text->from;
  // The original server addresses our copy of a room line (our own echo too) to our id: only
  // the sender's mark makes a line direct.
  const bool direct = text->direct && message.receiver != kRoom && !(self && message.receiver == message.sender);
  ChatEntry entry{message.sender, name, direct ? message.receiver : std::string(), std::move(text->text), text->time,
                  self};
  if (!self) emit({ManagerEvent::Kind::Text, entry.fromId, entry.fromName, entry.text, {}});
  addChat(std::move(entry));
}

void Manager::addChat(ChatEntry entry) {
  chat_.push_back(std::move(entry));
  while (chat_.size() > kMaxChatEntries) chat_.pop_front();
  changed();
}

// --- plumbing ---

Json Manager::snapshot() const {
  Json self = {{"id", selfId().empty() ? Json(nullptr) : Json(selfId().str())}, {"name", selfName()}};
  const std::vector<std::string> ids = others();
  Json peers = Json::array();
  for (const std::string& id : ids) {
    Json item = {{"id", id}, {"name", nameOf(id)}, {"muted", nullptr}, {"cameraOff", nullptr}};
    if (const RoomClient* member = memberOf(id)) {
      // null: an older client that does not say.
      if (member->indicators.muted) item["muted"] = *member->indicators.muted;
      if (member->indicators.cameraOff) item["cameraOff"] = *member->indicators.cameraOff;
    }
    const auto it = peers_.find(id);
    if (it == peers_.end()) {
      // Not connected (yet, or since it hung up on us).
      item["connection"] = hungUp_.count(id) ? "closed" : "new";
      item["ice"] = item["connection"];
      item["audio"] = false;
      item["video"] = {{"received", false}, {"width", 0}, {"height", 0}};
      peers.push_back(std::move(item));
      continue;
    }
    const VideoPeer& peer = *it->second.peer;
    bool audio = false;
    bool video = false;
    for (const RemoteTrack& track : peer.remoteTracks()) {
      audio = audio || track.kind == "audio";
      video = video || track.kind == "video";
    }
    item["connection"] = toString(peer.connectionState());
    item["ice"] = toString(peer.iceConnectionState());
    item["signaling"] = toString(peer.signalingState());
    item["polite"] = peer.polite();
    item["audio"] = audio;
    item["video"] = {{"received", video}, {"width", 0}, {"height", 0}};
    item["iceRestarts"] = peer.iceRestarts();
    if (const auto& stats = peer.stats()) {
      item["video"]["width"] = stats->frameWidth;
      item["video"]["height"] = stats->frameHeight;
      item["stats"] = {
          {"sendKbps", stats->sendKbps},
          {"receiveKbps", stats->receiveKbps},
          {"rttMs", stats->rttMs},
          {"packetLoss", stats->packetLoss},
          {"fps", stats->framesPerSecond},
          {"localCandidate", toString(stats->localCandidateType)},
          {"remoteCandidate", toString(stats->remoteCandidateType)},
      };
    }
    peers.push_back(std::move(item));
  }
  Json messages = Json::array();
  for (const ChatEntry& entry : chat_) {
    messages.push_back({{"from", entry.fromName},
                        {"fromId", entry.fromId},
                        {"to", entry.toId.empty() ? Json(nullptr) : Json(entry.toId)},
                        {"text", entry.text},
                        {"time", entry.time},
                        {"self", entry.self}});
  }
  Json out = {
      {"self", std::move(self)},
      {"room", room_.empty() ? Json(nullptr) : Json(room_.str())},
      {"connection", toString(signaler_.state())},
      {"reason", signaler_.reason()},
      {"reconnect", {{"attempts", signaler_.reconnectAttempts()}, {"pending", signaler_.reconnectPending()}}},
      {"joins", joins()},
      {"peers", std::move(peers)},
      {"messages", std::move(messages)},
      {"media",
       {{"microphone", trackJson(microphone_)},
        {"camera", trackJson(camera_)},
        {"screen", trackJson(screen_)},
        {"muted", muted_},
        {"cameraEnabled", cameraEnabled_},
        {"error", mediaError_.empty() ? Json(nullptr) : Json(mediaError_)}}},
      {"roomInfo", roomInfoJson_},
  };
  if (signaler_.closeCode() != 0) {
    out["close"] = {{"code", signaler_.closeCode()}, {"reason", signaler_.closeReason()}};
  }
  if (!signaler_.failure().empty()) out["error"] = signaler_.failure();
  if (!lastProblem_.empty()) out["problem"] = lastProblem_;
  return out;
}

void Manager::report(std::string_view problem) {
  lastProblem_ = problem;
  emit({ManagerEvent::Kind::Problem, {}, {}, std::string(problem), {}});
  changed();
}

void Manager::emit(ManagerEvent event) {
  using Kind = ManagerEvent::Kind;
  const bool inRoom = event.kind == Kind::PeerJoined || event.kind == Kind::PeerLeft ||
                      event.kind == Kind::PeerState || event.kind == Kind::Text;
  if (inRoom && !joinAnnounced_) {
    // What happens in the room is told after our own arrival: a chat line can overtake the pong.
    if (heldEvents_.size() < kMaxEarlyMessages) heldEvents_.push_back(std::move(event));
    return;
  }
  if (onEvent_) onEvent_(event);
}

void Manager::send(const Message& message) {
  if (auto error = signaler_.send(message)) report(error->message);
}

void Manager::sendToServer(MessageType type, std::optional<Json> data) {
  send(outgoing(std::string(kGroundControl), type, std::move(data)));
}

void Manager::changed() {
  if (onChange_) onChange_();
}

}  // namespace orbit
