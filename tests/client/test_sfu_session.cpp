// SfuSession on the mock backend, against a stand-in for the server's side: two mock
// connections that answer its publish offers and offer it everyone else's tracks, as
// orbit-server does with Janus behind it.
#include "manual_scheduler.hpp"
#include "mock_peer_backend.hpp"
#include "mock_sdp.hpp"
#include "sfu_session.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace orbit;
using namespace std::chrono_literals;
using orbit::test::ManualScheduler;

namespace {

const LocalTrack kCamera{1, TrackKind::Video, "camera"};
const LocalTrack kMicrophone{2, TrackKind::Audio, "microphone"};
const LocalTrack kScreen{3, TrackKind::Screen, "screen"};

// The server's two connections with one client.
struct FakeSfu {
  ManualScheduler clock;
  MockPeerBackend clientBackend{clock};
  MockPeerBackend serverBackend{clock};
  std::vector<Message> sent;  // by the session
  std::vector<std::string> problems;
  std::unique_ptr<PeerConnection> publish = serverBackend.createPeerConnection({});
  std::unique_ptr<PeerConnection> subscribe = serverBackend.createPeerConnection({});
  std::map<int, std::string> owners;  // the subscribe connection's track → member
  std::set<int> screens;              // of those, the ones that are someone's screen
  int restartsAsked = 0;              // ice-restart messages
  std::unique_ptr<SfuSession> session;

  FakeSfu() {
    PeerConnection::Handlers p;
    p.onIceCandidate = [this](const IceCandidateData& c) { toSession(MessageType::IceCandidate, toJson(c), "publish"); };
    publish->setHandlers(std::move(p));
    PeerConnection::Handlers s;
    s.onIceCandidate = [this](const IceCandidateData& c) { toSession(MessageType::IceCandidate, toJson(c), "subscribe"); };
    subscribe->setHandlers(std::move(s));
    SfuSession::Handlers h;
    h.send = [this](const Message& m) {
      sent.push_back(m);
      clock.after(10ms, [this, m] { fromSession(m); });
    };
    h.onProblem = [this](std::string_view problem) { problems.emplace_back(problem); };
    session = std::make_unique<SfuSession>(clientBackend, clock, RtcConfiguration{}, std::move(h), SfuSession::Options{});
  }

  void toSession(MessageType type, Json data, const std::string& connection) {
    data["connection"] = connection;
    clock.after(10ms, [this, type, data] {
      if (session) session->handle(Message{"ground control", "me", type, data});
    });
  }

  void fromSession(const Message& m) {
    if (m.type == MessageType::Layer) return;  // for Janus; the stand-in forwards every layer alike
    if (m.type == MessageType::IceRestart) {
      ++restartsAsked;
      subscribe->restartIce();
      return offer();
    }
    const std::string connection = (*m.data)["connection"];
    PeerConnection& pc = connection == "publish" ? *publish : *subscribe;
    if (m.type == MessageType::IceCandidate) {
      pc.addIceCandidate(*parseIceCandidate(*m.data), [](auto) {});
      return;
    }
    auto description = parseSessionDescription(m.type, *m.data);
    REQUIRE(description);
    pc.setRemoteDescription({*sdpTypeFromString(description->type), description->sdp}, [](auto) {});
    if (m.type != MessageType::Offer) return;
    pc.setLocalDescription([this, &pc](std::optional<Error> error) {
      REQUIRE_FALSE(error);
      toSession(MessageType::Answer, toJson(SessionDescription{"answer", pc.localDescription()->sdp}), "publish");
    });
  }

