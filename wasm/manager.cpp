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

Manager::Manager(std::unique_ptr<Transport> transport) : signaler_(std::move(transport)) {
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
  selfId_ = {};
  roomInfo_.reset();
  roomInfoJson_ = nullptr;
  lastProblem_.clear();
  signaler_.connect(url);
}

std::string Manager::selfName() const {
  if (roomInfo_ && !selfId_.empty()) {
    for (const auto& client : roomInfo_->clients) {
      if (client.id == selfId_.str()) return client.username;
    }
  }
  return username_;
}

Json Manager::snapshot() const {
  Json self = {{"id", selfId_.empty() ? Json(nullptr) : Json(selfId_.str())}, {"name", selfName()}};
  Json peers = Json::array();
  if (roomInfo_) {
    for (const auto& client : roomInfo_->clients) {
      if (client.id != selfId_.str()) peers.push_back({{"id", client.id}, {"name", client.username}});
    }
  }
  Json out = {
      {"self", std::move(self)},
      {"room", room_.empty() ? Json(nullptr) : Json(room_.str())},
      {"connection", toString(signaler_.state())},
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
  if (signaler_.state() == ConnectionState::Open) {
    // The pong's receiver is our id; the server answers in order, so the id is known
    // before the room-info reply.
    sendToServer(MessageType::Ping);
    if (!username_.empty()) sendToServer(MessageType::Profile, toJson(ProfileData{username_}));
    sendToServer(MessageType::GetRoomInfo);
  }
  changed();
}

void Manager::handleMessage(const Message& message) {
  switch (message.type) {
    case MessageType::Ping:
      // The server pings clients it has not heard from and reaps the silent ones.
      send(outgoing(message.sender, MessageType::Pong, message.data));
      return;
    case MessageType::Pong:
      if (message.sender == kGroundControl && isClientId(message.receiver)) {
        selfId_ = ClientId(message.receiver);
        changed();
      }
      return;
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
