#pragma once

#include "ids.hpp"
#include "message.hpp"
#include "payloads.hpp"
#include "scheduler.hpp"
#include "signaler.hpp"
#include "transport.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// The client's side of one room: joins it through the Signaler, learns its own id and
// who else is there, and joins again on its own after the Signaler reconnects (the server
// gives the new connection a new id). Peer connections (VideoPeer) will hang off it.
class Manager {
 public:
  // How long the server gets to answer get-room-info and get-ice-servers.
  static constexpr Signaler::Millis kRequestTimeout{10000};

  Manager(std::unique_ptr<Transport> transport, Scheduler& scheduler,
          Signaler::Options options = Signaler::Options{});
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Called after anything a view shows has changed.
  void setOnChange(std::function<void()> onChange);

  // Opens the room's WebSocket; once it is open, asks for our id and the room's members and
  // announces `username` when it is not empty.
  void join(std::string_view url, RoomId room, std::string username);

  const Signaler& signaler() const { return signaler_; }
  Signaler& signaler() { return signaler_; }
  const RoomId& room() const { return room_; }
  // Empty until the server's pong tells us, and again while reconnecting.
  const ClientId& selfId() const { return signaler_.selfId(); }
  // The name the server knows us by, or the one we asked for until it confirms it.
  std::string selfName() const;
  // The room as the server last described it on this connection; reset when it is lost.
  const std::optional<RoomInfoData>& roomInfo() const { return roomInfo_; }
  const std::vector<IceServer>& iceServers() const { return iceServers_; }
  // Times the room was joined: 1 after the first join, +1 for every rejoin after a reconnect.
  unsigned joins() const { return joinedSession_; }
  // The last `error` the server sent, or the last frame that did not decode.
  const std::string& lastProblem() const { return lastProblem_; }

  // Everything above as plain JSON, for whoever embeds the client:
  // {"self":{"id","name"},"room","connection","reason","close":{"code","reason"},"error",
  //  "reconnect":{"attempts","pending"},"joins","peers":[{"id","name"}],
  //  "roomInfo":<the last room-info data as received>,"problem"}
  Json snapshot() const;

 private:
  void handleStateChange();
  void rejoin();
  void handleMessage(const Message& message);
  void report(std::string_view problem);
  void send(const Message& message);
  void sendToServer(MessageType type, std::optional<Json> data = std::nullopt);
  void changed();

  std::function<void()> onChange_;
  RoomId room_;
  std::string username_;
  unsigned joinedSession_ = 0;  // the Signaler's session we last joined on
  std::optional<RoomInfoData> roomInfo_;
  std::vector<IceServer> iceServers_;
  Json roomInfoJson_;
  std::string lastProblem_;
  // Declared last so it is destroyed first: its handlers point into this object.
  Signaler signaler_;
};

}  // namespace orbit