  // The server starts or stops forwarding `track` of `member`, and offers the new set with
  // room-mode's streams, as the server does.
  void forward(const std::string& member, const LocalTrack& track) {
    owners[track.id] = member;
    REQUIRE_FALSE(subscribe->addTrack(track));
    offer();
  }
  void stopForwarding(const LocalTrack& track) {
    owners.erase(track.id);
    REQUIRE_FALSE(subscribe->removeTrack(track));
    offer();
  }
  void offer() {
    subscribe->setLocalDescription([this](std::optional<Error> error) {
      REQUIRE_FALSE(error);
      const std::string sdp = subscribe->localDescription()->sdp;
      auto parsed = parseMockSdp(sdp);
      REQUIRE(parsed);
      std::vector<SfuStream> streams;
      for (const MockSdpSection& section : parsed->sections) {
        for (const auto& [id, member] : owners) {
          // The mock's msid track ids end in "-<the LocalTrack's id>".
          const std::string tail = "-" + std::to_string(id);
          const std::string& t = section.trackId;
          const bool sends = section.direction == "sendonly" || section.direction == "sendrecv";
          if (sends && t.size() > tail.size() && t.compare(t.size() - tail.size(), tail.size(), tail) == 0) {
            streams.push_back({section.mid, member, screens.count(id) ? "screen" : section.kind});
          }
        }
      }
      session->setStreams(streams);
      toSession(MessageType::Offer, toJson(SessionDescription{"offer", sdp}), "subscribe");
    });
  }

  std::set<std::string> kindsOf(const std::string& member) const {
    std::set<std::string> kinds;
    for (const RemoteTrack& t : session->tracksOf(member)) kinds.insert(t.kind);
    return kinds;
  }
};

}  // namespace

TEST_CASE("an SFU session publishes our tracks, answers the server's offers and tells whose each track is",
          "[sfu-session]") {
  FakeSfu sfu;
  sfu.session->setTracks({kMicrophone, kCamera, std::nullopt});
  sfu.clock.advance(500ms);
  // We offer on the publish connection, and only there; everything names its connection.
  REQUIRE_FALSE(sfu.sent.empty());
  CHECK(sfu.sent.front().type == MessageType::Offer);
  for (const Message& m : sfu.sent) {
    CHECK(m.receiver == "ground control");
    CHECK((*m.data)["connection"] == "publish");
  }
  CHECK(sfu.session->publishState() == PeerConnectionState::Connected);
  CHECK(sfu.publish->connectionState() == PeerConnectionState::Connected);

  // Ben and Cat publish: one offer from the server, our answer, and each has its own tracks.
  const LocalTrack benVoice{101, TrackKind::Audio, "ben voice"};
  const LocalTrack benCamera{102, TrackKind::Video, "ben camera"};
  const LocalTrack catCamera{103, TrackKind::Video, "cat camera"};
  sfu.owners = {{benVoice.id, "ben"}, {benCamera.id, "ben"}};
  REQUIRE_FALSE(sfu.subscribe->addTrack(benVoice));
  sfu.forward("ben", benCamera);
  sfu.clock.advance(500ms);
  CHECK(sfu.session->subscribeState() == PeerConnectionState::Connected);
  CHECK(sfu.kindsOf("ben") == std::set<std::string>{"audio", "video"});
  CHECK(sfu.kindsOf("cat").empty());
  sfu.forward("cat", catCamera);
  sfu.clock.advance(500ms);
  CHECK(sfu.kindsOf("cat") == std::set<std::string>{"video"});
  CHECK(sfu.session->answeredOffers() == 2);

  // Our camera goes out in three simulcast layers, the microphone as it is.
  for (const auto& connection : sfu.clientBackend.senders()) {
    for (const MockPeerBackend::Sender& s : connection) CHECK(s.layers == (s.kind == TrackKind::Audio ? 1 : 3));
  }
  // The layer asked for each video, once per change, by the mid the server named.
  const std::size_t before = sfu.sent.size();
  sfu.session->setQuality("ben", 1);
  sfu.session->setQuality("ben", 1);
  sfu.session->setQuality("nobody", 2);
  REQUIRE(sfu.sent.size() == before + 1);
  const Message& layer = sfu.sent.back();
  CHECK(layer.type == MessageType::Layer);
  CHECK(layer.receiver == "ground control");
  const auto benVideo = std::find_if(sfu.session->streams().begin(), sfu.session->streams().end(),
                                     [](const SfuStream& s) { return s.client == "ben" && s.kind == "video"; });
  REQUIRE(benVideo != sfu.session->streams().end());
  CHECK(*layer.data == Json{{"mid", benVideo->mid}, {"substream", 1}});
  sfu.session->setQuality("ben", 2);
  CHECK(sfu.sent.size() == before + 2);

  // Cat stops: a new offer without her, and nothing of hers is shown.
  sfu.stopForwarding(catCamera);
  sfu.clock.advance(500ms);
  CHECK(sfu.kindsOf("cat").empty());
  CHECK(sfu.kindsOf("ben") == std::set<std::string>{"audio", "video"});
  CHECK(sfu.session->answeredOffers() == 3);
  CHECK(sfu.session->subscribeState() == PeerConnectionState::Connected);
  for (const Message& m : sfu.sent) {
    if (m.type == MessageType::Answer) CHECK((*m.data)["connection"] == "subscribe");
  }
  CHECK(sfu.problems.empty());

  sfu.session->close();
  CHECK(sfu.session->publishState() == PeerConnectionState::Closed);
  CHECK(sfu.clientBackend.openConnections() == 0);
}

