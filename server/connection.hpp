#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace orbit {

// WebSocket close codes the server uses (RFC 6455).
enum class CloseCode : std::uint16_t {
  Normal = 1000,
  GoingAway = 1001,
  PolicyViolation = 1008,
  TooBig = 1009,
  TryAgainLater = 1013,
};

// What the logic needs from one client's socket; the WebSocket session implements it.
// Tests implement it with a recorder, so the logic runs without sockets.
class Connection {
 public:
  virtual ~Connection() = default;
  // Frames were queued on the client while its queue was empty: start writing.
  virtual void wake() = 0;
  // Close the socket once the queued frames are written (or at once when `flush` is false).
  virtual void close(CloseCode code, std::string reason, bool flush) = 0;
  // The client's address, as TrustedProxies::clientAddress resolved it (for the log).
  virtual std::string_view address() const { return {}; }
};

}  // namespace orbit
