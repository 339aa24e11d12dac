#include "mock_peer_backend.hpp"

#include "liveness.hpp"
#include "mock_media_backend.hpp"
#include "mock_sdp.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <random>
#include <set>
#include <string>
#include <utility>

namespace orbit {

struct MockPeerBackend::Shared {
  Scheduler& scheduler;
  Options options;
  bool dropCandidates = false;
  bool turnRefuses = false;
  const MockMediaBackend* media = nullptr;
  std::uint16_t nextPort;
  std::vector<MockPeerConnection*> open;

  Shared(Scheduler& s, Options o) : scheduler(s), options(o), nextPort(o.firstPort) {}
};

namespace {

using Millis = Scheduler::Millis;

// The `ufrag` extension browsers append to candidate strings, or "" when absent.
std::string candidateUfrag(std::string_view candidate) {
  const auto at = candidate.find(" ufrag ");
  if (at == std::string_view::npos) return {};
  std::string_view rest = candidate.substr(at + 7);
  return std::string(rest.substr(0, rest.find(' ')));
}

std::uint64_t nextSeed() {
  static std::atomic<std::uint64_t> counter{0x6f72626974ULL};
  return ++counter;
}

}  // namespace

class MockPeerConnection final : public PeerConnection {
 public:
  MockPeerConnection(std::shared_ptr<MockPeerBackend::Shared> shared, const RtcConfiguration& configuration)
      : shared_(std::move(shared)),
        rng_(nextSeed()),
        port_(shared_->nextPort++),
        relayOnly_(configuration.iceTransportPolicy == IceTransportPolicy::Relay) {
    for (const IceServer& server : configuration.iceServers) {
      for (const std::string& url : server.urls) {
        if (turnUrl_.empty() && url.rfind("turn:", 0) == 0) turnUrl_ = url;
      }
    }
    sessionId_ = rng_() >> 2;
    newCredentials();
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (int i = 0; i < 32; ++i) {
      const auto byte = static_cast<unsigned>(rng_() & 0xff);
      if (i) fingerprint_ += ':';
      fingerprint_ += kHex[byte >> 4];
      fingerprint_ += kHex[byte & 0xf];
    }
    shared_->open.push_back(this);
  }

  ~MockPeerConnection() override { forget(); }

  MockPeerConnection(const MockPeerConnection&) = delete;
  MockPeerConnection& operator=(const MockPeerConnection&) = delete;

  void setHandlers(Handlers handlers) override { handlers_ = std::move(handlers); }

  void setLocalDescription(Done done) override {
    enqueue([this, done = std::move(done)]() mutable {
      if (signaling_ == SignalingState::Stable || signaling_ == SignalingState::HaveLocalOffer) {
        makeOffer();
      } else if (signaling_ == SignalingState::HaveRemoteOffer) {
        makeAnswer();
      } else {
        return complete(std::move(done), Error{std::string("InvalidStateError: setLocalDescription in ") +
                                               std::string(toString(signaling_))});
      }
      complete(std::move(done), std::nullopt);
      gather();
    });
  }

  void rollback(Done done) override {
    enqueue([this, done = std::move(done)]() mutable { complete(std::move(done), doRollback()); });
  }

  void setRemoteDescription(Description description, Done done) override {
    enqueue([this, description = std::move(description), done = std::move(done)]() mutable {
      complete(std::move(done), applyRemote(std::move(description)));
    });
  }

  void addIceCandidate(IceCandidateData candidate, Done done) override {
    enqueue([this, candidate = std::move(candidate), done = std::move(done)]() mutable {
      complete(std::move(done), applyCandidate(candidate));
    });
  }

  void restartIce() override {
    if (closed_) return;
    ufragToReplace_ = activeLocalUfrag_.empty() ? localUfrag_ : activeLocalUfrag_;
    if (ops_.empty() && !opRunning_) updateNegotiationNeeded();
  }

