#include "message.hpp"

namespace orbit {

std::string_view toString(MessageType type) {
  switch (type) {
    case MessageType::Ping: return "ping";
    case MessageType::Pong: return "pong";
    case MessageType::Text: return "text";
    case MessageType::GetRoomInfo: return "get-room-info";
    case MessageType::RoomInfo: return "room-info";
    case MessageType::Profile: return "profile";
    case MessageType::GetIceServers: return "get-ice-servers";
    case MessageType::IceServers: return "ice-servers";
    case MessageType::Offer: return "offer";
    case MessageType::Answer: return "answer";
    case MessageType::IceCandidate: return "icecandidate";
    case MessageType::Greeting: return "greeting";
    case MessageType::Bye: return "bye";
    case MessageType::Error: return "error";
    case MessageType::RoomMode: return "room-mode";
    case MessageType::Layer: return "layer";
    case MessageType::IceRestart: return "ice-restart";
  }
  return "unknown";
}

std::optional<MessageType> messageTypeFromString(std::string_view name) {
  for (MessageType t : kAllMessageTypes) {
    if (toString(t) == name) return t;
  }
  return std::nullopt;
}

}  // namespace orbit
