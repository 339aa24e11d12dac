#pragma once

#include "transport.hpp"

#include <utility>  // before Asio: its awaitable.hpp needs std::exchange

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>

namespace orbit {

// Transport over a Boost.Beast WebSocket client, for native clients, tests and bots.
//
// Implemented features:
//  [x] ws:// and wss:// (TLS with SNI; the certificate and host name are verified unless
//      Options::verifyPeer is false)
//  [x] text frames both ways, up to 64 KiB; one write queue, frames leave in order
//  [x] TCP_NODELAY; a connect timeout; Beast's suggested client timeouts after the handshake
//  [x] close code and reason; onClose is the last event of every connection, failed ones too
//  [x] handlers run from the io_context, never from inside open/send/close, never after the
//      transport is destroyed or has opened another connection
//  [ ] binary frames (the protocol has none; an arriving one is reported as an error)
//  [x] subprotocols offered (Sec-WebSocket-Protocol: a join token)
//  [ ] proxies, other custom headers
class BeastTransport final : public Transport {
 public:
  struct Options {
    bool verifyPeer = true;  // false only for test servers with self-signed certificates
    std::chrono::milliseconds connectTimeout{10000};
  };

  // Everything runs on `io`, which must outlive the transport; run it on one thread.
  explicit BeastTransport(boost::asio::io_context& io);
  BeastTransport(boost::asio::io_context& io, Options options);
  ~BeastTransport() override;
  // Sessions hold a pointer back to it.
  BeastTransport(const BeastTransport&) = delete;
  BeastTransport& operator=(const BeastTransport&) = delete;

  void setHandlers(Handlers handlers) override;
  using Transport::open;
  std::optional<Error> open(const WebSocketTarget& target) override;
  std::optional<Error> send(std::string_view text) override;
  void close(std::uint16_t code, std::string_view reason) override;

  class Session;  // one connection; defined in the .cpp, kept out of this header with Beast

 private:
  friend class Session;
  void detach();

  boost::asio::io_context& io_;
  Options options_;
  Handlers handlers_;
  std::shared_ptr<Session> session_;
};

}  // namespace orbit