  std::optional<Description> localDescription() const override {
    return described(pendingLocal_ ? pendingLocal_ : currentLocal_);
  }
  std::optional<Description> remoteDescription() const override {
    return described(pendingRemote_ ? pendingRemote_ : currentRemote_);
  }
  SignalingState signalingState() const override { return signaling_; }
  PeerConnectionState connectionState() const override { return connection_; }
  IceConnectionState iceConnectionState() const override { return ice_; }

  std::optional<Error> addTrack(const LocalTrack& track) override {
    if (closed_) return Error{"InvalidStateError: the connection is closed"};
    for (const Transceiver& t : transceivers_) {
      if (t.senderTrack == track.id) return Error{"InvalidAccessError: the track is already added"};
    }
    const std::string kind = isAudio(track.kind) ? "audio" : "video";
    auto it = std::find_if(transceivers_.begin(), transceivers_.end(),
                           [&](const Transceiver& t) { return t.kind == kind && !t.senderTrack; });
    if (it == transceivers_.end()) {
      transceivers_.push_back(transceiver(kind));
      it = std::prev(transceivers_.end());
    }
    it->senderTrack = track.id;
    it->senderKind = track.kind;
    it->senderMsid = "track-" + std::to_string(sessionId_ % 100000) + "-" + std::to_string(track.id);
    if (ops_.empty() && !opRunning_) updateNegotiationNeeded();
    return std::nullopt;
  }

  std::optional<Error> addReceiver(TrackKind kind) override {
    if (closed_) return Error{"InvalidStateError: the connection is closed"};
    if (kind == TrackKind::Screen) return Error{"TypeError: a receiver is audio or video"};
    Transceiver t = transceiver(kind == TrackKind::Audio ? "audio" : "video");
    t.receiver = true;
    transceivers_.push_back(std::move(t));
    if (ops_.empty() && !opRunning_) updateNegotiationNeeded();
    return std::nullopt;
  }

  std::optional<Error> addSimulcastTrack(const LocalTrack& track, const std::vector<SendEncoding>& layers) override {
    if (isAudio(track.kind)) return Error{"TypeError: simulcast is for video tracks"};
    if (layers.empty()) return Error{"TypeError: sendEncodings is empty"};
    if (auto error = addTrack(track)) return error;
    auto it = std::find_if(transceivers_.begin(), transceivers_.end(), [&](const Transceiver& t) { return t.senderTrack == track.id; });
    it->layers = static_cast<int>(layers.size());
    return std::nullopt;
  }

  void replaceTrack(const LocalTrack& current, const LocalTrack& replacement, Done done) override {
    enqueueUnchained([this, current, replacement, done = std::move(done)]() mutable {
      auto it = std::find_if(transceivers_.begin(), transceivers_.end(),
                             [&](const Transceiver& t) { return t.senderTrack == current.id; });
      if (it == transceivers_.end()) return complete(std::move(done), Error{"InvalidStateError: no sender sends that track"});
      if (isAudio(current.kind) != isAudio(replacement.kind)) {
        return complete(std::move(done), Error{"TypeError: a replacement track must be of the same kind"});
      }
      // The remote side keeps seeing the same track: replaceTrack never renegotiates.
      it->senderTrack = replacement.id;
      it->senderKind = replacement.kind;
      complete(std::move(done), std::nullopt);
    });
  }

  void setSendLimits(const LocalTrack& track, SendLimits limits, Done done) override {
    enqueueUnchained([this, track, limits, done = std::move(done)]() mutable {
      auto it = std::find_if(transceivers_.begin(), transceivers_.end(),
                             [&](const Transceiver& t) { return t.senderTrack == track.id; });
      if (it == transceivers_.end()) return complete(std::move(done), Error{"InvalidStateError: no sender sends that track"});
      if (limits.maxBitrate < 0 || limits.scaleDown < 1) {
        return complete(std::move(done), Error{"RangeError: maxBitrate must be positive and scaleResolutionDownBy at least 1"});
      }
      it->limits = limits;
      complete(std::move(done), std::nullopt);
    });
  }

