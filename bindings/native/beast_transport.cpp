#include "beast_transport.hpp"

#include "api.hpp"
#include "codec.hpp"
#include "handshake.hpp"

#include <utility>  // before Asio: its awaitable.hpp needs std::exchange

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/err.h>

#include <deque>
#include <string>
#include <type_traits>

namespace orbit {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

constexpr std::uint16_t kAbnormalClosure = 1006;  // no close frame: the connection just ended

struct WsUrl {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string hostHeader;
  std::string target;
  std::string protocols;  // Sec-WebSocket-Protocol, comma-separated; empty: none offered
};

Result<WsUrl> parseWsUrl(std::string_view url) {
  WsUrl out;
  std::string_view rest;
  if (url.rfind("ws://", 0) == 0) {
    rest = url.substr(5);
  } else if (url.rfind("wss://", 0) == 0) {
    out.tls = true;
    rest = url.substr(6);
  } else {
    return Error{"not a WebSocket URL: " + std::string(url)};
  }
  const auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return Error{"no usable host in " + std::string(url)};
  }
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Error{"bad IPv6 host in " + std::string(url)};
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Error{"bad host in " + std::string(url)};
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Error{"no host in " + std::string(url)};
  if (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error{"bad port in " + std::string(url)};
  }
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  out.hostHeader = std::string(authority);
  return out;
}

}  // namespace

// One connection. Owned by its pending operations (shared_ptr); `owner_` goes null when the
// transport is destroyed or opens another connection, after which nothing is delivered.
class BeastTransport::Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(BeastTransport* owner) : owner_(owner), tlsContext_(ssl::context::tls_client) {}
  virtual ~Session() = default;

  virtual void start(WsUrl url) = 0;
  virtual std::optional<Error> send(std::string_view text) = 0;
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
  // Forgets the owner and drops the connection without another event.
  virtual void abort() = 0;

 protected:
  bool attached() const { return owner_ != nullptr && !finished_; }

  // Each copies the handler before calling it: a handler may destroy the transport.
  void emitOpen() {
    if (!attached()) return;
    auto handler = owner_->handlers_.onOpen;
    if (handler) handler();
  }
  void emitText(std::string_view text) {
    if (!attached()) return;
    auto handler = owner_->handlers_.onText;
    if (handler) handler(text);
  }
  void emitError(std::string_view what) {
    if (!attached()) return;
    auto handler = owner_->handlers_.onError;
    if (handler) handler(what);
  }
  void emitClose(std::uint16_t code, std::string_view reason) {
    if (!attached()) return;
    finished_ = true;
    auto handler = owner_->handlers_.onClose;
    BeastTransport* owner = owner_;
    owner_ = nullptr;
    if (owner->session_.get() == this) owner->session_.reset();  // `this` lives on: we run in a handler holding it
    if (handler) handler(code, reason);
  }

  BeastTransport* owner_;
  bool finished_ = false;
  // Here, in the base, so that it is built before and destroyed after the stream using it.
  ssl::context tlsContext_;

  friend class BeastTransport;
};

namespace {

template <class Stream>
class SessionImpl final : public BeastTransport::Session {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  SessionImpl(BeastTransport* owner, net::io_context& io, BeastTransport::Options options)
      : Session(owner), options_(options), resolver_(io), ws_(makeStream(io)) {}

  void start(WsUrl url) override {
    url_ = std::move(url);
    resolver_.async_resolve(url_.host, url_.port, beast::bind_front_handler(&SessionImpl::onResolve, self()));
  }

  std::optional<Error> send(std::string_view text) override {
    if (!opened_ || closing_ || finished_) return Error{"the WebSocket is not open"};
    if (text.size() > kMaxFrameBytes) {
      return Error{"a frame of " + std::to_string(text.size()) + " bytes is over the 64 KiB limit"};
    }
    writes_.emplace_back(text);
    if (!writing_) doWrite();
    return std::nullopt;
  }

