#pragma once

#include "connection_state.hpp"
#include "message.hpp"
#include "result.hpp"
#include "transport.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// Carries protocol messages to and from the signaling server over a Transport: encodes
// what the client sends, decodes what arrives, and keeps track of the connection.
class Signaler {
 public:
  struct Handlers {
    std::function<void()> onStateChange;
    std::function<void(const Message& message)> onMessage;
    // Trouble that does not end the connection, such as a frame that does not decode.
    std::function<void(std::string_view problem)> onProblem;
  };

  explicit Signaler(std::unique_ptr<Transport> transport);
  Signaler(const Signaler&) = delete;
  Signaler& operator=(const Signaler&) = delete;

  void setHandlers(Handlers handlers);

  // Connects to a room's WebSocket URL, dropping any earlier connection.
  void connect(std::string_view url);
  std::optional<Error> send(const Message& message);
  void close(std::uint16_t code, std::string_view reason);

  ConnectionState state() const { return state_; }
  // The close code and reason once the connection has closed; 0 and "" before.
  std::uint16_t closeCode() const { return closeCode_; }
  const std::string& closeReason() const { return closeReason_; }
  // What went wrong when state() is Failed.
  const std::string& failure() const { return failure_; }

 private:
  void setState(ConnectionState state);
  void handleText(std::string_view text);
  void handleError(std::string_view what);
  void handleClose(std::uint16_t code, std::string_view reason);

  Handlers handlers_;
  ConnectionState state_ = ConnectionState::Idle;
  std::uint16_t closeCode_ = 0;
  std::string closeReason_;
  std::string failure_;
  // Declared last so it is destroyed first: its handlers point into this object.
  std::unique_ptr<Transport> transport_;
};

}  // namespace orbit
