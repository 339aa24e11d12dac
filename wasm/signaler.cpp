#include "signaler.hpp"

#include "codec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <utility>

namespace orbit {
namespace {

// Without a sender: the server writes the sender of everything it relays.
Message toServer(MessageType type, std::optional<Json> data = std::nullopt) {
  Message message;
  message.receiver = std::string(kGroundControl);
  message.type = type;
  message.data = std::move(data);
  return message;
}

std::optional<MessageType> replyTo(MessageType type) {
  switch (type) {
    case MessageType::Ping: return MessageType::Pong;
    case MessageType::GetRoomInfo: return MessageType::RoomInfo;
    case MessageType::GetIceServers: return MessageType::IceServers;
    default: return std::nullopt;
  }
}

std::string seconds(Signaler::Millis delay) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
  return text;
}

std::string describeClose(std::uint16_t code, std::string_view reason) {
  std::string text = "code " + std::to_string(code);
  if (!reason.empty()) text += ": " + std::string(reason);
  return text;
}

}  // namespace

Signaler::Signaler(std::unique_ptr<Transport> transport, Scheduler& scheduler)
    : Signaler(std::move(transport), scheduler, Options{}) {}

Signaler::Signaler(std::unique_ptr<Transport> transport, Scheduler& scheduler, Options options)
    : scheduler_(scheduler), options_(std::move(options)), transport_(std::move(transport)) {
  if (!options_.random) {
    auto engine = std::make_shared<std::mt19937>(std::random_device{}());
    options_.random = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
  transport_->setHandlers({
      .onOpen = [this] { handleOpen(); },
      .onText = [this](std::string_view text) { handleText(text); },
      .onClose = [this](std::uint16_t code, std::string_view reason) { onTransportClose(code, reason); },
      .onError = [this](std::string_view what) { handleError(what); },
  });
}

Signaler::~Signaler() {
  // The scheduler outlives us; its timers must not call into a dead object.
  cancelReconnect();
  if (heartbeatTimer_ != 0) scheduler_.cancel(heartbeatTimer_);
  for (auto& [id, pending] : pending_) scheduler_.cancel(pending.deadline);
}

void Signaler::setHandlers(Handlers handlers) { handlers_ = std::move(handlers); }

Signaler::Millis Signaler::backoff(const Options& options, unsigned attempt, double r) {
  Millis base = options.firstBackoff;
  for (unsigned i = 0; i < attempt && base < options.maxBackoff; ++i) base *= 2;
  base = std::min(base, options.maxBackoff);
  const double factor = 1.0 + options.jitter * (2.0 * std::clamp(r, 0.0, 1.0) - 1.0);
  return Millis(std::llround(static_cast<double>(base.count()) * factor));
}

void Signaler::connect(WebSocketTarget target) {
  cancelReconnect();
  failPending("the connection was replaced before the reply");
  target_ = std::move(target);
  closing_ = false;
  abandoned_ = false;
  connectionOpen_ = false;
  attempts_ = 0;
  selfId_ = {};
  closeCode_ = 0;
  closeReason_.clear();
  failure_.clear();
  setState(ConnectionState::Connecting, "connecting to the server");
  if (auto error = transport_->open(target_)) {
    // A URL the platform refuses now will not be accepted later: no reconnect.
    failure_ = std::move(error->message);
    setState(ConnectionState::Failed, "could not connect: " + failure_);
  }
}

bool Signaler::queueing() const {
  return state_ == ConnectionState::Connecting || state_ == ConnectionState::Reconnecting ||
         reconnectTimer_ != 0;
}

std::optional<Error> Signaler::send(const Message& message) {
  if (connectionOpen_ && state_ == ConnectionState::Open) return transmit(message);
  if (!queueing()) {
    return Error{"cannot send " + std::string(toString(message.type)) + ": the connection is " +
                 std::string(toString(state_))};
  }
  if (queue_.size() >= options_.maxQueued) {
    return Error{"cannot send " + std::string(toString(message.type)) + ": " + std::to_string(queue_.size()) +
                 " messages already wait for the connection"};
  }
  queue_.push_back({message, 0});
  return std::nullopt;
}

std::optional<Error> Signaler::request(MessageType type, std::optional<Json> data, Millis timeout,
                                       Callback callback) {
  const auto reply = replyTo(type);
  if (!reply) return Error{std::string(toString(type)) + " has no reply to wait for"};
  const std::uint64_t id = ++lastRequestId_;
  // The server echoes a ping's data: a number of our own makes the pong ours.
  if (type == MessageType::Ping && !data) data = Json(id);
  Message message = toServer(type, data);

  const bool sendNow = connectionOpen_ && state_ == ConnectionState::Open;
  if (sendNow) {
    if (auto error = transmit(message)) return error;
  } else if (auto error = send(message)) {
    return error;
  } else {
    queue_.back().second = id;  // send() queued it
  }
  Pending pending{*reply, type == MessageType::Ping ? data : std::nullopt, timeout, 0, std::move(callback), sendNow};
  pending.deadline = scheduler_.after(timeout, [this, id] { expire(id); });
  pending_.emplace(id, std::move(pending));
  return std::nullopt;
}

void Signaler::close(std::uint16_t code, std::string_view reason) {
  closing_ = true;
  cancelReconnect();
  queue_.clear();
  failPending("the connection was closed before the reply");
  if (connectionOpen_ || state_ == ConnectionState::Connecting || state_ == ConnectionState::Reconnecting) {
    setState(ConnectionState::Closing, "closing");
    transport_->close(code, reason);
  } else if (state_ != ConnectionState::Idle) {
    setState(ConnectionState::Closed, "closed");
  }
}

void Signaler::setState(ConnectionState state, std::string reason) {
  if (state == state_ && reason == reason_) return;
  state_ = state;
  reason_ = std::move(reason);
  if (handlers_.onStateChange) handlers_.onStateChange();
}

void Signaler::handleOpen() {
  if (abandoned_) return;
  connectionOpen_ = true;
  lastHeard_ = scheduler_.now();
  armHeartbeat();
  attempts_ = 0;
  ++sessions_;
  closeCode_ = 0;
  closeReason_.clear();
  failure_.clear();
  // The pong's receiver is our id. The server answers in order, so the id is known before
  // the reply to anything sent after this ping.
  transmit(toServer(MessageType::Ping));
  while (!queue_.empty() && connectionOpen_) {
    auto [message, requestId] = std::move(queue_.front());
    queue_.pop_front();
    if (requestId != 0) {
      if (auto it = pending_.find(requestId); it != pending_.end()) it->second.sent = true;
    }
    if (auto error = transmit(message)) {
      if (handlers_.onProblem) handlers_.onProblem("a queued message was lost: " + error->message);
    }
  }
  if (connectionOpen_) setState(ConnectionState::Open, "connected");
}

std::optional<Error> Signaler::transmit(const Message& message) { return transport_->send(encode(message)); }

void Signaler::armHeartbeat() {
  if (heartbeatTimer_ != 0) scheduler_.cancel(heartbeatTimer_);
  heartbeatTimer_ = 0;
  if (!connectionOpen_ || options_.heartbeat.count() <= 0) return;
  // Every frame counts as a sign of life, so the timer is not moved for each: it looks at the
  // silence when it fires and sets itself again from there. While the silence lasts it pings
  // every `heartbeat`, and looks a last time at the limit.
  const Millis silence = scheduler_.now() - lastHeard_;
  const Millis due = silence < options_.heartbeat ? options_.heartbeat - silence
                                                  : std::min(options_.heartbeat, options_.silenceLimit - silence);
  heartbeatTimer_ = scheduler_.after(due, [this] { checkHeartbeat(); });
}

void Signaler::checkHeartbeat() {
  heartbeatTimer_ = 0;
  if (!connectionOpen_) return;
  const Millis silence = scheduler_.now() - lastHeard_;
  if (silence >= options_.silenceLimit) {
    abandoned_ = true;
    transport_->close(4000, "no answer from the server");
    failure_ = "no answer from the server for " + seconds(silence);
    handleClose(1006, failure_);
    return;
  }
  if (silence >= options_.heartbeat) transmit(toServer(MessageType::Ping, Json("heartbeat")));
  armHeartbeat();
}

void Signaler::handleText(std::string_view text) {
  // Frames come between the transport's open and its close; one outside them (from a
  // connection given up on, or a transport that misbehaves) belongs to no session of ours.
  if (abandoned_ || !connectionOpen_) return;
  lastHeard_ = scheduler_.now();
  auto decoded = decode(text);
  if (!decoded) {
    if (handlers_.onProblem) handlers_.onProblem("the server sent a bad frame: " + decoded.error().message);
    return;
  }
  const Message& message = *decoded;
  if (message.type == MessageType::Ping && !message.sender.empty()) {
    // The server pings clients it has not heard from and reaps the silent ones.
    Message pong;
    pong.receiver = message.sender;
    pong.type = MessageType::Pong;
    pong.data = message.data;
    transmit(pong);
  }
  // The first pong of a connection says who we are, for as long as it lasts (a new connection
  // is a new id): a later pong naming someone else would make us a member we are calling.
  if (message.type == MessageType::Pong && message.sender == kGroundControl && isClientId(message.receiver) &&
      selfId_.empty()) {
    selfId_ = ClientId(message.receiver);
    if (handlers_.onStateChange) handlers_.onStateChange();
  }
  resolve(message);
  if (handlers_.onMessage) handlers_.onMessage(message);
}

void Signaler::resolve(const Message& message) {
  if (message.sender != kGroundControl) return;
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    const Pending& pending = it->second;
    if (!pending.sent || pending.reply != message.type) continue;
    if (message.type == MessageType::Pong && pending.pingData != message.data) continue;
    auto node = pending_.extract(it);
    scheduler_.cancel(node.mapped().deadline);
    node.mapped().callback(message);
    return;
  }
}

