#include "manual_scheduler.hpp"
#include "mock_peer_backend.hpp"
#include "peer_pair.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace orbit;
using orbit::test::iceUfrag;
using orbit::test::ManualScheduler;
using Millis = Scheduler::Millis;

namespace {

// Records what a connection reports, and the outcome of each operation.
struct Recorder {
  std::vector<IceCandidateData> candidates;
  std::vector<SignalingState> signaling;
  std::vector<PeerConnectionState> connection;
  std::vector<RemoteTrack> tracks;
  int negotiationNeeded = 0;

  PeerConnection::Handlers handlers() {
    PeerConnection::Handlers h;
    h.onIceCandidate = [this](const IceCandidateData& c) { candidates.push_back(c); };
    h.onNegotiationNeeded = [this] { ++negotiationNeeded; };
    h.onSignalingStateChange = [this](SignalingState s) { signaling.push_back(s); };
    h.onConnectionStateChange = [this](PeerConnectionState s) { connection.push_back(s); };
    h.onTrack = [this](const RemoteTrack& t) { tracks.push_back(t); };
    return h;
  }
};

// The outcome of one operation: unset until its completion has run.
struct Outcome {
  bool done = false;
  std::optional<Error> error;
  PeerConnection::Done callback() {
    return [this](std::optional<Error> e) {
      done = true;
      error = std::move(e);
    };
  }
};

struct Fixture {
  ManualScheduler scheduler;
  MockPeerBackend backend{scheduler};
  Recorder r1, r2;
  std::unique_ptr<PeerConnection> pc1 = backend.createPeerConnection({});
  std::unique_ptr<PeerConnection> pc2 = backend.createPeerConnection({});

  Fixture() {
    pc1->setHandlers(r1.handlers());
    pc2->setHandlers(r2.handlers());
  }

  std::optional<Error> run(std::function<void(PeerConnection::Done)> op) {
    Outcome outcome;
    op(outcome.callback());
    scheduler.advance(Millis(100));
    REQUIRE(outcome.done);
    return outcome.error;
  }

  // pc1 offers, pc2 answers, pc1 applies the answer.
  void exchange() {
    REQUIRE_FALSE(run([&](auto done) { pc1->setLocalDescription(done); }));
    REQUIRE_FALSE(run([&](auto done) { pc2->setRemoteDescription(*pc1->localDescription(), done); }));
    REQUIRE_FALSE(run([&](auto done) { pc2->setLocalDescription(done); }));
    REQUIRE_FALSE(run([&](auto done) { pc1->setRemoteDescription(*pc2->localDescription(), done); }));
  }
};

bool has(const std::string& sdp, const std::string& line) { return sdp.find(line) != std::string::npos; }

std::size_t countOf(const std::string& sdp, const std::string& what) {
  std::size_t n = 0;
  for (auto at = sdp.find(what); at != std::string::npos; at = sdp.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("an offer without tracks has the lines a browser requires and one application m-line", "[mock]") {
  Fixture f;
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->setLocalDescription(done); }));
  const auto offer = f.pc1->localDescription();
  REQUIRE(offer);
  CHECK(offer->type == SdpType::Offer);
  const std::string& sdp = offer->sdp;
  CHECK(sdp.rfind("v=0\r\n", 0) == 0);
  CHECK(has(sdp, "\r\no=- "));
  CHECK(has(sdp, "\r\ns=-\r\n"));
  CHECK(has(sdp, "\r\nt=0 0\r\n"));
  CHECK(countOf(sdp, "\r\nm=") == 1);
  CHECK(has(sdp, "\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"));
  CHECK(has(sdp, "\r\na=ice-ufrag:"));
  CHECK(has(sdp, "\r\na=ice-pwd:"));
  CHECK(has(sdp, "\r\na=fingerprint:sha-256 "));
  CHECK(has(sdp, "\r\na=setup:actpass\r\n"));
  CHECK(has(sdp, "\r\na=mid:0\r\n"));
  CHECK(f.pc1->signalingState() == SignalingState::HaveLocalOffer);
}

TEST_CASE("an offer has an m-line with a=msid for each track", "[mock]") {
  Fixture f;
  REQUIRE_FALSE(f.pc1->addTrack({1, TrackKind::Audio, "mic"}));
  REQUIRE_FALSE(f.pc1->addTrack({2, TrackKind::Video, "cam"}));
  REQUIRE_FALSE(f.pc1->addTrack({3, TrackKind::Screen, "screen"}));
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->setLocalDescription(done); }));
  const std::string sdp = f.pc1->localDescription()->sdp;
  CHECK(countOf(sdp, "\r\nm=audio ") == 1);
  CHECK(countOf(sdp, "\r\nm=video ") == 2);
  CHECK(countOf(sdp, "\r\nm=application ") == 0);
  CHECK(countOf(sdp, "\r\na=msid:") == 3);
  CHECK(countOf(sdp, "\r\na=mid:") == 3);
}

