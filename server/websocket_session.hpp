#pragma once

#include "codec.hpp"
#include "connection.hpp"
#include "handshake.hpp"
#include "logger.hpp"
#include "net.hpp"
#include "redis_cluster.hpp"
#include "server_context.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace orbit {

// How long a client the server drops has to take its last frames and answer the close.
inline constexpr std::chrono::seconds kCloseDeadline{5};

// What the WebSocket runs on. A plain connection sheds Beast's basic_stream: its impl and
// three timers (about 470 bytes) served only to bound the HTTP request before the upgrade.
template <class Stream>
struct WebSocketLayer {
  using type = Stream;
  static Stream take(Stream&& stream) { return std::move(stream); }
};
template <>
struct WebSocketLayer<PlainStream> {
  using type = Socket;
  static Socket take(PlainStream&& stream) { return stream.release_socket(); }
};

// The payload of the message being read (a Beast DynamicBuffer). Beast prepares the buffer
// as soon as a read starts, before a frame header has come, and an idle connection spends
// its life in that read: a flat_buffer would hold 1.5 KB each. This one says it has room for
// one byte while it is empty, so the waiting read gets a byte inside the object; once the
// first byte of a message is in, Beast asks for exactly what its frame has left. consume()
// of the whole message gives the memory back.
class MessageBuffer {
 public:
  using const_buffers_type = net::const_buffer;
  using mutable_buffers_type = net::mutable_buffer;

  std::size_t size() const { return size_; }
  std::size_t max_size() const { return size_ == 0 ? 1 : kMaxBytes; }
  std::size_t capacity() const { return heap_ ? capacity_ : 1; }
  const_buffers_type data() const { return {heap_ ? heap_.get() : &first_, size_}; }

  mutable_buffers_type prepare(std::size_t n) {
    if (n > kMaxBytes - size_) throw std::length_error("MessageBuffer::prepare");
    if (!heap_ && size_ + n <= 1) return {&first_ + size_, n};
    if (!heap_ || size_ + n > capacity_) {
      // A message in several frames grows by doubling rather than frame by frame.
      const std::size_t wanted = heap_ ? std::max(size_ + n, std::min(2 * capacity_, kMaxBytes)) : size_ + n;
      auto next = std::make_unique_for_overwrite<char[]>(wanted);
      if (size_ > 0) std::memcpy(next.get(), heap_ ? heap_.get() : &first_, size_);
      heap_ = std::move(next);
      capacity_ = wanted;
    }
    return {heap_.get() + size_, n};
  }
  void commit(std::size_t n) { size_ += std::min(n, capacity() - size_); }
  void consume(std::size_t n) {
    if (n < size_) {
      char* data = heap_ ? heap_.get() : &first_;
      std::memmove(data, data + n, size_ - n);
      size_ -= n;
      return;
    }
    heap_.reset();
    capacity_ = 0;
    size_ = 0;
  }

 private:
  static constexpr std::size_t kMaxBytes = static_cast<std::size_t>(-1) / 2;
  std::unique_ptr<char[]> heap_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  char first_ = 0;
};