  std::optional<std::string> midOf(const LocalTrack& track) const override {
    auto it = std::find_if(transceivers_.begin(), transceivers_.end(),
                           [&](const Transceiver& t) { return t.senderTrack == track.id; });
    if (it == transceivers_.end() || it->mid.empty()) return std::nullopt;
    return it->mid;
  }

  std::optional<Error> removeTrack(const LocalTrack& track) override {
    if (closed_) return Error{"InvalidStateError: the connection is closed"};
    auto it = std::find_if(transceivers_.begin(), transceivers_.end(),
                           [&](const Transceiver& t) { return t.senderTrack == track.id; });
    if (it == transceivers_.end()) return Error{"InvalidAccessError: no sender sends that track"};
    it->senderTrack.reset();
    it->senderMsid.clear();
    if (ops_.empty() && !opRunning_) updateNegotiationNeeded();
    return std::nullopt;
  }

  void getStats(std::function<void(Result<PeerStats>)> done) override {
    enqueueUnchained([this, done = std::move(done)]() mutable {
      PeerStats stats;
      if (connection_ == PeerConnectionState::Connected) {
        int sending = 0;
        bool receivingVideo = false;
        for (const Transceiver& t : transceivers_) {
          if (t.senderTrack && t.negotiatedSending) ++sending;
          if (t.kind == "video" && t.remoteSending) receivingVideo = true;
        }
        stats.sendKbps = 500.0 * sending;
        stats.receiveKbps = receivingVideo ? 1500.0 : 0.0;
        stats.rttMs = 1;
        stats.packetLoss = 0;
        if (receivingVideo) {
          stats.frameWidth = 640;
          stats.frameHeight = 480;
          stats.framesPerSecond = 30;
        }
        stats.localCandidateType = relayOnly_ ? CandidateType::Relay : CandidateType::Host;
        stats.remoteCandidateType = CandidateType::Host;
      }
      post([done = std::move(done), stats] { done(stats); });
    });
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    // As in the browser, close() changes the states without firing their events.
    signaling_ = SignalingState::Closed;
    ice_ = IceConnectionState::Closed;
    connection_ = PeerConnectionState::Closed;
    ops_.clear();
    forget();
  }

  std::vector<MockPeerBackend::Sender> senders() const {
    std::vector<MockPeerBackend::Sender> out;
    for (const Transceiver& t : transceivers_) {
      if (!t.senderTrack) continue;
      std::optional<bool> enabled;
      if (shared_->media) enabled = shared_->media->enabled(*t.senderTrack);
      out.push_back({*t.senderTrack, t.senderKind, enabled, t.limits, t.layers});
    }
    return out;
  }

  void failIce() {
    if (activeLocalUfrag_.empty()) return;
    failedPair_ = {activeLocalUfrag_, activeRemoteUfrag_};
    evaluateIce();
  }
  void disconnectIce() {
    if (activeLocalUfrag_.empty()) return;
    disconnectedPair_ = {activeLocalUfrag_, activeRemoteUfrag_};
    evaluateIce();
  }
  void recoverIce() {
    disconnectedPair_.reset();
    evaluateIce();
  }

 private:
  // A description as set, with what it says, parsed once when it was set or built.
  struct Kept {
    Description description;
    MockSdp sdp;
  };

  static std::optional<Description> described(const std::optional<Kept>& kept) {
    if (!kept) return std::nullopt;
    return kept->description;
  }

  const std::optional<Kept>& remote() const { return pendingRemote_ ? pendingRemote_ : currentRemote_; }
  const std::optional<Kept>& local() const { return pendingLocal_ ? pendingLocal_ : currentLocal_; }

