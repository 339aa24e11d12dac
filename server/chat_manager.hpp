#pragma once

#include "api.hpp"
#include "auth.hpp"
#include "chat_client.hpp"
#include "chat_room.hpp"
#include "clock.hpp"
#include "cluster_link.hpp"
#include "frame_decoder.hpp"
#include "log_throttle.hpp"
#include "message.hpp"
#include "password_guard.hpp"
#include "sfu_link.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace orbit {

using namespace std::chrono_literals;

struct ManagerConfig {
  Duration pingAfter = 10s;         // silence before the server pings a client
  Duration reapAfter = 30s;         // silence before the server drops a client
  Duration roomIdleTimeout = 24h;   // how long an explicitly created room outlives being empty
  std::size_t maxRoomSize = 50;     // no room admits more, whatever its guest limit
  std::size_t historyLines = 50;    // room lines replayed to a newcomer; 0: none kept
  ClientLimits clientLimits;
  std::vector<std::string> stunUrls;
  std::vector<std::string> turnUrls;
  std::string turnSecret;
  std::chrono::seconds turnTtl = 24h;
  std::string tokenSecret;          // empty: a random one, so tokens die with the process
  std::chrono::seconds tokenTtl = 10min;
  // Wall-clock seconds for token and TURN expiry; tests replace it.
  std::function<std::int64_t()> unixNow;
  // A room made through the API was left empty (at unixNow()), or closed for good after
  // roomIdleTimeout: what a store on disk follows. Called on the manager's thread.
  std::function<void(const RoomId& room, std::int64_t unixTime)> roomEmptied;
  std::function<void(const RoomId& room)> roomClosed;
  // Cluster mode (--redis): the other instances serving the same rooms. Not owned.
  ClusterLink* cluster = nullptr;
  // Media forwarding through Janus (--janus) for rooms big enough. Not owned.
  SfuLink* sfu = nullptr;
  // How guessing a room's password is slowed down (POST /api/rooms/<id>/join).
  PasswordBackoffConfig passwordBackoff;
};

// A place in a room held for a client before its WebSocket opens: its id, and where it stands
// in the room's join order. In a cluster, Redis hands it out, so a room's limit holds across
// instances.
struct Seat {
  ClientId id;
  std::uint64_t order = 0;
};

// What the API and the upgrade handler say when they refuse.
struct Refusal {
  int status;           // HTTP status
  std::string reason;   // shown to the user
};

// Why a WebSocket upgrade was refused: the label of orbit_websocket_refused_total, so a fixed set.
// AddressConnections, AddressRate and ServerFull are ConnectionLimits'.
enum class UpgradeRefusal {
  NotFound,
  Origin,
  InvalidRoom,
  PasswordRequired,
  BadToken,
  RoomFull,
  ShuttingDown,
  AddressConnections,
  AddressRate,
  ServerFull,
  Count
};
std::string_view toString(UpgradeRefusal refusal);
// Why a client left: the label of orbit_clients_left_total, so a fixed set. Whatever the
// cause, a client that goes while the server shuts down counts as Shutdown.
enum class LeaveReason { Bye, Closed, TimedOut, Slow, TooBig, Error, Shutdown, Count };
std::string_view toString(LeaveReason reason);
// A wrong or missing password (POST /api/rooms/<id>/join) or join token (the upgrade).
// Backoff: a password not even checked, because its address is waiting after too many wrong ones.
enum class AuthFailure { MissingPassword, WrongPassword, MissingToken, BadToken, Backoff, Count };
std::string_view toString(AuthFailure failure);

struct Metrics {
  std::uint64_t framesReceived = 0;
  std::uint64_t messagesRelayed = 0;   // deliveries of a client's message to another client
  std::uint64_t errorsSent = 0;
  std::uint64_t clientsJoined = 0;
  std::uint64_t clientsReaped = 0;
  std::uint64_t clientsDroppedSlow = 0;
  std::uint64_t messagesThrottled = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(UpgradeRefusal::Count)> upgradesRefused{};
  std::array<std::uint64_t, static_cast<std::size_t>(AuthFailure::Count)> authFailures{};
  std::array<std::uint64_t, static_cast<std::size_t>(LeaveReason::Count)> leaves{};
};

