#include "chat_manager.hpp"

#include "codec.hpp"
#include "logger.hpp"
#include "payloads.hpp"
#include "slug.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace orbit {
namespace {

constexpr std::uint32_t kErrorsLoggedPerClient = 20;

std::string shorten(std::string_view s, std::size_t max = 64) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "...";
}

// "0.8 s", "61.0 s": heartbeats in tests run in fractions of a second.
std::string secondsText(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

Message fromServer(const ChatClient& to, MessageType type, std::optional<Json> data = std::nullopt) {
  return Message{std::string(kGroundControl), to.id().str(), type, std::move(data)};
}

std::vector<std::shared_ptr<ChatClient>> everyClient(
    const std::map<std::string, std::unique_ptr<ChatRoom>, std::less<>>& rooms) {
  std::vector<std::shared_ptr<ChatClient>> out;
  for (const auto& [id, room] : rooms) {
    out.insert(out.end(), room->clients().begin(), room->clients().end());
  }
  return out;
}

}  // namespace

std::string_view toString(UpgradeRefusal refusal) {
  switch (refusal) {
    case UpgradeRefusal::NotFound: return "not_found";
    case UpgradeRefusal::Origin: return "origin";
    case UpgradeRefusal::InvalidRoom: return "invalid_room";
    case UpgradeRefusal::PasswordRequired: return "password_required";
    case UpgradeRefusal::BadToken: return "bad_token";
    case UpgradeRefusal::RoomFull: return "room_full";
    case UpgradeRefusal::ShuttingDown: return "shutting_down";
    case UpgradeRefusal::AddressConnections: return "ip_connections";
    case UpgradeRefusal::AddressRate: return "ip_rate";
    case UpgradeRefusal::ServerFull: return "server_full";
    case UpgradeRefusal::Count: break;
  }
  return "other";
}

std::string_view toString(LeaveReason reason) {
  switch (reason) {
    case LeaveReason::Bye: return "bye";
    case LeaveReason::Closed: return "closed";
    case LeaveReason::TimedOut: return "timed_out";
    case LeaveReason::Slow: return "slow";
    case LeaveReason::TooBig: return "too_big";
    case LeaveReason::Error: return "error";
    case LeaveReason::Shutdown: return "shutdown";
    case LeaveReason::Count: break;
  }
  return "other";
}

std::string_view toString(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::MissingPassword: return "missing_password";
    case AuthFailure::WrongPassword: return "wrong_password";
    case AuthFailure::Backoff: return "backoff";
    case AuthFailure::MissingToken: return "missing_token";
    case AuthFailure::BadToken: return "bad_token";
    case AuthFailure::Count: break;
  }
  return "other";
}

