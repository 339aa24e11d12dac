#include "manager.hpp"

#include "codec.hpp"

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

Manager::Manager(std::unique_ptr<Transport> transport, Scheduler& scheduler, Signaler::Options options)
    : signaler_(std::move(transport), scheduler, std::move(options)) {
  signaler_.setHandlers({
      .onStateChange = [this] { handleStateChange(); },
      .onMessage = [this](const Message& message) { handleMessage(message); },
      .onProblem = [this](std::string_view problem) { report(problem); },
  });
}

void Manager::setOnChange(std::function<void()> onChange) { onChange_ = std::move(onChange); }

void Manager::join(std::string_view url, RoomId room, std::string username) {
  room_ = std::move(room);
  username_ = std::move(username);
  roomInfo_.reset();
  iceServers_.clear();
  roomInfoJson_ = nullptr;
  lastProblem_.clear();
  signaler_.connect(url);
}

std::string Manager::selfName() const {
  if (roomInfo_ && !selfId().empty()) {
    for (const auto& client : roomInfo_->clients) {
      if (client.id == selfId().str()) return client.username;
    }
  }
  return username_;
}

Json Manager::snapshot() const {
  Json self = {{"id", selfId().empty() ? Json(nullptr) : Json(selfId().str())}, {"name", selfName()}};
  Json peers = Json::array();
  if (roomInfo_) {
    for (const auto& client : roomInfo_->clients) {
      if (client.id != selfId().str()) peers.push_back({{"id", client.id}, {"name", client.username}});
    }
  }
  Json out = {
      {"self", std::move(self)},
      {"room", room_.empty() ? Json(nullptr) : Json(room_.str())},
      {"connection", toString(signaler_.state())},
      {"reason", signaler_.reason()},
      {"reconnect", {{"attempts", signaler_.reconnectAttempts()}, {"pending", signaler_.reconnectPending()}}},
      {"joins", joins()},
      {"peers", std::move(peers)},
      {"roomInfo", roomInfoJson_},
  };
  if (signaler_.closeCode() != 0) {
    out["close"] = {{"code", signaler_.closeCode()}, {"reason", signaler_.closeReason()}};
  }
  if (!signaler_.failure().empty()) out["error"] = signaler_.failure();
  if (!lastProblem_.empty()) out["problem"] = lastProblem_;
  return out;
}

void Manager::handleStateChange() {
  if (signaler_.state() == ConnectionState::Open && signaler_.sessions() != joinedSession_) {
    rejoin();
  } else if (signaler_.state() != ConnectionState::Open && signaler_.selfId().empty() && roomInfo_) {
    // Whoever was in the room is unknown until the next connection's room-info.
    roomInfo_.reset();
    roomInfoJson_ = nullptr;
  }
  changed();
}

void Manager::rejoin() {
  // A new connection is a new client to the server: a new id, no name, no room-info yet.
  // The Signaler has already sent the ping that tells us the id.
  joinedSession_ = signaler_.sessions();
  roomInfo_.reset();
  roomInfoJson_ = nullptr;
  if (!username_.empty()) sendToServer(MessageType::Profile, toJson(ProfileData{username_}));
  const auto reportFailure = [this](const char* what) {
    return [this, what](Result<Message> reply) {
      if (!reply) report(std::string(what) + ": " + reply.error().message);
    };
  };
  if (auto error = signaler_.request(MessageType::GetIceServers, std::nullopt, kRequestTimeout,
                                     reportFailure("no ICE servers"))) {
    report(error->message);
  }
  // The reply also arrives through handleMessage, like every later room-info.
  if (auto error = signaler_.request(MessageType::GetRoomInfo, std::nullopt, kRequestTimeout,
                                     reportFailure("no room-info"))) {
    report(error->message);
  }
}

void Manager::handleMessage(const Message& message) {
  switch (message.type) {
    case MessageType::IceServers: {
      auto servers = parseIceServers(*message.data);
      if (!servers) return report("bad ice-servers: " + servers.error().message);
      iceServers_ = std::move(*servers);
      return;
    }
    case MessageType::RoomInfo: {
      auto info = parseRoomInfo(*message.data);
      if (!info) return report("bad room-info: " + info.error().message);
      roomInfo_ = std::move(*info);
      roomInfoJson_ = *message.data;
      changed();
      return;
    }
    case MessageType::Error:
      report("the server said: " + (message.data && message.data->is_string()
                                        ? message.data->get<std::string>()
                                        : dumpJson(message.data.value_or(nullptr))));
      return;
    default:
      // Text, greetings and WebRTC signaling arrive here once the client handles them.
      return;
  }
}

void Manager::report(std::string_view problem) {
  lastProblem_ = problem;
  changed();
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