TEST_CASE("an answer mirrors the offer's m-lines and takes the active setup role", "[mock]") {
  Fixture f;
  REQUIRE_FALSE(f.pc1->addTrack({1, TrackKind::Video, "cam"}));
  f.exchange();
  const std::string offer = f.pc1->localDescription()->sdp;  // now the current local offer
  const std::string answer = f.pc2->localDescription()->sdp;
  CHECK(f.pc2->localDescription()->type == SdpType::Answer);
  CHECK(countOf(answer, "\r\nm=") == countOf(offer, "\r\nm="));
  CHECK(has(answer, "\r\nm=video "));
  CHECK(has(answer, "\r\na=mid:0\r\n"));
  CHECK(has(answer, "\r\na=setup:active\r\n"));
  CHECK_FALSE(has(answer, "a=setup:actpass"));
  CHECK(iceUfrag(f.pc2->localDescription()) != iceUfrag(f.pc1->localDescription()));
  REQUIRE(f.r2.tracks.size() == 1);
  CHECK(f.r2.tracks[0].kind == "video");
  CHECK(f.pc1->signalingState() == SignalingState::Stable);
  CHECK(f.pc2->signalingState() == SignalingState::Stable);
}

TEST_CASE("completions and events come later through the scheduler, never inside the call", "[mock]") {
  ManualScheduler scheduler;
  MockPeerBackend backend(scheduler, MockPeerBackend::Options{Millis(50), 40000});
  Recorder recorder;
  auto pc = backend.createPeerConnection({});
  pc->setHandlers(recorder.handlers());
  Outcome outcome;
  pc->setLocalDescription(outcome.callback());
  CHECK_FALSE(outcome.done);
  CHECK(pc->signalingState() == SignalingState::Stable);
  scheduler.advance(Millis(49));
  CHECK_FALSE(outcome.done);
  CHECK(recorder.signaling.empty());
  scheduler.advance(Millis(1));
  CHECK(outcome.done);
  CHECK_FALSE(outcome.error);
  CHECK(recorder.signaling == std::vector{SignalingState::HaveLocalOffer});
  CHECK(recorder.candidates.empty());  // gathering takes the latency too
  scheduler.advance(Millis(50));
  REQUIRE(recorder.candidates.size() == 2);
  CHECK(recorder.candidates[0].candidate.rfind("candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host", 0) == 0);
  CHECK(recorder.candidates[0].sdpMid == "0");
  CHECK(recorder.candidates[1].candidate.empty());
}

TEST_CASE("invalid signaling transitions complete with an error", "[mock]") {
  Fixture f;
  SECTION("a remote answer in stable") {
    f.exchange();
    const auto error = f.run([&](auto done) { f.pc1->setRemoteDescription(*f.pc2->localDescription(), done); });
    REQUIRE(error);
    CHECK(error->message.find("InvalidStateError") != std::string::npos);
    CHECK(f.pc1->signalingState() == SignalingState::Stable);
  }
  SECTION("a rollback in stable") {
    const auto error = f.run([&](auto done) { f.pc1->rollback(done); });
    REQUIRE(error);
    CHECK(f.pc1->signalingState() == SignalingState::Stable);
  }
  SECTION("a remote offer in have-local-offer") {
    REQUIRE_FALSE(f.run([&](auto done) { f.pc1->setLocalDescription(done); }));
    REQUIRE_FALSE(f.run([&](auto done) { f.pc2->setLocalDescription(done); }));
    const auto error = f.run([&](auto done) { f.pc1->setRemoteDescription(*f.pc2->localDescription(), done); });
    REQUIRE(error);
    CHECK(f.pc1->signalingState() == SignalingState::HaveLocalOffer);
  }
  SECTION("a candidate before any remote description") {
    const auto error = f.run([&](auto done) {
      f.pc1->addIceCandidate({"candidate:1 1 udp 2122260223 127.0.0.1 9 typ host", "0", 0}, done);
    });
    REQUIRE(error);
  }
  SECTION("SDP that is not SDP") {
    const auto error = f.run([&](auto done) { f.pc1->setRemoteDescription({SdpType::Offer, "hello"}, done); });
    REQUIRE(error);
    CHECK(f.pc1->signalingState() == SignalingState::Stable);
  }
  SECTION("an offer passed off as an answer") {
    REQUIRE_FALSE(f.run([&](auto done) { f.pc1->setLocalDescription(done); }));
    REQUIRE_FALSE(f.run([&](auto done) { f.pc2->setLocalDescription(done); }));
    const auto error = f.run(
        [&](auto done) { f.pc1->setRemoteDescription({SdpType::Answer, f.pc2->localDescription()->sdp}, done); });
    REQUIRE(error);  // a=setup:actpass is no answer
  }
  SECTION("adding a track twice, or after close") {
    REQUIRE_FALSE(f.pc1->addTrack({1, TrackKind::Audio, "mic"}));
    CHECK(f.pc1->addTrack({1, TrackKind::Audio, "mic"}));
    f.pc1->close();
    CHECK(f.pc1->addTrack({2, TrackKind::Video, "cam"}));
    CHECK(f.pc1->signalingState() == SignalingState::Closed);
  }
}