  struct Transceiver {
    std::string kind;  // audio, video, application
    std::string mid;   // empty until a description associates it
    std::optional<int> senderTrack;
    TrackKind senderKind = TrackKind::Audio;  // of senderTrack
    std::string senderMsid;
    bool fromRemote = false;
    bool receiver = false;  // addReceiver made it: offered even with nothing to send
    bool negotiated = false;  // part of an offer/answer exchange that completed
    bool negotiatedSending = false;
    bool remoteSending = false;
    SendLimits limits;  // as setSendLimits last set them
    int layers = 1;     // simulcast encodings (addSimulcastTrack)
  };
  static Transceiver transceiver(std::string kind, std::string mid = {}, bool fromRemote = false) {
    Transceiver t;
    t.kind = std::move(kind);
    t.mid = std::move(mid);
    t.fromRemote = fromRemote;
    return t;
  }

  void forget() {
    auto& open = shared_->open;
    open.erase(std::remove(open.begin(), open.end(), this), open.end());
  }

  Millis latency() const { return shared_->options.latency; }

  // Runs `fn` later from the scheduler, unless this connection is closed or gone by then.
  void post(std::function<void()> fn, Millis delay = Millis(0)) {
    shared_->scheduler.after(delay, alive_.guard([this, fn = std::move(fn)] {
      if (!closed_) fn();
    }));
  }

  void complete(Done done, std::optional<Error> error) {
    post([done = std::move(done), error = std::move(error)] { done(error); });
  }

  // The operations chain: one operation at a time, each after the latency.
  void enqueue(std::function<void()> op) {
    if (closed_) return;
    ops_.push_back(std::move(op));
    if (!opRunning_) runNext();
  }

  void runNext() {
    opRunning_ = true;
    post([this] {
      auto op = std::move(ops_.front());
      ops_.pop_front();
      op();
      if (closed_) return;
      if (!ops_.empty()) return runNext();
      opRunning_ = false;
      // negotiationneeded waits for the chain to empty, as the spec has it, and fires again
      // on the way back to stable when what it asked for is still not negotiated (the side
      // that answered instead of offering still has to offer its own tracks).
      if (std::exchange(backToStable_, false)) negotiationNeededFired_ = false;
      updateNegotiationNeeded();
    }, latency());
  }

  // Operations outside the chain (getStats, replaceTrack) still complete after the latency.
  void enqueueUnchained(std::function<void()> op) {
    if (closed_) return;
    post(std::move(op), latency());
  }

  void newCredentials() {
    static constexpr char kIceChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    auto token = [this](int n) {
      std::string s;
      for (int i = 0; i < n; ++i) s += kIceChars[rng_() % 64];
      return s;
    };
    localUfrag_ = token(8);
    localPwd_ = token(24);
  }

  std::string freeMid() const {
    for (int n = 0;; ++n) {
      std::string mid = std::to_string(n);
      if (std::none_of(transceivers_.begin(), transceivers_.end(), [&](const Transceiver& t) { return t.mid == mid; })) {
        return mid;
      }
    }
  }

  Kept describe(SdpType type, const std::vector<Transceiver*>& sections) {
    // Browsers answer as the DTLS client.
    MockSdp sdp{sessionId_, ++sdpVersion_, localUfrag_, localPwd_, fingerprint_,
                type == SdpType::Offer ? "actpass" : "active", {}};
    for (const Transceiver* t : sections) {
      MockSdpSection section{t->kind, t->mid, "", "", ""};
      if (t->kind != "application") {
        section.direction = t->senderTrack ? "sendrecv" : "recvonly";
        if (t->senderTrack) {
          section.streamId = "orbit-" + std::to_string(sessionId_);
          section.trackId = t->senderMsid;
        }
      }
      sdp.sections.push_back(std::move(section));
    }
    return Kept{Description{type, buildMockSdp(sdp)}, std::move(sdp)};
  }

