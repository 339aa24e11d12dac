#pragma once

#include "chat_client.hpp"
#include "ids.hpp"
#include "payloads.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace orbit {

// A client connected to another instance of the cluster, as this instance knows it.
struct RemoteMember {
  ClientId id;
  std::string instance;       // the instance it is connected to
  std::string name;
  MediaIndicators indicators;
  std::uint64_t order = 0;    // join order across the cluster: room-info lists clients by it
  std::uint64_t version = 0;  // its instance counts its changes; an older copy never wins
};

// What the ChatManager tells the other instances of a cluster (--redis; see docs/cluster.md).
// Every call returns at once: the link does its work asynchronously, on the manager's thread,
// and tells the manager what the other instances did through ChatManager's remote*() calls.
// Without a link (the embedded default) a room lives in this process alone.
class ClusterLink {
 public:
  virtual ~ClusterLink() = default;
  // This instance's id: the `instance` of its own members as others see them.
  virtual const std::string& instance() const = 0;
  // A local client's name or indicators changed (its version with them).
  virtual void updated(const RoomId& room, const ChatClient& client) = 0;
  // A local client left the room.
  virtual void left(const RoomId& room, const ClientId& client) = 0;
  // A frame for the room's clients on other instances: `receiver` is "room" or a client id.
  virtual void relay(const RoomId& room, const std::string& receiver, const SharedFrame& frame) = 0;
  // A room line, marked as history, to replay to whoever joins later; the room keeps `keep`.
  virtual void keep(const RoomId& room, std::string line, std::size_t keep) = 0;
  // The room's kept lines, oldest first, as frames; `done` is called on the manager's thread.
  virtual void history(const RoomId& room, std::function<void(std::vector<std::string>)> done) = 0;
  // The room became empty across the cluster at `unixTime`.
  virtual void emptied(const RoomId& room, std::int64_t unixTime) = 0;
  // An API room has looked empty for the idle timeout here: close it everywhere, unless
  // someone joined or used it within `idleTimeoutSeconds`. The manager keeps it until
  // ChatManager::remoteRoomClosed() says so.
  virtual void closeIfIdle(const RoomId& room, std::int64_t idleTimeoutSeconds) = 0;
};

}  // namespace orbit