TEST_CASE("an SFU session refuses what the server may not send", "[sfu-session]") {
  FakeSfu sfu;
  sfu.session->handle(Message{"ground control", "me", MessageType::Offer, Json{{"type", "offer"}, {"sdp", "v=0"}}});
  sfu.session->handle(Message{"ground control", "me", MessageType::Offer,
                              Json{{"type", "offer"}, {"sdp", "v=0"}, {"connection", "publish"}}});
  sfu.session->handle(Message{"ground control", "me", MessageType::Answer,
                              Json{{"type", "answer"}, {"sdp", "v=0"}, {"connection", "subscribe"}}});
  sfu.clock.advance(100ms);
  REQUIRE(sfu.problems.size() == 3);
  CHECK_THAT(sfu.problems[0], Catch::Matchers::Contains("connection"));
  CHECK_THAT(sfu.problems[1], Catch::Matchers::Contains("offered on the publish connection"));
  CHECK_THAT(sfu.problems[2], Catch::Matchers::Contains("answered on the subscribe connection"));
}

TEST_CASE("a shared screen is published beside the camera and named, and others' screens are told apart", "[sfu-session]") {
  FakeSfu sfu;
  sfu.session->setTracks({kMicrophone, kCamera, std::nullopt});
  sfu.clock.advance(500ms);
  const auto offers = [&] {
    std::vector<Json> out;
    for (const Message& m : sfu.sent) {
      if (m.type == MessageType::Offer) out.push_back(*m.data);
    }
    return out;
  };
  REQUIRE(offers().size() == 1);
  CHECK_FALSE(offers()[0].contains("screen"));

  sfu.session->setTracks({kMicrophone, kCamera, kScreen});
  sfu.clock.advance(500ms);
  REQUIRE(offers().size() == 2);
  const Json withScreen = offers()[1];
  REQUIRE(withScreen.contains("screen"));
  // The mid it names is the media section that carries the screen's track.
  auto parsed = parseMockSdp(withScreen["sdp"].get<std::string>());
  REQUIRE(parsed);
  std::string screenMid;
  for (const MockSdpSection& section : parsed->sections) {
    const std::string tail = "-" + std::to_string(kScreen.id);
    const std::string& t = section.trackId;
    if (t.size() > tail.size() && t.compare(t.size() - tail.size(), tail.size(), tail) == 0) screenMid = section.mid;
  }
  CHECK(withScreen["screen"] == screenMid);
  // Three tracks go out: the camera in three layers, the screen and microphone as they are.
  std::multiset<int> layers;
  for (const auto& connection : sfu.clientBackend.senders()) {
    for (const MockPeerBackend::Sender& s : connection) layers.insert(s.layers);
  }
  CHECK(layers == std::multiset<int>{1, 1, 3});
  CHECK(sfu.session->publishState() == PeerConnectionState::Connected);

  // A new camera is swapped on its sender: no renegotiation.
  const LocalTrack otherCamera{4, TrackKind::Video, "other camera"};
  sfu.session->setTracks({kMicrophone, otherCamera, kScreen});
  sfu.clock.advance(500ms);
  CHECK(offers().size() == 2);
  CHECK(sfu.session->tracks().camera->id == otherCamera.id);

  // The share ends: its sender goes, and the next offer names no screen.
  sfu.session->setTracks({kMicrophone, otherCamera, std::nullopt});
  sfu.clock.advance(500ms);
  REQUIRE(offers().size() == 3);
  CHECK_FALSE(offers()[2].contains("screen"));

  // Ben shares his screen beside his camera: both are his, the screen called so.
  const LocalTrack benCamera{102, TrackKind::Video, "ben camera"};
  const LocalTrack benScreen{104, TrackKind::Video, "ben screen"};
  sfu.screens.insert(benScreen.id);
  sfu.owners[benCamera.id] = "ben";
  REQUIRE_FALSE(sfu.subscribe->addTrack(benCamera));
  sfu.forward("ben", benScreen);
  sfu.clock.advance(500ms);
  CHECK(sfu.kindsOf("ben") == std::set<std::string>{"video", "screen"});
  CHECK(sfu.problems.empty());
}