  void close(std::uint16_t code, std::string_view reason) override {
    if (closing_ || finished_) return;
    closing_ = true;
    closeCode_ = code;
    closeText_ = std::string(reason.substr(0, 123));  // a close frame's reason fits in 123 bytes
    if (!opened_) {
      // Still connecting: the pending operation fails, and that becomes the close.
      resolver_.cancel();
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
      return;
    }
    if (!writing_) startClose();  // else after the queued frames
  }

  void abort() override {
    owner_ = nullptr;
    resolver_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  using Ws = websocket::stream<Stream>;

  Ws makeStream(net::io_context& io) {
    if constexpr (kTls) {
      if (options_.verifyPeer) {
        tlsContext_.set_default_verify_paths();
        tlsContext_.set_verify_mode(ssl::verify_peer);
      } else {
        tlsContext_.set_verify_mode(ssl::verify_none);
      }
      return Ws(io, tlsContext_);
    } else {
      return Ws(io);
    }
  }

  std::shared_ptr<SessionImpl> self() { return std::static_pointer_cast<SessionImpl>(shared_from_this()); }

  // Ends the connection after a failure: onError, then onClose. A close we asked for while
  // connecting ends quietly.
  void fail(std::string_view what, beast::error_code ec) {
    if (closing_ && !opened_) return emitClose(closeCode_, closeText_);
    emitError(std::string(what) + ": " + ec.message());
    emitClose(kAbnormalClosure, ec.message());
  }

  void onResolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail("could not resolve " + url_.host, ec);
    beast::get_lowest_layer(ws_).expires_after(options_.connectTimeout);
    beast::get_lowest_layer(ws_).async_connect(results, beast::bind_front_handler(&SessionImpl::onConnect, self()));
  }

  void onConnect(beast::error_code ec, tcp::endpoint) {
    if (ec) return fail("could not connect to " + url_.hostHeader, ec);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      if (!SSL_set_tlsext_host_name(ws_.next_layer().native_handle(), url_.host.c_str())) {
        return fail("TLS", beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
      }
      if (options_.verifyPeer) ws_.next_layer().set_verify_callback(ssl::host_name_verification(url_.host));
      ws_.next_layer().async_handshake(ssl::stream_base::client,
                                       beast::bind_front_handler(&SessionImpl::onTlsHandshake, self()));
    } else {
      startHandshake();
    }
  }

  void onTlsHandshake(beast::error_code ec) {
    if (ec) return fail("TLS handshake with " + url_.hostHeader + " failed", ec);
    startHandshake();
  }

  void startHandshake() {
    // The WebSocket's own timeouts take over from the connect timeout.
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(websocket::stream_base::decorator([protocols = url_.protocols](websocket::request_type& request) {
      request.set(beast::http::field::user_agent, "orbit-native");
      if (!protocols.empty()) request.set(beast::http::field::sec_websocket_protocol, protocols);
    }));
    ws_.read_message_max(kMaxFrameBytes);
    ws_.text(true);
    ws_.async_handshake(handshakeResponse_, url_.hostHeader, url_.target,
                        beast::bind_front_handler(&SessionImpl::onHandshake, self()));
  }

  void onHandshake(beast::error_code ec) {
    if (ec && handshakeResponse_.result_int() != 0 && handshakeResponse_.result_int() != 101 && !closing_) {
      // The server answered, and said no: its words (a 429 says "too many connections from
      // your address" and when to try again), not "the handshake failed".
      const int status = handshakeResponse_.result_int();
      auto refusal = parseErrorReply(handshakeResponse_.body());
      std::string why = "the server refused the WebSocket (HTTP " + std::to_string(status) + ")";
      if (refusal && !refusal->error.empty()) why += ": " + refusal->error;
      if (const auto retry = handshakeResponse_[beast::http::field::retry_after]; !retry.empty()) {
        why += " (try again in " + std::string(retry) + " s)";
      }
      emitError(why);
      return emitClose(kAbnormalClosure, why);
    }
    if (ec) return fail("the WebSocket handshake with " + url_.hostHeader + " failed", ec);
    if (closing_) {
      // close() came while connecting and the connection won the race: close it properly.
      opened_ = true;
      doRead();
      return startClose();
    }
    opened_ = true;
    emitOpen();
    if (attached()) doRead();
  }