  void makeOffer() {
    if (!ufragToReplace_.empty() && localUfrag_ == ufragToReplace_) newCredentials();
    // Without a track there would be no m-line and nothing for ICE to run on.
    if (transceivers_.empty()) transceivers_.push_back(transceiver("application"));
    std::vector<Transceiver*> sections;
    for (Transceiver& t : transceivers_) {
      if (t.mid.empty() && (t.senderTrack || t.kind == "application" || t.receiver)) t.mid = freeMid();
      if (!t.mid.empty()) sections.push_back(&t);
    }
    pendingLocal_ = describe(SdpType::Offer, sections);
    negotiationNeededFired_ = false;
    setSignaling(SignalingState::HaveLocalOffer);
  }

  void makeAnswer() {
    const MockSdp& offer = pendingRemote_->sdp;  // have-remote-offer always has one
    if (!activeRemoteUfrag_.empty() && offer.ufrag != activeRemoteUfrag_ && localUfrag_ == activeLocalUfrag_) {
      newCredentials();  // an ICE restart changes the credentials on both ends
    }
    std::vector<Transceiver*> sections;
    for (const MockSdpSection& section : offer.sections) {
      for (Transceiver& t : transceivers_) {
        if (t.mid == section.mid) sections.push_back(&t);
      }
    }
    currentLocal_ = describe(SdpType::Answer, sections);
    currentRemote_ = std::move(pendingRemote_);
    pendingRemote_.reset();
    pendingLocal_.reset();
    setSignaling(SignalingState::Stable);
    reachStable();
  }

  std::optional<Error> doRollback() {
    if (signaling_ == SignalingState::HaveLocalOffer) {
      pendingLocal_.reset();
      std::erase_if(transceivers_, [](const Transceiver& t) { return t.kind == "application" && !t.negotiated; });
      for (Transceiver& t : transceivers_) {
        if (!t.negotiated && !t.fromRemote) t.mid.clear();
      }
    } else if (signaling_ == SignalingState::HaveRemoteOffer) {
      pendingRemote_.reset();
      std::erase_if(transceivers_, [](const Transceiver& t) { return t.fromRemote && !t.negotiated && !t.senderTrack; });
      for (Transceiver& t : transceivers_) {
        if (!t.negotiated) t.mid.clear();
      }
    } else {
      return Error{std::string("InvalidStateError: cannot roll back in ") + std::string(toString(signaling_))};
    }
    setSignaling(SignalingState::Stable);
    return std::nullopt;
  }

  std::optional<Error> applyRemote(Description description) {
    if (description.type == SdpType::Rollback) return doRollback();
    if (description.type == SdpType::Pranswer) return Error{"OperationError: the mock does not do pranswer"};
    Result<MockSdp> parsed = parseMockSdp(description.sdp);
    if (!parsed) return parsed.error();

    if (description.type == SdpType::Offer) {
      if (signaling_ != SignalingState::Stable && signaling_ != SignalingState::HaveRemoteOffer) {
        return Error{"InvalidStateError: cannot set a remote offer in " + std::string(toString(signaling_))};
      }
      if (parsed->setup != "actpass") return Error{"OperationError: an offer must have a=setup:actpass"};
      for (const MockSdpSection& section : parsed->sections) {
        auto known = std::find_if(transceivers_.begin(), transceivers_.end(),
                                  [&](const Transceiver& t) { return t.mid == section.mid; });
        if (known != transceivers_.end()) continue;
        // JSEP: a transceiver addTrack made, not yet in any description, takes the remote m-line.
        auto spare = std::find_if(transceivers_.begin(), transceivers_.end(),
                                  [&](const Transceiver& t) { return t.mid.empty() && t.kind == section.kind; });
        if (spare != transceivers_.end()) {
          spare->mid = section.mid;
        } else {
          transceivers_.push_back(transceiver(section.kind, section.mid, true));
        }
      }
      announceTracks(*parsed);
      pendingRemote_ = Kept{std::move(description), std::move(*parsed)};
      setSignaling(SignalingState::HaveRemoteOffer);
      return std::nullopt;
    }

    if (signaling_ != SignalingState::HaveLocalOffer) {
      return Error{"InvalidStateError: cannot set a remote answer in " + std::string(toString(signaling_))};
    }
    if (parsed->setup != "active" && parsed->setup != "passive") {
      return Error{"OperationError: an answer must have a=setup:active or passive"};
    }
    const MockSdp& offer = pendingLocal_->sdp;  // have-local-offer always has one
    if (offer.sections.size() != parsed->sections.size()) {
      return Error{"OperationError: the answer's m-lines do not match the offer's"};
    }
    for (std::size_t i = 0; i < parsed->sections.size(); ++i) {
      if (offer.sections[i].mid != parsed->sections[i].mid) {
        return Error{"OperationError: the answer's m-lines do not match the offer's"};
      }
    }
    announceTracks(*parsed);
    currentRemote_ = Kept{std::move(description), std::move(*parsed)};
    currentLocal_ = std::move(pendingLocal_);
    pendingLocal_.reset();
    pendingRemote_.reset();
    setSignaling(SignalingState::Stable);
    reachStable();
    return std::nullopt;
  }