// One WebSocket: reads frames into the ChatManager and writes the frames queued on its
// ChatClient, one write at a time. The session owns the socket; the client is the
// logic's view of it.
template <class Stream>
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession<Stream>>,
                         public Connection {
 public:
  WebSocketSession(Stream&& stream, ServerContext& context, std::string roomId, std::optional<Seat> seat,
                   std::string address, ConnectionLimits::Slot slot)
      : ws_(WebSocketLayer<Stream>::take(std::move(stream))),
        context_(context),
        roomId_(std::move(roomId)),
        seat_(std::move(seat)),
        address_(std::move(address)),
        slot_(std::move(slot)) {}

  // `selectOrbit`: the client offered the subprotocol "orbit" (beside its join token), and the
  // answer must select it, or a browser fails the connection.
  void run(http::request<http::string_body> request, bool selectOrbit) {
    // The logic's heartbeat decides liveness; Beast only bounds the handshake and close.
    // (The suggested server timeout would also keep an idle timer waiting on every socket.)
    auto timeout = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([selectOrbit](websocket::response_type& res) {
      res.set(http::field::server, "orbit-server");
      if (selectOrbit) res.set(http::field::sec_websocket_protocol, kOrbitSubprotocol);
    }));
    ws_.read_message_max(kMaxFrameBytes);
    ws_.auto_fragment(false);
    ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::onAccept, this->shared_from_this()));
  }

  // Connection
  void wake() override {
    if (!writing_ && !closing_) doWriteOrClose();
  }

  std::string_view address() const override { return address_; }

  void close(CloseCode code, std::string reason, bool flush) override {
    if (closing_ || closeRequested_) return;
    closeRequested_ = true;
    closeCode_ = code;
    closeReason_ = std::move(reason);
    if (!flush) abandonQueue_ = true;
    armCloseDeadline();
    if (!writing_) doWriteOrClose();
  }

 private:
  void onAccept(beast::error_code ec) {
    if (ec) {
      if (!isQuietError(ec)) log(LogLevel::Debug, "websocket handshake failed: ", ec.message());
      releaseSeat();
      return;
    }
    auto joined = context_.manager.join(roomId_, *this, Clock::now(), seat_);
    if (!joined) {
      releaseSeat();
      close(CloseCode::TryAgainLater, joined.error().message, false);
      return;
    }
    client_ = std::move(*joined);
    // Only a session that never joined needs its room and seat again (releaseSeat).
    roomId_ = std::string();
    seat_.reset();
    wake();  // join() queued room-info before client_ was set, so its wake() found nothing
    doRead();
  }

  void doRead() {
    ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::onRead, this->shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t bytes) {
    if (ec) {
      std::string why = "connection closed";
      LeaveReason reason = LeaveReason::Closed;
      if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow) {
        why = "frame larger than " + std::to_string(kMaxFrameBytes) + " bytes";
        reason = LeaveReason::TooBig;
      } else if (ec != websocket::error::closed && !isQuietError(ec)) {
        why = ec.message();
        reason = LeaveReason::Error;
      }
      finish(reason, why);
      return;
    }
    // A failed write may have finished the session while this read's completion was queued.
    if (!client_) return;
    context_.traffic.received(TrafficMetrics::Protocol::WebSocket, bytes);
    const auto now = Clock::now();
    if (ws_.got_text()) {
      const auto data = buffer_.data();
      context_.manager.onText(*client_, {static_cast<const char*>(data.data()), data.size()}, now);
    } else {
      context_.manager.onBinary(*client_, now);
    }
    buffer_.consume(buffer_.size());
    doRead();
  }

  void doWriteOrClose() {
    if (client_ && client_->hasQueued() && !abandonQueue_) {
      writing_ = true;
      ws_.text(true);
      ws_.async_write(net::buffer(*client_->front()),
                      beast::bind_front_handler(&WebSocketSession::onWrite, this->shared_from_this()));
      return;
    }
    if (closeRequested_ && !closing_) {
      closing_ = true;
      const websocket::close_reason reason(static_cast<websocket::close_code>(closeCode_), closeReason_);
      closeReason_ = std::string();
      ws_.async_close(reason, beast::bind_front_handler(&WebSocketSession::onClose, this->shared_from_this()));
    }
  }

  void onWrite(beast::error_code ec, std::size_t bytes) {
    writing_ = false;
    context_.traffic.sent(TrafficMetrics::Protocol::WebSocket, bytes);
    if (!client_) return;  // the read side has already finished
    if (ec) {
      if (!isQuietError(ec)) log(LogLevel::Debug, "websocket write failed: ", ec.message());
      finish(LeaveReason::Error, "write failed");
      return;
    }
    client_->popFront();
    doWriteOrClose();
  }

  void onClose(beast::error_code) {
    // The pending read completes with `closed` next, and that leaves the room.
  }

  void finish(LeaveReason reason, const std::string& why) {
    if (!client_) return;
    context_.manager.leave(*client_, reason, why, Clock::now());  // a no-op if the logic removed it first
    client_.reset();
    context_.afterLeave();
  }

  // A client being dropped (reaped for silence, too slow, shutdown) may have stopped reading:
  // a write to it then waits for ever once the kernel's buffers are full, and the close
  // handshake after the flush waits Beast's 30 s for an answer that will not come. Either
  // way the session and its descriptor would outlive the client. So whatever is still
  // unsent kCloseDeadline after the close was asked for is given up: the socket is reset
  // (no FIN that would wait behind the unsent data), which ends the pending operations.
  // The timer exists only while closing; it holds no reference that would keep the session.
  void armCloseDeadline() {
    closeDeadline_ = std::make_unique<net::steady_timer>(ws_.get_executor(), kCloseDeadline);
    closeDeadline_->async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      auto& socket = self->rawSocket();
      if (!socket.is_open()) return;
      beast::error_code ignored;
      socket.set_option(net::socket_base::linger(true, 0), ignored);
      socket.close(ignored);
    });
  }

  auto& rawSocket() {
    if constexpr (kIsTls<Stream>) {
      return beast::get_lowest_layer(ws_).socket();
    } else {
      return beast::get_lowest_layer(ws_);
    }
  }

  // A seat taken in the cluster for a client that never joined.
  void releaseSeat() {
    if (seat_ && context_.cluster) context_.cluster->left(RoomId(roomId_), seat_->id);
  }

  // No permessage-deflate: the server never offers it, and its state would sit in every stream.
  websocket::stream<typename WebSocketLayer<Stream>::type, false> ws_;
  MessageBuffer buffer_;
  ServerContext& context_;
  std::string roomId_;
  std::optional<Seat> seat_;
  std::string address_;
  // This connection's place under the connection limits, given back with the session.
  ConnectionLimits::Slot slot_;
  std::shared_ptr<ChatClient> client_;
  bool writing_ = false;
  bool closeRequested_ = false;
  bool closing_ = false;
  bool abandonQueue_ = false;
  CloseCode closeCode_ = CloseCode::Normal;
  std::string closeReason_;
  std::unique_ptr<net::steady_timer> closeDeadline_;
};

}  // namespace orbit
