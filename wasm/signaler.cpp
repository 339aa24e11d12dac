#include "signaler.hpp"

#include "codec.hpp"

#include <utility>

namespace orbit {

Signaler::Signaler(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {
  transport_->setHandlers({
      .onOpen = [this] { setState(ConnectionState::Open); },
      .onText = [this](std::string_view text) { handleText(text); },
      .onClose = [this](std::uint16_t code, std::string_view reason) { handleClose(code, reason); },
      .onError = [this](std::string_view what) { handleError(what); },
  });
}

void Signaler::setHandlers(Handlers handlers) { handlers_ = std::move(handlers); }

void Signaler::connect(std::string_view url) {
  closeCode_ = 0;
  closeReason_.clear();
  failure_.clear();
  setState(ConnectionState::Connecting);
  if (auto error = transport_->open(url)) {
    failure_ = std::move(error->message);
    setState(ConnectionState::Failed);
  }
}

std::optional<Error> Signaler::send(const Message& message) {
  if (state_ != ConnectionState::Open) {
    return Error{"cannot send " + std::string(toString(message.type)) + ": the connection is " +
                 std::string(toString(state_))};
  }
  return transport_->send(encode(message));
}

void Signaler::close(std::uint16_t code, std::string_view reason) {
  if (state_ != ConnectionState::Connecting && state_ != ConnectionState::Open) return;
  setState(ConnectionState::Closing);
  transport_->close(code, reason);
}

void Signaler::setState(ConnectionState state) {
  if (state == state_) return;
  state_ = state;
  if (handlers_.onStateChange) handlers_.onStateChange();
}

void Signaler::handleText(std::string_view text) {
  auto message = decode(text);
  if (!message) {
    if (handlers_.onProblem) handlers_.onProblem("the server sent a bad frame: " + message.error().message);
    return;
  }
  if (handlers_.onMessage) handlers_.onMessage(*message);
}

void Signaler::handleError(std::string_view what) {
  // Shown through failure() and the Failed state that the close brings.
  failure_ = what;
}

void Signaler::handleClose(std::uint16_t code, std::string_view reason) {
  closeCode_ = code;
  closeReason_ = reason;
  setState(failure_.empty() ? ConnectionState::Closed : ConnectionState::Failed);
}

}  // namespace orbit
