#pragma once

#include "chat_client.hpp"
#include "chat_room.hpp"
#include "message.hpp"

#include <string_view>

namespace orbit {

// What the ChatManager tells the media forwarding of its rooms (--janus; SfuBridge, and a
// recording stand-in in tests). Every call returns at once; the link answers clients through
// ChatManager::sendFromServer() and sendErrorTo(). Without a link every room is a mesh.
class SfuLink {
 public:
  virtual ~SfuLink() = default;
  // The room's members changed: someone joined or left (the last one too: the room is empty
  // then, and goes right after), or a client's first profile came. The link decides the
  // room's mode.
  virtual void membersChanged(const ChatRoom& room) = 0;
  // The client left the room: its connections with the media server go.
  virtual void left(const RoomId& room, const ClientId& client) = 0;
  // Whether the room forwards media through the SFU now.
  virtual bool forwarding(std::string_view room) const = 0;
  virtual std::size_t forwardingRooms() const = 0;
  // An offer, answer or icecandidate the client sent to "ground control" while its room
  // forwards; `connection` is the one its data named.
  virtual void fromClient(const ChatClient& client, SfuConnection connection, const Message& message) = 0;
};

}  // namespace orbit