TEST_CASE("an SFU session restarts ICE when it fails: by its own offer to publish, by asking the server to subscribe",
          "[sfu-session]") {
  FakeSfu sfu;
  sfu.session->setTracks({kMicrophone, kCamera, std::nullopt});
  const LocalTrack benCamera{102, TrackKind::Video, "ben camera"};
  sfu.forward("ben", benCamera);
  sfu.clock.advance(500ms);
  REQUIRE(sfu.session->publishState() == PeerConnectionState::Connected);
  REQUIRE(sfu.session->subscribeState() == PeerConnectionState::Connected);
  const auto offersBefore = std::count_if(sfu.sent.begin(), sfu.sent.end(), [](const Message& m) { return m.type == MessageType::Offer; });

  // The network goes: ICE fails on both connections, and both are restarted.
  sfu.clientBackend.failIce();
  sfu.clock.advance(1000ms);
  CHECK(sfu.session->iceRestarts() == 2);
  CHECK(sfu.restartsAsked == 1);
  const auto offersAfter = std::count_if(sfu.sent.begin(), sfu.sent.end(), [](const Message& m) { return m.type == MessageType::Offer; });
  CHECK(offersAfter == offersBefore + 1);  // the publish connection's new offer
  CHECK(sfu.session->publishState() == PeerConnectionState::Connected);
  CHECK(sfu.session->subscribeState() == PeerConnectionState::Connected);
  CHECK(sfu.kindsOf("ben") == std::set<std::string>{"video"});

  // Disconnected for a moment and back on its own: nothing is restarted.
  sfu.clientBackend.disconnectIce();
  sfu.clock.advance(2000ms);
  sfu.clientBackend.recoverIce();
  sfu.clock.advance(6000ms);
  CHECK(sfu.session->iceRestarts() == 2);
  // Disconnected past the grace period: restarted.
  sfu.clientBackend.disconnectIce();
  sfu.clock.advance(6000ms);
  CHECK(sfu.session->iceRestarts() == 4);
  CHECK(sfu.session->publishState() == PeerConnectionState::Connected);
  CHECK(sfu.session->subscribeState() == PeerConnectionState::Connected);
  CHECK(sfu.problems.empty());
}
