#include "message.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>

using orbit::MessageType;

namespace {

// The wire names from the table in docs/protocol.md, written out by hand so that a typo in
// toString() cannot agree with itself.
const std::pair<MessageType, const char*> kWireNames[] = {
    {MessageType::Ping, "ping"},
    {MessageType::Pong, "pong"},
    {MessageType::Text, "text"},
    {MessageType::GetRoomInfo, "get-room-info"},
    {MessageType::RoomInfo, "room-info"},
    {MessageType::Profile, "profile"},
    {MessageType::GetIceServers, "get-ice-servers"},
    {MessageType::IceServers, "ice-servers"},
    {MessageType::Offer, "offer"},
    {MessageType::Answer, "answer"},
    {MessageType::IceCandidate, "icecandidate"},
    {MessageType::Greeting, "greeting"},
    {MessageType::Bye, "bye"},
    {MessageType::Error, "error"},
    {MessageType::RoomMode, "room-mode"},
    {MessageType::Layer, "layer"},
    {MessageType::IceRestart, "ice-restart"},
};

}  // namespace

TEST_CASE("every message type has the wire name docs/protocol.md gives it", "[message]") {
  for (const auto& [type, name] : kWireNames) {
    CAPTURE(name);
    CHECK(orbit::toString(type) == name);
  }
}

TEST_CASE("every wire name maps back to its message type", "[message]") {
  for (const auto& [type, name] : kWireNames) {
    CAPTURE(name);
    const auto parsed = orbit::messageTypeFromString(name);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == type);
  }
}

TEST_CASE("the list of all message types holds each of the sixteen types once", "[message]") {
  std::set<MessageType> seen(std::begin(orbit::kAllMessageTypes),
                             std::end(orbit::kAllMessageTypes));
  CHECK(std::size(orbit::kAllMessageTypes) == std::size(kWireNames));
  CHECK(seen.size() == std::size(kWireNames));
  for (const auto& [type, name] : kWireNames) {
    CAPTURE(name);
    CHECK(seen.count(type) == 1);
  }
}

TEST_CASE("names that are not exactly a wire name are not message types", "[message]") {
  for (const char* name : {"", "PING", "Ping", " ping", "ping ", "get_room_info", "getRoomInfo",
                           "ice-candidate", "iceCandidate", "candidate", "unknown", "room"}) {
    CAPTURE(name);
    CHECK_FALSE(orbit::messageTypeFromString(name).has_value());
  }
}

TEST_CASE("the reserved addresses are spelled as docs/protocol.md spells them", "[message]") {
  CHECK(orbit::kGroundControl == "ground control");
  CHECK(orbit::kRoom == "room");
}

TEST_CASE("a default message is a ping with no addresses and no data", "[message]") {
  const orbit::Message m;
  CHECK(m.type == MessageType::Ping);
  CHECK(m.sender.empty());
  CHECK(m.receiver.empty());
  CHECK_FALSE(m.data.has_value());
}
