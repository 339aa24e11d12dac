#pragma once

#include "connection_state.hpp"
#include "ids.hpp"
#include "message.hpp"
#include "result.hpp"
#include "scheduler.hpp"
#include "transport.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orbit {

// Carries protocol messages to and from the signaling server over a Transport: encodes what
// the client sends, decodes what arrives, learns the client's id (ping → pong), answers the
// server's pings, queues while (re)connecting, matches requests to their replies with
// deadlines, and reconnects after an unexpected close with capped exponential backoff.
//
// State: Connecting → Open on the first attempt. An unexpected close leaves the state Closed
// (or Failed after an error) while the backoff runs — reconnectPending() is true and reason()
// says when the next attempt comes — then Reconnecting during each attempt, and Open again.
// close() ends it for good: Closing → Closed, no reconnect.
class Signaler {
 public:
  using Millis = std::chrono::milliseconds;

  struct Handlers {
    // state(), reason(), selfId() or the reconnect schedule changed.
    std::function<void()> onStateChange;
    // Every message that arrives, replies to request() included (after their callback).
    std::function<void(const Message& message)> onMessage;
    // Trouble that does not end the connection, such as a frame that does not decode.
    std::function<void(std::string_view problem)> onProblem;
  };

  struct Options {
    Millis firstBackoff{500};
    // Low, because a call is on: people wait for the server to be back, not for a timer.
    Millis maxBackoff{5000};
    double jitter = 0.2;  // each delay is its base times a factor in [1 - jitter, 1 + jitter]
    // Messages kept while the connection is not open; send() refuses more, keeping those
    // already queued (and their order) intact.
    std::size_t maxQueued = 256;
    // Uniform in [0, 1); injectable so tests are deterministic. Defaults to a seeded PRNG.
    std::function<double()> random;
    // A server silent this long is pinged; one silent for `silenceLimit` is taken for lost,
    // and reconnected to, without waiting for the transport to notice (a network that drops
    // packets can keep a dead connection open for minutes). 0 turns the check off.
    Millis heartbeat{5000};
    Millis silenceLimit{15000};
  };

  using Callback = std::function<void(Result<Message> reply)>;

  Signaler(std::unique_ptr<Transport> transport, Scheduler& scheduler);
  Signaler(std::unique_ptr<Transport> transport, Scheduler& scheduler, Options options);
  ~Signaler();
  Signaler(const Signaler&) = delete;
  Signaler& operator=(const Signaler&) = delete;

  void setHandlers(Handlers handlers);

  // Connects to a room's WebSocket, dropping any earlier connection.
  void connect(WebSocketTarget target);
  void connect(std::string_view url) { connect(WebSocketTarget{std::string(url), {}}); }
  // What later reconnects open, such as the subprotocols of a fresh join token in place of
  // one that has expired. The connection open now is left alone.
  void setTarget(WebSocketTarget target) { target_ = std::move(target); }
  const WebSocketTarget& target() const { return target_; }
  // Sends now when open, else queues until the connection opens (while connecting or
  // waiting to reconnect). Fails when closed for good or when the queue is full.
  std::optional<Error> send(const Message& message);
  // Sends `type` to the server and calls `callback` once with its reply, or with an Error
  // when `timeout` passes first or the connection is lost before the reply. Replies:
  // ping → pong, get-room-info → room-info, get-ice-servers → ice-servers. Fails at once
  // (and the callback is never called) for other types or when send() would fail. The
  // callback never runs from inside request().
  std::optional<Error> request(MessageType type, std::optional<Json> data, Millis timeout, Callback callback);
  // When a reconnect is waiting for its timer, tries now: the network came back, or the
  // user turned to the page again.
  void retryNow();
  // Closes for good: no reconnect follows. Pending requests fail.
  void close(std::uint16_t code, std::string_view reason);

  ConnectionState state() const { return state_; }
  // Why the state is what it is, in words the UI can show: "connecting to the server",
  // "connection lost (1006); reconnecting in 2.0 s", ...
  const std::string& reason() const { return reason_; }
  // Empty until the server's pong tells us; forgotten when the connection is lost (the server
  // gives every connection a new id).
  const ClientId& selfId() const { return selfId_; }
  // The close code and reason of the last connection once it closed; 0 and "" before.
  std::uint16_t closeCode() const { return closeCode_; }
  const std::string& closeReason() const { return closeReason_; }
  // What went wrong when state() is Failed.
  const std::string& failure() const { return failure_; }
  // True while a reconnect is scheduled or being attempted.
  bool reconnectPending() const { return reconnectTimer_ != 0 || state_ == ConnectionState::Reconnecting; }
  // Reconnect attempts since the connection was last open.
  unsigned reconnectAttempts() const { return attempts_; }
  // When the next attempt starts, on the Scheduler's clock; nothing when none is scheduled.
  std::optional<Millis> nextAttemptAt() const { return nextAttemptAt_; }
  // Bumped every time the connection opens, so owners can tell a rejoin from the first join.
  unsigned sessions() const { return sessions_; }
  std::size_t queued() const { return queue_.size(); }

  // The delay before reconnect attempt `attempt` (0 for the first) for a random draw `r` in
  // [0, 1): min(firstBackoff · 2^attempt, maxBackoff) · (1 + jitter · (2r − 1)).
  static Millis backoff(const Options& options, unsigned attempt, double r);

 private:
  struct Pending {
    MessageType reply;
    std::optional<Json> pingData;  // a ping matches only the pong that echoes its data
    Millis timeout;
    Scheduler::TimerId deadline = 0;
    Callback callback;
    bool sent = false;  // on the wire, rather than waiting in queue_
  };

  void setState(ConnectionState state, std::string reason);
  void startAttempt();
  void handleOpen();
  void handleText(std::string_view text);
  void handleError(std::string_view what);
  void onTransportClose(std::uint16_t code, std::string_view reason);
  void handleClose(std::uint16_t code, std::string_view reason);
  void armHeartbeat();
  void checkHeartbeat();
  std::optional<Error> transmit(const Message& message);
  void resolve(const Message& message);
  void expire(std::uint64_t requestId);
  void failPending(const std::string& why);
  void cancelReconnect();
  bool queueing() const;

  Scheduler& scheduler_;
  Options options_;
  Handlers handlers_;
  WebSocketTarget target_;
  ConnectionState state_ = ConnectionState::Idle;
  std::string reason_;
  ClientId selfId_;
  std::uint16_t closeCode_ = 0;
  std::string closeReason_;
  std::string failure_;
  bool connectionOpen_ = false;  // the transport's connection, whatever state_ says
  bool closing_ = false;         // close() was called: the coming close is deliberate
  unsigned attempts_ = 0;
  unsigned sessions_ = 0;
  Scheduler::TimerId reconnectTimer_ = 0;
  Scheduler::TimerId heartbeatTimer_ = 0;
  Millis lastHeard_{0};  // on the Scheduler's clock: the open, or the last frame since
  // The connection was given up for silence: whatever its transport still reports is stale.
  bool abandoned_ = false;
  std::optional<Millis> nextAttemptAt_;
  std::deque<std::pair<Message, std::uint64_t>> queue_;  // with the request id, or 0
  std::uint64_t lastRequestId_ = 0;
  std::map<std::uint64_t, Pending> pending_;  // in the order the requests were made
  // Declared last so it is destroyed first: its handlers point into this object.
  std::unique_ptr<Transport> transport_;
};

}  // namespace orbit
