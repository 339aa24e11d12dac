#include "video_peer.hpp"

#include <algorithm>
#include <utility>

namespace orbit {
namespace {

bool isTurnUrl(const std::string& url) { return url.rfind("turn:", 0) == 0 || url.rfind("turns:", 0) == 0; }

}  // namespace

VideoPeer::VideoPeer(ClientId self, ClientId peer, PeerBackend& backend, Scheduler& scheduler,
                     const RtcConfiguration& configuration, Handlers handlers)
    : VideoPeer(std::move(self), std::move(peer), backend, scheduler, configuration, std::move(handlers), Options{}) {}

VideoPeer::VideoPeer(ClientId self, ClientId peer, PeerBackend& backend, Scheduler& scheduler,
                     const RtcConfiguration& configuration, Handlers handlers, Options options)
    : self_(std::move(self)),
      peer_(std::move(peer)),
      polite_(self_.value < peer_.value),  // docs/protocol.md: the smaller id is polite
      scheduler_(scheduler),
      handlers_(std::move(handlers)),
      options_(options),
      relayOnly_(configuration.iceTransportPolicy == IceTransportPolicy::Relay),
      relayOffered_(std::any_of(configuration.iceServers.begin(), configuration.iceServers.end(),
                                [](const IceServer& server) {
                                  return std::any_of(server.urls.begin(), server.urls.end(), isTurnUrl);
                                })),
      pc_(backend.createPeerConnection(configuration)) {
  PeerConnection::Handlers h;
  h.onIceCandidate = guarded([this](const IceCandidateData& candidate) {
    handleLocalCandidate(candidate);
    if (handlers_.send) handlers_.send(Message{"", peer_.value, MessageType::IceCandidate, toJson(candidate)});
  });
  h.onIceCandidateError = guarded([this](const IceCandidateError& error) { handleCandidateError(error); });
  h.onNegotiationNeeded = guarded([this] { onNegotiationNeeded(); });
  h.onSignalingStateChange = guarded([this](SignalingState) { changed(); });
  h.onConnectionStateChange = guarded([this](PeerConnectionState) { changed(); });
  h.onIceConnectionStateChange = guarded([this](IceConnectionState state) { handleIceState(state); });
  h.onTrack = guarded([this](const RemoteTrack& track) {
    remoteTracks_.push_back(track);
    changed();
  });
  pc_->setHandlers(std::move(h));
  scheduleStats();
}

VideoPeer::~VideoPeer() { close(); }

void VideoPeer::negotiate() {
  // During an exchange the offer would collide with ourselves; negotiationneeded fires
  // again once the connection is stable if anything is still unnegotiated.
  if (closed_ || makingOffer_ || pc_->signalingState() != SignalingState::Stable) return;
  makingOffer_ = true;
  pc_->setLocalDescription(guarded([this](std::optional<Error> error) {
    makingOffer_ = false;
    if (error) return problem("could not make an offer: " + error->message);
    sendLocalDescription();
  }));
}

void VideoPeer::onNegotiationNeeded() {
  if (options_.offersFirst || pc_->remoteDescription() || options_.theirFirstOfferWait.count() <= 0) {
    return negotiate();
  }
  // Nothing negotiated yet: the other side offers first. Our answer takes our tracks along,
  // and negotiationneeded fires again if anything is left over.
  if (firstOfferTimer_ != 0) return;
  firstOfferTimer_ = scheduler_.after(options_.theirFirstOfferWait, guarded([this] {
    firstOfferTimer_ = 0;
    if (!pc_->remoteDescription()) negotiate();
  }));
}

void VideoPeer::handle(const Message& message) {
  if (closed_) return;
  if (!message.sender.empty() && message.sender != peer_.value) {
    return problem("a " + std::string(toString(message.type)) + " from " + message.sender + " reached the peer " + peer_.value);
  }
  switch (message.type) {
    case MessageType::Offer:
    case MessageType::Answer: {
      if (!message.data) return problem(std::string(toString(message.type)) + " without data");
      Result<SessionDescription> parsed = parseSessionDescription(message.type, *message.data);
      if (!parsed) return problem(parsed.error().message);
      const auto type = sdpTypeFromString(parsed->type);
      if (!type) return problem("a description of type " + parsed->type);
      return handleDescription(Description{*type, std::move(parsed->sdp)});
    }
    case MessageType::IceCandidate: {
      if (!message.data) return problem("icecandidate without data");
      Result<IceCandidateData> parsed = parseIceCandidate(*message.data);
      if (!parsed) return problem(parsed.error().message);
      return handleCandidate(std::move(parsed).value());
    }
    case MessageType::Bye:
      return close();
    default:
      return;
  }
}

void VideoPeer::handleDescription(Description description) {
  // The W3C pattern, step for step.
  const bool readyForOffer =
      !makingOffer_ && (pc_->signalingState() == SignalingState::Stable || settingRemoteAnswerPending_);
  const bool offerCollision = description.type == SdpType::Offer && !readyForOffer;
  ignoreOffer_ = !polite_ && offerCollision;
  if (ignoreOffer_) {
    ++ignoredOffers_;
    return;
  }
  settingRemoteAnswerPending_ = description.type == SdpType::Answer;
  if (offerCollision) {
    // Explicit rather than relying on the implicit rollback newer browsers do inside
    // setRemoteDescription, so that older ones and the mock behave the same.
    ++rollbacks_;
    pc_->rollback(guarded([this](std::optional<Error> error) {
      if (error) problem("could not roll back our offer: " + error->message);
    }));
  }
  const bool isOffer = description.type == SdpType::Offer;
  pc_->setRemoteDescription(std::move(description), guarded([this, isOffer](std::optional<Error> error) {
    settingRemoteAnswerPending_ = false;
    if (error) return problem("could not apply the peer's " + std::string(isOffer ? "offer: " : "answer: ") + error->message);
    // Candidates that came ahead of the description can be applied now.
    for (IceCandidateData& candidate : std::exchange(pendingCandidates_, {})) addCandidate(std::move(candidate));
    if (!isOffer) return;
    pc_->setLocalDescription(guarded([this](std::optional<Error> error) {
      if (error) return problem("could not answer: " + error->message);
      sendLocalDescription();
    }));
  }));
}

void VideoPeer::handleCandidate(IceCandidateData candidate) {
  if (!pc_->remoteDescription()) {
    // Kept even while an offer is being ignored: after its rollback the polite side may
    // answer with the same ICE credentials and never send these candidates again.
    pendingCandidates_.push_back(std::move(candidate));
    return;
  }
  addCandidate(std::move(candidate));
}

void VideoPeer::addCandidate(IceCandidateData candidate) {
  pc_->addIceCandidate(std::move(candidate), guarded([this](std::optional<Error> error) {
    if (error && !ignoreOffer_) problem("could not add a candidate: " + error->message);
  }));
}

void VideoPeer::sendLocalDescription() {
  // Whatever the description is now: an offer made while a remote offer was being
  // applied becomes an answer, and the peer must see it as one.
  const std::optional<Description> local = pc_->localDescription();
  if (!local || !handlers_.send) return;
  const MessageType type = local->type == SdpType::Answer ? MessageType::Answer : MessageType::Offer;
  handlers_.send(Message{"", peer_.value, type, toJson(SessionDescription{std::string(toString(local->type)), local->sdp})});
}

void VideoPeer::handleLocalCandidate(const IceCandidateData& candidate) {
  if (!candidate.candidate.empty()) {
    ++gathered_;
    return;
  }
  // The end of a round: with nothing gathered the other side has no address of ours to check,
  // and ICE never starts; no failed state will come to say so.
  if (std::exchange(gathered_, 0) == 0) setFailure(whyNoPath());
}

void VideoPeer::handleCandidateError(const IceCandidateError& error) {
  if (candidateError_ && isTurnUrl(candidateError_->url) && !isTurnUrl(error.url)) return;
  candidateError_ = error;
}

std::string VideoPeer::whyNoPath() const {
  std::string why;
  if (candidateError_ && isTurnUrl(candidateError_->url)) {
    if (candidateError_->errorCode == 701) {
      why = "the relay server (TURN) could not be reached";
    } else {
      std::string text = candidateError_->errorText;
      while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();  // Chromium's "Unauthorized."
      // 401: the credentials the server handed out are not the ones the relay checks against.
      why = std::string("the relay server (TURN) refused ") +
            (candidateError_->errorCode == 401 ? "our credentials (" : "the connection (") +
            std::to_string(candidateError_->errorCode) + (text.empty() ? "" : " " + text) + ")";
    }
  } else if (relayOnly_ && !relayOffered_) {
    why = "only relayed connections are allowed here, and the server named no relay server (TURN)";
    return why;
  } else {
    why = "no network path between you was found";
  }
  if (relayOnly_) why += ". Relay-only is on, so only connections through the relay server are allowed";
  return why;
}

void VideoPeer::setFailure(std::string why) {
  if (why == failure_) return;
  failure_ = std::move(why);
  changed();
}

void VideoPeer::handleIceState(IceConnectionState state) {
  if (state == IceConnectionState::Connected || state == IceConnectionState::Completed) {
    candidateError_.reset();
    failure_.clear();  // changed() below
  }
  if (state == IceConnectionState::Failed) {
    failure_ = whyNoPath();
    cancelGrace();
    restartIce();
  } else if (state == IceConnectionState::Disconnected) {
    if (graceTimer_ == 0) {
      graceTimer_ = scheduler_.after(options_.disconnectedGrace, guarded([this] {
        graceTimer_ = 0;
        if (pc_->iceConnectionState() == IceConnectionState::Disconnected) restartIce();
      }));
    }
  } else {
    cancelGrace();
  }
  changed();
}

void VideoPeer::restartIce() {
  ++iceRestarts_;
  pc_->restartIce();  // negotiationneeded follows, and with it a new offer
}

void VideoPeer::cancelGrace() {
  if (graceTimer_ != 0) scheduler_.cancel(std::exchange(graceTimer_, 0));
}

void VideoPeer::scheduleStats() {
  statsTimer_ = scheduler_.after(options_.statsInterval, guarded([this] {
    statsTimer_ = 0;
    pc_->getStats(guarded([this](Result<PeerStats> stats) {
      if (!stats) return;
      stats_ = std::move(stats).value();
      if (handlers_.onStats) return handlers_.onStats();
      changed();
    }));
    scheduleStats();
  }));
}

std::optional<Error> VideoPeer::addTrack(const LocalTrack& track) {
  if (closed_) return Error{"the connection to " + peer_.value + " is closed"};
  return pc_->addTrack(track);
}

std::optional<Error> VideoPeer::addReceiver(TrackKind kind) {
  if (closed_) return Error{"the connection to " + peer_.value + " is closed"};
  return pc_->addReceiver(kind);
}

void VideoPeer::replaceTrack(const LocalTrack& current, const LocalTrack& replacement) {
  if (closed_) return;
  pc_->replaceTrack(current, replacement, guarded([this](std::optional<Error> error) {
    if (error) problem("could not replace a track: " + error->message);
  }));
}

void VideoPeer::setSendLimits(const LocalTrack& track, SendLimits limits) {
  if (closed_) return;
  pc_->setSendLimits(track, limits, guarded([this](std::optional<Error> error) {
    if (error) problem("could not cap the video sent: " + error->message);
  }));
}

std::optional<Error> VideoPeer::removeTrack(const LocalTrack& track) {
  if (closed_) return Error{"the connection to " + peer_.value + " is closed"};
  return pc_->removeTrack(track);
}

void VideoPeer::close() {
  if (closed_) return;
  closed_ = true;
  cancelGrace();
  if (firstOfferTimer_ != 0) scheduler_.cancel(std::exchange(firstOfferTimer_, 0));
  if (statsTimer_ != 0) scheduler_.cancel(std::exchange(statsTimer_, 0));
  pendingCandidates_.clear();
  pc_->close();
}

PeerConnectionState VideoPeer::connectionState() const {
  return closed_ ? PeerConnectionState::Closed : pc_->connectionState();
}

IceConnectionState VideoPeer::iceConnectionState() const {
  return closed_ ? IceConnectionState::Closed : pc_->iceConnectionState();
}

SignalingState VideoPeer::signalingState() const {
  return closed_ ? SignalingState::Closed : pc_->signalingState();
}

std::optional<Description> VideoPeer::localDescription() const { return pc_->localDescription(); }

void VideoPeer::changed() {
  if (handlers_.onChange) handlers_.onChange();
}

void VideoPeer::problem(std::string text) {
  if (handlers_.onProblem) handlers_.onProblem(text);
}

}  // namespace orbit