  void doRead() { ws_.async_read(buffer_, beast::bind_front_handler(&SessionImpl::onRead, self())); }

  void onRead(beast::error_code ec, std::size_t) {
    if (ec) return finish(ec);
    if (!ws_.got_text()) {
      emitError("the server sent a binary frame; it was ignored");
    } else {
      const std::string text = beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
      emitText(text);
    }
    buffer_.consume(buffer_.size());
    if (attached()) doRead();
  }

  // The read loop ended: a close handshake, or the connection broke.
  void finish(beast::error_code ec) {
    if (ec == websocket::error::closed) {
      const auto& reason = ws_.reason();
      return emitClose(reason.code != websocket::close_code::none ? reason.code : closeCode_,
                       std::string(reason.reason.data(), reason.reason.size()));
    }
    if (closing_) return emitClose(closeCode_, closeText_);
    fail("the connection broke", ec);
  }

  void doWrite() {
    writing_ = true;
    ws_.async_write(net::buffer(writes_.front()), beast::bind_front_handler(&SessionImpl::onWrite, self()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
      if (!closing_) fail("sending failed", ec);
      return;
    }
    writes_.pop_front();
    if (!writes_.empty()) return doWrite();
    if (closing_ && opened_) startClose();
  }

  void startClose() {
    if (closeStarted_) return;
    closeStarted_ = true;
    writes_.clear();
    websocket::close_reason reason(static_cast<websocket::close_code>(closeCode_), closeText_);
    ws_.async_close(reason, beast::bind_front_handler(&SessionImpl::onClosed, self()));
  }

  void onClosed(beast::error_code ec) {
    // The read loop usually reports the close first, with the server's code; this is for
    // the case where it does not.
    if (ec) return emitClose(kAbnormalClosure, ec.message());
    emitClose(closeCode_, closeText_);
  }

  BeastTransport::Options options_;
  WsUrl url_;
  tcp::resolver resolver_;
  Ws ws_;
  websocket::response_type handshakeResponse_;
  beast::flat_buffer buffer_;
  std::deque<std::string> writes_;
  bool writing_ = false;
  bool opened_ = false;
  bool closing_ = false;
  bool closeStarted_ = false;
  std::uint16_t closeCode_ = 1000;
  std::string closeText_;
};

}  // namespace

BeastTransport::BeastTransport(net::io_context& io) : BeastTransport(io, Options{}) {}

BeastTransport::BeastTransport(net::io_context& io, Options options) : io_(io), options_(options) {}

BeastTransport::~BeastTransport() { detach(); }

void BeastTransport::setHandlers(Handlers handlers) { handlers_ = std::move(handlers); }

std::optional<Error> BeastTransport::open(const WebSocketTarget& target) {
  detach();
  auto parsed = parseWsUrl(target.url);
  if (!parsed) return parsed.error();
  for (const auto& protocol : target.protocols) {
    // Anything else could split the header or add one of its own.
    if (!isSubprotocolToken(protocol)) return Error{"not a WebSocket subprotocol: " + protocol};
    parsed->protocols += (parsed->protocols.empty() ? "" : ", ") + protocol;
  }
  if (parsed->tls) {
    session_ = std::make_shared<SessionImpl<beast::ssl_stream<beast::tcp_stream>>>(this, io_, options_);
  } else {
    session_ = std::make_shared<SessionImpl<beast::tcp_stream>>(this, io_, options_);
  }
  session_->start(std::move(*parsed));
  return std::nullopt;
}

std::optional<Error> BeastTransport::send(std::string_view text) {
  if (!session_) return Error{"the WebSocket is not open"};
  return session_->send(text);
}

void BeastTransport::close(std::uint16_t code, std::string_view reason) {
  if (session_) session_->close(code, reason);
}

void BeastTransport::detach() {
  if (!session_) return;
  session_->abort();
  session_.reset();
}

}  // namespace orbit
