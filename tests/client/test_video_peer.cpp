#include "peer_pair.hpp"

#include <catch2/catch.hpp>

using namespace orbit;
using orbit::test::iceUfrag;
using orbit::test::PeerPair;
using Millis = Scheduler::Millis;

namespace {

const LocalTrack kCamera{1, TrackKind::Video, "camera"};
const LocalTrack kMicrophone{2, TrackKind::Audio, "microphone"};

bool hasRemoteTrack(const VideoPeer& peer, std::string_view kind) {
  for (const RemoteTrack& track : peer.remoteTracks()) {
    if (track.kind == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("two peers on back-to-back mock backends connect", "[video-peer]") {
  PeerPair pair(true);
  REQUIRE(pair.a->polite());
  REQUIRE_FALSE(pair.b->polite());
  pair.a->negotiate();
  pair.run();

  CHECK(pair.bothConnected());
  CHECK(pair.a->iceConnectionState() == IceConnectionState::Connected);
  CHECK(pair.a->signalingState() == SignalingState::Stable);
  CHECK(pair.b->signalingState() == SignalingState::Stable);
  CHECK(PeerPair::count(pair.sentByA, MessageType::Offer) == 1);
  CHECK(PeerPair::count(pair.sentByB, MessageType::Answer) == 1);
  CHECK(PeerPair::count(pair.sentByA, MessageType::IceCandidate) >= 1);
  for (const Message& m : pair.sentByA) CHECK(m.receiver == pair.idB.value);
  CHECK(pair.problemsA.empty());
  CHECK(pair.problemsB.empty());
}

TEST_CASE("messages in the protocol's shapes carry the peer's id as receiver", "[video-peer]") {
  PeerPair pair(true);
  pair.a->negotiate();
  pair.run();
  REQUIRE_FALSE(pair.sentByA.empty());
  const Message& offer = pair.sentByA.front();
  REQUIRE(offer.type == MessageType::Offer);
  REQUIRE(offer.data);
  CHECK((*offer.data)["type"] == "offer");
  CHECK((*offer.data)["sdp"].get<std::string>().rfind("v=0", 0) == 0);
  for (const Message& m : pair.sentByA) {
    if (m.type != MessageType::IceCandidate) continue;
    REQUIRE(m.data);
    CHECK(m.data->contains("candidate"));
    CHECK(m.data->contains("sdpMid"));
  }
}

TEST_CASE("when both peers offer at the same instant the polite one rolls back and both connect", "[video-peer]") {
  const bool aPolite = GENERATE(true, false);
  CAPTURE(aPolite);
  PeerPair pair(aPolite);
  VideoPeer& polite = aPolite ? *pair.a : *pair.b;
  VideoPeer& impolite = aPolite ? *pair.b : *pair.a;
  // Different kinds, so the polite side's track can only reach the other in its own offer.
  REQUIRE_FALSE(polite.addTrack(kCamera));
  REQUIRE_FALSE(impolite.addTrack(kMicrophone));
  pair.a->negotiate();
  pair.b->negotiate();
  pair.run(Millis(5000));

  CHECK(pair.bothConnected());
  CHECK(polite.rollbacks() >= 1);
  CHECK(impolite.rollbacks() == 0);
  CHECK(impolite.ignoredOffers() >= 1);
  CHECK(polite.ignoredOffers() == 0);
  CHECK(hasRemoteTrack(polite, "audio"));
  CHECK(hasRemoteTrack(impolite, "video"));  // the polite side's offer was applied too
  CHECK(polite.signalingState() == SignalingState::Stable);
  CHECK(impolite.signalingState() == SignalingState::Stable);
  CHECK(pair.problemsA.empty());
  CHECK(pair.problemsB.empty());
}

// Which description a side sent first: "offer", "answer" or "" for none.
std::string firstDescription(const std::vector<Message>& sent) {
  for (const Message& m : sent) {
    if (m.type == MessageType::Offer) return "offer";
    if (m.type == MessageType::Answer) return "answer";
  }
  return "";
}

TEST_CASE("the side that offers first does so at once and the other answers, polite or not, with no glare", "[video-peer]") {
  const bool aPolite = GENERATE(true, false);
  CAPTURE(aPolite);
  VideoPeer::Options answers;
  answers.offersFirst = false;
  PeerPair pair(aPolite, VideoPeer::Options{}, answers);  // A offers first
  // Tracks on both sides: each fires negotiationneeded at the same instant.
  REQUIRE_FALSE(pair.a->addTrack(kCamera));
  REQUIRE_FALSE(pair.b->addTrack(kMicrophone));
  pair.run(Millis(500));  // well inside B's wait for A's offer
  CHECK(firstDescription(pair.sentByA) == "offer");
  CHECK(firstDescription(pair.sentByB) == "answer");
  CHECK(pair.bothConnected());
  CHECK(pair.a->rollbacks() + pair.b->rollbacks() == 0);
  CHECK(pair.a->ignoredOffers() + pair.b->ignoredOffers() == 0);
  // B's microphone, which A's video-only offer had no room for, came in B's own offer afterwards.
  pair.run(Millis(500));
  CHECK(hasRemoteTrack(*pair.b, "video"));
  CHECK(hasRemoteTrack(*pair.a, "audio"));
}

TEST_CASE("when the side that offers first has nothing to send the other offers after its wait", "[video-peer]") {
  const bool aPolite = GENERATE(true, false);
  CAPTURE(aPolite);
  VideoPeer::Options answers;
  answers.offersFirst = false;
  PeerPair pair(aPolite, answers, VideoPeer::Options{});  // B offers first, but has no track
  REQUIRE_FALSE(pair.a->addTrack(kCamera));
  pair.run(answers.theirFirstOfferWait - Millis(100));
  CHECK(pair.sentByA.empty());
  pair.run(Millis(2000));
  CHECK(PeerPair::count(pair.sentByA, MessageType::Offer) == 1);
  CHECK(pair.bothConnected());
  CHECK(hasRemoteTrack(*pair.b, "video"));
}

TEST_CASE("a candidate that arrives before the description is queued and applied after it", "[video-peer]") {
  PeerPair pair(true);
  pair.holdFromA = [](const Message& m) { return m.type == MessageType::Offer; };
  pair.a->negotiate();
  pair.run(Millis(200));

  REQUIRE(pair.heldFromA.size() == 1);
  // The candidate and the end-of-candidates marker went ahead of the held offer.
  CHECK(pair.b->pendingCandidates() == 2);
  CHECK(pair.b->connectionState() == PeerConnectionState::New);

  pair.releaseHeld();
  pair.run();
  CHECK(pair.b->pendingCandidates() == 0);
  // The offerer reports its candidates once, so B could only connect through the queue.
  CHECK(pair.bothConnected());
  CHECK(pair.problemsA.empty());
  CHECK(pair.problemsB.empty());
}

TEST_CASE("an ICE failure leads to an ICE restart and a new connection with new credentials", "[video-peer]") {
  const bool bothSides = GENERATE(true, false);
  CAPTURE(bothSides);
  PeerPair pair(true);
  pair.a->negotiate();
  pair.run();
  REQUIRE(pair.bothConnected());
  const std::string ufragA = iceUfrag(pair.a->localDescription());
  const std::string ufragB = iceUfrag(pair.b->localDescription());
  REQUIRE_FALSE(ufragA.empty());

  pair.backendA.failIce();
  if (bothSides) pair.backendB.failIce();
  pair.run(Millis(5000));

  CHECK(std::count(pair.iceStatesA.begin(), pair.iceStatesA.end(), IceConnectionState::Failed) == 1);
  CHECK(pair.a->iceRestarts() >= 1);
  CHECK(pair.bothConnected());
  CHECK(iceUfrag(pair.a->localDescription()) != ufragA);
  CHECK(iceUfrag(pair.b->localDescription()) != ufragB);
  CHECK(pair.problemsA.empty());
  CHECK(pair.problemsB.empty());
  // While it was down it said why, and no longer once it was back.
  CHECK(pair.failuresA == std::vector<std::string>{"no network path between you was found", ""});
  CHECK(pair.a->failure().empty());
}

TEST_CASE("a disconnection restarts ICE only when it outlasts the grace period", "[video-peer]") {
  VideoPeer::Options options;
  options.disconnectedGrace = Millis(3000);
  PeerPair pair(true, options);
  pair.a->negotiate();
  pair.run();
  REQUIRE(pair.bothConnected());
  const std::string ufragA = iceUfrag(pair.a->localDescription());
  pair.backendA.disconnectIce();

  SECTION("it outlasts the grace period") {
    pair.run(Millis(2900));
    CHECK(pair.a->iceConnectionState() == IceConnectionState::Disconnected);
    CHECK(pair.a->iceRestarts() == 0);
    pair.run(Millis(3000));
    CHECK(pair.a->iceRestarts() == 1);
    CHECK(pair.bothConnected());
    CHECK(iceUfrag(pair.a->localDescription()) != ufragA);
  }
  SECTION("it recovers within the grace period") {
    pair.run(Millis(1000));
    REQUIRE(pair.a->connectionState() == PeerConnectionState::Disconnected);
    pair.backendA.recoverIce();
    pair.run(Millis(10000));
    CHECK(pair.a->iceRestarts() == 0);
    CHECK(pair.bothConnected());
    CHECK(iceUfrag(pair.a->localDescription()) == ufragA);
  }
}

TEST_CASE("a peer that leaves mid-negotiation causes no crash and no late callback", "[video-peer]") {
  PeerPair pair(true);
  SECTION("the answerer is destroyed while it applies the offer") {
    pair.a->negotiate();
    // The offer's setLocalDescription (5 ms), the wire (10 ms), then B starts applying it.
    pair.run(Millis(16));
    REQUIRE(PeerPair::count(pair.sentByA, MessageType::Offer) == 1);
    REQUIRE(pair.b->signalingState() == SignalingState::Stable);
    pair.b.reset();
    REQUIRE(pair.backendB.openConnections() == 0);
    pair.run(Millis(10000));
    CHECK(pair.sentByB.empty());
    CHECK(pair.a->signalingState() == SignalingState::HaveLocalOffer);
    CHECK(pair.a->connectionState() != PeerConnectionState::Connected);
  }
  SECTION("the offerer closes while its offer is being made") {
    pair.a->negotiate();
    pair.a->close();
    CHECK(pair.a->connectionState() == PeerConnectionState::Closed);
    pair.run(Millis(10000));
    CHECK(pair.sentByA.empty());
    CHECK(pair.a->signalingState() == SignalingState::Closed);
    CHECK(pair.backendA.openConnections() == 0);
  }
  SECTION("both go away with operations and timers pending") {
    pair.a->negotiate();
    pair.b->negotiate();
    pair.run(Millis(7));
    pair.a.reset();
    pair.b.reset();
    pair.run(Millis(10000));
    // Nothing reschedules itself once both are gone: the stats timers were cancelled.
    CHECK(pair.scheduler.pending() == 0);
  }
}

TEST_CASE("a bye from the peer closes the connection", "[video-peer]") {
  PeerPair pair(true);
  pair.a->negotiate();
  pair.run();
  REQUIRE(pair.bothConnected());
  pair.a->handle(Message{pair.idB.value, pair.idA.value, MessageType::Bye, std::nullopt});
  CHECK(pair.a->closed());
  CHECK(pair.a->connectionState() == PeerConnectionState::Closed);
}

TEST_CASE("a description from someone other than the peer is refused", "[video-peer]") {
  PeerPair pair(true);
  pair.b->handle(Message{std::string(32, '7'), pair.idB.value, MessageType::Offer,
                         Json{{"type", "offer"}, {"sdp", "v=0"}}});
  pair.run();
  CHECK(pair.problemsB.size() == 1);
  CHECK(pair.b->signalingState() == SignalingState::Stable);
}

TEST_CASE("stats are polled on the interval once connected", "[video-peer]") {
  VideoPeer::Options options;
  options.statsInterval = Millis(1000);
  PeerPair pair(true, options);
  REQUIRE_FALSE(pair.a->addTrack(kCamera));
  pair.a->negotiate();
  pair.run(Millis(500));
  REQUIRE(pair.bothConnected());
  CHECK_FALSE(pair.b->stats());
  pair.run(Millis(600));
  REQUIRE(pair.b->stats());
  CHECK(pair.b->stats()->frameWidth == 640);
  CHECK(pair.b->stats()->remoteCandidateType == CandidateType::Host);
  CHECK(pair.a->stats()->sendKbps > 0);
}

namespace {

const IceServer kTurn{{"turn:turn.example.org:3478?transport=udp"}, "1796149729:me", "secret"};

RtcConfiguration relayOnly(std::vector<IceServer> servers) { return {std::move(servers), IceTransportPolicy::Relay}; }

// The candidates a side sent, as their candidate lines.
std::vector<std::string> candidatesIn(const std::vector<Message>& sent) {
  std::vector<std::string> out;
  for (const Message& m : sent) {
    if (m.type == MessageType::IceCandidate && m.data && !(*m.data)["candidate"].get<std::string>().empty()) {
      out.push_back((*m.data)["candidate"].get<std::string>());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("with relay-only ICE and a TURN server that accepts, the peers connect on relayed candidates alone and tell no failure",
          "[video-peer][turn]") {
  PeerPair pair(true, {}, {}, relayOnly({kTurn}));
  pair.a->negotiate();
  pair.run(Millis(3000));

  CHECK(pair.bothConnected());
  const std::vector<std::string> sent = candidatesIn(pair.sentByA);
  REQUIRE_FALSE(sent.empty());
  for (const std::string& candidate : sent) CHECK(candidate.find(" typ relay ") != std::string::npos);
  REQUIRE(pair.a->stats());
  CHECK(pair.a->stats()->localCandidateType == CandidateType::Relay);
  CHECK(pair.failuresA.empty());
  CHECK(pair.failuresB.empty());
}

TEST_CASE("with relay-only ICE and a TURN server that refuses the credentials, each side says so and that only relayed connections are allowed",
          "[video-peer][turn]") {
  PeerPair pair(true, {}, {}, relayOnly({IceServer{{"stun:turn.example.org:3478"}, {}, {}}, kTurn}));
  pair.backendA.setTurnRefuses(true);
  pair.backendB.setTurnRefuses(true);
  pair.a->negotiate();
  pair.run(Millis(30000));

  CHECK_FALSE(pair.bothConnected());
  CHECK(candidatesIn(pair.sentByA).empty());
  const std::string why =
      "the relay server (TURN) refused our credentials (401 Unauthorized). Relay-only is on, so only connections "
      "through the relay server are allowed";
  CHECK(pair.a->failure() == why);
  CHECK(pair.b->failure() == why);
  // Said once, not again at every round of gathering.
  CHECK(pair.failuresA == std::vector<std::string>{why});
  CHECK(pair.problemsA.empty());
}

TEST_CASE("relay-only ICE without a TURN server says that the server named none", "[video-peer][turn]") {
  PeerPair pair(true, {}, {}, relayOnly({IceServer{{"stun:turn.example.org:3478"}, {}, {}}}));
  pair.a->negotiate();
  pair.run(Millis(3000));

  CHECK_FALSE(pair.bothConnected());
  CHECK(pair.a->failure() == "only relayed connections are allowed here, and the server named no relay server (TURN)");
}

TEST_CASE("a TURN server that refuses fails nothing while ICE may go direct", "[video-peer][turn]") {
  PeerPair pair(true, {}, {}, RtcConfiguration{{kTurn}, IceTransportPolicy::All});
  pair.backendA.setTurnRefuses(true);
  pair.backendB.setTurnRefuses(true);
  pair.a->negotiate();
  pair.run(Millis(3000));

  CHECK(pair.bothConnected());
  CHECK(pair.failuresA.empty());
  CHECK(pair.failuresB.empty());
}
