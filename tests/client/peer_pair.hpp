#pragma once

#include "manual_scheduler.hpp"
#include "mock_peer_backend.hpp"
#include "video_peer.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace orbit::test {

// Two VideoPeers on two mock backends, wired back to back: what one sends reaches the
// other after `wireDelay`, with the sender stamped as the server would. Everything runs
// on one ManualScheduler, so a test decides exactly when each step happens.
struct PeerPair {
  using Millis = Scheduler::Millis;

  // The smaller id is polite (docs/protocol.md).
  static inline const ClientId kLow{std::string(32, '1')};
  static inline const ClientId kHigh{std::string(32, 'e')};

  ManualScheduler scheduler;
  MockPeerBackend backendA{scheduler};
  MockPeerBackend backendB{scheduler};
  ClientId idA;
  ClientId idB;
  Millis wireDelay{10};
  std::vector<Message> sentByA;
  std::vector<Message> sentByB;
  std::vector<std::string> problemsA;
  std::vector<std::string> problemsB;
  std::vector<IceConnectionState> iceStatesA;
  std::vector<IceConnectionState> iceStatesB;
  // Each VideoPeer::failure() in turn, as onChange saw it change ("" once it is gone).
  std::vector<std::string> failuresA;
  std::vector<std::string> failuresB;
  // When set and returning true, a message from A is held back instead of delivered.
  std::function<bool(const Message&)> holdFromA;
  std::vector<Message> heldFromA;
  std::unique_ptr<VideoPeer> a;
  std::unique_ptr<VideoPeer> b;

  // `optionsB` for B when the two sides differ (who offers first); both connections are made
  // with `configuration`.
  explicit PeerPair(bool aPolite, VideoPeer::Options options = {}, std::optional<VideoPeer::Options> optionsB = {},
                    const RtcConfiguration& configuration = {})
      : idA(aPolite ? kLow : kHigh), idB(aPolite ? kHigh : kLow) {
    a = std::make_unique<VideoPeer>(idA, idB, backendA, scheduler, configuration,
                                    handlers(sentByA, problemsA, iceStatesA, failuresA, true), options);
    b = std::make_unique<VideoPeer>(idB, idA, backendB, scheduler, configuration,
                                    handlers(sentByB, problemsB, iceStatesB, failuresB, false), optionsB.value_or(options));
  }

  VideoPeer::Handlers handlers(std::vector<Message>& sent, std::vector<std::string>& problems,
                               std::vector<IceConnectionState>& iceStates, std::vector<std::string>& failures,
                               bool fromA) {
    VideoPeer::Handlers h;
    h.send = [this, &sent, fromA](const Message& message) {
      sent.push_back(message);
      Message stamped = message;
      stamped.sender = (fromA ? idA : idB).value;
      if (fromA && holdFromA && holdFromA(stamped)) {
        heldFromA.push_back(stamped);
        return;
      }
      deliver(stamped, fromA);
    };
    h.onProblem = [&problems](std::string_view problem) { problems.emplace_back(problem); };
    h.onChange = [this, &iceStates, &failures, fromA] {
      const std::unique_ptr<VideoPeer>& self = fromA ? a : b;
      if (!self) return;
      const IceConnectionState state = self->iceConnectionState();
      if (iceStates.empty() || iceStates.back() != state) iceStates.push_back(state);
      const std::string& failure = self->failure();
      if (failures.empty() ? !failure.empty() : failures.back() != failure) failures.push_back(failure);
    };
    return h;
  }

  void deliver(const Message& message, bool fromA) {
    scheduler.after(wireDelay, [this, message, fromA] {
      // The receiver may have left meanwhile.
      if (std::unique_ptr<VideoPeer>& to = fromA ? b : a) to->handle(message);
    });
  }

  void releaseHeld() {
    holdFromA = nullptr;
    for (const Message& message : std::exchange(heldFromA, {})) deliver(message, true);
  }

  void run(Millis span = Millis(2000)) { scheduler.advance(span); }

  bool bothConnected() const {
    return a && b && a->connectionState() == PeerConnectionState::Connected &&
           b->connectionState() == PeerConnectionState::Connected;
  }

  static std::size_t count(const std::vector<Message>& messages, MessageType type) {
    std::size_t n = 0;
    for (const Message& m : messages) n += m.type == type;
    return n;
  }
};

// The a=ice-ufrag value of a description, or "" when it has none.
inline std::string iceUfrag(const std::optional<Description>& description) {
  if (!description) return {};
  const std::string& sdp = description->sdp;
  const auto at = sdp.find("a=ice-ufrag:");
  if (at == std::string::npos) return {};
  const auto start = at + 12;
  return sdp.substr(start, sdp.find_first_of("\r\n", start) - start);
}

}  // namespace orbit::test
