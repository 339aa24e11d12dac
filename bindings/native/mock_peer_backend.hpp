#pragma once

#include "peer_backend.hpp"
#include "scheduler.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace orbit {

class MockMediaBackend;
class MockPeerConnection;

// A PeerBackend for native tests and bots: no media and no network, but well-formed SDP
// and host candidates, the WebRTC signaling state machine with its errors, and a
// connection that "connects" once both descriptions are applied and a remote candidate
// has arrived. Every completion and event goes through the Scheduler after `latency`.
//
// With iceTransportPolicy relay a connection gathers one relay candidate from the first
// turn: URL of its configuration instead of its host candidate, as a browser does; with no
// TURN server it gathers nothing. A TURN server may be made to refuse (setTurnRefuses).
//
// Failures are injected on request, on every connection this backend has made that is
// still open, so that the restart paths of the client core can be tested.
class MockPeerBackend : public PeerBackend {
 public:
  struct Options {
    Scheduler::Millis latency{5};
    std::uint16_t firstPort = 50000;  // each connection's host candidate gets the next port
  };

  explicit MockPeerBackend(Scheduler& scheduler);
  MockPeerBackend(Scheduler& scheduler, Options options);
  ~MockPeerBackend() override;
  MockPeerBackend(const MockPeerBackend&) = delete;
  MockPeerBackend& operator=(const MockPeerBackend&) = delete;

  std::unique_ptr<PeerConnection> createPeerConnection(const RtcConfiguration& configuration) override;

  void setLatency(Scheduler::Millis latency);
  // Local candidates are gathered but never reported while this is on.
  void setDropCandidates(bool drop);
  // Every TURN server answers allocations with 401 Unauthorized (a secret it does not share
  // with the signaling server): each gathering reports an IceCandidateError for it, and no
  // relay candidate.
  void setTurnRefuses(bool refuses);
  // ICE fails on every open connection and stays failed until an ICE restart has changed
  // the credentials on both ends.
  void failIce();
  // ICE goes disconnected until recoverIce() or an ICE restart.
  void disconnectIce();
  void recoverIce();

  // How many connections are open (created, neither closed nor destroyed).
  std::size_t openConnections() const;

  // What a connection sends: one sender per local track it carries, as addTrack or
  // replaceTrack last set it, whether or not negotiation has caught up.
  struct Sender {
    int trackId = 0;
    TrackKind kind = TrackKind::Audio;
    // A disabled track sends silence or black frames; known only from the media backend
    // the tracks came from (setMedia), nothing without one.
    std::optional<bool> enabled;
    SendLimits limits;  // as setSendLimits last set them
    int layers = 1;     // simulcast encodings
  };
  // The senders of every open connection, in the order the connections were made.
  std::vector<std::vector<Sender>> senders() const;
  // The media backend whose tracks the connections send; it must outlive this backend.
  void setMedia(const MockMediaBackend* media);

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace orbit
