#include "manager.hpp"

#include "codec.hpp"

#include <algorithm>
#include <iterator>
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

}  // namespace

std::string_view toString(UnsentLine::State state) {
  return state == UnsentLine::State::Waiting ? "waiting" : "failed";
}

std::string_view toString(ManagerEvent::Kind kind) {
  switch (kind) {
    case ManagerEvent::Kind::Joined: return "joined";
    case ManagerEvent::Kind::PeerPresent: return "peer-present";
    case ManagerEvent::Kind::PeerJoined: return "peer-joined";
    case ManagerEvent::Kind::PeerLeft: return "peer-left";
    case ManagerEvent::Kind::PeerState: return "peer-state";
    case ManagerEvent::Kind::PeerMedia: return "peer-media";
    case ManagerEvent::Kind::Text: return "text";
    case ManagerEvent::Kind::MediaError: return "media-error";
    case ManagerEvent::Kind::PeerFailed: return "peer-failed";
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
      options_(std::move(options)),
      localMedia_(media,
                  {
                      .add = [this](const LocalTrack& track) { addToPeers(track); },
                      .replace = [this](const LocalTrack& current,
                                        const LocalTrack& replacement) { replaceOnPeers(current, replacement); },
                      .remove = [this](const LocalTrack& track) { removeFromPeers(track); },
                      .indicatorsChanged = [this] { sendProfile(); },
                      .failed = [this](const std::string& code, const std::string& what) {
                        ManagerEvent event{ManagerEvent::Kind::MediaError, {}, {}, what, {}};
                        event.code = code;
                        emit(std::move(event));
                      },
                      .problem = [this](std::string_view problem) { report(problem); },
                      // Through the server, what we publish follows every change (the add,
                      // replace and remove hooks are the mesh's: there a screen takes the
                      // camera's place).
                      .changed = [this] {
                        publishToServer();
                        changed();
                      },
                  }),
      signaler_(std::move(transport), scheduler, options_.signaler) {
  if (!options_.wallClock) options_.wallClock = systemMillis;
  signaler_.setHandlers({
      .onStateChange = [this] { handleStateChange(); },
      .onMessage = [this](const Message& message) { handleMessage(message); },
      .onProblem = [this](std::string_view problem) { report(problem); },
  });
}

Manager::~Manager() {
  peers_.clear();  // closes them; a VideoPeer calls nothing back from close()
  sfu_.reset();
}

void Manager::setOnChange(std::function<void()> onChange) { onChange_ = std::move(onChange); }
void Manager::setOnStats(std::function<void()> onStats) { onStats_ = std::move(onStats); }

void Manager::setOnEvent(std::function<void(const ManagerEvent&)> onEvent) { onEvent_ = std::move(onEvent); }

void Manager::join(WebSocketTarget target, RoomId room, std::string username) {
  room_ = std::move(room);
  username_ = std::move(username);
  left_ = false;
  session_ = Session{};
  iceServers_.clear();
  lastProblem_.clear();
  signaler_.connect(std::move(target));
}

void Manager::leave() {
  if (left_) return;
  left_ = true;
  const bool open = signaler_.state() == ConnectionState::Open;
  // docs/protocol.md: bye to each peer, bye to ground control, close.
  for (auto& [id, entry] : peers_) {
    if (open && entry.session == signaler_.sessions()) send(outgoing(id, MessageType::Bye));
  }
  peers_.clear();
  sfu_.reset();
  sfuReported_.clear();
  session_.hungUp.clear();
  session_.early.clear();
  session_.heldEvents.clear();
  told_.clear();
  if (open) sendToServer(MessageType::Bye);
  awaited_.clear();
  failWaiting("you left the room");
  signaler_.close(1000, "left the room");
  localMedia_.release();
  changed();
}

std::string Manager::selfName() const {
  if (session_.roomInfo && !selfId().empty()) {
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

std::string Manager::displayName(std::string_view id) const {
  const std::string name = nameOf(id);
  if (name.empty() || !isMember(id)) return name;
  // Everyone's list is in the server's order, so every client numbers the same people alike.
  int earlier = 0;
  for (const auto& client : session_.roomInfo->clients) {
    if (client.id == id) break;
    if (client.username == name) ++earlier;
  }
  return earlier == 0 ? name : name + " (" + std::to_string(earlier + 1) + ")";
}

bool Manager::isMember(std::string_view id) const { return memberOf(id) != nullptr; }

std::string Manager::memberNamed(std::string_view name) const {
  if (!session_.roomInfo) return {};
  for (const auto& client : session_.roomInfo->clients) {
    if (client.id != selfId().str() && client.username == name) return client.id;
  }
  return {};
}

const RoomClient* Manager::memberOf(std::string_view id) const {
  if (!session_.roomInfo) return nullptr;
  for (const auto& client : session_.roomInfo->clients) {
    if (client.id == id) return &client;
  }
  return nullptr;
}

std::vector<std::string> Manager::others() const {
  std::vector<std::string> ids;
  if (session_.roomInfo) {
    for (const auto& client : session_.roomInfo->clients) {
      if (client.id != selfId().str()) ids.push_back(client.id);
    }
  }
  for (const auto& [id, entry] : peers_) {
    if (!isMember(id)) ids.push_back(id);
  }
  return ids;
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
  } else if (signaler_.state() != ConnectionState::Open && signaler_.selfId().empty() && session_.roomInfo) {
    // Lines typed from now on wait until these people are back. A loss before the room was
    // whole again keeps the fuller list from the loss before.
    if (awaited_.empty() && !session_.self.empty()) awaited_ = namesBut(session_.self);
    // Whoever was in the room is unknown until the next connection's room-info. The peer
    // connections stay up meanwhile: media does not go through the server.
    session_.roomInfo.reset();
    session_.roomInfoJson = nullptr;
  }
  changed();
}

void Manager::rejoin() {
  // A new connection is a new client to the server: a new id, no name, no room-info yet.
  // The Signaler has already sent the ping that tells us the id.
  joinedSession_ = signaler_.sessions();
  session_ = Session{};
  // Its connections with the server were this client's: the server says again which mode.
  sfu_.reset();
  sfuReported_.clear();
  sendProfile();
  const unsigned session = joinedSession_;
  auto onIceServers = [this, session](Result<Message> reply) {
    if (reply || session != signaler_.sessions()) return;
    // Host candidates still connect a LAN; say why a wider network may not.
    report("no ICE servers: " + reply.error().message);
    session_.iceServersKnown = true;
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
      session_.iceServersKnown = true;
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
      if (message.sender == kGroundControl) {
        if (sfu_) {
          sfu_->handle(message);
        } else if (session_.earlyMode && session_.earlyFromServer.size() < kMaxEarlyMessages) {
          session_.earlyFromServer.push_back(message);
        }
        return;
      }
      return handlePeerMessage(message);
    case MessageType::RoomMode:
      return handleRoomMode(message);
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
  const bool quiet = !session_.joinAnnounced;
  const std::optional<RoomInfoData> before = std::move(session_.roomInfo);
  session_.roomInfo = std::move(info);
  session_.roomInfoJson = std::move(json);
  session_.rosterSeen = true;
  std::set<std::string> present;
  for (const auto& client : session_.roomInfo->clients) {
    present.insert(client.id);
    if (auto it = peers_.find(client.id); it != peers_.end()) it->second.name = client.username;
    const bool other = client.id != selfId().str();
    if (auto it = session_.announced.find(client.id); it != session_.announced.end()) {
      // A member already in the room when we came may name itself later: its profile can trail its join.
      if (!client.username.empty()) it->second = client.username;
      if (!quiet && other) tell(ManagerEvent::Kind::PeerPresent, client);
    } else if (quiet) {
      // Told by announceJoin(), after our own arrival.
      session_.announced[client.id] = client.username;
    } else if (!client.username.empty() && other) {
      // A newcomer is announced once it has a name: the profile follows the join.
      session_.announced[client.id] = client.username;
      tell(ManagerEvent::Kind::PeerJoined, client);
    }
  }
  for (auto it = session_.announced.begin(); it != session_.announced.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    if (told_.erase(it->first)) emit({ManagerEvent::Kind::PeerLeft, it->first, it->second, {}, {}});
    it = session_.announced.erase(it);
  }
  tellMediaChanges(before);
  announceJoin();
  becomeReady();
  changed();
}

void Manager::announceJoin() {
  // The server's first room-info may come before the pong that tells us who we are.
  if (session_.joinAnnounced || !session_.rosterSeen || selfId().empty()) return;
  session_.joinAnnounced = true;
  session_.self = selfId().str();
  emit({ManagerEvent::Kind::Joined, selfId().str(), selfName(), {}, {}});
  // Back after a reconnect, everyone has a new id: the old ones are gone.
  for (auto it = told_.begin(); it != told_.end();) {
    if (isMember(it->first)) {
      ++it;
      continue;
    }
    emit({ManagerEvent::Kind::PeerLeft, it->first, it->second, {}, {}});
    it = told_.erase(it);
  }
  if (session_.roomInfo) {
    for (const auto& client : session_.roomInfo->clients) {
      if (client.id != selfId().str()) tell(ManagerEvent::Kind::PeerPresent, client);
    }
  }
  for (ManagerEvent& event : std::exchange(session_.heldEvents, {})) emit(std::move(event));
}

void Manager::tell(ManagerEvent::Kind kind, const RoomClient& client) {
  // Once it has a name (its profile can trail its join), and once per id.
  if (client.username.empty() || told_.count(client.id)) return;
  told_[client.id] = client.username;
  ManagerEvent event{kind, client.id, client.username, {}, {}};
  event.indicators = client.indicators;
  emit(std::move(event));
}

void Manager::tellMediaChanges(const std::optional<RoomInfoData>& before) {
  if (!before) return;
  for (const auto& client : session_.roomInfo->clients) {
    if (!told_.count(client.id)) continue;
    const auto was = std::find_if(before->clients.begin(), before->clients.end(),
                                  [&client](const RoomClient& c) { return c.id == client.id; });
    if (was == before->clients.end() || was->indicators == client.indicators) continue;
    ManagerEvent event{ManagerEvent::Kind::PeerMedia, client.id, client.username, {}, {}};
    event.indicators = client.indicators;
    emit(std::move(event));
  }
}

// --- peers ---

bool Manager::ready() const {
  return !left_ && signaler_.state() == ConnectionState::Open && !selfId().empty() && session_.iceServersKnown &&
         session_.rosterSeen;
}

void Manager::becomeReady() {
  if (!ready()) return;
  if (auto mode = std::exchange(session_.earlyMode, std::nullopt)) handleRoomMode(*mode);
  for (Message& message : std::exchange(session_.earlyFromServer, {})) {
    if (sfu_) sfu_->handle(message);
  }
  reconcile();
  for (Message& message : std::exchange(session_.early, {})) handlePeerMessage(message);
  flushUnsent();
}

void Manager::reconcile() {
  if (sfu_) {
    // Media goes through the server: no connection to anyone else.
    while (!peers_.empty()) closePeer(std::string(peers_.begin()->first));  // a copy: the key goes
    return sfuChanged();
  }
  const unsigned session = signaler_.sessions();
  std::set<std::string> members;
  for (const auto& client : session_.roomInfo->clients) {
    // Only a client id can be called, as only one is answered (handlePeerMessage): an offer to
    // "" or "ground control" would reach the server, and one to "room" everyone.
    if (client.id != selfId().str() && isClientId(client.id)) members.insert(client.id);
  }
  // Gone from the room, or made on an earlier connection: the ids on both ends changed.
  std::vector<std::string> stale;
  for (const auto& [id, entry] : peers_) {
    if (entry.session != session || members.count(id) == 0) stale.push_back(id);
  }
  for (const std::string& id : stale) closePeer(id);
  for (auto it = session_.hungUp.begin(); it != session_.hungUp.end();) {
    it = members.count(*it) ? std::next(it) : session_.hungUp.erase(it);
  }
  for (const std::string& id : members) {
    if (peers_.count(id) == 0 && session_.hungUp.count(id) == 0) createPeer(id);
  }
  applyUplinkBudget();  // shared anew among the peers there are now
}

VideoPeer* Manager::createPeer(const std::string& id) {
  VideoPeer::Handlers handlers;
  const unsigned session = signaler_.sessions();
  handlers.send = [this, session](const Message& message) {
    // Addressed by this connection's ids: after a reconnect nobody would receive it.
    if (signaler_.state() == ConnectionState::Open && signaler_.sessions() == session) send(message);
  };
  handlers.onChange = [this, id] { peerChanged(id); };
  handlers.onStats = [this] { statsChanged(); };
  handlers.onProblem = [this, id](std::string_view problem) {
    report(nameOf(id).empty() ? std::string(problem) : nameOf(id) + ": " + std::string(problem));
  };
  VideoPeer::Options peerOptions = options_.peer;
  peerOptions.offersFirst = joinedAfter(id);
  auto peer = std::make_unique<VideoPeer>(selfId(), ClientId(id), peerBackend_, scheduler_, configuration(),
                                          std::move(handlers), peerOptions);
  VideoPeer* raw = peer.get();
  peers_[id] = PeerEntry{std::move(peer), session, PeerConnectionState::New, nameOf(id), std::nullopt, {}};
  // Adding tracks or receivers fires negotiationneeded; the side that answers waits for the offer.
  addTracksTo(*raw, peerOptions.offersFirst);
  changed();
  return raw;
}

bool Manager::joinedAfter(const std::string& id) const {
  // room-info lists the clients in the order they joined (docs/protocol.md), so both ends of
  // a connection agree on who came later, even when two join at the same moment and each
  // finds the other in its first room-info.
  if (!session_.roomInfo) return true;
  const auto& clients = session_.roomInfo->clients;
  const auto position = [&clients](const std::string& who) {
    return std::find_if(clients.begin(), clients.end(), [&who](const auto& c) { return c.id == who; }) - clients.begin();
  };
  return position(selfId().str()) > position(id);
}

void Manager::closePeer(const std::string& id) {
  // Sends nothing: the peer has gone, or said bye itself, or has a new id by now.
  const auto it = peers_.find(id);
  if (it == peers_.end()) return;
  const bool wasOpen = it->second.reported != PeerConnectionState::Closed;
  const std::string name = nameOf(id);  // a peer from before a reconnect is named only by its entry
  peers_.erase(it);
  applyUplinkBudget();  // the others get its share
  if (wasOpen) emit({ManagerEvent::Kind::PeerState, id, name, {}, PeerConnectionState::Closed});
  changed();
}

void Manager::peerChanged(const std::string& id) {
  const auto it = peers_.find(id);
  if (it == peers_.end()) return;
  // Told once per reason: a restart that fails the same way again says nothing new.
  const std::string& failure = it->second.peer->failure();
  if (failure != it->second.failureTold) {
    it->second.failureTold = failure;
    if (!failure.empty()) {
      const std::string name = displayName(id);
      emit({ManagerEvent::Kind::PeerFailed, id, nameOf(id),
            "Could not connect to " + (name.empty() ? std::string("someone") : name) + ": " + failure + "."});
    }
  }
  const PeerConnectionState state = it->second.peer->connectionState();
  if (state != it->second.reported) {
    it->second.reported = state;
    // Capped once connected: a sender's parameters are settled by its first negotiation.
    if (state == PeerConnectionState::Connected) applyUplinkBudget();
    emit({ManagerEvent::Kind::PeerState, id, nameOf(id), {}, state});
  } else if (state == PeerConnectionState::Connected && !it->second.limits &&
             it->second.peer->signalingState() == SignalingState::Stable) {
    applyUplinkBudget();  // a track added since the connection came up, now negotiated
  }
  changed();
}

void Manager::setUplinkBudget(int kbps) {
  options_.uplinkBudgetKbps = std::max(0, kbps);
  for (auto& [id, entry] : peers_) entry.limits.reset();
  applyUplinkBudget();
}

SendLimits Manager::meshVideoLimits() const {
  const int peers = std::max<int>(1, static_cast<int>(peers_.size()));
  SendLimits limits;
  if (options_.uplinkBudgetKbps > 0) {
    constexpr int kAudioKbps = 40;  // Opus at its usual rate, on each connection
    limits.maxBitrate = std::max(100, options_.uplinkBudgetKbps / peers - kAudioKbps) * 1000;
  }
  // Fewer pixels for more people: the tiles are smaller, and the encoder runs once per peer.
  limits.scaleDown = peers <= 2 ? 1.0 : peers == 3 ? 1.5 : 2.0;
  return limits;
}

void Manager::applyUplinkBudget() {
  if (sfu_) return;
  const SendLimits limits = meshVideoLimits();
  for (auto& [id, entry] : peers_) {
    if (entry.peer->connectionState() != PeerConnectionState::Connected || entry.limits == limits) continue;
    entry.limits = limits;
    for (const LocalTrack& track : localMedia_.sending()) {
      if (track.kind != TrackKind::Audio) entry.peer->setSendLimits(track, limits);
    }
  }
}

void Manager::handlePeerMessage(const Message& message) {
  if (left_) return;
  const std::string& from = message.sender;
  if (!isClientId(from)) return;  // the server stamps every relayed message
  if (!ready()) {
    // An offer can overtake our ice-servers reply: keep it for when we are ready.
    if (session_.early.size() < kMaxEarlyMessages) session_.early.push_back(message);
    return;
  }
  // Ourselves, as a server that echoes us stamps it: the room lists us, but we are nobody to call.
  if (from == selfId().str()) return;
  if (message.type == MessageType::Bye) {
    if (peers_.count(from)) {
      session_.hungUp.insert(from);
      closePeer(from);
    }
    return;
  }
  if (sfu_) return;  // a mesh offer that crossed the switch to the server
  auto it = peers_.find(from);
  if (it == peers_.end()) {
    // Someone not in the room is a peer that has just left: its last candidates are noise.
    // A member that hung up on us may call again with an offer.
    if (!isMember(from)) return;
    if (session_.hungUp.count(from) && message.type != MessageType::Offer) return;
    session_.hungUp.erase(from);
    createPeer(from);
    it = peers_.find(from);
  }
  it->second.peer->handle(message);
}

void Manager::addTracksTo(VideoPeer& peer, bool offers) {
  bool audio = false;
  bool video = false;
  for (const LocalTrack& track : localMedia_.sending()) {
    (track.kind == TrackKind::Audio ? audio : video) = true;
    if (auto error = peer.addTrack(track)) report(error->message);
  }
  if (!offers) return;
  for (const auto& [kind, sent] : {std::pair{TrackKind::Audio, audio}, std::pair{TrackKind::Video, video}}) {
    if (sent) continue;
    if (auto error = peer.addReceiver(kind)) report(error->message);
  }
}

void Manager::addToPeers(const LocalTrack& track) {
  for (auto& [id, entry] : peers_) {
    if (auto error = entry.peer->addTrack(track)) report(error->message);
    entry.limits.reset();  // a new sender: capped once its renegotiation is done (peerChanged)
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

void Manager::publishToServer() {
  if (sfu_) sfu_->setTracks({localMedia_.microphone(), localMedia_.camera(), localMedia_.screen()});
}

// --- a room that forwards media through the server ---

void Manager::handleRoomMode(const Message& message) {
  if (message.sender != kGroundControl || !message.data) return;
  if (!ready()) {
    session_.earlyMode = message;
    return;
  }
  auto mode = parseRoomMode(*message.data);
  if (!mode) return report("bad room-mode: " + mode.error().message);
  if (!mode->sfu) {
    if (!sfu_) return;
    sfu_.reset();
    // Members we told about as connected through the server are not, until the mesh is up.
    for (const auto& [id, state] : std::exchange(sfuReported_, {})) {
      if (state != PeerConnectionState::New && state != PeerConnectionState::Closed) {
        emit({ManagerEvent::Kind::PeerState, id, nameOf(id), {}, PeerConnectionState::Closed});
      }
    }
    if (!mode->reason.empty()) report(mode->reason);
    if (ready()) reconcile();
    return changed();
  }
  if (!sfu_) {
    SfuSession::Handlers handlers;
    const unsigned session = signaler_.sessions();
    handlers.send = [this, session](const Message& m) {
      if (signaler_.state() == ConnectionState::Open && signaler_.sessions() == session) send(m);
    };
    handlers.onChange = [this] { sfuChanged(); };
    handlers.onStats = [this] { statsChanged(); };
    handlers.onProblem = [this](std::string_view problem) { report("media through the server: " + std::string(problem)); };
    sfu_ = std::make_unique<SfuSession>(peerBackend_, scheduler_, configuration(), std::move(handlers), options_.sfu);
    while (!peers_.empty()) closePeer(std::string(peers_.begin()->first));  // a copy: the key goes
    session_.hungUp.clear();
    publishToServer();
  }
  sfu_->setStreams(std::move(mode->streams));
}

void Manager::sfuChanged() {
  if (sfu_ && session_.roomInfo) {
    for (const auto& client : session_.roomInfo->clients) {
      if (client.id == selfId().str()) continue;
      const PeerConnectionState state = connectionOf(client.id);
      auto [it, added] = sfuReported_.try_emplace(client.id, PeerConnectionState::New);
      if (it->second == state) continue;
      it->second = state;
      emit({ManagerEvent::Kind::PeerState, client.id, client.username, {}, state});
    }
  }
  changed();
}

std::vector<RemoteTrack> Manager::tracksOf(std::string_view id) const {
  if (sfu_) return sfu_->tracksOf(id);
  const auto it = peers_.find(std::string(id));
  return it == peers_.end() ? std::vector<RemoteTrack>{} : it->second.peer->remoteTracks();
}

PeerConnectionState Manager::connectionOf(std::string_view id) const {
  if (sfu_) {
    // Connected through the server once the subscribe connection carries its tracks.
    return sfu_->tracksOf(id).empty() ? PeerConnectionState::New : sfu_->subscribeState();
  }
  const auto it = peers_.find(std::string(id));
  return it == peers_.end() ? PeerConnectionState::New : it->second.peer->connectionState();
}

// --- local media ---

void Manager::sendProfile() {
  // The server needs a name in every profile; a nameless client shows no indicators.
  if (username_.empty() || left_ || signaler_.state() != ConnectionState::Open) return;
  const MediaIndicators now = indicators();
  if (session_.sentIndicators && *session_.sentIndicators == now) return;
  session_.sentIndicators = now;
  // "sfu": this client can take part in a room that forwards media through the server.
  sendToServer(MessageType::Profile, toJson(ProfileData{username_, now, true}));
}

// --- chat ---

std::optional<Error> Manager::sendText(std::string_view text, std::string_view to) {
  if (left_) return Error{"you have left the room"};
  if (text.empty()) return Error{"the message is empty"};
  if (!isValidUtf8(text)) return Error{"the message is not valid UTF-8"};
  if (utf8Length(text) > kMaxTextChars) {
    return Error{"the message is longer than " + std::to_string(kMaxTextChars) + " characters"};
  }
  const Signaler::Millis now = scheduler_.now();
  textTokens_ = std::min(kTextBurst, textTokens_ + kTextPerSecond * static_cast<double>((now - textTokensAt_).count()) / 1000.0);
  textTokensAt_ = now;
  if (textTokens_ < 1) {
    return Error{"cannot send text: over " + std::to_string(static_cast<int>(kTextBurst)) + " lines at once (then " +
                 std::to_string(static_cast<int>(kTextPerSecond)) + " a second); this one was not sent"};
  }
  textTokens_ -= 1;
  auto refusal = sendOrHold(text, to);
  if (refusal) textTokens_ += 1;  // refused for another reason: it costs nothing
  return refusal;
}

std::optional<Error> Manager::sendOrHold(std::string_view text, std::string_view to) {
  const bool waitingLines = std::any_of(unsent_.begin(), unsent_.end(), [](const UnsentLine& line) {
    return line.state == UnsentLine::State::Waiting;
  });
  // Before the first join the Signaler queues as usual; after it, a line that would not
  // reach everyone who was here waits (and one behind a waiting line, to keep the order).
  const bool hold = joinedSession_ > 0 && (!ready() || !awaited_.empty() || waitingLines);
  if (!hold) {
    if (!to.empty() && !isMember(to)) return Error{"nobody with the id " + std::string(to) + " is in the room"};
    return transmitText(std::string(text), std::string(to));
  }
  std::string toName;
  if (!to.empty()) {
    // Ids change with a reconnect: the receiver is found again by name.
    toName = nameOf(to);
    if (toName.empty()) return Error{"nobody with the id " + std::string(to) + " is in the room"};
  }
  if (unsent_.size() >= kMaxUnsent) {
    return Error{"cannot send text: " + std::to_string(unsent_.size()) + " lines already wait for the room"};
  }
  const std::uint64_t id = ++lastLineId_;
  unsent_.push_back({id, std::string(text), std::string(to), std::move(toName), options_.wallClock(),
                       UnsentLine::State::Waiting, {}});
  scheduler_.after(kUnsentWait, alive_.guard([this, id] {
    // Once the connection is back, kRoomWholeWait decides instead.
    if (ready()) return;
    for (UnsentLine& line : unsent_) {
      if (line.id != id || line.state != UnsentLine::State::Waiting) continue;
      line.state = UnsentLine::State::Failed;
      line.why = "no connection to the server";
      changed();
    }
  }));
  changed();
  flushUnsent();
  return std::nullopt;
}

std::optional<Error> Manager::transmitText(const std::string& text, const std::string& to) {
  const bool direct = !to.empty();
  TextData data{selfName(), options_.wallClock(), text, direct};
  if (auto error = signaler_.send(outgoing(direct ? to : std::string(kRoom), MessageType::Text, toJson(data)))) {
    return error;
  }
  if (direct) addChat({selfId().str(), data.from, to, data.text, data.time, true});
  return std::nullopt;
}

std::multiset<std::string> Manager::namesBut(std::string_view self) const {
  std::multiset<std::string> names;
  if (session_.roomInfo) {
    for (const auto& client : session_.roomInfo->clients) {
      if (client.id != self && !client.username.empty()) names.insert(client.username);
    }
  }
  return names;
}

bool Manager::roomWhole() const {
  const std::multiset<std::string> present = namesBut(selfId().str());
  return std::includes(present.begin(), present.end(), awaited_.begin(), awaited_.end());
}

void Manager::flushUnsent() {
  if (!ready()) return;
  if (!awaited_.empty() && roomWhole()) awaited_.clear();
  if (!awaited_.empty()) {
    // Not everyone is back: the waiting lines wait a little longer, not for ever.
    const unsigned session = signaler_.sessions();
    if (std::exchange(wholeWaitFor_, session) == session) return;
    scheduler_.after(kRoomWholeWait, alive_.guard([this, session] {
      if (session != signaler_.sessions() || awaited_.empty()) return;
      const std::multiset<std::string> awaited = std::exchange(awaited_, {});
      const std::multiset<std::string> present = namesBut(selfId().str());
      std::vector<std::string> missing;
      std::set_difference(awaited.begin(), awaited.end(), present.begin(), present.end(), std::back_inserter(missing));
      std::string names;
      for (const std::string& name : missing) names += (names.empty() ? "" : ", ") + name;
      failWaiting("not everyone is back (" + names + ")");
    }));
    return;
  }
  bool sent = false;
  for (auto it = unsent_.begin(); it != unsent_.end();) {
    if (it->state != UnsentLine::State::Waiting) {
      ++it;
      continue;
    }
    std::string to = it->toId;
    if (!to.empty() && !isMember(to)) {
      to = memberNamed(it->toName);
      if (to.empty()) {
        it->state = UnsentLine::State::Failed;
        it->why = it->toName + " is not in the room";
        ++it;
        continue;
      }
    }
    if (auto error = transmitText(it->text, to)) {
      it->state = UnsentLine::State::Failed;
      it->why = error->message;
      ++it;
      continue;
    }
    sent = true;
    it = unsent_.erase(it);
  }
  if (sent) changed();
}

void Manager::failWaiting(const std::string& why) {
  bool failed = false;
  for (UnsentLine& line : unsent_) {
    if (line.state != UnsentLine::State::Waiting) continue;
    line.state = UnsentLine::State::Failed;
    line.why = why;
    failed = true;
  }
  if (failed) changed();
}

void Manager::retryLine(std::uint64_t id) {
  for (UnsentLine& line : unsent_) {
    if (line.id != id || line.state != UnsentLine::State::Failed) continue;
    if (left_) return;
    line.state = UnsentLine::State::Waiting;
    line.why.clear();
    // To the room as it is now.
    awaited_.clear();
    changed();
    return flushUnsent();
  }
}

void Manager::dropLine(std::uint64_t id) {
  const auto it = std::find_if(unsent_.begin(), unsent_.end(), [id](const UnsentLine& l) { return l.id == id; });
  if (it == unsent_.end()) return;
  unsent_.erase(it);
  changed();
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
                  self, text->history && !direct};
  if (entry.history) {
    // Replayed at every join: after a reconnect most of it is in the log already. Not news.
    const bool known = std::any_of(chat_.begin(), chat_.end(), [&entry](const ChatEntry& e) {
      return e.time == entry.time && e.text == entry.text && e.fromName == entry.fromName;
    });
    if (!known) addChat(std::move(entry));
    return;
  }
  if (!self) {
    ManagerEvent event{ManagerEvent::Kind::Text, entry.fromId, entry.fromName, entry.text, {}};
    event.to = entry.toId;
    emit(std::move(event));
  }
  addChat(std::move(entry));
}

void Manager::addChat(ChatEntry entry) {
  chat_.push_back(std::move(entry));
  ++chatAdded_;
  while (chat_.size() > kMaxChatEntries) chat_.pop_front();
  changed();
}

// --- plumbing ---

void Manager::report(std::string_view problem) {
  lastProblem_ = problem;
  emit({ManagerEvent::Kind::Problem, {}, {}, std::string(problem), {}});
  changed();
}

void Manager::emit(ManagerEvent event) {
  using Kind = ManagerEvent::Kind;
  const bool inRoom = event.kind == Kind::PeerPresent || event.kind == Kind::PeerJoined ||
                      event.kind == Kind::PeerLeft || event.kind == Kind::PeerState ||
                      event.kind == Kind::PeerMedia || event.kind == Kind::Text;
  if (inRoom && !session_.joinAnnounced) {
    // What happens in the room is told after our own arrival: a chat line can overtake the pong.
    if (session_.heldEvents.size() < kMaxEarlyMessages) session_.heldEvents.push_back(std::move(event));
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

void Manager::statsChanged() {
  if (onStats_) return onStats_();
  changed();
}

}  // namespace orbit
