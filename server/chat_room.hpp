#pragma once

#include "chat_client.hpp"
#include "clock.hpp"
#include "cluster_link.hpp"
#include "ids.hpp"
#include "message.hpp"
#include "payloads.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace orbit {

struct RoomSettings {
  std::string name;                         // display name; the id is its slug
  std::optional<std::string> passwordHash;  // set: a join token is needed
  bool isPublic = false;                    // listed by GET /api/rooms
  std::size_t guestLimit = 0;               // most clients at once; 0: the server's maximum
  bool explicitlyCreated = false;           // created through the API: outlives being empty
};

// The clients of one room, in the order they joined, and the room's settings. In a cluster
// it also knows the members connected to other instances (remote members): they count for
// its size and show in its room-info, though frames to them go through the ClusterLink.
class ChatRoom {
 public:
  ChatRoom(RoomId id, RoomSettings settings, TimePoint now);

  const RoomId& id() const { return id_; }
  const RoomSettings& settings() const { return settings_; }
  void setSettings(RoomSettings settings) { settings_ = std::move(settings); }
  // The clients connected here.
  const std::vector<std::shared_ptr<ChatClient>>& clients() const { return clients_; }
  // Everyone in the room, here and on other instances.
  std::size_t size() const { return clients_.size() + remote_.size(); }
  bool empty() const { return clients_.empty() && remote_.empty(); }

  // How many clients the room admits, given the server-wide maximum.
  std::size_t capacity(std::size_t serverMax) const;
  bool full(std::size_t serverMax) const { return size() >= capacity(serverMax); }

  void add(std::shared_ptr<ChatClient> client);
  // Returns the client removed, or nullptr when it was not here.
  std::shared_ptr<ChatClient> remove(const ClientId& id, TimePoint now);
  ChatClient* find(const ClientId& id) const;

  // Members on other instances. upsertRemote() takes a member it has not seen, or a newer
  // version of one it has; it never takes back one that left (ids are never reused). Each
  // returns whether the room changed.
  const std::map<ClientId, RemoteMember>& remote() const { return remote_; }
  bool upsertRemote(RemoteMember member);
  bool removeRemote(const ClientId& id, TimePoint now);
  // The last order given to a client here: a local join without a cluster takes the next.
  std::uint64_t nextOrder() { return ++lastOrder_; }

  RoomInfoData info() const;

  // The last room lines (text to "room") as they were relayed, oldest first, for whoever
  // joins next (ChatManager marks them "history": true then); at most `keep`.
  void remember(SharedFrame line, std::size_t keep);
  const std::vector<SharedFrame>& history() const { return history_; }
  // When the room last became empty (or was created empty).
  TimePoint emptySince() const { return emptySince_; }
  // Counts its idleness from `now` again (a cluster asked to close it, and may not).
  void stillIdle(TimePoint now) { emptySince_ = now; }

 private:
  RoomId id_;
  RoomSettings settings_;
  std::vector<std::shared_ptr<ChatClient>> clients_;
  std::map<ClientId, RemoteMember> remote_;
  std::vector<ClientId> departed_;  // remote members that left, newest last (bounded)
  std::uint64_t lastOrder_ = 0;
  TimePoint emptySince_;
  std::vector<SharedFrame> history_;  // a vector: an empty deque allocates 576 bytes
};

}  // namespace orbit
