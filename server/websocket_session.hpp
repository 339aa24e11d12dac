#pragma once

#include "codec.hpp"
#include "connection.hpp"
#include "logger.hpp"
#include "net.hpp"
#include "redis_cluster.hpp"
#include "server_context.hpp"

#include <memory>
#include <optional>
#include <string>

namespace orbit {

// One WebSocket: reads frames into the ChatManager and writes the frames queued on its
// ChatClient, one write at a time. The session owns the socket; the client is the
// logic's view of it.
template <class Stream>
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession<Stream>>,
                         public Connection {
 public:
  WebSocketSession(Stream&& stream, ServerContext& context, std::string roomId, std::optional<Seat> seat)
      : ws_(std::move(stream)), context_(context), roomId_(std::move(roomId)), seat_(std::move(seat)) {}

  void run(http::request<http::string_body> request) {
    // The logic's heartbeat decides liveness; Beast only bounds the handshake and close.
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "orbit-server");
    }));
    ws_.read_message_max(kMaxFrameBytes);
    ws_.auto_fragment(false);
    ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::onAccept, this->shared_from_this()));
  }

  // Connection
  void wake() override {
    if (!writing_ && !closing_) doWriteOrClose();
  }

  void close(CloseCode code, std::string reason, bool flush) override {
    if (closing_ || closeRequested_) return;
    closeRequested_ = true;
    closeReason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!flush) abandonQueue_ = true;
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
    wake();  // join() queued room-info before client_ was set, so its wake() found nothing
    doRead();
  }

  void doRead() {
    ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::onRead, this->shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec) {
      std::string why = "connection closed";
      if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow) {
        why = "frame larger than " + std::to_string(kMaxFrameBytes) + " bytes";
      } else if (ec != websocket::error::closed && !isQuietError(ec)) {
        why = ec.message();
      }
      finish(why);
      return;
    }
    const auto now = Clock::now();
    if (ws_.got_text()) {
      const auto data = buffer_.cdata();
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
      ws_.async_close(closeReason_, beast::bind_front_handler(&WebSocketSession::onClose, this->shared_from_this()));
    }
  }

  void onWrite(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (!client_) return;  // the read side has already finished
    if (ec) {
      if (!isQuietError(ec)) log(LogLevel::Debug, "websocket write failed: ", ec.message());
      finish("write failed");
      return;
    }
    client_->popFront();
    doWriteOrClose();
  }

  void onClose(beast::error_code) {
    // The pending read completes with `closed` next, and that leaves the room.
  }

  void finish(const std::string& why) {
    if (!client_) return;
    context_.manager.leave(*client_, why, Clock::now());  // a no-op if the logic removed it first
    client_.reset();
    context_.afterLeave();
  }

  // A seat taken in the cluster for a client that never joined.
  void releaseSeat() {
    if (seat_ && context_.cluster) context_.cluster->left(RoomId(roomId_), seat_->id);
  }

  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  ServerContext& context_;
  std::string roomId_;
  std::optional<Seat> seat_;
  std::shared_ptr<ChatClient> client_;
  bool writing_ = false;
  bool closeRequested_ = false;
  bool closing_ = false;
  bool abandonQueue_ = false;
  websocket::close_reason closeReason_;
};

}  // namespace orbit