ChatManager::ChatManager(ManagerConfig config)
    : config_(std::move(config)),
      tokens_(config_.tokenSecret.empty() ? randomSecret(32) : config_.tokenSecret, config_.tokenTtl),
      passwords_(config_.passwordBackoff) {
  if (!config_.unixNow) {
    config_.unixNow = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

ChatRoom* ChatManager::findRoom(std::string_view roomId) {
  auto it = rooms_.find(roomId);
  return it == rooms_.end() ? nullptr : it->second.get();
}

const ChatRoom* ChatManager::room(std::string_view roomId) const {
  auto it = rooms_.find(roomId);
  return it == rooms_.end() ? nullptr : it->second.get();
}

std::optional<Refusal> ChatManager::admit(std::string_view roomId, std::string_view token) const {
  if (shuttingDown_) return Refusal{503, "the server is shutting down"};
  if (!isValidSlug(roomId)) {
    return Refusal{400, "not a room id: 1 to 64 lower-case letters (of any script), digits and '-'"};
  }
  const ChatRoom* r = room(roomId);
  if (!r) return std::nullopt;  // joining creates it
  if (r->settings().passwordHash) {
    if (token.empty()) return Refusal{401, "this room needs a password"};
    if (!tokens_.verify(r->id(), token, config_.unixNow())) {
      return Refusal{401, "the join token is invalid or has expired; enter the password again"};
    }
  }
  if (r->full(config_.maxRoomSize)) {
    return Refusal{403, "the room is full (" + std::to_string(r->capacity(config_.maxRoomSize)) +
                            " participants)"};
  }
  return std::nullopt;
}

ChatRoom& ChatManager::ensureRoom(std::string_view roomId, TimePoint now) {
  if (ChatRoom* r = findRoom(roomId)) return *r;
  RoomSettings implicit;
  implicit.name = std::string(roomId);
  auto created = std::make_unique<ChatRoom>(RoomId(std::string(roomId)), std::move(implicit), now);
  ChatRoom& r = *created;
  rooms_.emplace(std::string(roomId), std::move(created));
  return r;
}

Result<std::shared_ptr<ChatClient>> ChatManager::join(std::string_view roomId, Connection& connection,
                                                      TimePoint now, std::optional<Seat> seat) {
  now_ = now;
  if (shuttingDown_) return Error{"the server is shutting down"};
  if (!isValidSlug(roomId)) return Error{"invalid room id"};
  ChatRoom* r = &ensureRoom(roomId, now);
  // admit() ran before the upgrade; the room may have filled while the handshake ran. A seat
  // was counted by the cluster already.
  if (!seat && r->full(config_.maxRoomSize)) return Error{"the room is full"};

  auto client = std::make_shared<ChatClient>(seat ? seat->id : ClientId(randomHexId()), r->id(), connection, now,
                                             config_.clientLimits);
  client->setOrder(seat ? seat->order : r->nextOrder());
  r->add(client);
  ++clientCount_;
  ++metrics_.clientsJoined;
  log(LogLevel::Info, "join", field("room", r->id().str()), field("client", client->id().str()),
      field("ip", connection.address()), field("clients", r->size()));
  // Announced now, not with the seat: other instances' clients send offers to whomever they
  // see, and until now there was nobody here to take them.
  if (config_.cluster) config_.cluster->updated(r->id(), *client);
  broadcastRoomInfo(*r);
  if (config_.sfu) config_.sfu->membersChanged(*r);
  return client;
}

void ChatManager::leave(ChatClient& client, LeaveReason reason, std::string_view why, TimePoint now) {
  now_ = now;
  if (!client.connection()) return;  // already gone
  const std::string address(client.connection()->address());
  client.detach();
  ChatRoom* r = findRoom(client.roomId().str());
  // Keeps `client` alive to the end of this function, whatever the room held.
  const auto removed = r ? r->remove(client.id(), now) : nullptr;
  if (!removed) return;
  --clientCount_;
  ++metrics_.leaves[static_cast<std::size_t>(shuttingDown_ ? LeaveReason::Shutdown : reason)];
  log(LogLevel::Info, "leave", field("room", r->id().str()), field("client", client.id().str()), field("ip", address),
      field("name", client.name()), field("reason", why), field("clients", r->size()));
  if (config_.cluster) config_.cluster->left(r->id(), client.id());
  if (config_.sfu) {
    config_.sfu->left(r->id(), client.id());
    config_.sfu->membersChanged(*r);  // an empty room's VideoRoom goes too
  }
  membersChanged(*r, now);
}

void ChatManager::membersChanged(ChatRoom& room, TimePoint now) {
  now_ = now;
  if (!room.empty()) {
    if (!shuttingDown_) broadcastRoomInfo(room);
    return;
  }
  if (!room.settings().explicitlyCreated) {
    log(LogLevel::Debug, "room closed: empty", field("room", room.id().str()));
    rooms_.erase(room.id().str());
    return;
  }
  const std::int64_t unixTime = config_.unixNow();
  if (config_.roomEmptied) config_.roomEmptied(room.id(), unixTime);
  if (config_.cluster) config_.cluster->emptied(room.id(), unixTime);
}

UpgradeRefusal ChatManager::classify(const Refusal& refusal, bool hadToken) {
  switch (refusal.status) {
    case 400: return UpgradeRefusal::InvalidRoom;
    case 401: return hadToken ? UpgradeRefusal::BadToken : UpgradeRefusal::PasswordRequired;
    case 503: return UpgradeRefusal::ShuttingDown;
    default: return UpgradeRefusal::RoomFull;  // 403: admit()'s and the cluster's only other refusal
  }
}

void ChatManager::upgradeRefused(std::string_view address, std::string_view roomId, UpgradeRefusal kind,
                                 std::string_view reason, TimePoint now) {
  ++metrics_.upgradesRefused[static_cast<std::size_t>(kind)];
  if (kind == UpgradeRefusal::PasswordRequired) return authFailed(address, roomId, AuthFailure::MissingToken, now);
  if (kind == UpgradeRefusal::BadToken) return authFailed(address, roomId, AuthFailure::BadToken, now);
  const bool limit = kind == UpgradeRefusal::AddressConnections || kind == UpgradeRefusal::AddressRate ||
                     kind == UpgradeRefusal::ServerFull;
  const auto heldBack = (limit ? limitLog_ : refusalLog_).admit(address, now);
  if (!heldBack) return;
  log(limit ? LogLevel::Warn : LogLevel::Info, "refused websocket", field("ip", address), field("room", roomId), field("why", toString(kind)),
      field("reason", reason), field("held_back", *heldBack));
}

void ChatManager::authFailed(std::string_view address, std::string_view roomId, AuthFailure failure, TimePoint now) {
  ++metrics_.authFailures[static_cast<std::size_t>(failure)];
  const auto heldBack = authLog_.admit(address, now);
  if (!heldBack) return;
  log(LogLevel::Warn, "authentication failed", field("ip", address), field("room", roomId),
      field("reason", toString(failure)), field("held_back", *heldBack));
}

std::optional<Duration> ChatManager::passwordAttempt(std::string_view address, std::string_view roomId,
                                                     TimePoint now) {
  now_ = now;
  auto wait = passwords_.begin(address, roomId, now);
  if (wait) authFailed(address, roomId, AuthFailure::Backoff, now);
  return wait;
}

void ChatManager::passwordChecked(std::string_view address, std::string_view roomId, bool right, TimePoint now) {
  now_ = now;
  const auto wait = passwords_.finished(address, roomId, right, now);
  if (right) return;
  authFailed(address, roomId, AuthFailure::WrongPassword, now);
  if (wait) {
    log(LogLevel::Warn, "password guessing slowed down", field("ip", address), field("room", roomId),
        field("wait_s", std::chrono::duration<double>(*wait).count()));
  }
}

void ChatManager::onBinary(ChatClient& client, TimePoint now) {
  now_ = now;
  if (!client.connection()) return;
  ++metrics_.framesReceived;
  client.heard(now);
  if (!admitInbound(client, now)) return;
  sendError(client, "binary frames are not part of the protocol: send JSON in a text frame");
}

bool ChatManager::admitInbound(ChatClient& client, TimePoint now) {
  switch (client.admitInbound(now)) {
    case ChatClient::Inbound::Accepted: return true;
    case ChatClient::Inbound::Throttled:
      ++metrics_.messagesThrottled;
      sendError(client, "too many messages: at most " +
                            std::to_string(static_cast<int>(config_.clientLimits.messagesPerSecond)) +
                            " per second; messages over the limit are dropped");
      return false;
    case ChatClient::Inbound::ThrottledAgain:
      ++metrics_.messagesThrottled;
      return false;
  }
  return false;
}

void ChatManager::onText(ChatClient& client, std::string_view frame, TimePoint now) {
  now_ = now;
  if (!client.connection()) return;  // frames still in flight after it left
  ++metrics_.framesReceived;
  client.heard(now);
  if (!admitInbound(client, now)) return;

  auto decoded = decoder_.decode(frame);
  if (!decoded) {
    sendError(client, decoded.error().message);
    return;
  }
  Message& msg = *decoded;
  msg.sender = client.id().str();  // whatever the client wrote, the server says who sent it

  const bool toServer = msg.receiver.empty() || msg.receiver == kGroundControl;
  const std::string type(toString(msg.type));
  switch (msg.type) {
    case MessageType::RoomInfo:
    case MessageType::IceServers:
    case MessageType::Error:
    case MessageType::RoomMode:
      sendError(client, type + " is sent by the server, not by clients");
      return;
    case MessageType::Layer:
    case MessageType::IceRestart: {
      if (!toServer) return sendError(client, type + " is addressed to \"ground control\"");
      if (!config_.sfu || !config_.sfu->forwarding(client.roomId().str()) || !client.sfuCapable()) {
        return sendError(client, type + ": the room does not forward media through the server");
      }
      const auto connection = msg.type == MessageType::IceRestart ? parseSfuConnection(*msg.data) : SfuConnection::Subscribe;
      config_.sfu->fromClient(client, *connection, msg);
      return;
    }
    case MessageType::GetRoomInfo:
    case MessageType::GetIceServers:
    case MessageType::Profile:
      if (!toServer) {
        sendError(client, type + " is addressed to \"ground control\"");
        return;
      }
      handleServerMessage(client, msg, now);
      return;
    case MessageType::Ping:
    case MessageType::Pong:
    case MessageType::Greeting:
    case MessageType::Bye:
      if (toServer) {
        handleServerMessage(client, msg, now);
      } else {
        relay(client, msg, outgoing(msg, frame));
      }
      return;
    case MessageType::Text: {
      if (toServer) {
        sendError(client, "text needs a receiver: \"room\" or a client id");
        return;
      }
      const bool forged = msg.data->erase("history") > 0;  // the server's word alone
      const SharedFrame line = outgoing(msg, forged ? std::string_view() : frame);
      relay(client, msg, line);
      if (msg.receiver == kRoom && config_.historyLines > 0) {
        ChatRoom* r = findRoom(client.roomId().str());
        if (r && config_.cluster) {
          config_.cluster->keep(r->id(), historyLine(*line), config_.historyLines);
        } else if (r) {
          r->remember(line, config_.historyLines);
        }
      }
      return;
    }
    case MessageType::Offer:
    case MessageType::Answer:
    case MessageType::IceCandidate:
      if (toServer && config_.sfu && config_.sfu->forwarding(client.roomId().str())) {
        if (!client.sfuCapable()) return sendError(client, cannotForward(client));
        auto connection = parseSfuConnection(*msg.data);
        if (!connection) return sendError(client, type + " " + connection.error().message);
        config_.sfu->fromClient(client, *connection, msg);
        return;
      }
      if (toServer || msg.receiver == kRoom) {
        sendError(client, type + " goes to one peer: set receiver to its client id");
        return;
      }
      if (msg.type == MessageType::Offer && !client.sfuCapable() && config_.sfu &&
          config_.sfu->forwarding(client.roomId().str())) {
        return sendError(client, cannotForward(client));
      }
      relay(client, msg, outgoing(msg, frame));
      return;
  }
}

void ChatManager::handleServerMessage(ChatClient& client, Message& msg, TimePoint now) {
  ChatRoom* r = findRoom(client.roomId().str());
  switch (msg.type) {
    case MessageType::Ping:
      sendTo(client, fromServer(client, MessageType::Pong, std::move(msg.data)));
      // A send can drop a client too far behind, and with it the room it emptied: `r` is then
      // gone, and nothing more goes to the client.
      if (!client.connection()) return;
      // Now that the client knows its id, the room-info it was spared catches up with it.
      if (client.introduce() && r)
        sendTo(client, fromServer(client, MessageType::RoomInfo, toJson(r->info())));
      replayHistory(client);
      return;
    case MessageType::GetRoomInfo:
      // Asked for, so always answered, even before the client knows its id.
      client.introduce();
      if (r) sendTo(client, fromServer(client, MessageType::RoomInfo, toJson(r->info())));
      replayHistory(client);
      return;
    case MessageType::Profile: {
      auto profile = parseProfile(*msg.data);  // decode() validated it already
      if (!profile) return sendError(client, profile.error().message);
      // Fields a profile leaves out keep their value: a client may send its name alone.
      MediaIndicators indicators = client.indicators();
      if (profile->indicators.muted) indicators.muted = profile->indicators.muted;
      if (profile->indicators.cameraOff) indicators.cameraOff = profile->indicators.cameraOff;
      if (profile->indicators.sharingScreen) indicators.sharingScreen = profile->indicators.sharingScreen;
      // The media forwarding hears of a client's first profile (whether it says "sfu" or not:
      // one that does not is told it cannot take part) and of a change of "sfu".
      const bool sfuChanged = (profile->sfu && *profile->sfu != client.sfuCapable()) || client.name().empty();
      if (profile->sfu) client.setSfuCapable(*profile->sfu);
      // After the room-info below, if there is one: the room knows the name first.
      const auto tellSfu = [&] {
        if (sfuChanged && config_.sfu && r) config_.sfu->membersChanged(*r);
      };
      if (profile->username == client.name() && indicators == client.indicators()) return tellSfu();
      if (profile->username != client.name()) {
        log(LogLevel::Info, "profile", field("room", client.roomId().str()), field("client", client.id().str()),
            field("name", profile->username));
      }
      client.setName(std::move(profile->username));
      client.setIndicators(indicators);
      client.changed();
      if (config_.cluster) config_.cluster->updated(client.roomId(), client);
      if (r) broadcastRoomInfo(*r);
      return tellSfu();
    }
    case MessageType::GetIceServers:
      sendTo(client, fromServer(client, MessageType::IceServers, toJson(iceServersFor(client.id()))));
      return;
    case MessageType::Greeting:
      log(LogLevel::Debug, "greeting", field("room", client.roomId().str()), field("client", client.id().str()),
          field("says", shorten(msg.data->get<std::string>(), 200)));
      return;
    case MessageType::Bye:
      if (auto* conn = client.connection()) conn->close(CloseCode::Normal, "bye", true);
      leave(client, LeaveReason::Bye, "said bye", now);
      return;
    default:
      return;  // pong: being heard was the point
  }
}

void ChatManager::sendFromServer(std::string_view roomId, const ClientId& id, MessageType type, Json data) {
  ChatRoom* r = findRoom(roomId);
  ChatClient* c = r ? r->find(id) : nullptr;
  if (c) sendTo(*c, fromServer(*c, type, std::move(data)));
}

void ChatManager::sendErrorTo(std::string_view roomId, const ClientId& id, std::string text) {
  ChatRoom* r = findRoom(roomId);
  if (ChatClient* c = r ? r->find(id) : nullptr) sendError(*c, std::move(text));
}

std::string ChatManager::cannotForward(const ChatClient& client) const {
  const ChatRoom* r = room(client.roomId().str());
  const std::size_t n = r ? r->size() : 0;
  return "room " + client.roomId().str() + " forwards media through the server (it has " + std::to_string(n) +
         (n == 1 ? " person" : " people") + "); this client cannot take part in its call: use Orbit's client";
}

void ChatManager::replayHistory(ChatClient& client) {
  // Found again, not passed in: the send before this one may have dropped the client, and
  // closed the room it left empty.
  const ChatRoom* room = client.connection() ? findRoom(client.roomId().str()) : nullptr;
  // Once, after the room-info: the newcomer knows who is here before it reads what was said.
  if (!room || !client.introduced() || std::exchange(client.historyReplayed, true)) return;
  if (config_.cluster) {
    if (config_.historyLines == 0) return;
    std::weak_ptr<ChatClient> weak;
    for (const auto& c : room->clients()) {
      if (c.get() == &client) weak = c;
    }
    config_.cluster->history(room->id(), [this, weak](std::vector<std::string> lines) {
      auto c = weak.lock();
      for (std::string& line : lines) {
        if (!c || !c->connection()) return;  // gone while Redis answered
        sendFrame(*c, std::make_shared<const std::string>(std::move(line)));
      }
    });
    return;
  }
  for (const SharedFrame& line : room->history()) {
    sendFrame(client, std::make_shared<const std::string>(historyLine(*line)));
    if (!client.connection()) return;  // dropped as too slow: the room may be gone with it
  }
}

SharedFrame ChatManager::outgoing(const Message& msg, std::string_view frame) {
  if (!frame.empty()) {
    if (auto spliced = relayedFrame(frame, msg.sender)) return std::make_shared<const std::string>(std::move(*spliced));
  }
  return std::make_shared<const std::string>(encode(msg));
}

std::string ChatManager::historyLine(const std::string& relayed) {
  auto line = decode(relayed);  // a frame this server wrote
  if (!line || !line->data || !line->data->is_object()) return relayed;
  (*line->data)["history"] = true;
  return encode(*line);
}

void ChatManager::relay(ChatClient& client, const Message& msg, const SharedFrame& frame) {
  ChatRoom* r = findRoom(client.roomId().str());
  if (!r) return;
  if (msg.receiver == kRoom) {
    if (config_.cluster && !r->remote().empty()) config_.cluster->relay(r->id(), std::string(kRoom), frame);
    // A copy: a receiver too slow to keep up is dropped from the room inside this loop.
    const auto receivers = r->clients();
    for (const auto& receiver : receivers) {
      ++metrics_.messagesRelayed;
      sendFrame(*receiver, frame);
    }
    return;
  }
  ChatClient* target = r->find(ClientId(msg.receiver));
  if (!target && config_.cluster && r->remote().count(ClientId(msg.receiver))) {
    // Counted as relayed where it is delivered, by the receiver's instance.
    config_.cluster->relay(r->id(), msg.receiver, frame);
    return;
  }
  if (!target) {
    sendError(client, "no client \"" + shorten(msg.receiver) + "\" in room " + r->id().str() +
                          ": not delivered");
    return;
  }
  ++metrics_.messagesRelayed;
  sendFrame(*target, frame);
}

void ChatManager::sendTo(ChatClient& client, const Message& msg) {
  sendFrame(client, std::make_shared<const std::string>(encode(msg)));
}

void ChatManager::sendFrame(ChatClient& client, SharedFrame frame) {
  if (!client.deliver(std::move(frame))) dropSlow(client);
}

void ChatManager::sendError(ChatClient& client, std::string text) {
  ++metrics_.errorsSent;
  const auto n = client.countError();
  // A client's mistakes are its own business, and one that repeats them must not fill the
  // log: debug only, and the first few per client.
  if (n <= kErrorsLoggedPerClient) {
    log(LogLevel::Debug, "error to client", n == kErrorsLoggedPerClient ? " (its further errors are not logged)" : "",
        field("room", client.roomId().str()), field("client", client.id().str()), field("error", text));
  }
  sendTo(client, fromServer(client, MessageType::Error, Json(std::move(text))));
}

void ChatManager::broadcastRoomInfo(ChatRoom& room) {
  // Each receiver's copy differs only in `receiver`, so the info itself is built once.
  const Json info = toJson(room.info());
  const auto receivers = room.clients();
  for (const auto& c : receivers) {
    if (c->introduced()) {
      sendTo(*c, fromServer(*c, MessageType::RoomInfo, info));
    } else {
      c->withholdRoomInfo();
    }
  }
}

void ChatManager::dropSlow(ChatClient& client) {
  ++metrics_.clientsDroppedSlow;
  log(LogLevel::Warn, "slow client dropped", field("room", client.roomId().str()), field("client", client.id().str()),
      field("unsent_bytes", client.queuedBytes()));
  disconnect(client, CloseCode::TryAgainLater, "too far behind", LeaveReason::Slow, "too slow to keep up");
}

void ChatManager::disconnect(ChatClient& client, CloseCode code, std::string reason, LeaveReason leaving,
                             std::string_view why) {
  const bool flush = code != CloseCode::TryAgainLater;
  if (auto* conn = client.connection()) conn->close(code, std::move(reason), flush);
  leave(client, leaving, why, now_);
}

std::vector<IceServer> ChatManager::iceServersFor(const ClientId& client) const {
  std::vector<IceServer> out;
  if (!config_.stunUrls.empty()) out.push_back({config_.stunUrls, std::nullopt, std::nullopt});
  if (!config_.turnUrls.empty() && !config_.turnSecret.empty()) {
    const auto cred = turnCredential(config_.turnSecret, client, config_.unixNow() + config_.turnTtl.count());
    out.push_back({config_.turnUrls, cred.username, cred.credential});
  }
  return out;
}

void ChatManager::tick(TimePoint now) {
  now_ = now;
  for (const auto& c : everyClient(rooms_)) {
    if (!c->connection()) continue;  // dropped earlier in this loop
    const Duration silence = now - c->lastHeard();
    if (silence >= config_.reapAfter) {
      ++metrics_.clientsReaped;
      sendTo(*c, fromServer(*c, MessageType::Bye,
                            Json("no sign of life for " + secondsText(silence))));
      disconnect(*c, CloseCode::GoingAway, "timed out", LeaveReason::TimedOut, "silent for " + secondsText(silence));
    } else if (silence >= config_.pingAfter && !c->pingOutstanding()) {
      c->markPinged();
      sendTo(*c, fromServer(*c, MessageType::Ping));
    }
  }
  for (auto it = rooms_.begin(); it != rooms_.end();) {
    ChatRoom& r = *it->second;
    if (r.empty() && now - r.emptySince() >= config_.roomIdleTimeout && config_.cluster) {
      // The cluster decides, since another instance may have let someone in meanwhile; asked
      // again after another idle timeout unless it closes the room (remoteRoomClosed).
      config_.cluster->closeIfIdle(r.id(), std::chrono::duration_cast<std::chrono::seconds>(config_.roomIdleTimeout).count());
      r.stillIdle(now);
      ++it;
    } else if (r.empty() && now - r.emptySince() >= config_.roomIdleTimeout) {
      log(LogLevel::Info, "room closed: empty for ", secondsText(now - r.emptySince()), field("room", r.id().str()));
      if (config_.roomClosed && r.settings().explicitlyCreated) config_.roomClosed(r.id());
      it = rooms_.erase(it);
    } else {
      ++it;
    }
  }
}

void ChatManager::shutdown() {
  if (shuttingDown_) return;
  shuttingDown_ = true;
  log(LogLevel::Info, "shutting down: saying bye to ", clientCount_, " clients");
  for (const auto& c : everyClient(rooms_)) {
    sendTo(*c, fromServer(*c, MessageType::Bye, Json("the server is shutting down")));
    if (auto* conn = c->connection()) conn->close(CloseCode::GoingAway, "server shutting down", true);
  }
}

std::variant<std::string, Refusal> ChatManager::createRoom(const CreateRoomRequest& request,
                                                           std::optional<std::string> passwordHash,
                                                           TimePoint now) {
  now_ = now;
  if (shuttingDown_) return Refusal{503, "the server is shutting down"};
  auto name = normalizeUsername(request.name, "a room name");
  if (!name) return Refusal{400, name.error().message};
  std::string id = slugify(*name);
  if (id.empty()) return Refusal{400, "a room name needs at least one letter or digit"};
  if (request.guestLimit > config_.maxRoomSize) {
    return Refusal{400, "a guest limit of " + std::to_string(request.guestLimit) + " is more than this server's " +
                            "largest room (" + std::to_string(config_.maxRoomSize) + ")"};
  }
  if (findRoom(id)) return Refusal{409, "a room called \"" + id + "\" already exists"};

  RoomSettings settings;
  settings.name = std::move(*name);
  settings.passwordHash = std::move(passwordHash);
  settings.isPublic = request.isPublic;
  settings.guestLimit = request.guestLimit;
  settings.explicitlyCreated = true;
  log(LogLevel::Info, "room created", field("room", id), field("public", request.isPublic),
      field("password", settings.passwordHash.has_value()), field("guest_limit", request.guestLimit));
  rooms_.emplace(id, std::make_unique<ChatRoom>(RoomId(id), std::move(settings), now));
  return id;
}

void ChatManager::restoreRoom(RoomId id, RoomSettings settings, TimePoint emptySince) {
  settings.explicitlyCreated = true;
  std::string key = id.str();
  rooms_.emplace(std::move(key), std::make_unique<ChatRoom>(std::move(id), std::move(settings), emptySince));
}

void ChatManager::forgetRoom(std::string_view roomId) {
  const ChatRoom* r = room(roomId);
  if (!r || !r->empty()) return;
  rooms_.erase(std::string(roomId));
}

std::vector<PublicRoom> ChatManager::publicRooms() const {
  std::vector<PublicRoom> out;
  for (const auto& [id, r] : rooms_) {
    const auto& s = r->settings();
    if (!s.isPublic) continue;
    out.push_back({RoomId(id), s.name, r->size(), r->capacity(config_.maxRoomSize), s.passwordHash.has_value()});
  }
  return out;
}

std::optional<std::string> ChatManager::passwordHashOf(std::string_view roomId) const {
  const ChatRoom* r = room(roomId);
  if (!r) return std::nullopt;
  return r->settings().passwordHash.value_or("");
}

RoomStatus ChatManager::describe(std::string_view roomId) const {
  RoomStatus out{RoomId(std::string(roomId))};
  out.capacity = config_.maxRoomSize;
  if (const ChatRoom* r = room(roomId)) {
    out.exists = true;
    out.hasPassword = r->settings().passwordHash.has_value();
    out.name = r->settings().name;
    out.clients = r->size();
    out.capacity = r->capacity(config_.maxRoomSize);
  }
  return out;
}

std::string ChatManager::issueToken(std::string_view roomId) const {
  return tokens_.issue(RoomId(std::string(roomId)), config_.unixNow());
}

void ChatManager::remoteMember(std::string_view roomId, RemoteMember member, TimePoint now) {
  now_ = now;
  if (!isValidSlug(roomId)) return;
  ChatRoom& r = ensureRoom(roomId, now);
  if (r.upsertRemote(std::move(member))) {
    broadcastRoomInfo(r);
  } else if (r.empty()) {
    membersChanged(r, now);  // made for a member that had left already
  }
}

void ChatManager::remoteLeft(std::string_view roomId, const ClientId& client, TimePoint now) {
  ChatRoom* r = findRoom(roomId);
  if (r && r->removeRemote(client, now)) membersChanged(*r, now);
}

void ChatManager::remoteInstance(const std::string& instance,
                                 const std::map<std::string, std::vector<RemoteMember>>& rooms, TimePoint now) {
  now_ = now;
  std::vector<std::string> changed;
  for (const auto& [id, room] : rooms_) {
    const auto listed = rooms.find(id);
    std::vector<ClientId> gone;
    for (const auto& [client, member] : room->remote()) {
      if (member.instance != instance) continue;
      // clang 14 cannot capture a structured binding (C++20 allows it): a plain reference.
      const ClientId& clientId = client;
      const bool stays = listed != rooms.end() &&
                         std::any_of(listed->second.begin(), listed->second.end(),
                                     [&](const RemoteMember& m) { return m.id == clientId; });
      if (!stays) gone.push_back(client);
    }
    for (const ClientId& client : gone) room->removeRemote(client, now);
    if (!gone.empty()) changed.push_back(id);
  }
  for (const auto& [id, members] : rooms) {
    if (!isValidSlug(id)) continue;
    ChatRoom& r = ensureRoom(id, now);
    bool any = false;
    for (const RemoteMember& m : members) any = r.upsertRemote(m) || any;
    if (any || r.empty()) changed.push_back(id);
  }
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  for (const std::string& id : changed) {
    if (ChatRoom* r = findRoom(id)) membersChanged(*r, now);
  }
}

void ChatManager::remoteFrame(std::string_view roomId, std::string_view receiver, SharedFrame frame) {
  ChatRoom* r = findRoom(roomId);
  if (!r) return;
  if (receiver == kRoom) {
    const auto receivers = r->clients();  // a copy: a slow one is dropped inside the loop
    for (const auto& c : receivers) {
      ++metrics_.messagesRelayed;
      sendFrame(*c, frame);
    }
    return;
  }
  if (!isClientId(receiver)) return;
  if (ChatClient* target = r->find(ClientId(std::string(receiver)))) {
    ++metrics_.messagesRelayed;
    sendFrame(*target, std::move(frame));
  }
}

void ChatManager::remoteRoom(RoomId id, RoomSettings settings, TimePoint emptySince) {
  if (!isValidSlug(id.str())) return;
  settings.explicitlyCreated = true;
  if (ChatRoom* r = findRoom(id.str())) {
    r->setSettings(std::move(settings));
    return;
  }
  std::string key = id.str();
  rooms_.emplace(std::move(key), std::make_unique<ChatRoom>(std::move(id), std::move(settings), emptySince));
}

void ChatManager::remoteRoomClosed(std::string_view roomId) {
  ChatRoom* r = findRoom(roomId);
  if (!r) return;
  log(LogLevel::Info, "room closed by the cluster", field("room", r->id().str()));
  if (r->empty()) {
    rooms_.erase(std::string(roomId));
    return;
  }
  // Someone came in as it closed: it lives on as a room anyone may open.
  RoomSettings implicit;
  implicit.name = std::string(roomId);
  r->setSettings(std::move(implicit));
}

std::string ChatManager::metricsText() const {
  std::ostringstream out;
  auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value << '\n';
  };
  metric("orbit_connected_clients", "gauge", "WebSocket clients connected now.", clientCount_);
  metric("orbit_rooms", "gauge", "Rooms that exist now.", rooms_.size());
  metric("orbit_frames_received_total", "counter", "Frames received from clients.", metrics_.framesReceived);
  metric("orbit_messages_relayed_total", "counter", "Client messages delivered to other clients.",
         metrics_.messagesRelayed);
  metric("orbit_errors_sent_total", "counter", "Error messages sent to clients.", metrics_.errorsSent);
  metric("orbit_clients_joined_total", "counter", "Clients that joined a room.", metrics_.clientsJoined);
  metric("orbit_clients_reaped_total", "counter", "Clients dropped for silence.", metrics_.clientsReaped);
  metric("orbit_clients_dropped_slow_total", "counter", "Clients dropped for not keeping up.",
         metrics_.clientsDroppedSlow);
  metric("orbit_messages_throttled_total", "counter", "Messages dropped by the rate limit.",
         metrics_.messagesThrottled);
  // Every label value from the start, at 0: a rate() over a series that appears late misses
  // its first increase.
  auto labelled = [&](const char* name, const char* help, const char* label, auto kinds, const auto& counts) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n";
    for (std::size_t i = 0; i < counts.size(); ++i) {
      out << name << '{' << label << "=\"" << toString(static_cast<decltype(kinds)>(i)) << "\"} " << counts[i] << '\n';
    }
  };
  labelled("orbit_websocket_refused_total", "WebSocket upgrades refused, by reason.", "reason", UpgradeRefusal{},
           metrics_.upgradesRefused);
  labelled("orbit_auth_failures_total", "Wrong or missing room passwords and join tokens, by reason.", "reason",
           AuthFailure{}, metrics_.authFailures);
  labelled("orbit_clients_left_total", "Clients that left a room, by reason.", "reason", LeaveReason{}, metrics_.leaves);
  if (config_.sfu) {
    metric("orbit_sfu_rooms", "gauge", "Rooms forwarding media through Janus now.", config_.sfu->forwardingRooms());
  }
  return out.str();
}

}  // namespace orbit
