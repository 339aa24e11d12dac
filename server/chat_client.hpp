#pragma once

#include "clock.hpp"
#include "connection.hpp"
#include "frame_queue.hpp"
#include "ids.hpp"
#include "payloads.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace orbit {

struct ClientLimits {
  std::size_t maxQueuedBytes = 4 * 1024 * 1024;  // a receiver this far behind is dropped
  double messagesPerSecond = 100;                // sustained inbound rate
  double burst = 200;                            // inbound messages allowed at once
};

// One connection in a room: its id and name, when it was last heard from, how fast it
// may send, and the bounded queue of frames waiting to be written to it.
class ChatClient {
 public:
  ChatClient(ClientId id, RoomId room, Connection& connection, TimePoint now, ClientLimits limits);
  ChatClient(const ChatClient&) = delete;
  ChatClient& operator=(const ChatClient&) = delete;

  const ClientId& id() const { return id_; }
  const RoomId& roomId() const { return room_; }
  const std::string& name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }
  // As the client last reported them in a profile; unset for clients that never do.
  const MediaIndicators& indicators() const { return indicators_; }
  void setIndicators(MediaIndicators indicators) { indicators_ = indicators; }
  // Where it stands in the room's join order (across a cluster: the order Redis gave it).
  std::uint64_t order() const { return order_; }
  void setOrder(std::uint64_t order) { order_ = order; }
  // Counts changes of name or indicators, so that other instances never take an older copy.
  std::uint64_t version() const { return version_; }
  void changed() { ++version_; }
  // Its profile said "sfu": true: it can take part in a room that forwards media through Janus.
  bool sfuCapable() const { return sfuCapable_; }
  void setSfuCapable(bool capable) { sfuCapable_ = capable; }

  // Liveness.
  void heard(TimePoint now);
  TimePoint lastHeard() const { return lastHeard_; }
  bool pingOutstanding() const { return pingOutstanding_; }
  void markPinged() { pingOutstanding_ = true; }

  // Inbound rate limit (a token bucket). The first message over the limit in a run of
  // them is Throttled (worth telling the client once), the rest ThrottledAgain.
  enum class Inbound { Accepted, Throttled, ThrottledAgain };
  Inbound admitInbound(TimePoint now);

  // Room-info waits for the client to know its own id (the protocol's Lifecycle): the
  // original client reads a room-info that comes before its first pong as "someone else is
  // here" and offers to itself. A client is introduced by the server's pong to its ping, or
  // by a room-info it asked for; broadcasts before that are withheld from it.
  bool introduced() const { return introduced_; }
  // Marks the client introduced; true when a broadcast was withheld from it meanwhile, so
  // the caller sends it the current room-info.
  bool introduce() {
    introduced_ = true;
    return std::exchange(roomInfoWithheld_, false);
  }
  void withholdRoomInfo() { roomInfoWithheld_ = true; }
  // The room's history went to it (once, on its introduction).
  bool historyReplayed = false;

  // Errors sent to this client so far (the log names only the first few).
  std::uint32_t countError() { return ++errors_; }

  // Outbound queue. deliver() returns false, and queues nothing, once the client has
  // fallen more than maxQueuedBytes behind: the caller drops it instead of buffering more.
  bool deliver(SharedFrame frame);
  bool hasQueued() const { return !queue_.empty(); }
  const SharedFrame& front() const { return queue_.front(); }
  void popFront();
  std::size_t queuedBytes() const { return queuedBytes_; }

  // The socket behind this client, or nullptr once it has left the room. Frames queued
  // before it left (a bye, say) are still written by the session, which owns the socket.
  Connection* connection() const { return connection_; }
  void detach() { connection_ = nullptr; }

 private:
  ClientId id_;
  RoomId room_;
  std::string name_;
  MediaIndicators indicators_;
  std::uint64_t order_ = 0;
  std::uint64_t version_ = 0;
  bool sfuCapable_ = false;
  Connection* connection_;
  ClientLimits limits_;
  TimePoint lastHeard_;
  bool pingOutstanding_ = false;
  bool introduced_ = false;
  bool roomInfoWithheld_ = false;
  double tokens_;
  bool throttled_ = false;
  std::uint32_t errors_ = 0;
  TimePoint refilled_;
  FrameQueue queue_;
  std::size_t queuedBytes_ = 0;
};

}  // namespace orbit