  void announceTracks(const MockSdp& sdp) {
    for (const MockSdpSection& section : sdp.sections) {
      auto t = std::find_if(transceivers_.begin(), transceivers_.end(),
                            [&](const Transceiver& x) { return x.mid == section.mid; });
      const bool sending = !section.trackId.empty() && (section.direction == "sendrecv" || section.direction == "sendonly");
      if (t != transceivers_.end()) t->remoteSending = sending;
      if (!sending || !announced_.insert(section.mid + " " + section.trackId).second) continue;
      RemoteTrack track{section.trackId, section.kind, section.mid};
      post([this, track] {
        if (handlers_.onTrack) handlers_.onTrack(track);
      });
    }
  }

  std::optional<Error> applyCandidate(const IceCandidateData& candidate) {
    const std::optional<Kept>& kept = remote();
    if (!kept) return Error{"InvalidStateError: a candidate before any remote description"};
    if (candidate.candidate.empty()) return std::nullopt;  // end of candidates
    if (!candidate.sdpMid && !candidate.sdpMLineIndex) return Error{"TypeError: sdpMid and sdpMLineIndex are both null"};
    if (candidate.candidate.rfind("candidate:", 0) != 0 || candidate.candidate.find(" typ ") == std::string::npos) {
      return Error{"OperationError: the candidate does not parse"};
    }
    std::string ufrag = candidateUfrag(candidate.candidate);
    if (ufrag.empty()) ufrag = kept->sdp.ufrag;
    // A candidate of an earlier ICE generation is dropped quietly, as browsers do.
    if (ufrag != kept->sdp.ufrag) return std::nullopt;
    remoteCandidateUfrags_.insert(ufrag);
    evaluateIce();
    return std::nullopt;
  }

  bool gathersCandidate() const { return !relayOnly_ || (!turnUrl_.empty() && !shared_->turnRefuses); }

  void gather() {
    // A real agent gathers once per ICE generation; the mock reports its candidates after
    // every local description instead, standing in for the peer-reflexive discovery that
    // lets browsers connect when the other side dropped candidates during glare.
    const std::string mid = localSectionMid();
    std::vector<std::string> candidates;
    const bool relayRefused = !turnUrl_.empty() && shared_->turnRefuses;
    if (!relayOnly_) {
      candidates.push_back("candidate:1 1 udp 2122260223 127.0.0.1 " + std::to_string(port_) +
                           " typ host generation 0 ufrag " + localUfrag_);
    } else if (gathersCandidate()) {
      candidates.push_back("candidate:2 1 udp 41885439 127.0.0.1 " + std::to_string(port_ + 10000) +
                           " typ relay raddr 0.0.0.0 rport 0 generation 0 ufrag " + localUfrag_);
    }
    candidates.emplace_back();  // the end of candidates
    if (relayRefused) {
      post([this] {
        if (handlers_.onIceCandidateError) handlers_.onIceCandidateError({turnUrl_, 401, "Unauthorized."});
      }, latency());
    }
    for (const std::string& c : candidates) {
      post([this, mid, c] {
        if (shared_->dropCandidates) return;
        if (handlers_.onIceCandidate) handlers_.onIceCandidate(IceCandidateData{c, mid, 0});
      }, latency());
    }
  }

