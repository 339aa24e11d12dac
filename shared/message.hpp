#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace orbit {

using Json = nlohmann::json;

// Every message type in docs/protocol.md.
enum class MessageType {
  Ping,
  Pong,
  Text,
  GetRoomInfo,
  RoomInfo,
  Profile,
  GetIceServers,
  IceServers,
  Offer,
  Answer,
  IceCandidate,
  Greeting,
  Bye,
  Error,
  RoomMode,
  Layer,
  IceRestart,
};

inline constexpr MessageType kAllMessageTypes[] = {
    MessageType::Ping,       MessageType::Pong,          MessageType::Text,
    MessageType::GetRoomInfo, MessageType::RoomInfo,     MessageType::Profile,
    MessageType::GetIceServers, MessageType::IceServers, MessageType::Offer,
    MessageType::Answer,     MessageType::IceCandidate,  MessageType::Greeting,
    MessageType::Bye,        MessageType::Error,         MessageType::RoomMode,       MessageType::Layer,
    MessageType::IceRestart,
};

// The wire name: "ping", "get-room-info", "icecandidate", ...
std::string_view toString(MessageType type);
std::optional<MessageType> messageTypeFromString(std::string_view name);

// The two reserved addresses.
inline constexpr std::string_view kGroundControl = "ground control";
inline constexpr std::string_view kRoom = "room";

// One protocol message. `sender` and `receiver` are addresses: a client id, or one of
// the reserved addresses above; empty when the frame had none.
struct Message {
  std::string sender;
  std::string receiver;
  MessageType type = MessageType::Ping;
  std::optional<Json> data;  // absent is not the same as null: a ping echoes what it got
};

}  // namespace orbit