// Rooms and routing: admits connections, relays messages between the clients of a room,
// answers what is addressed to the server, keeps clients alive or reaps them, and keeps
// the figures for /metrics. Knows nothing of sockets; runs on one thread.
class ChatManager {
 public:
  explicit ChatManager(ManagerConfig config);

  // ---- WebSocket life cycle ----
  // Whether a WebSocket for `roomId` with join token `token` may open (checked before the
  // upgrade, so a refusal is a plain HTTP answer).
  std::optional<Refusal> admit(std::string_view roomId, std::string_view token) const;
  // Adds a new client to the room (creating an implicit room), broadcasts room-info to the
  // others; the newcomer gets its own after its first pong (see ChatClient::introduced).
  // Without a seat the client gets a new id and the room's next place.
  Result<std::shared_ptr<ChatClient>> join(std::string_view roomId, Connection& connection,
                                           TimePoint now, std::optional<Seat> seat = std::nullopt);
  // Removes the client (idempotent): the room gets room-info; an implicit room left empty goes.
  // `why` is for the log, `reason` for /metrics.
  void leave(ChatClient& client, LeaveReason reason, std::string_view why, TimePoint now);
  void leave(ChatClient& client, std::string_view why, TimePoint now) { leave(client, LeaveReason::Closed, why, now); }
  void onText(ChatClient& client, std::string_view frame, TimePoint now);
  void onBinary(ChatClient& client, TimePoint now);
  // A WebSocket upgrade from `address` refused with `refusal` (admit()'s, or the cluster's):
  // counted, and logged at most once per address per 10 s; over a connection limit
  // (ConnectionLimits), at most once per address per minute, at warn. `hadToken`: the request carried a
  // join token, so a 401 means a bad one rather than none.
  void upgradeRefused(std::string_view address, std::string_view roomId, UpgradeRefusal kind, std::string_view reason,
                      TimePoint now);
  static UpgradeRefusal classify(const Refusal& refusal, bool hadToken);
  // A password or token that did not open a room: counted, and logged at most once per
  // address per 10 s with the number held back since, so that guessing leaves a trace
  // without flooding the log.
  void authFailed(std::string_view address, std::string_view roomId, AuthFailure failure, TimePoint now);
  // Password guessing (PasswordGuard): whether `address` may try `roomId`'s password now;
  // nothing when it may, else how long it must wait (the refusal is counted and logged).
  std::optional<Duration> passwordAttempt(std::string_view address, std::string_view roomId, TimePoint now);
  // The outcome of an attempt passwordAttempt() let through; a wrong one is authFailed() too.
  void passwordChecked(std::string_view address, std::string_view roomId, bool right, TimePoint now);

  // Pings the silent, reaps the dead, retires idle explicit rooms. Call about once a second.
  void tick(TimePoint now);
  // Says bye to every client and closes every connection; refuses new ones from now on.
  void shutdown();
  bool shuttingDown() const { return shuttingDown_; }

  // ---- HTTP API ----
  // `passwordHash` is hashed by the caller, off the I/O thread; the request's password is
  // not looked at.
  // The new room's id, or why not (400: no usable name; 409: the id is taken).
  std::variant<std::string, Refusal> createRoom(const CreateRoomRequest& request,
                                                std::optional<std::string> passwordHash,
                                                TimePoint now);
  // A room made through the API before a restart, empty since `emptySince`.
  void restoreRoom(RoomId id, RoomSettings settings, TimePoint emptySince);
  // Undoes createRoom() when the room could not be stored.
  void forgetRoom(std::string_view roomId);
  std::vector<PublicRoom> publicRooms() const;
  // The room's password hash: nullopt when there is no such room, "" when it has none.
  std::optional<std::string> passwordHashOf(std::string_view roomId) const;
  // GET /api/rooms/<id>: whether the room exists, wants a password, its name, and how full it
  // is (a room that does not exist yet is empty and takes the server's largest room size).
  RoomStatus describe(std::string_view roomId) const;
  std::string issueToken(std::string_view roomId) const;
  std::int64_t unixNow() const { return config_.unixNow(); }
  std::string metricsText() const;

