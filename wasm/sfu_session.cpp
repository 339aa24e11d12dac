#include "sfu_session.hpp"

#include "ids.hpp"

#include <algorithm>
#include <utility>

namespace orbit {

SfuSession::SfuSession(PeerBackend& backend, Scheduler& scheduler, const RtcConfiguration& configuration,
                       Handlers handlers, Options options)
    : scheduler_(scheduler),
      handlers_(std::move(handlers)),
      options_(options),
      publish_(backend.createPeerConnection(configuration)),
      subscribe_(backend.createPeerConnection(configuration)) {
  PeerConnection::Handlers p;
  p.onIceCandidate = guarded([this](const IceCandidateData& c) { sendCandidate(SfuConnection::Publish, c); });
  p.onNegotiationNeeded = guarded([this] { publishNegotiationNeeded(); });
  p.onSignalingStateChange = guarded([this](SignalingState) { changed(); });
  p.onConnectionStateChange = guarded([this](PeerConnectionState) { changed(); });
  p.onIceConnectionStateChange = guarded([this](IceConnectionState state) { iceChanged(SfuConnection::Publish, state); });
  publish_->setHandlers(std::move(p));

  PeerConnection::Handlers s;
  s.onIceCandidate = guarded([this](const IceCandidateData& c) { sendCandidate(SfuConnection::Subscribe, c); });
  s.onSignalingStateChange = guarded([this](SignalingState) { changed(); });
  s.onConnectionStateChange = guarded([this](PeerConnectionState) { changed(); });
  s.onIceConnectionStateChange = guarded([this](IceConnectionState state) { iceChanged(SfuConnection::Subscribe, state); });
  s.onTrack = guarded([this](const RemoteTrack& track) {
    // A media section the server reuses for someone else brings the same track again.
    auto same = std::find_if(received_.begin(), received_.end(), [&](const RemoteTrack& t) { return t.mid == track.mid; });
    if (same != received_.end()) {
      *same = track;
    } else {
      received_.push_back(track);
    }
    changed();
  });
  subscribe_->setHandlers(std::move(s));
  scheduleStats();
}

SfuSession::~SfuSession() { close(); }

void SfuSession::setStreams(std::vector<SfuStream> streams) {
  // A media section that carries someone else now starts from Janus's choice again.
  for (const SfuStream& s : streams) {
    auto before = std::find_if(streams_.begin(), streams_.end(), [&](const SfuStream& o) { return o.mid == s.mid; });
    if (before == streams_.end() || before->client != s.client) quality_.erase(s.mid);
  }
  streams_ = std::move(streams);
  changed();
}

void SfuSession::handle(const Message& message) {
  if (closed_ || !message.data) return;
  auto connection = parseSfuConnection(*message.data);
  if (!connection) return problem(std::string(toString(message.type)) + " from the server: " + connection.error().message);
  switch (message.type) {
    case MessageType::Offer:
    case MessageType::Answer: {
      auto parsed = parseSessionDescription(message.type, *message.data);
      if (!parsed) return problem(parsed.error().message);
      const auto type = sdpTypeFromString(parsed->type);
      if (!type) return problem("a description of type " + parsed->type);
      return handleDescription(*connection, Description{*type, std::move(parsed->sdp)});
    }
    case MessageType::IceCandidate: {
      auto parsed = parseIceCandidate(*message.data);
      if (!parsed) return problem(parsed.error().message);
      PeerConnection& pc = *connection == SfuConnection::Publish ? *publish_ : *subscribe_;
      pc.addIceCandidate(std::move(*parsed), guarded([this](std::optional<Error> error) {
        if (error) problem("could not add the server's candidate: " + error->message);
      }));
      return;
    }
    default:
      return;
  }
}

void SfuSession::handleDescription(SfuConnection connection, Description description) {
  if (connection == SfuConnection::Publish) {
    // We offer on the publish connection; the server only answers.
    if (description.type != SdpType::Answer) return problem("the server offered on the publish connection");
    publish_->setRemoteDescription(std::move(description), guarded([this](std::optional<Error> error) {
      if (error) problem("could not apply the server's answer: " + error->message);
    }));
    return;
  }
  if (description.type != SdpType::Offer) return problem("the server answered on the subscribe connection");
  // Operations run one at a time in order, so offers that come quickly are answered in turn.
  subscribe_->setRemoteDescription(std::move(description), guarded([this](std::optional<Error> error) {
    if (error) return problem("could not apply the server's offer: " + error->message);
  }));
  subscribe_->setLocalDescription(guarded([this](std::optional<Error> error) {
    if (error) return problem("could not answer the server: " + error->message);
    const auto local = subscribe_->localDescription();
    if (!local || local->type != SdpType::Answer) return;
    ++answeredOffers_;
    sendDescription(SfuConnection::Subscribe, *local);
  }));
}

void SfuSession::publishNegotiationNeeded() {
  // During an exchange negotiationneeded fires again once the connection is stable.
  if (closed_ || makingOffer_ || publish_->signalingState() != SignalingState::Stable) return;
  makingOffer_ = true;
  publish_->setLocalDescription(guarded([this](std::optional<Error> error) {
    makingOffer_ = false;
    if (error) return problem("could not make an offer to the server: " + error->message);
    const auto local = publish_->localDescription();
    if (!local) return;
    sendDescription(SfuConnection::Publish, *local, sent_.screen ? publish_->midOf(*sent_.screen) : std::nullopt);
  }));
}

void SfuSession::sendDescription(SfuConnection connection, const Description& description,
                                 const std::optional<std::string>& screenMid) {
  if (!handlers_.send) return;
  const MessageType type = description.type == SdpType::Answer ? MessageType::Answer : MessageType::Offer;
  Json data = toJson(SessionDescription{std::string(toString(description.type)), description.sdp});
  data["connection"] = toString(connection);
  if (screenMid) data["screen"] = *screenMid;
  handlers_.send(Message{"", std::string(kGroundControl), type, std::move(data)});
}

void SfuSession::sendCandidate(SfuConnection connection, const IceCandidateData& candidate) {
  if (!handlers_.send) return;
  Json data = toJson(candidate);
  data["connection"] = toString(connection);
  handlers_.send(Message{"", std::string(kGroundControl), MessageType::IceCandidate, std::move(data)});
}

void SfuSession::setTracks(const Tracks& tracks) {
  if (closed_) return;
  const auto sync = [this](std::optional<LocalTrack>& sent, const std::optional<LocalTrack>& wanted, bool simulcast) {
    if (sent && wanted && sent->id == wanted->id) return;
    std::optional<Error> error;
    if (sent && wanted) {
      publish_->replaceTrack(*sent, *wanted, guarded([this](std::optional<Error> e) {
        if (e) problem("could not replace a track: " + e->message);
      }));
    } else if (wanted && simulcast) {
      // Janus numbers the layers 0 (smallest) to 2; browsers send fewer from small cameras.
      static const std::vector<SendEncoding> kLayers{{"h", 1.0, 900000}, {"m", 2.0, 300000}, {"l", 4.0, 100000}};
      error = publish_->addSimulcastTrack(*wanted, kLayers);
    } else if (wanted) {
      error = publish_->addTrack(*wanted);
    } else if (sent) {
      error = publish_->removeTrack(*sent);
    }
    if (error) return problem(error->message);
    sent = wanted;
  };
  sync(sent_.microphone, tracks.microphone, false);
  sync(sent_.camera, tracks.camera, true);
  sync(sent_.screen, tracks.screen, false);
}

void SfuSession::setQuality(std::string_view member, int quality) {
  if (closed_) return;
  for (const SfuStream& stream : streams_) {
    if (stream.client != member || stream.kind != "video") continue;
    auto [it, added] = quality_.try_emplace(stream.mid, -1);
    if (it->second == quality) continue;
    it->second = quality;
    if (handlers_.send) {
      handlers_.send(Message{"", std::string(kGroundControl), MessageType::Layer, toJson(LayerData{stream.mid, quality})});
    }
  }
}

void SfuSession::close() {
  if (closed_) return;
  closed_ = true;
  if (statsTimer_ != 0) scheduler_.cancel(std::exchange(statsTimer_, 0));
  for (Scheduler::TimerId* grace : {&publishGrace_, &subscribeGrace_}) {
    if (*grace != 0) scheduler_.cancel(std::exchange(*grace, 0));
  }
  publish_->close();
  subscribe_->close();
}

PeerConnectionState SfuSession::publishState() const {
  return closed_ ? PeerConnectionState::Closed : publish_->connectionState();
}

PeerConnectionState SfuSession::subscribeState() const {
  return closed_ ? PeerConnectionState::Closed : subscribe_->connectionState();
}

std::vector<RemoteTrack> SfuSession::tracksOf(std::string_view member) const {
  std::vector<RemoteTrack> out;
  for (const SfuStream& stream : streams_) {
    if (stream.client != member) continue;
    for (const RemoteTrack& track : received_) {
      if (track.mid != stream.mid) continue;
      out.push_back(track);
      if (stream.kind == "screen") out.back().kind = "screen";
    }
  }
  return out;
}

void SfuSession::iceChanged(SfuConnection connection, IceConnectionState state) {
  // As a mesh connection does: at once when ICE failed, after a grace period when it stays
  // disconnected (a network that comes back on its own needs nothing).
  Scheduler::TimerId& grace = connection == SfuConnection::Publish ? publishGrace_ : subscribeGrace_;
  if (grace != 0 && state != IceConnectionState::Disconnected) scheduler_.cancel(std::exchange(grace, 0));
  if (state == IceConnectionState::Failed) {
    restartIce(connection);
  } else if (state == IceConnectionState::Disconnected && grace == 0) {
    grace = scheduler_.after(options_.disconnectedGrace, guarded([this, connection] {
      PeerConnection& pc = connection == SfuConnection::Publish ? *publish_ : *subscribe_;
      (connection == SfuConnection::Publish ? publishGrace_ : subscribeGrace_) = 0;
      if (pc.iceConnectionState() == IceConnectionState::Disconnected) restartIce(connection);
    }));
  }
  changed();
}

void SfuSession::restartIce(SfuConnection connection) {
  ++iceRestarts_;
  if (connection == SfuConnection::Publish) return publish_->restartIce();  // a new offer follows
  // The server offers on the subscribe connection: it is asked to restart.
  if (handlers_.send) {
    handlers_.send(Message{"", std::string(kGroundControl), MessageType::IceRestart,
                           Json{{"connection", toString(SfuConnection::Subscribe)}}});
  }
}

void SfuSession::scheduleStats() {
  statsTimer_ = scheduler_.after(options_.statsInterval, guarded([this] {
    statsTimer_ = 0;
    publish_->getStats(guarded([this](Result<PeerStats> stats) {
      if (stats) publishStats_ = std::move(stats).value();
    }));
    subscribe_->getStats(guarded([this](Result<PeerStats> stats) {
      if (!stats) return;
      subscribeStats_ = std::move(stats).value();
      if (handlers_.onStats) return handlers_.onStats();
      changed();
    }));
    scheduleStats();
  }));
}

void SfuSession::changed() {
  if (handlers_.onChange) handlers_.onChange();
}

void SfuSession::problem(std::string text) {
  if (handlers_.onProblem) handlers_.onProblem(text);
}

}  // namespace orbit