  std::string localSectionMid() const {
    const std::optional<Kept>& kept = local();
    return kept && !kept->sdp.sections.empty() ? kept->sdp.sections.front().mid : "0";
  }

  void reachStable() {
    for (Transceiver& t : transceivers_) {
      if (t.mid.empty()) continue;
      t.negotiated = true;
      t.negotiatedSending = t.senderTrack.has_value();
    }
    // Stable always has both current descriptions.
    const std::string& ours = currentLocal_->sdp.ufrag;
    const std::string& theirs = currentRemote_->sdp.ufrag;
    if (ours != activeLocalUfrag_ || theirs != activeRemoteUfrag_) {
      activeLocalUfrag_ = ours;
      activeRemoteUfrag_ = theirs;
      setIce(IceConnectionState::Checking);
    }
    if (!ufragToReplace_.empty() && activeLocalUfrag_ != ufragToReplace_) ufragToReplace_.clear();
    evaluateIce();
  }

  void evaluateIce() {
    if (closed_ || activeLocalUfrag_.empty()) return;
    const std::pair pair{activeLocalUfrag_, activeRemoteUfrag_};
    if (failedPair_ == pair) return setIce(IceConnectionState::Failed);
    if (disconnectedPair_ == pair) return setIce(IceConnectionState::Disconnected);
    // Without a local candidate there is nothing to check from, whatever the other side sent.
    const bool reachable = remoteCandidateUfrags_.count(activeRemoteUfrag_) && gathersCandidate();
    setIce(reachable ? IceConnectionState::Connected : IceConnectionState::Checking);
  }

  void setSignaling(SignalingState state) {
    if (state == signaling_) return;
    if (state == SignalingState::Stable) backToStable_ = true;
    signaling_ = state;
    post([this, state] {
      if (handlers_.onSignalingStateChange) handlers_.onSignalingStateChange(state);
    });
  }

  void setIce(IceConnectionState state) {
    if (state != ice_) {
      ice_ = state;
      post([this, state] {
        if (handlers_.onIceConnectionStateChange) handlers_.onIceConnectionStateChange(state);
      });
    }
    PeerConnectionState connection = PeerConnectionState::New;
    switch (state) {
      case IceConnectionState::New: connection = PeerConnectionState::New; break;
      case IceConnectionState::Checking: connection = PeerConnectionState::Connecting; break;
      case IceConnectionState::Connected:
      case IceConnectionState::Completed: connection = PeerConnectionState::Connected; break;
      case IceConnectionState::Disconnected: connection = PeerConnectionState::Disconnected; break;
      case IceConnectionState::Failed: connection = PeerConnectionState::Failed; break;
      case IceConnectionState::Closed: connection = PeerConnectionState::Closed; break;
    }
    // A restart after a failure stays failed in connectionState until it connects.
    if (connection_ == PeerConnectionState::Failed && connection == PeerConnectionState::Connecting) return;
    if (connection == connection_) return;
    connection_ = connection;
    post([this, connection] {
      if (handlers_.onConnectionStateChange) handlers_.onConnectionStateChange(connection);
    });
  }

  bool negotiationNeeded() const {
    if (!ufragToReplace_.empty()) return true;
    return std::any_of(transceivers_.begin(), transceivers_.end(), [](const Transceiver& t) {
      if (t.mid.empty()) return t.senderTrack.has_value() || t.kind == "application" || t.receiver;
      return t.kind != "application" && t.senderTrack.has_value() != t.negotiatedSending;
    });
  }

