#pragma once

#include "ids.hpp"
#include "message.hpp"
#include "payloads.hpp"
#include "signaler.hpp"
#include "transport.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// The client's side of one room: joins it through the Signaler, learns its own id and
// who else is there. Peer connections (VideoPeer) will hang off it.
class Manager {
 public:
  explicit Manager(std::unique_ptr<Transport> transport);
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Called after anything a view shows has changed.
  void setOnChange(std::function<void()> onChange);

  // Opens the room's WebSocket; once it is open, asks for our id and the room's members and
  // announces `username` when it is not empty.
  void join(std::string_view url, RoomId room, std::string username);

  const Signaler& signaler() const { return signaler_; }
  const RoomId& room() const { return room_; }
  // Empty until the server's pong tells us.
  const ClientId& selfId() const { return selfId_; }
  // The name the server knows us by, or the one we asked for until it confirms it.
  std::string selfName() const;
  const std::optional<RoomInfoData>& roomInfo() const { return roomInfo_; }
  // The last `error` the server sent, or the last frame that did not decode.
  const std::string& lastProblem() const { return lastProblem_; }

  // Everything above as plain JSON, for whoever embeds the client:
  // {"self":{"id","name"},"room","connection","close":{"code","reason"},"error",
  //  "peers":[{"id","name"}],"roomInfo":<the last room-info data as received>,"problem"}
  Json snapshot() const;

 private:
  void handleStateChange();
  void handleMessage(const Message& message);
  void report(std::string_view problem);
  void send(const Message& message);
  void sendToServer(MessageType type, std::optional<Json> data = std::nullopt);
  void changed();

  std::function<void()> onChange_;
  RoomId room_;
  std::string username_;
  ClientId selfId_;
  std::optional<RoomInfoData> roomInfo_;
  Json roomInfoJson_;
  std::string lastProblem_;
  // Declared last so it is destroyed first: its handlers point into this object.
  Signaler signaler_;
};

}  // namespace orbit