TEST_CASE("a rollback returns a local offer to stable", "[mock]") {
  Fixture f;
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->setLocalDescription(done); }));
  REQUIRE(f.pc1->signalingState() == SignalingState::HaveLocalOffer);
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->rollback(done); }));
  CHECK(f.pc1->signalingState() == SignalingState::Stable);
  CHECK_FALSE(f.pc1->localDescription());
  CHECK(f.r1.signaling == std::vector{SignalingState::HaveLocalOffer, SignalingState::Stable});
}

TEST_CASE("a connection connects once both descriptions and a remote candidate are in", "[mock]") {
  Fixture f;
  f.exchange();
  CHECK(f.pc1->connectionState() == PeerConnectionState::Connecting);
  CHECK(f.pc2->connectionState() == PeerConnectionState::Connecting);
  REQUIRE_FALSE(f.r2.candidates.empty());
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->addIceCandidate(f.r2.candidates.front(), done); }));
  CHECK(f.pc1->connectionState() == PeerConnectionState::Connected);
  CHECK(f.pc1->iceConnectionState() == IceConnectionState::Connected);
  CHECK(f.pc2->connectionState() == PeerConnectionState::Connecting);
  CHECK(f.r1.connection == std::vector{PeerConnectionState::Connecting, PeerConnectionState::Connected});
}

TEST_CASE("dropped candidates are never reported", "[mock]") {
  Fixture f;
  f.backend.setDropCandidates(true);
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->setLocalDescription(done); }));
  f.scheduler.advance(Millis(1000));
  CHECK(f.r1.candidates.empty());
}

TEST_CASE("restartIce asks for negotiation and the next offer has new credentials", "[mock]") {
  Fixture f;
  f.exchange();
  const std::string before = iceUfrag(f.pc1->localDescription());
  const std::string pwdBefore = f.pc1->localDescription()->sdp.substr(f.pc1->localDescription()->sdp.find("a=ice-pwd:"), 34);
  f.scheduler.advance(Millis(100));
  const int needed = f.r1.negotiationNeeded;
  f.pc1->restartIce();
  f.scheduler.advance(Millis(1));
  CHECK(f.r1.negotiationNeeded == needed + 1);
  f.exchange();
  CHECK(iceUfrag(f.pc1->localDescription()) != before);
  CHECK(f.pc1->localDescription()->sdp.find(pwdBefore) == std::string::npos);
}

TEST_CASE("a failed ICE stays failed until a restart changes the credentials", "[mock]") {
  Fixture f;
  f.exchange();
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->addIceCandidate(f.r2.candidates.front(), done); }));
  REQUIRE(f.pc1->connectionState() == PeerConnectionState::Connected);
  f.backend.failIce();
  f.scheduler.advance(Millis(1));
  CHECK(f.pc1->iceConnectionState() == IceConnectionState::Failed);
  CHECK(f.pc1->connectionState() == PeerConnectionState::Failed);

  f.exchange();  // renegotiation without a restart changes nothing
  CHECK(f.pc1->connectionState() == PeerConnectionState::Failed);

  f.pc1->restartIce();
  f.exchange();
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->addIceCandidate(f.r2.candidates.back(), done); }));
  CHECK(f.pc1->connectionState() == PeerConnectionState::Failed);  // the last one is end-of-candidates
  REQUIRE_FALSE(f.run([&](auto done) { f.pc1->addIceCandidate(f.r2.candidates[f.r2.candidates.size() - 2], done); }));
  CHECK(f.pc1->connectionState() == PeerConnectionState::Connected);
}

TEST_CASE("a destroyed connection delivers no completion and no event", "[mock]") {
  Fixture f;
  Outcome outcome;
  f.pc1->setLocalDescription(outcome.callback());
  f.pc1.reset();
  f.scheduler.advance(Millis(1000));
  CHECK_FALSE(outcome.done);
  CHECK(f.r1.signaling.empty());
  CHECK(f.r1.candidates.empty());
  CHECK(f.backend.openConnections() == 1);
}