  void updateNegotiationNeeded() {
    if (closed_ || signaling_ != SignalingState::Stable) return;
    if (!negotiationNeeded()) {
      negotiationNeededFired_ = false;
      return;
    }
    if (negotiationNeededFired_) return;
    negotiationNeededFired_ = true;
    post([this] {
      // Checked again at dispatch, as the spec does: an exchange may have begun since.
      if (signaling_ != SignalingState::Stable || opRunning_ || !negotiationNeeded()) {
        negotiationNeededFired_ = false;
        return;
      }
      if (handlers_.onNegotiationNeeded) handlers_.onNegotiationNeeded();
    });
  }

  std::shared_ptr<MockPeerBackend::Shared> shared_;
  Liveness alive_;
  Handlers handlers_;
  std::mt19937_64 rng_;
  std::uint16_t port_;
  bool relayOnly_;
  std::string turnUrl_;  // the first turn: URL of the configuration, or empty
  std::uint64_t sessionId_ = 0;
  std::uint64_t sdpVersion_ = 0;
  std::string localUfrag_;
  std::string localPwd_;
  std::string fingerprint_;

  std::deque<std::function<void()>> ops_;
  bool opRunning_ = false;
  bool closed_ = false;

  SignalingState signaling_ = SignalingState::Stable;
  IceConnectionState ice_ = IceConnectionState::New;
  PeerConnectionState connection_ = PeerConnectionState::New;
  std::optional<Kept> currentLocal_, pendingLocal_, currentRemote_, pendingRemote_;
  std::vector<Transceiver> transceivers_;
  std::set<std::string> announced_;
  bool negotiationNeededFired_ = false;
  bool backToStable_ = false;  // since the operations chain last emptied

  std::string ufragToReplace_;  // set by restartIce() until new credentials are in use
  std::string activeLocalUfrag_;  // of the descriptions ICE currently runs on
  std::string activeRemoteUfrag_;
  std::set<std::string> remoteCandidateUfrags_;
  std::optional<std::pair<std::string, std::string>> failedPair_;
  std::optional<std::pair<std::string, std::string>> disconnectedPair_;
};

MockPeerBackend::MockPeerBackend(Scheduler& scheduler) : MockPeerBackend(scheduler, Options{}) {}

MockPeerBackend::MockPeerBackend(Scheduler& scheduler, Options options)
    : shared_(std::make_shared<Shared>(scheduler, options)) {}

MockPeerBackend::~MockPeerBackend() = default;

std::unique_ptr<PeerConnection> MockPeerBackend::createPeerConnection(const RtcConfiguration& configuration) {
  return std::make_unique<MockPeerConnection>(shared_, configuration);
}

void MockPeerBackend::setLatency(Scheduler::Millis latency) { shared_->options.latency = latency; }
void MockPeerBackend::setDropCandidates(bool drop) { shared_->dropCandidates = drop; }
void MockPeerBackend::setTurnRefuses(bool refuses) { shared_->turnRefuses = refuses; }

void MockPeerBackend::failIce() {
  for (MockPeerConnection* c : std::vector(shared_->open)) c->failIce();
}
void MockPeerBackend::disconnectIce() {
  for (MockPeerConnection* c : std::vector(shared_->open)) c->disconnectIce();
}
void MockPeerBackend::recoverIce() {
  for (MockPeerConnection* c : std::vector(shared_->open)) c->recoverIce();
}

std::size_t MockPeerBackend::openConnections() const { return shared_->open.size(); }

void MockPeerBackend::setMedia(const MockMediaBackend* media) { shared_->media = media; }

std::vector<std::vector<MockPeerBackend::Sender>> MockPeerBackend::senders() const {
  std::vector<std::vector<Sender>> out;
  for (const MockPeerConnection* c : shared_->open) out.push_back(c->senders());
  return out;
}

}  // namespace orbit
