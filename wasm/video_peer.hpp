#pragma once

#include "ids.hpp"
#include "liveness.hpp"
#include "media_backend.hpp"
#include "message.hpp"
#include "payloads.hpp"
#include "peer_backend.hpp"
#include "result.hpp"
#include "scheduler.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// The connection to one remote peer. Negotiates by the W3C perfect negotiation pattern:
// the side whose id is smaller is polite and rolls back its own offer on glare, the other
// ignores the colliding offer. Trickles candidates, restarts ICE when it fails or stays
// disconnected, polls stats for the UI, and says in words why it cannot connect (failure()).
class VideoPeer {
 public:
  struct Options {
    // How long `disconnected` may last before an ICE restart; it often recovers alone.
    Scheduler::Millis disconnectedGrace{5000};
    // Who makes the first offer. Two sides that both offer at once collide (glare), and the
    // polite side rolls back an offer whose ICE transport is still being set up: Chromium now
    // and then never starts ICE on that connection afterwards (no candidates, state `new` for
    // good). So one side offers at once (`offersFirst`: the Manager picks the member who came
    // later, who found the other in the room; it offers even with nothing to send yet, see
    // Manager::addTracksTo) and the other answers; it offers itself only if no offer has come
    // after `theirFirstOfferWait` (a client that never offers first). The wait is long enough
    // for a slow page to make its offer: one made too late collides with ours, and the
    // rollback leaves each side an m-line per kind that the other's tracks never take.
    // Perfect negotiation still settles every later exchange, and glare with a client that
    // offers regardless. A wait of 0 offers at once.
    bool offersFirst = true;
    Scheduler::Millis theirFirstOfferWait{4000};
    Scheduler::Millis statsInterval{1000};
  };

  struct Handlers {
    // offer, answer and icecandidate to the peer; `receiver` is the peer's id.
    std::function<void(const Message& message)> send;
    // States or remote tracks changed.
    std::function<void()> onChange;
    // New figures from getStats (about once a second); without it they count as a change.
    std::function<void()> onStats;
    // A failed operation or a message that does not fit; the peer carries on.
    std::function<void(std::string_view problem)> onProblem;
  };

  VideoPeer(ClientId self, ClientId peer, PeerBackend& backend, Scheduler& scheduler,
            const RtcConfiguration& configuration, Handlers handlers);
  VideoPeer(ClientId self, ClientId peer, PeerBackend& backend, Scheduler& scheduler,
            const RtcConfiguration& configuration, Handlers handlers, Options options);
  ~VideoPeer();
  // Callbacks capture `this`.
  VideoPeer(const VideoPeer&) = delete;
  VideoPeer& operator=(const VideoPeer&) = delete;

  // Sends an offer unless an exchange is already under way. Both sides may call it at
  // the same instant: that is the glare perfect negotiation resolves.
  void negotiate();
  // An offer, answer, icecandidate or bye from the peer.
  void handle(const Message& message);

  std::optional<Error> addTrack(const LocalTrack& track);
  // An m-line to receive `kind` (Audio or Video) on before we send any: PeerConnection::addReceiver.
  std::optional<Error> addReceiver(TrackKind kind);
  void replaceTrack(const LocalTrack& current, const LocalTrack& replacement);
  std::optional<Error> removeTrack(const LocalTrack& track);
  // Caps what the track's sender uses of the uplink; a failure is a problem, not fatal.
  void setSendLimits(const LocalTrack& track, SendLimits limits);

  // Final: cancels the timers and closes the connection. Sends nothing.
  void close();

  const ClientId& peerId() const { return peer_; }
  bool polite() const { return polite_; }
  bool closed() const { return closed_; }
  PeerConnectionState connectionState() const;
  IceConnectionState iceConnectionState() const;
  SignalingState signalingState() const;
  std::optional<Description> localDescription() const;
  const std::vector<RemoteTrack>& remoteTracks() const { return remoteTracks_; }
  // The last stats poll, if one has completed.
  const std::optional<PeerStats>& stats() const { return stats_; }
  // Why the connection cannot come up, for the person at the screen ("the relay server
  // (TURN) refused our credentials (401 Unauthorized)"); empty while it may still connect,
  // and again once it has.
  // Set when ICE fails, and when a round of gathering ends without a single local candidate:
  // then ICE never even starts checking (Chromium stays in `new` for good), as with relay-only
  // ICE and a TURN server that refuses the credentials.
  const std::string& failure() const { return failure_; }

  // Counters for tests and diagnostics.
  std::size_t pendingCandidates() const { return pendingCandidates_.size(); }
  int rollbacks() const { return rollbacks_; }
  int ignoredOffers() const { return ignoredOffers_; }
  int iceRestarts() const { return iceRestarts_; }

 private:
  void onNegotiationNeeded();
  void handleDescription(Description description);
  void handleCandidate(IceCandidateData candidate);
  void addCandidate(IceCandidateData candidate);
  void sendLocalDescription();
  void handleIceState(IceConnectionState state);
  void handleLocalCandidate(const IceCandidateData& candidate);
  void handleCandidateError(const IceCandidateError& error);
  // failure()'s text, from what gathering and ICE said.
  std::string whyNoPath() const;
  void setFailure(std::string why);
  void restartIce();
  void cancelGrace();
  void scheduleStats();
  void changed();
  void problem(std::string text);

  // Wraps a callback so that it does nothing once this VideoPeer is gone or closed.
  template <class F>
  auto guarded(F f) {
    return alive_.guard([this, f = std::move(f)](auto&&... args) mutable {
      if (!closed_) f(std::forward<decltype(args)>(args)...);
    });
  }

  Liveness alive_;
  ClientId self_;
  ClientId peer_;
  bool polite_;
  Scheduler& scheduler_;
  Handlers handlers_;
  Options options_;
  bool closed_ = false;

  bool makingOffer_ = false;
  bool ignoreOffer_ = false;
  bool settingRemoteAnswerPending_ = false;
  std::vector<IceCandidateData> pendingCandidates_;

  Scheduler::TimerId graceTimer_ = 0;
  Scheduler::TimerId firstOfferTimer_ = 0;
  Scheduler::TimerId statsTimer_ = 0;

  std::vector<RemoteTrack> remoteTracks_;
  std::optional<PeerStats> stats_;

  bool relayOnly_;         // iceTransportPolicy relay
  bool relayOffered_;      // a turn: or turns: URL among the ICE servers
  int gathered_ = 0;       // local candidates since the last end of candidates
  // The last STUN or TURN server's error since the connection was last up; a TURN server's
  // is kept over a STUN server's, as it says more about a connection that needs the relay.
  std::optional<IceCandidateError> candidateError_;
  std::string failure_;
  int rollbacks_ = 0;
  int ignoredOffers_ = 0;
  int iceRestarts_ = 0;

  std::unique_ptr<PeerConnection> pc_;
};

}  // namespace orbit
