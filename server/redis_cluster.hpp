#pragma once

#include "chat_manager.hpp"
#include "cluster_link.hpp"
#include "redis.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace orbit {

// Cluster mode (--redis): several orbit-server instances serve the same rooms through one
// Redis. docs/cluster.md describes the design; in short:
// - Redis holds the API rooms' settings, the token secret, every room's members (each with
//   the instance it is connected to), the rooms' history, and one key per live instance
//   whose expiry the instance's heartbeat refreshes.
// - Every change of members or rooms is made by a Lua script that also publishes it on one
//   events channel, so every instance keeps a full copy of who is where (ChatRoom's remote
//   members) and answers admit(), room-info and the lobby from memory.
// - Frames for clients on other instances go to those instances' own channels: one PUBLISH
//   per instance that has someone in the room.
// - A seat in a room is taken in Redis before the WebSocket opens, so a room's limit holds
//   across instances.
class RedisCluster : public ClusterLink {
 public:
  // Connects (subscribing to its channels) and reads the token secret, running `ioc` until
  // then; throws with a clear message when Redis cannot be reached within a few seconds.
  RedisCluster(net::io_context& ioc, RedisAddress address, std::chrono::milliseconds instanceTtl);
  ~RedisCluster() override;

  // The secret that signs join tokens, shared by every instance (made once, kept in Redis).
  const std::string& tokenSecret() const { return tokenSecret_; }
  // Starts serving `manager`: publishes this instance, reads every room and member, and runs
  // `ioc` until that is done (throws when it cannot be).
  void attach(ChatManager& manager);
  // A place in a room, taken before the WebSocket opens. The outcome: a seat; or a refusal
  // (the room is full across the cluster); or neither when Redis cannot be reached, and the
  // join goes ahead on what this instance knows.
  struct SeatOutcome {
    std::optional<Seat> seat;
    std::optional<Refusal> refusal;
  };
  void seat(const std::string& room, std::size_t capacity, std::function<void(SeatOutcome)> done);
  // Stores an API room (the rooms' store in cluster mode): nullopt when kept, 409 when another
  // instance has a room of that id, 500 when Redis cannot be reached.
  void create(const std::string& id, const RoomSettings& settings, std::int64_t unixNow,
              std::function<void(std::optional<Refusal>)> done);
  // Leaves the cluster at a clean stop: this instance's members go at once, everywhere.
  void leaveCluster(std::function<void()> done);
  // Redis answers: no outage since the last resync, and the command connection is up.
  bool reachable() const;

  // ClusterLink
  const std::string& instance() const override { return instance_; }
  void updated(const RoomId& room, const ChatClient& client) override;
  void left(const RoomId& room, const ClientId& client) override;
  void relay(const RoomId& room, const std::string& receiver, const SharedFrame& frame) override;
  void keep(const RoomId& room, std::string line, std::size_t keep) override;
  void history(const RoomId& room, std::function<void(std::vector<std::string>)> done) override;
  void emptied(const RoomId& room, std::int64_t unixTime) override;
  void closeIfIdle(const RoomId& room, std::int64_t idleTimeoutSeconds) override;

 private:
  struct Script {
    std::string source;
    std::string sha;  // EVALSHA's name for it
  };
  void runUntil(const std::function<bool()>& done, const std::string& waitingFor);
  void eval(Script& script, std::vector<std::string> keys, std::vector<std::string> args,
            RedisConnection::Callback done = {});
  void loadScripts();
  // After any reconnection: publish this instance and its members again, then read the
  // cluster's state afresh.
  void maybeResync();
  void resync();
  void applySnapshot(const RedisReply& reply);
  void onEvent(std::string_view payload);
  void onDelivery(std::string_view payload);
  void heartbeat();
  std::string memberJson(const ChatClient& client) const;

  net::io_context& ioc_;
  RedisAddress address_;
  std::string instance_;
  std::string eventsChannel_;
  std::string ownChannel_;
  std::chrono::milliseconds ttl_;
  ChatManager* manager_ = nullptr;
  std::string tokenSecret_;
  std::unique_ptr<RedisConnection> commands_;
  std::unique_ptr<RedisConnection> subscriber_;
  int subscribed_ = 0;          // of the two channels, since the subscriber last came up
  bool resyncPending_ = true;   // the command connection came up since the last resync
  bool synced_ = false;         // a snapshot has been applied since the last resync began
  std::chrono::steady_clock::time_point upSince_{};
  net::steady_timer heartbeat_;
  std::optional<std::string> startError_;  // why Redis could not be used at start
  bool outage_ = false;                    // Redis is lost (logged once)
  std::chrono::steady_clock::time_point outageSince_{};
  bool stopping_ = false;
  bool leaving_ = false;  // leaveCluster() ran: this instance must not come back into Redis
  Script seat_, update_, leave_, register_, heartbeatScript_, sweep_, leaveCluster_, snapshot_, create_,
      closeIfIdle_, touch_;
  std::vector<Script*> scripts();
};

}  // namespace orbit
