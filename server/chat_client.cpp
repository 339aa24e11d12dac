#include "chat_client.hpp"

#include <algorithm>

namespace orbit {

ChatClient::ChatClient(ClientId id, RoomId room, Connection& connection, TimePoint now,
                       ClientLimits limits)
    : id_(std::move(id)),
      room_(std::move(room)),
      connection_(&connection),
      limits_(limits),
      lastHeard_(now),
      tokens_(limits.burst),
      refilled_(now) {}

void ChatClient::heard(TimePoint now) {
  lastHeard_ = now;
  pingOutstanding_ = false;
}

ChatClient::Inbound ChatClient::admitInbound(TimePoint now) {
  const double elapsed = std::chrono::duration<double>(now - refilled_).count();
  refilled_ = now;
  tokens_ = std::min(limits_.burst, tokens_ + std::max(0.0, elapsed) * limits_.messagesPerSecond);
  if (tokens_ < 1.0) {
    const bool first = !throttled_;
    throttled_ = true;
    return first ? Inbound::Throttled : Inbound::ThrottledAgain;
  }
  throttled_ = false;
  tokens_ -= 1.0;
  return Inbound::Accepted;
}

bool ChatClient::deliver(SharedFrame frame) {
  if (!connection_) return true;  // gone: nothing to write, nothing to drop
  if (queuedBytes_ + frame->size() > limits_.maxQueuedBytes) return false;
  const bool wasIdle = queue_.empty();
  queuedBytes_ += frame->size();
  queue_.push(std::move(frame));
  if (wasIdle) connection_->wake();
  return true;
}

void ChatClient::popFront() {
  queuedBytes_ -= queue_.front()->size();
  queue_.pop();
}

}  // namespace orbit