  // ---- Cluster mode: what the other instances did, as the ClusterLink learns it ----
  // A member of another instance joined or changed; one that left is never taken back.
  void remoteMember(std::string_view roomId, RemoteMember member, TimePoint now);
  void remoteLeft(std::string_view roomId, const ClientId& client, TimePoint now);
  // `instance` has exactly these members (by room) now; none when it is gone.
  void remoteInstance(const std::string& instance, const std::map<std::string, std::vector<RemoteMember>>& rooms,
                      TimePoint now);
  // A frame relayed by another instance, for this instance's clients of the room.
  void remoteFrame(std::string_view roomId, std::string_view receiver, SharedFrame frame);
  // An API room made, or closed, on any instance.
  void remoteRoom(RoomId id, RoomSettings settings, TimePoint emptySince);
  void remoteRoomClosed(std::string_view roomId);
  // Every room, for the link to tell a restarted Redis what it lost.
  const std::map<std::string, std::unique_ptr<ChatRoom>, std::less<>>& rooms() const { return rooms_; }

  // ---- Media forwarding: what the SfuLink sends to the room's clients ----
  // A message from "ground control" to one client of the room; nothing if it has gone.
  void sendFromServer(std::string_view roomId, const ClientId& client, MessageType type, Json data);
  void sendErrorTo(std::string_view roomId, const ClientId& client, std::string text);
  // The error a client without "sfu" gets in a room that forwards media.
  std::string cannotForward(const ChatClient& client) const;

  std::size_t clientCount() const { return clientCount_; }
  std::size_t roomCount() const { return rooms_.size(); }
  const Metrics& metrics() const { return metrics_; }
  const ChatRoom* room(std::string_view roomId) const;

 private:
  // The rate limit, for text and binary frames alike: false when the frame is dropped.
  bool admitInbound(ChatClient& client, TimePoint now);
  void handleServerMessage(ChatClient& client, Message& msg, TimePoint now);
  void relay(ChatClient& client, const Message& msg, const SharedFrame& frame);
  // What goes out for a relayed message: spliced from the frame it came in (empty: encoded).
  static SharedFrame outgoing(const Message& msg, std::string_view frame);
  // A relayed room line as a newcomer reads it later: marked "history": true.
  static std::string historyLine(const std::string& relayed);
  void replayHistory(ChatClient& client);
  // After a change of its members: room-info to all, or the room goes when no one is left.
  void membersChanged(ChatRoom& room, TimePoint now);
  void sendTo(ChatClient& client, const Message& msg);
  void sendFrame(ChatClient& client, SharedFrame frame);
  void sendError(ChatClient& client, std::string text);
  void broadcastRoomInfo(ChatRoom& room);
  void dropSlow(ChatClient& client);
  void disconnect(ChatClient& client, CloseCode code, std::string reason, LeaveReason leaving, std::string_view why);
  std::vector<IceServer> iceServersFor(const ClientId& client) const;
  ChatRoom* findRoom(std::string_view roomId);
  // The room, made as an implicit one (named by its id) when there is none yet.
  ChatRoom& ensureRoom(std::string_view roomId, TimePoint now);

  ManagerConfig config_;
  TokenIssuer tokens_;
  std::map<std::string, std::unique_ptr<ChatRoom>, std::less<>> rooms_;
  std::size_t clientCount_ = 0;
  Metrics metrics_;
  LogThrottle authLog_{std::chrono::seconds(10)};
  LogThrottle refusalLog_{std::chrono::seconds(10)};
  LogThrottle limitLog_{std::chrono::minutes(1)};
  PasswordGuard passwords_;
  FrameDecoder decoder_;
  bool shuttingDown_ = false;
  TimePoint now_{};  // the latest time an entry point was given
};

}  // namespace orbit
