#pragma once

#include "transport.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace orbit::test {

// A Transport whose far end is the test: it records what the client opens and sends, and
// the test plays the server with injectOpen/Text/Error/Close. Like a real transport it
// refuses to send unless open. The test keeps a Probe (shared with the transport) so it can
// still look after the client owns the transport.
class FakeTransport final : public Transport {
 public:
  struct Probe {
    Handlers handlers;
    std::vector<std::string> opened;  // every URL open() was called with
    std::vector<std::vector<std::string>> offered;  // and the subprotocols it offered, each time
    std::vector<std::string> sent;    // every frame accepted by send()
    std::vector<std::uint16_t> closeCalls;
    bool open = false;
    bool failNextOpen = false;  // open() then returns an Error at once

    void injectOpen() {
      open = true;
      if (handlers.onOpen) handlers.onOpen();
    }
    void injectText(const std::string& text) {
      if (handlers.onText) handlers.onText(text);
    }
    void injectError(const std::string& what) {
      if (handlers.onError) handlers.onError(what);
    }
    void injectClose(std::uint16_t code, const std::string& reason = "") {
      open = false;
      if (handlers.onClose) handlers.onClose(code, reason);
    }
  };

  explicit FakeTransport(std::shared_ptr<Probe> probe) : probe_(std::move(probe)) {}

  void setHandlers(Handlers handlers) override { probe_->handlers = std::move(handlers); }

  using Transport::open;
  std::optional<Error> open(const WebSocketTarget& target) override {
    probe_->opened.push_back(target.url);
    probe_->offered.push_back(target.protocols);
    probe_->open = false;
    if (probe_->failNextOpen) {
      probe_->failNextOpen = false;
      return Error{"refused by the fake"};
    }
    return std::nullopt;
  }

  std::optional<Error> send(std::string_view text) override {
    if (!probe_->open) return Error{"the fake transport is not open"};
    probe_->sent.emplace_back(text);
    return std::nullopt;
  }

  void close(std::uint16_t code, std::string_view) override { probe_->closeCalls.push_back(code); }

 private:
  std::shared_ptr<Probe> probe_;
};

}  // namespace orbit::test