void Signaler::expire(std::uint64_t requestId) {
  auto node = pending_.extract(requestId);
  if (node.empty()) return;
  node.mapped().callback(Error{"no " + std::string(toString(node.mapped().reply)) + " from the server within " +
                               std::to_string(node.mapped().timeout.count()) + " ms"});
}

void Signaler::failPending(const std::string& why) {
  // Only requests already on the wire: the server answers on the connection it got them on.
  // Queued ones still go out, and can be answered, on the next connection.
  std::vector<Callback> failed;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.sent || closing_ || state_ == ConnectionState::Idle) {
      scheduler_.cancel(it->second.deadline);
      failed.push_back(std::move(it->second.callback));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& callback : failed) callback(Error{why});
}

void Signaler::handleError(std::string_view what) {
  if (abandoned_) return;
  // Shown through failure() and the Failed state that the close brings.
  failure_ = what;
}

void Signaler::onTransportClose(std::uint16_t code, std::string_view reason) {
  // The close of a connection given up on already arrives late, if at all.
  if (!abandoned_) handleClose(code, reason);
}

void Signaler::handleClose(std::uint16_t code, std::string_view reason) {
  const bool wasOpen = connectionOpen_;
  if (heartbeatTimer_ != 0) scheduler_.cancel(heartbeatTimer_);
  heartbeatTimer_ = 0;
  connectionOpen_ = false;
  closeCode_ = code;
  closeReason_ = reason;
  selfId_ = {};
  failPending("the connection closed before the reply");
  if (closing_ || state_ == ConnectionState::Idle) {
    queue_.clear();
    setState(failure_.empty() ? ConnectionState::Closed : ConnectionState::Failed, "closed");
    return;
  }
  const Millis delay = backoff(options_, attempts_, options_.random());
  ++attempts_;
  nextAttemptAt_ = scheduler_.now() + delay;
  reconnectTimer_ = scheduler_.after(delay, [this] {
    reconnectTimer_ = 0;
    startAttempt();
  });
  std::string why = wasOpen ? "connection lost" : "could not connect";
  why += " (" + (failure_.empty() ? describeClose(code, reason) : failure_) + "); reconnecting in " + seconds(delay);
  setState(failure_.empty() ? ConnectionState::Closed : ConnectionState::Failed, std::move(why));
}

void Signaler::startAttempt() {
  nextAttemptAt_.reset();
  failure_.clear();
  // open() drops the connection given up on, and with it anything it might still report.
  abandoned_ = false;
  setState(ConnectionState::Reconnecting, "reconnecting (attempt " + std::to_string(attempts_) + ")");
  if (auto error = transport_->open(target_)) {
    failure_ = error->message;
    handleClose(1006, error->message);
  }
}

void Signaler::retryNow() {
  if (reconnectTimer_ == 0) return;
  cancelReconnect();
  startAttempt();
}

void Signaler::cancelReconnect() {
  if (reconnectTimer_ != 0) scheduler_.cancel(reconnectTimer_);
  reconnectTimer_ = 0;
  nextAttemptAt_.reset();
}

}  // namespace orbit
