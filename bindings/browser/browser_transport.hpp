#pragma once

#include "transport.hpp"

namespace orbit {

// Transport over the browser's WebSocket, through Emscripten's websocket.h.
//
// Implemented features:
//  [x] text frames both ways
//  [x] subprotocols offered (Sec-WebSocket-Protocol: a join token)
//  [x] close code and reason
//  [x] events of a replaced or destroyed socket are dropped, never delivered
//  [ ] binary frames (the protocol has none; an arriving one is reported as an error)
//  [ ] sockets owned by a worker thread (everything runs on the page's main thread)
class BrowserTransport final : public Transport {
 public:
  BrowserTransport() = default;
  ~BrowserTransport() override;
  // JavaScript holds `this` as the sockets' callback argument.
  BrowserTransport(const BrowserTransport&) = delete;
  BrowserTransport& operator=(const BrowserTransport&) = delete;

  void setHandlers(Handlers handlers) override;
  using Transport::open;
  std::optional<Error> open(const WebSocketTarget& target) override;
  std::optional<Error> send(std::string_view text) override;
  void close(std::uint16_t code, std::string_view reason) override;

 private:
  class Events;  // the trampolines JavaScript calls

  // Forgets the socket; the browser drops its pending events.
  void release();

  Handlers handlers_;
  int socket_ = 0;  // Emscripten's handle; 0 when there is none
};

}  // namespace orbit
