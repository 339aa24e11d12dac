#pragma once

#include "result.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// Where a WebSocket goes: its ws:// or wss:// URL, and the subprotocols it offers in
// Sec-WebSocket-Protocol (a password room's join token travels there: shared/handshake.hpp).
struct WebSocketTarget {
  std::string url;
  std::vector<std::string> protocols;
  bool operator==(const WebSocketTarget&) const = default;
};

// One WebSocket connection carrying text frames. Implemented over the browser's WebSocket
// (bindings/browser), over Beast for native clients, and in-process for tests.
//
// Handlers run on the thread that owns the transport, never from inside open(), send() or
// close(), and never after the transport is destroyed: an owner that destroys its transport
// may let the handlers capture `this`.
class Transport {
 public:
  struct Handlers {
    std::function<void()> onOpen;
    std::function<void(std::string_view text)> onText;
    // The last event of a connection, also after a failed open or an error.
    std::function<void(std::uint16_t code, std::string_view reason)> onClose;
    // Something went wrong; onClose follows when the connection is lost by it.
    std::function<void(std::string_view what)> onError;
  };

  virtual ~Transport() = default;

  virtual void setHandlers(Handlers handlers) = 0;

  // Starts connecting to a ws:// or wss:// URL. Fails at once when the URL or the platform
  // rules a connection out; otherwise the outcome arrives as onOpen or onError/onClose.
  // Drops any earlier connection first: nothing more arrives from it.
  virtual std::optional<Error> open(const WebSocketTarget& target) = 0;
  // The same, offering no subprotocol. (An implementation says `using Transport::open;`.)
  std::optional<Error> open(std::string_view url) { return open(WebSocketTarget{std::string(url), {}}); }

  // Queues one text frame; fails when the connection is not open.
  virtual std::optional<Error> send(std::string_view text) = 0;

  // Starts the closing handshake. onClose still follows.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

}  // namespace orbit
