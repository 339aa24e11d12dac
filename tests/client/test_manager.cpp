// The Manager over a FakeTransport (the test plays the server), a mock peer backend and mock
// media on a manual clock: peers follow room-info, signaling reaches the right peer, local
// tracks reach every peer, the chat log, reconnects and leaving.
#include "fake_transport.hpp"
#include "manager.hpp"
#include "manual_scheduler.hpp"
#include "mock_media_backend.hpp"
#include "mock_peer_backend.hpp"
#include "server_frames.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

// docs/protocol.md: the smaller id is polite. Ours sits in the middle so both roles are covered.
const std::string kSelf = std::string(32, '5');
const std::string kX = std::string(32, '1');
const std::string kY = std::string(32, '9');
const std::string kZ = std::string(32, 'c');
const std::string kW = std::string(32, 'e');
const std::string kU = std::string(32, '3');

// How long the member who came first waits for the other's offer before making its own. The
// remotes below are bare VideoPeers: with nothing to send they never offer, so a Manager that
// joined before them offers after this wait.
const std::chrono::milliseconds kOfferWait = VideoPeer::Options{}.theirFirstOfferWait;

const std::map<std::string, std::string> kNames{{kSelf, "Me"}, {kX, "Xena"}, {kY, "Yuri"}, {kZ, "Zoe"}, {kW, "Walt"}, {kU, "Vera"}};

// A remote member the test keeps: a VideoPeer on its own mock backend, wired to the Manager
// through the fake server.
struct Remote {
  std::unique_ptr<VideoPeer> peer;
  std::vector<std::string> problems;
};

struct Rig {
  explicit Rig(VideoPeer::Options peerOptions = {}) : peerOptions(peerOptions) {
    manager.setOnEvent([this](const ManagerEvent& event) {
      std::string line = std::string(toString(event.kind)) + " " + event.name;
      if (event.kind == ManagerEvent::Kind::PeerState) line += " " + std::string(toString(event.state));
      if (event.kind == ManagerEvent::Kind::Text || event.kind == ManagerEvent::Kind::MediaError ||
          event.kind == ManagerEvent::Kind::PeerFailed) {
        line += " " + event.text;
      }
      events.push_back(line);
    });
  }

  // Connects and plays the server's side of the join: pong with `id`, ICE servers, room-info.
  void join(const std::string& id, const std::vector<std::string>& members, bool iceServers = true) {
    connect();
    probe->injectText(fromServer("pong", id));
    if (iceServers) probe->injectText(fromServer("ice-servers", id, "[]"));
    setRoom(id, members);
  }

  // Joins and opens the WebSocket; the server has said nothing yet.
  void connect() {
    manager.join("ws://server/room/r/ws", RoomId("r"), "Me");
    probe->injectOpen();
  }

  void setRoom(const std::string& self, const std::vector<std::string>& members) {
    std::vector<std::pair<std::string, std::string>> clients;
    for (const std::string& m : members) clients.emplace_back(m, kNames.at(m));
    probe->injectText(fromServer("room-info", self, roomInfo(clients)));
  }

  // The frames the Manager has sent since `from`, decoded.
  std::vector<Message> sentSince(std::size_t from) const {
    std::vector<Message> out;
    for (std::size_t i = from; i < probe->sent.size(); ++i) out.push_back(decoded(probe->sent[i]));
    return out;
  }

  std::size_t count(MessageType type, const std::string& receiver, std::size_t from = 0) const {
    std::size_t n = 0;
    for (const Message& m : sentSince(from)) n += m.type == type && m.receiver == receiver;
    return n;
  }

  std::set<std::string> peerIds() const {
    std::set<std::string> ids;
    for (const ClientId& id : manager.peerIds()) ids.insert(id.str());
    return ids;
  }

  // A remote member that answers the Manager for real, its connection made with `configuration`.
  Remote& addRemote(const std::string& id, const RtcConfiguration& configuration = {}) {
    Remote& remote = remotes[id];
    VideoPeer::Handlers h;
    h.send = [this, id](const Message& message) {
      // Through the server: stamped with the sender, after a moment.
      const std::string frame = fromPeer(id, message.receiver, message.type, message.data.value_or(nullptr));
      clock.after(5ms, [this, frame] {
        if (probe->open) probe->injectText(frame);
      });
    };
    h.onProblem = [&remote](std::string_view problem) { remote.problems.emplace_back(problem); };
    remote.peer = std::make_unique<VideoPeer>(ClientId(id), ClientId(selfId), remoteBackend, clock,
                                              configuration, std::move(h), peerOptions);
    return remote;
  }

  // Delivers what the Manager sent to remote members since the last call, as the server would.
  void pump(std::chrono::milliseconds span = kOfferWait + 1000ms) {
    const auto end = clock.now() + span;
    while (clock.now() < end) {
      for (; delivered < probe->sent.size(); ++delivered) {
        Message message = decoded(probe->sent[delivered]);
        const auto it = remotes.find(message.receiver);
        if (it == remotes.end() || !it->second.peer) continue;
        message.sender = selfId;
        it->second.peer->handle(message);
      }
      clock.advance(10ms);
    }
  }

  bool connectedTo(const std::string& id) const {
    const VideoPeer* peer = manager.peer(ClientId(id));
    return peer && peer->connectionState() == PeerConnectionState::Connected;
  }

  bool sawEvent(const std::string& line) const { return std::find(events.begin(), events.end(), line) != events.end(); }

  VideoPeer::Options peerOptions;
  std::shared_ptr<FakeTransport::Probe> probe = std::make_shared<FakeTransport::Probe>();
  ManualScheduler clock;
  MockPeerBackend peers{clock};
  MockPeerBackend remoteBackend{clock};
  MockMediaBackend media{clock};
  std::string selfId = kSelf;
  std::map<std::string, Remote> remotes;
  std::size_t delivered = 0;
  std::vector<std::string> events;
  Manager manager{std::make_unique<FakeTransport>(probe), clock, peers, media,
                  Manager::Options{{.random = [] { return 0.5; }}, peerOptions, [] { return std::int64_t{1700000000000}; }, {}}};
};

bool sdpHas(const Message& offer, const std::string& line) {
  return offer.data && offer.data->contains("sdp") && (*offer.data)["sdp"].get<std::string>().find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("peers follow room-info: newcomers get a connection, leavers lose theirs", "[manager]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.join(kSelf, {kX, kY, kSelf});
  rig.clock.advance(200ms);
  CHECK(rig.peerIds() == std::set<std::string>{kX, kY});
  CHECK(rig.peers.openConnections() == 2);
  // Both joined before us, so we offer to both at once, impolite to X and polite to Y alike
  // (VideoPeer::Options::offersFirst).
  CHECK(rig.count(MessageType::Offer, kX) == 1);
  CHECK(rig.count(MessageType::Offer, kY) == 1);
  // Both get an offer carrying our microphone and camera.
  for (const std::string& id : {kX, kY}) {
    const auto sent = rig.sentSince(0);
    const auto offer = std::find_if(sent.begin(), sent.end(),
                                    [&](const Message& m) { return m.type == MessageType::Offer && m.receiver == id; });
    REQUIRE(offer != sent.end());
    CHECK(sdpHas(*offer, "m=audio"));
    CHECK(sdpHas(*offer, "m=video"));
  }
  CHECK(rig.manager.peer(ClientId(kX))->polite() == false);  // our id is larger than X's
  CHECK(rig.manager.peer(ClientId(kY))->polite() == true);
  CHECK_FALSE(rig.sawEvent("peer-joined Xena"));  // the room as it was is not news

  rig.setRoom(kSelf, {kY, kSelf, kZ});
  // Z came after us: Z offers first, and we offer only once none has come for a while.
  rig.clock.advance(200ms);
  CHECK(rig.count(MessageType::Offer, kZ) == 0);
  rig.clock.advance(kOfferWait);
  CHECK(rig.peerIds() == std::set<std::string>{kY, kZ});
  CHECK(rig.peers.openConnections() == 2);
  CHECK(rig.sawEvent("peer-left Xena"));
  CHECK(rig.sawEvent("peer-joined Zoe"));
  CHECK(rig.count(MessageType::Offer, kZ) == 1);
  // Yuri's connection was kept, not remade: one offer only.
  CHECK(rig.count(MessageType::Offer, kY) == 1);
}

TEST_CASE("whoever joined later offers first, by room-info's order: we offer at once to those before us and wait for those after", "[manager]") {
  Rig rig;
  rig.manager.startMedia({});
  // Xena (impolite to us) and Yuri (polite to us) joined before us: room-info lists the
  // clients in the order they joined. Vera (we are impolite to her) joined at the same moment
  // as us, just after, so she is in our first room-info too, and Zoe (polite) comes later.
  rig.join(kSelf, {kX, kY, kSelf, kU});
  rig.clock.advance(100ms);
  CHECK(rig.count(MessageType::Offer, kX) == 1);
  CHECK(rig.count(MessageType::Offer, kY) == 1);
  rig.setRoom(kSelf, {kX, kY, kSelf, kU, kZ});
  // Vera and Zoe offer first: we send no offer of our own for as long as one of theirs may come.
  rig.clock.advance(kOfferWait - 500ms);
  CHECK(rig.count(MessageType::Offer, kU) == 0);
  CHECK(rig.count(MessageType::Offer, kZ) == 0);
  // Zoe offers and gets our answer; Vera never does, and gets our offer after the wait.
  Remote& zoe = rig.addRemote(kZ);
  // Her offer has room for our microphone and camera: our answer needs no offer after it.
  REQUIRE_FALSE(zoe.peer->addTrack(LocalTrack{100, TrackKind::Audio, "Zoe's microphone"}));
  REQUIRE_FALSE(zoe.peer->addTrack(LocalTrack{101, TrackKind::Video, "Zoe's camera"}));
  rig.pump(300ms);
  CHECK(rig.connectedTo(kZ));
  CHECK(rig.count(MessageType::Offer, kZ) == 0);
  CHECK(rig.count(MessageType::Answer, kZ) == 1);
  CHECK(rig.count(MessageType::Offer, kU) == 0);
  rig.clock.advance(300ms);
  CHECK(rig.count(MessageType::Offer, kU) == 1);
}

TEST_CASE("a member whose name came after our arrival is named when it leaves", "[manager]") {
  Rig rig;
  rig.connect();
  rig.probe->injectText(fromServer("pong", kSelf));
  // The room as we found it: Xena is in, but her profile has not reached the server yet.
  rig.probe->injectText(fromServer("room-info", kSelf, roomInfo({{kSelf, "Me"}, {kX, ""}})));
  rig.setRoom(kSelf, {kSelf, kX});
  CHECK_FALSE(rig.sawEvent("peer-joined Xena"));  // she was there before us
  rig.setRoom(kSelf, {kSelf});
  CHECK(rig.sawEvent("peer-left Xena"));
}

TEST_CASE("room-info that comes before the pong is not news: our own arrival is announced first", "[manager]") {
  Rig rig;
  rig.connect();
  rig.probe->injectText(fromServer("room-info", kSelf, roomInfo({{kSelf, ""}, {kX, "Xena"}})));
  rig.probe->injectText(fromServer("room-info", kSelf, roomInfo({{kSelf, ""}, {kX, "Xena"}, {kY, "Yuri"}})));
  rig.probe->injectText(fromServer("room-info", kSelf, roomInfo({{kSelf, ""}, {kY, "Yuri"}})));
  // A chat line can overtake the pong too: it is told after our arrival.
  rig.probe->injectText(fromPeer(kY, "room", MessageType::Text, toJson(TextData{"Yuri", 1700000001000, "hi"})));
  CHECK(rig.events.empty());
  rig.probe->injectText(fromServer("pong", kSelf));
  // Yuri was in the room when we came: told after our arrival, as present.
  CHECK(rig.events == std::vector<std::string>{"joined Me", "peer-present Yuri", "text Yuri hi"});
  rig.setRoom(kSelf, {kSelf, kZ});
  CHECK(rig.sawEvent("peer-left Yuri"));
  CHECK(rig.sawEvent("peer-joined Zoe"));
}

// Found by tests/fuzz/fuzz_client_manager (corpus/client_manager/regression-offer-to-no-client):
// a room-info member listed as "" got a connection, whose offer went out with no receiver,
// that is, to the server.
TEST_CASE("a room-info member whose id is no client id gets no connection and no offer", "[manager][fuzz]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.connect();
  rig.probe->injectText(fromServer("pong", kSelf));
  rig.probe->injectText(fromServer("ice-servers", kSelf, "[]"));
  rig.probe->injectText(fromServer("room-info", kSelf,
                                   roomInfo({{"", "Nobody"}, {"room", "Everyone"}, {"ground control", "Server"},
                                             {"not an id", "Typo"}, {kX, "Xena"}, {kSelf, "Me"}})));
  rig.clock.advance(kOfferWait + 1000ms);
  CHECK(rig.peerIds() == std::set<std::string>{kX});
  CHECK(rig.count(MessageType::Offer, kX) == 1);
  for (const Message& m : rig.sentSince(0)) {
    INFO("sent " << toString(m.type) << " to \"" << m.receiver << "\"");
    const bool negotiation =
        m.type == MessageType::Offer || m.type == MessageType::Answer || m.type == MessageType::IceCandidate;
    CHECK_FALSE((negotiation && m.receiver != kX));
  }
}

// Found while reading a report of tests/fuzz/fuzz_client_manager ("a connection to itself",
// corpus/client_manager/regression-own-id-after-reconnect): a second pong on the same
// connection, naming a member, made that member our own id while we held a connection to it.
TEST_CASE("a later pong naming another id on the same connection does not change who we are", "[manager][fuzz]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.connect();
  rig.probe->injectText(fromServer("pong", kX));
  rig.probe->injectText(fromServer("ice-servers", kX, "[]"));
  rig.probe->injectText(fromServer("room-info", kX, roomInfo({{kSelf, "Me"}, {kX, "Xena"}})));
  rig.clock.advance(200ms);
  REQUIRE(rig.manager.selfId().str() == kX);
  REQUIRE(rig.peerIds() == std::set<std::string>{kSelf});

  rig.probe->injectText(fromServer("pong", kSelf));
  rig.clock.advance(200ms);
  CHECK(rig.manager.selfId().str() == kX);
  CHECK(rig.peerIds() == std::set<std::string>{kSelf});
  // (A new connection is a new id: test_signaler.cpp.)
}

// Found by tests/fuzz/fuzz_client_manager ("a connection to itself",
// corpus/client_manager/regression-message-from-ourselves): a negotiation message that the
// server stamped with our own id opened a connection to ourselves, since the room lists us.
TEST_CASE("a message stamped with our own id opens no connection to ourselves", "[manager][fuzz]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf, kX});
  rig.clock.advance(200ms);
  REQUIRE(rig.peerIds() == std::set<std::string>{kX});
  const std::size_t before = rig.probe->sent.size();
  rig.probe->injectText(fromPeer(kSelf, kSelf, MessageType::IceCandidate,
                                 toJson(IceCandidateData{"candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0})));
  rig.probe->injectText(fromPeer(kSelf, kSelf, MessageType::Offer, Json{{"type", "offer"}, {"sdp", "v=0\r\n"}}));
  rig.clock.advance(kOfferWait + 1000ms);
  CHECK(rig.peerIds() == std::set<std::string>{kX});
  for (const Message& m : rig.sentSince(before)) {
    INFO("sent " << toString(m.type) << " to \"" << m.receiver << "\"");
    CHECK(m.receiver != kSelf);
  }
}

TEST_CASE("room-info churn leaves exactly one connection per member and leaks none", "[manager]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf});
  std::mt19937 rng(42);
  const std::vector<std::string> others{kX, kY, kZ, kW};
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> members{kSelf};
    std::set<std::string> expected;
    for (const std::string& id : others) {
      if (rng() % 2) {
        members.push_back(id);
        expected.insert(id);
      }
    }
    std::shuffle(members.begin(), members.end(), rng);
    rig.setRoom(kSelf, members);
    // Sometimes the next room-info comes before anything has settled.
    if (rng() % 3 == 0) rig.clock.advance(std::chrono::milliseconds(rng() % 30));
    INFO("round " << round);
    REQUIRE(rig.peerIds() == expected);
    REQUIRE(rig.peers.openConnections() == expected.size());
  }
  rig.setRoom(kSelf, {kSelf});
  rig.clock.advance(1000ms);
  CHECK(rig.peerIds().empty());
  CHECK(rig.peers.openConnections() == 0);
  INFO(rig.manager.lastProblem());
  CHECK(rig.manager.lastProblem().empty());
}

TEST_CASE("offer, answer and icecandidate reach the peer they come from, and both connect", "[manager]") {
  // The polite sides offer at once too, rather than waiting for the other's offer first.
  Rig rig({.theirFirstOfferWait = 0ms});
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf, kX, kY});
  // Both remotes add tracks too, so both sides offer at once: glare, with us polite to Y
  // and impolite to X.
  for (const std::string& id : {kX, kY}) {
    Remote& remote = rig.addRemote(id);
    REQUIRE_FALSE(remote.peer->addTrack(LocalTrack{100, TrackKind::Audio, "remote mic"}));
    REQUIRE_FALSE(remote.peer->addTrack(LocalTrack{101, TrackKind::Video, "remote camera"}));
  }
  rig.pump();
  CHECK(rig.connectedTo(kX));
  CHECK(rig.connectedTo(kY));
  CHECK(rig.remotes[kX].peer->connectionState() == PeerConnectionState::Connected);
  CHECK(rig.remotes[kY].peer->connectionState() == PeerConnectionState::Connected);
  CHECK(rig.manager.peer(ClientId(kX))->remoteTracks().size() == 2);
  CHECK(rig.sawEvent("peer-state Xena connected"));
  CHECK(rig.sawEvent("peer-state Yuri connected"));
  INFO(rig.manager.lastProblem());
  CHECK(rig.manager.lastProblem().empty());
  CHECK(rig.remotes[kX].problems.empty());

  const Json snapshot = rig.manager.snapshot();
  REQUIRE(snapshot["peers"].size() == 2);
  CHECK(snapshot["peers"][0]["name"] == "Xena");
  CHECK(snapshot["peers"][0]["connection"] == "connected");
  CHECK(snapshot["peers"][0]["audio"] == true);
  CHECK(snapshot["peers"][0]["video"]["received"] == true);

  SECTION("a candidate from someone not in the room is dropped without a connection") {
    rig.probe->injectText(fromPeer(kW, kSelf, MessageType::IceCandidate,
                                   toJson(IceCandidateData{"candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0})));
    rig.clock.advance(100ms);
    CHECK(rig.peerIds() == std::set<std::string>{kX, kY});
  }

  SECTION("a bye closes that connection only, and the member may call again with an offer") {
    rig.remotes[kX].peer->close();
    rig.probe->injectText(fromPeer(kX, kSelf, MessageType::Bye, nullptr));
    rig.clock.advance(100ms);
    CHECK(rig.peerIds() == std::set<std::string>{kY});
    CHECK(rig.peers.openConnections() == 1);
    CHECK(rig.sawEvent("peer-state Xena closed"));
    CHECK(rig.connectedTo(kY));
    // Still a member: the next room-info does not call it back.
    rig.setRoom(kSelf, {kSelf, kX, kY, kZ});
    rig.clock.advance(100ms);
    CHECK(rig.peerIds() == std::set<std::string>{kY, kZ});
    CHECK(rig.manager.snapshot()["peers"][0]["connection"] == "closed");

    Remote& again = rig.addRemote(kX);
    REQUIRE_FALSE(again.peer->addTrack(LocalTrack{102, TrackKind::Audio, "remote mic"}));
    rig.pump();
    CHECK(rig.connectedTo(kX));
  }
}

TEST_CASE("an offer that overtakes our ICE servers waits for them", "[manager]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX}, /*iceServers=*/false);
  Remote& remote = rig.addRemote(kX);
  REQUIRE_FALSE(remote.peer->addTrack(LocalTrack{100, TrackKind::Audio, "remote mic"}));
  rig.clock.advance(200ms);  // X's offer has arrived
  CHECK(rig.peerIds().empty());
  rig.probe->injectText(fromServer("ice-servers", kSelf, R"([{"urls":["stun:stun.example.org:3478"]}])"));
  rig.pump();
  CHECK(rig.connectedTo(kX));
  CHECK(rig.count(MessageType::Answer, kX) == 1);
}

TEST_CASE("after a reconnect the mesh is rebuilt on the new ids", "[manager]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf, kX});
  rig.addRemote(kX);
  rig.pump();
  REQUIRE(rig.connectedTo(kX));

  rig.probe->injectClose(1006);
  rig.clock.advance(100ms);
  // Media does not go through the server: the connection lives on meanwhile.
  CHECK(rig.connectedTo(kX));
  CHECK(rig.manager.snapshot()["peers"][0]["name"] == "Xena");

  // We are back as W. Y came in meanwhile as Z; X kept its connection to the server and its
  // id, and calls the new us afresh, as every member does for a newcomer.
  rig.clock.advance(1000ms);
  rig.selfId = kW;
  rig.probe->injectOpen();
  rig.probe->injectText(fromServer("pong", kW));
  rig.probe->injectText(fromServer("ice-servers", kW, "[]"));
  rig.setRoom(kW, {kX, kZ, kW});
  CHECK(rig.peerIds() == std::set<std::string>{kX, kZ});
  CHECK(rig.peers.openConnections() == 2);  // the old connection to X is gone
  CHECK(std::count(rig.events.begin(), rig.events.end(), "peer-state Xena closed") == 1);
  rig.addRemote(kX);
  rig.addRemote(kZ);
  rig.pump();
  for (const std::string& id : {kX, kZ}) {
    INFO(id);
    CHECK(rig.connectedTo(id));
    CHECK(rig.remotes[id].peer->connectionState() == PeerConnectionState::Connected);
  }
  CHECK(rig.manager.joins() == 2);
  CHECK(rig.sawEvent("joined Me"));
  // Xena kept her id and never left; Zoe was there when we came back.
  CHECK_FALSE(rig.sawEvent("peer-left Xena"));
  CHECK(rig.sawEvent("peer-present Zoe"));
}

TEST_CASE("the chat log keeps room and direct lines with time and sender name", "[manager]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX, kY});

  REQUIRE_FALSE(rig.manager.sendText("hello room"));
  const Message sent = rig.sentSince(0).back();
  CHECK(sent.receiver == "room");
  CHECK((*sent.data)["from"] == "Me");
  CHECK((*sent.data)["time"] == 1700000000000);
  CHECK(rig.manager.chat().empty());  // the echo is the receipt
  rig.probe->injectText(encode(Message{kSelf, "room", MessageType::Text, sent.data}));
  REQUIRE(rig.manager.chat().size() == 1);
  CHECK(rig.manager.chat()[0].self);
  CHECK(rig.manager.chat()[0].fromName == "Me");

  REQUIRE_FALSE(rig.manager.sendText("just you", kY));
  REQUIRE(rig.manager.chat().size() == 2);
  CHECK(rig.manager.chat()[1].toId == kY);
  CHECK(rig.sentSince(0).back().receiver == kY);
  CHECK((*rig.sentSince(0).back().data)["direct"] == true);
  CHECK_FALSE(sent.data->contains("direct"));

  // The roster's name wins over whatever the sender wrote in `from`.
  rig.probe->injectText(fromPeer(kX, kSelf, MessageType::Text, toJson(TextData{"Impostor", 1700000001000, "psst", true})));
  REQUIRE(rig.manager.chat().size() == 3);
  CHECK(rig.manager.chat()[2].fromName == "Xena");
  CHECK(rig.manager.chat()[2].toId == kSelf);
  CHECK(rig.manager.chat()[2].time == 1700000001000);
  CHECK(rig.sawEvent("text Xena psst"));

  const Json messages = rig.manager.snapshot()["messages"];
  REQUIRE(messages.size() == 3);
  CHECK(messages[2] == Json{{"from", "Xena"}, {"fromId", kX}, {"to", kSelf}, {"text", "psst"},
                            {"time", 1700000001000}, {"self", false}, {"history", false}});

  CHECK(rig.manager.sendText(""));
  CHECK(rig.manager.sendText(std::string(kMaxTextChars + 1, 'a'))->message.find("longer than 4096") != std::string::npos);
  CHECK(rig.manager.sendText("to nobody", kZ));
  CHECK(rig.manager.chat().size() == 3);
}

TEST_CASE("a refused camera leaves the microphone, and the call goes on", "[manager][media]") {
  Rig rig;
  rig.media.refuse(TrackKind::Video, "NotAllowedError: Permission denied");
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf, kX});
  rig.addRemote(kX);
  rig.pump();
  CHECK(rig.connectedTo(kX));
  CHECK(rig.manager.microphone().has_value());
  CHECK_FALSE(rig.manager.camera().has_value());
  CHECK(rig.sawEvent("media-error  could not use the camera: NotAllowedError: Permission denied"));
  CHECK(rig.manager.snapshot()["media"]["error"] == "could not use the camera: NotAllowedError: Permission denied");
  const auto sent = rig.sentSince(0);
  const auto offer = std::find_if(sent.begin(), sent.end(), [](const Message& m) { return m.type == MessageType::Offer; });
  REQUIRE(offer != sent.end());
  CHECK(sdpHas(*offer, "m=audio"));
  CHECK_FALSE(sdpHas(*offer, "m=video"));
}

TEST_CASE("the member who came later offers at once while its camera starts, and the camera takes the m-line it offered", "[manager][media]") {
  Rig rig;
  rig.peers.setMedia(&rig.media);
  // Xena was there first, with her microphone and camera; ours have not started yet.
  Remote& xena = rig.addRemote(kX);
  REQUIRE_FALSE(xena.peer->addTrack(LocalTrack{100, TrackKind::Audio, "Xena's microphone"}));
  REQUIRE_FALSE(xena.peer->addTrack(LocalTrack{101, TrackKind::Video, "Xena's camera"}));
  rig.join(kSelf, {kX, kSelf});
  rig.pump(300ms);
  // One offer, made at once, to receive both kinds: the connection comes up and her media
  // reaches us before our camera exists.
  REQUIRE(rig.count(MessageType::Offer, kX) == 1);
  Message first;
  for (const Message& m : rig.sentSince(0)) {
    if (m.type == MessageType::Offer) first = m;
  }
  CHECK(sdpHas(first, "m=audio"));
  CHECK(sdpHas(first, "m=video"));
  CHECK_FALSE(sdpHas(first, "a=sendrecv"));
  CHECK(rig.connectedTo(kX));
  CHECK(rig.manager.peer(ClientId(kX))->remoteTracks().size() == 2);
  CHECK(xena.peer->remoteTracks().empty());
  REQUIRE(rig.peers.senders().size() == 1);
  CHECK(rig.peers.senders()[0].empty());

  // The camera and microphone come: they take the two m-lines over, in one more exchange.
  const std::size_t before = rig.probe->sent.size();
  rig.manager.startMedia({});
  rig.pump(500ms);
  REQUIRE(rig.count(MessageType::Offer, kX, before) == 1);
  Message again;
  for (const Message& m : rig.sentSince(before)) {
    if (m.type == MessageType::Offer) again = m;
  }
  const std::string sdp = (*again.data)["sdp"].get<std::string>();
  const auto lines = [&sdp](const std::string& what) {
    std::size_t n = 0;
    for (auto at = sdp.find(what); at != std::string::npos; at = sdp.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(lines("m=audio") == 1);
  CHECK(lines("m=video") == 1);
  CHECK(lines("a=sendrecv") == 2);
  CHECK(rig.connectedTo(kX));
  CHECK(xena.peer->remoteTracks().size() == 2);
  // Capped as any sender of a connected mesh is, once that exchange is done.
  const auto connections = rig.peers.senders();
  REQUIRE(connections.size() == 1);
  REQUIRE(connections[0].size() == 2);
  for (const MockPeerBackend::Sender& sender : connections[0]) {
    if (sender.kind == TrackKind::Video) CHECK(sender.limits.maxBitrate == (2500 - 40) * 1000);
  }
  INFO(rig.manager.lastProblem());
  CHECK(rig.manager.lastProblem().empty());
  CHECK(xena.problems.empty());
}

TEST_CASE("mute, camera off, device switch and screen share reach every peer without renegotiating", "[manager][media]") {
  Rig rig;
  rig.peers.setMedia(&rig.media);
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf, kX, kY});
  rig.addRemote(kX);
  rig.addRemote(kY);
  rig.pump();
  REQUIRE(rig.connectedTo(kX));
  REQUIRE(rig.connectedTo(kY));
  REQUIRE(rig.peers.openConnections() == 2);  // one connection per peer
  const LocalTrack mic = *rig.manager.microphone();
  const LocalTrack camera = *rig.manager.camera();
  const std::size_t offersBefore = rig.count(MessageType::Offer, kX) + rig.count(MessageType::Offer, kY);

  // What every peer is sent: its connection's sender of each kind carries `track`, enabled
  // or not.
  auto everyPeerSends = [&](TrackKind kind, const LocalTrack& track, bool enabled) {
    const auto connections = rig.peers.senders();
    REQUIRE(connections.size() == 2);
    for (const auto& senders : connections) {
      const auto sender = std::find_if(senders.begin(), senders.end(), [&](const MockPeerBackend::Sender& s) {
        return isAudio(s.kind) == isAudio(kind);
      });
      INFO(toString(kind) << " sender, expecting track " << track.id);
      REQUIRE(sender != senders.end());
      CHECK(sender->trackId == track.id);
      CHECK(sender->kind == track.kind);
      CHECK(sender->enabled == enabled);
      CHECK(std::count_if(senders.begin(), senders.end(), [&](const MockPeerBackend::Sender& s) {
              return isAudio(s.kind) == isAudio(kind);
            }) == 1);
    }
  };
  everyPeerSends(TrackKind::Audio, mic, true);
  everyPeerSends(TrackKind::Video, camera, true);

  rig.manager.setMuted(true);
  rig.manager.setCameraEnabled(false);
  everyPeerSends(TrackKind::Audio, mic, false);
  everyPeerSends(TrackKind::Video, camera, false);
  rig.manager.setMuted(false);
  everyPeerSends(TrackKind::Audio, mic, true);

  rig.manager.switchDevice(TrackKind::Video, "cam-2");
  rig.pump(200ms);
  REQUIRE(rig.manager.camera().has_value());
  const LocalTrack camera2 = *rig.manager.camera();
  CHECK(camera2.label == "Mock camera cam-2");
  CHECK_FALSE(rig.media.live(camera.id));  // the old camera is released
  everyPeerSends(TrackKind::Video, camera2, false);  // still off, as the user left it
  rig.manager.setCameraEnabled(true);
  everyPeerSends(TrackKind::Video, camera2, true);

  rig.manager.startScreenShare();
  rig.pump(200ms);
  REQUIRE(rig.manager.screen().has_value());
  const LocalTrack screen = *rig.manager.screen();
  everyPeerSends(TrackKind::Screen, screen, true);
  everyPeerSends(TrackKind::Audio, mic, true);
  // The browser's own "stop sharing" ends the track: the camera comes back.
  rig.media.end(screen);
  rig.pump(200ms);
  CHECK_FALSE(rig.manager.screen().has_value());
  everyPeerSends(TrackKind::Video, camera2, true);

  CHECK(rig.count(MessageType::Offer, kX) + rig.count(MessageType::Offer, kY) == offersBefore);
  CHECK(rig.connectedTo(kX));
  CHECK(rig.connectedTo(kY));
  INFO(rig.manager.lastProblem());
  CHECK(rig.manager.lastProblem().empty());
}

TEST_CASE("leaving says bye to every peer and to the server, and lets the devices go", "[manager]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf, kX, kY});
  rig.addRemote(kX);
  rig.addRemote(kY);
  rig.pump();
  const std::size_t before = rig.probe->sent.size();
  rig.manager.leave();
  CHECK(rig.count(MessageType::Bye, kX, before) == 1);
  CHECK(rig.count(MessageType::Bye, kY, before) == 1);
  CHECK(rig.count(MessageType::Bye, "ground control", before) == 1);
  CHECK(rig.probe->closeCalls == std::vector<std::uint16_t>{1000});
  CHECK(rig.peers.openConnections() == 0);
  CHECK(rig.media.liveTracks() == 0);
  CHECK(rig.manager.sendText("anyone?"));
}

TEST_CASE("our profile tells the room when the microphone is muted, the camera is off or a screen is shared",
          "[manager][media]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.clock.advance(50ms);  // the devices are ours before the connection opens
  rig.join(kSelf, {kSelf, kX});
  const auto lastProfile = [&rig]() -> Json {
    Json found;
    for (const Message& m : rig.sentSince(0)) {
      if (m.type == MessageType::Profile) found = *m.data;
    }
    return found;
  };
  CHECK(lastProfile() == Json{{"username", "Me"}, {"muted", false}, {"camera_off", false}, {"sharing_screen", false}, {"sfu", true}});

  const std::size_t before = rig.probe->sent.size();
  rig.manager.setMuted(true);
  CHECK(lastProfile() == Json{{"username", "Me"}, {"muted", true}, {"camera_off", false}, {"sharing_screen", false}, {"sfu", true}});
  rig.manager.setMuted(true);  // no change, nothing sent
  rig.manager.setCameraEnabled(false);
  CHECK(lastProfile() == Json{{"username", "Me"}, {"muted", true}, {"camera_off", true}, {"sharing_screen", false}, {"sfu", true}});
  CHECK(rig.count(MessageType::Profile, "ground control", before) == 2);
  rig.manager.startScreenShare();
  rig.clock.advance(50ms);
  // The screen goes out in place of the camera: there is a picture, and it is a screen.
  CHECK(lastProfile() == Json{{"username", "Me"}, {"muted", true}, {"camera_off", false}, {"sharing_screen", true}, {"sfu", true}});

  // Others' indicators come with room-info; an older client that sends none shows null.
  rig.probe->injectText(fromServer("room-info", kSelf, R"({"room_id":"r","clients":[)"
                                   R"({"id":")" + kSelf + R"(","username":"Me","muted":true,"camera_off":true},)"
                                   R"({"id":")" + kX + R"(","username":"Xena","muted":true,"camera_off":false,"sharing_screen":true},)"
                                   R"({"id":")" + kY + R"(","username":"Yuri"}]})"));
  const Json peers = rig.manager.snapshot()["peers"];
  REQUIRE(peers.size() == 2);
  CHECK(peers[0]["muted"] == true);
  CHECK(peers[0]["cameraOff"] == false);
  CHECK(peers[0]["sharingScreen"] == true);
  CHECK(peers[1]["muted"] == nullptr);
  CHECK(peers[1]["sharingScreen"] == nullptr);
  CHECK(peers[1]["cameraOff"] == nullptr);
}

TEST_CASE("namesakes are told apart by their place in the room, alike for everyone", "[manager]") {
  Rig rig;
  rig.connect();
  rig.probe->injectText(fromServer("pong", kSelf));
  rig.probe->injectText(fromServer("ice-servers", kSelf, "[]"));
  rig.probe->injectText(
      fromServer("room-info", kSelf, roomInfo({{kX, "Sam"}, {kSelf, "Me"}, {kY, "Sam"}, {kZ, "Zoe"}, {kW, "Sam"}})));
  CHECK(rig.manager.displayName(kX) == "Sam");
  CHECK(rig.manager.displayName(kY) == "Sam (2)");
  CHECK(rig.manager.displayName(kW) == "Sam (3)");
  CHECK(rig.manager.displayName(kZ) == "Zoe");
  CHECK(rig.manager.displayName(kSelf) == "Me");
  CHECK(rig.manager.nameOf(kY) == "Sam");  // the name itself is left alone

  // When the first Sam leaves, the numbers move up.
  rig.probe->injectText(fromServer("room-info", kSelf, roomInfo({{kSelf, "Me"}, {kY, "Sam"}, {kW, "Sam"}})));
  CHECK(rig.manager.displayName(kY) == "Sam");
  CHECK(rig.manager.displayName(kW) == "Sam (2)");
  CHECK(rig.manager.displayName("0000") == "");
}

TEST_CASE("on the original server room lines addressed to us stay room lines, and our echo is no line to ourselves",
          "[manager]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX, kY});
  // The original server addresses each member's copy of a room line to that member's id.
  rig.probe->injectText(fromPeer(kX, kSelf, MessageType::Text, toJson(TextData{"Xena", 1700000001000, "hi all"})));
  REQUIRE_FALSE(rig.manager.sendText("hello room"));
  rig.probe->injectText(fromPeer(kSelf, kSelf, MessageType::Text, rig.sentSince(0).back().data.value()));
  // A direct line it relays carries the sender's mark.
  rig.probe->injectText(fromPeer(kY, kSelf, MessageType::Text, toJson(TextData{"Yuri", 1700000002000, "psst", true})));
  REQUIRE(rig.manager.chat().size() == 3);
  CHECK(rig.manager.chat()[0].toId.empty());
  CHECK(rig.manager.chat()[1].self);
  CHECK(rig.manager.chat()[1].toId.empty());
  CHECK(rig.manager.chat()[2].toId == kSelf);
  const Json messages = rig.manager.snapshot()["messages"];
  CHECK(messages[0]["to"] == nullptr);
  CHECK(messages[1]["to"] == nullptr);
  CHECK(messages[2]["to"] == kSelf);

  // Even a marked line from ourselves to ourselves is not shown as one to ourselves.
  rig.probe->injectText(fromPeer(kSelf, kSelf, MessageType::Text, toJson(TextData{"Me", 1700000003000, "me", true})));
  REQUIRE(rig.manager.chat().size() == 4);
  CHECK(rig.manager.chat()[3].toId.empty());
}

namespace {

const std::string kV = std::string(32, 'a');

// Loses the server, then comes back as `self` to a room of `members` (id, name).
void reconnectAs(Rig& rig, const std::string& self, const std::vector<std::pair<std::string, std::string>>& members) {
  rig.clock.advance(Signaler::Options{}.maxBackoff);
  rig.selfId = self;
  rig.probe->injectOpen();
  rig.probe->injectText(fromServer("pong", self));
  rig.probe->injectText(fromServer("ice-servers", self, "[]"));
  rig.probe->injectText(fromServer("room-info", self, roomInfo(members)));
}

std::vector<std::string> textsTo(const Rig& rig, const std::string& receiver, std::size_t from) {
  std::vector<std::string> out;
  for (const Message& m : rig.sentSince(from)) {
    if (m.type == MessageType::Text && m.receiver == receiver) out.push_back((*m.data)["text"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("lines typed while the server is away wait, and reach everyone once all are back", "[manager][unsent]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX, kY});
  rig.probe->injectClose(1006);
  const std::size_t before = rig.probe->sent.size();

  REQUIRE_FALSE(rig.manager.sendText("anyone there?"));
  REQUIRE_FALSE(rig.manager.sendText("psst", kX));  // X goes by a new id after the reconnect
  REQUIRE(rig.manager.unsentLines().size() == 2);
  CHECK(rig.manager.unsentLines()[0].state == UnsentLine::State::Waiting);
  CHECK(rig.manager.snapshot()["unsent"][1] ==
        Json{{"id", rig.manager.unsentLines()[1].id}, {"text", "psst"}, {"to", kX}, {"state", "waiting"}, {"why", ""}});

  // Back first, with only Xena (under a new id): Yuri would miss the line, so it waits.
  reconnectAs(rig, kW, {{kZ, "Xena"}, {kW, "Me"}});
  CHECK(textsTo(rig, "room", before).empty());
  CHECK(rig.manager.unsentLines().size() == 2);
  // A line typed now waits behind them, in order.
  REQUIRE_FALSE(rig.manager.sendText("hello?"));
  CHECK(rig.manager.unsentLines().size() == 3);

  rig.clock.advance(2s);
  rig.probe->injectText(fromServer("room-info", kW, roomInfo({{kZ, "Xena"}, {kW, "Me"}, {kV, "Yuri"}})));
  CHECK(textsTo(rig, "room", before) == std::vector<std::string>{"anyone there?", "hello?"});
  CHECK(textsTo(rig, kZ, before) == std::vector<std::string>{"psst"});
  CHECK(rig.manager.unsentLines().empty());
  // With the room whole, the next line goes at once.
  const std::size_t now = rig.probe->sent.size();
  REQUIRE_FALSE(rig.manager.sendText("all here"));
  CHECK(textsTo(rig, "room", now) == std::vector<std::string>{"all here"});
}

TEST_CASE("a line that cannot reach everyone in time is marked not sent, and Retry sends it to the room as it is",
          "[manager][unsent]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX, kY});
  rig.probe->injectClose(1006);
  const std::size_t before = rig.probe->sent.size();
  REQUIRE_FALSE(rig.manager.sendText("meeting moved"));
  reconnectAs(rig, kW, {{kX, "Xena"}, {kW, "Me"}});
  rig.clock.advance(Manager::kRoomWholeWait);
  REQUIRE(rig.manager.unsentLines().size() == 1);
  const UnsentLine failed = rig.manager.unsentLines()[0];
  CHECK(failed.state == UnsentLine::State::Failed);
  CHECK(failed.why == "not everyone is back (Yuri)");
  CHECK(textsTo(rig, "room", before).empty());
  // New lines are no longer held for Yuri.
  REQUIRE_FALSE(rig.manager.sendText("Yuri must have left"));
  CHECK(textsTo(rig, "room", before) == std::vector<std::string>{"Yuri must have left"});

  rig.manager.retryLine(failed.id);
  CHECK(textsTo(rig, "room", before) == std::vector<std::string>{"Yuri must have left", "meeting moved"});
  CHECK(rig.manager.unsentLines().empty());
}

TEST_CASE("a line typed while no server can be reached is marked not sent after a while, and can be dropped",
          "[manager][unsent]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX});
  rig.probe->injectClose(1006);
  REQUIRE_FALSE(rig.manager.sendText("hello?"));
  rig.clock.advance(Manager::kUnsentWait - 1ms);
  CHECK(rig.manager.unsentLines()[0].state == UnsentLine::State::Waiting);
  rig.clock.advance(1ms);
  REQUIRE(rig.manager.unsentLines().size() == 1);
  CHECK(rig.manager.unsentLines()[0].state == UnsentLine::State::Failed);
  CHECK(rig.manager.unsentLines()[0].why == "no connection to the server");
  CHECK(rig.manager.snapshot()["unsent"][0]["state"] == "failed");
  rig.manager.dropLine(rig.manager.unsentLines()[0].id);
  CHECK(rig.manager.unsentLines().empty());

  // A direct line to someone who does not come back is not sent, and says to whom.
  REQUIRE_FALSE(rig.manager.sendText("just you", kX));
  reconnectAs(rig, kW, {{kW, "Me"}});
  rig.clock.advance(Manager::kRoomWholeWait);
  REQUIRE(rig.manager.unsentLines().size() == 1);
  CHECK(rig.manager.unsentLines()[0].why == "not everyone is back (Xena)");
  rig.manager.retryLine(rig.manager.unsentLines()[0].id);
  CHECK(rig.manager.unsentLines()[0].why == "Xena is not in the room");
  // Leaving ends the wait of what still waits.
  rig.probe->injectClose(1006);
  REQUIRE_FALSE(rig.manager.sendText("bye all"));
  rig.manager.leave();
  CHECK(rig.manager.unsentLines().back().why == "you left the room");
}

TEST_CASE("a burst of lines past what the server takes is refused line by line, not dropped unseen", "[manager]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX});
  const std::size_t before = rig.probe->sent.size();
  int accepted = 0;
  std::optional<Error> refusal;
  for (int i = 0; i < 600; ++i) {
    auto error = rig.manager.sendText("line " + std::to_string(i));
    if (!error) ++accepted;
    if (error && !refusal) refusal = error;
  }
  CHECK(accepted == static_cast<int>(Manager::kTextBurst));
  REQUIRE(refusal);
  CHECK_THAT(refusal->message, Catch::Contains("was not sent"));
  CHECK(rig.probe->sent.size() - before == static_cast<std::size_t>(accepted));  // each accepted line went out
  // A line refused for another reason costs nothing; a second later there is room again.
  rig.clock.advance(1000ms);
  CHECK(rig.manager.sendText("to nobody", "no-such-id"));
  accepted = 0;
  for (int i = 0; i < 100; ++i) accepted += rig.manager.sendText("more") ? 0 : 1;
  CHECK(accepted == static_cast<int>(Manager::kTextPerSecond));
}

TEST_CASE("after a server restart every old id is told gone before the same people are told present again", "[manager]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX});
  rig.events.clear();
  rig.probe->injectClose(1006);
  reconnectAs(rig, kW, {{kZ, "Xena"}, {kW, "Me"}});
  CHECK(rig.events ==
        std::vector<std::string>{"joined Me", "peer-left Xena", "peer-present Xena", "peer-state Xena closed"});
}

TEST_CASE("lines from before we came are kept as history, not news, and a reconnect does not repeat them",
          "[manager][history]") {
  Rig rig;
  rig.join(kSelf, {kSelf, kX});
  const auto historyLine = [](const std::string& from, const std::string& text, std::int64_t time) {
    return fromPeer(from, "room", MessageType::Text, Json{{"from", "Old " + from.substr(0, 2)}, {"time", time},
                                                         {"text", text}, {"history", true}});
  };
  rig.probe->injectText(historyLine(kX, "earlier", 1000));
  rig.probe->injectText(historyLine(kV, "from someone gone", 2000));
  REQUIRE(rig.manager.chat().size() == 2);
  CHECK(rig.manager.chat()[0].history);
  CHECK(rig.manager.chat()[0].fromName == "Xena");          // still here: the room's name for them
  CHECK(rig.manager.chat()[1].fromName == "Old aa");        // gone: the name they wrote
  CHECK(rig.manager.snapshot()["messages"][1]["history"] == true);
  CHECK(std::none_of(rig.events.begin(), rig.events.end(),
                     [](const std::string& e) { return e.rfind("text ", 0) == 0; }));  // not news

  rig.probe->injectText(fromPeer(kX, "room", MessageType::Text, toJson(TextData{"Xena", 3000, "now", false})));
  REQUIRE(rig.manager.chat().size() == 3);
  CHECK_FALSE(rig.manager.chat()[2].history);

  // Back after a reconnect, the server replays the room's lines again: only what we missed is new.
  rig.probe->injectClose(1006);
  reconnectAs(rig, kW, {{kX, "Xena"}, {kW, "Me"}});
  rig.probe->injectText(historyLine(kX, "earlier", 1000));
  rig.probe->injectText(historyLine(kV, "from someone gone", 2000));
  rig.probe->injectText(historyLine(kX, "now", 3000));
  rig.probe->injectText(historyLine(kX, "said while we were away", 4000));
  REQUIRE(rig.manager.chat().size() == 4);
  CHECK(rig.manager.chat()[3].text == "said while we were away");
}

TEST_CASE("room-mode moves the call from the mesh to the server's two connections and back", "[manager][sfu]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.addRemote(kX);
  rig.addRemote(kY);
  rig.join(kSelf, {kSelf, kX, kY});
  rig.pump(kOfferWait + 1000ms);
  REQUIRE(rig.connectedTo(kX));
  REQUIRE(rig.connectedTo(kY));
  CHECK_FALSE(rig.manager.forwarding());
  // Our profile says we can take part in a forwarded room.
  bool saidSfu = false;
  for (const Message& m : rig.sentSince(0)) saidSfu = saidSfu || (m.type == MessageType::Profile && (*m.data)["sfu"] == true);
  CHECK(saidSfu);

  const std::size_t before = rig.probe->sent.size();
  rig.probe->injectText(fromServer("room-mode", kSelf, R"({"mode":"sfu","streams":[]})"));
  rig.clock.advance(200ms);
  // No connection to anyone else; two with the server, and we offer our tracks on one.
  CHECK(rig.manager.forwarding());
  CHECK(rig.manager.peerIds().empty());
  CHECK(rig.peers.openConnections() == 2);
  const auto sent = rig.sentSince(before);
  const auto offer = std::find_if(sent.begin(), sent.end(), [](const Message& m) { return m.type == MessageType::Offer; });
  REQUIRE(offer != sent.end());
  CHECK(offer->receiver == "ground control");
  CHECK((*offer->data)["connection"] == "publish");
  CHECK(sdpHas(*offer, "m=audio"));
  CHECK(sdpHas(*offer, "m=video"));
  CHECK(rig.count(MessageType::Offer, kX, before) == 0);
  // A mesh offer that crossed the switch starts nothing.
  rig.probe->injectText(fromPeer(kX, kSelf, MessageType::Offer, Json{{"type", "offer"}, {"sdp", "v=0\r\n"}}));
  CHECK(rig.manager.peerIds().empty());
  CHECK(rig.manager.snapshot()["mode"] == "sfu");

  // Back to a mesh, saying why: the others are called again.
  rig.probe->injectText(fromServer("room-mode", kSelf, R"({"mode":"mesh","reason":"the media server is unreachable"})"));
  CHECK_FALSE(rig.manager.forwarding());
  CHECK(rig.manager.lastProblem() == "the media server is unreachable");
  rig.pump(kOfferWait + 1000ms);
  CHECK(rig.connectedTo(kX));
  CHECK(rig.connectedTo(kY));
  CHECK(rig.peers.openConnections() == 2);
  CHECK(rig.manager.snapshot()["mode"] == "mesh");
}

TEST_CASE("through the server a shared screen goes beside the camera, in a mesh in its place",
          "[manager][sfu]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.addRemote(kX);
  rig.join(kSelf, {kSelf, kX});
  rig.pump(kOfferWait + 1000ms);
  REQUIRE(rig.connectedTo(kX));
  // The kinds our connections send, each connection's sorted.
  const auto sending = [&rig] {
    std::vector<std::vector<std::string>> out;
    for (const auto& connection : rig.peers.senders()) {
      std::vector<std::string> kinds;
      for (const MockPeerBackend::Sender& s : connection) kinds.emplace_back(toString(s.kind));
      std::sort(kinds.begin(), kinds.end());
      out.push_back(kinds);
    }
    return out;
  };
  rig.manager.startScreenShare();
  rig.pump(500ms);
  CHECK(sending() == std::vector<std::vector<std::string>>{{"audio", "screen"}});

  // Through the server: the publish connection sends all three (the subscribe connection
  // nothing), and the offer says which is the screen.
  const std::size_t before = rig.probe->sent.size();
  rig.probe->injectText(fromServer("room-mode", kSelf, R"({"mode":"sfu","streams":[]})"));
  rig.pump(500ms);
  REQUIRE(rig.manager.forwarding());
  CHECK(sending() == std::vector<std::vector<std::string>>{{"audio", "screen", "video"}, {}});
  int named = 0;
  for (const Message& m : rig.sentSince(before)) {
    if (m.type == MessageType::Offer && m.data->contains("screen") && (*m.data)["screen"].is_string()) ++named;
  }
  CHECK(named == 1);

  // Back to a mesh while sharing: the peer gets the screen in the camera's place.
  rig.probe->injectText(fromServer("room-mode", kSelf, R"({"mode":"mesh"})"));
  rig.pump(kOfferWait + 1000ms);
  REQUIRE(rig.connectedTo(kX));
  CHECK(sending() == std::vector<std::vector<std::string>>{{"audio", "screen"}});

  // Through the server again, and the share ends: the camera alone again.
  rig.probe->injectText(fromServer("room-mode", kSelf, R"({"mode":"sfu","streams":[]})"));
  rig.pump(500ms);
  CHECK(sending() == std::vector<std::vector<std::string>>{{"audio", "screen", "video"}, {}});
  rig.manager.stopScreenShare();
  rig.pump(500ms);
  CHECK(sending() == std::vector<std::vector<std::string>>{{"audio", "video"}, {}});
}

TEST_CASE("a mesh shares the upload budget among its connections and sends fewer pixels as it grows", "[manager]") {
  Rig rig;
  rig.manager.startMedia({});
  for (const std::string& id : {kX, kY, kZ, kW}) rig.addRemote(id);
  rig.join(kSelf, {kSelf, kX});
  rig.pump(kOfferWait + 1000ms);
  REQUIRE(rig.connectedTo(kX));
  // What each of our connections sends its video with.
  const auto videoLimits = [&rig] {
    std::vector<SendLimits> out;
    for (const auto& connection : rig.peers.senders()) {
      for (const MockPeerBackend::Sender& s : connection) {
        if (s.kind != TrackKind::Audio) out.push_back(s.limits);
      }
    }
    return out;
  };
  REQUIRE(videoLimits().size() == 1);
  CHECK(videoLimits()[0].maxBitrate == (2500 - 40) * 1000);  // one peer: the whole budget
  CHECK(videoLimits()[0].scaleDown == 1.0);

  rig.setRoom(kSelf, {kSelf, kX, kY, kZ, kW});
  rig.pump(kOfferWait + 1000ms);
  for (const std::string& id : {kX, kY, kZ, kW}) REQUIRE(rig.connectedTo(id));
  const auto four = videoLimits();
  REQUIRE(four.size() == 4);
  int total = 0;
  for (const SendLimits& l : four) {
    CHECK(l.maxBitrate == (2500 / 4 - 40) * 1000);
    CHECK(l.scaleDown == 2.0);
    total += l.maxBitrate + 40000;
  }
  CHECK(total <= 2500 * 1000);  // audio included, within the budget

  // Two leave: the two left get their share back, at a larger size.
  rig.setRoom(kSelf, {kSelf, kX, kY});
  rig.pump(500ms);
  const auto two = videoLimits();
  REQUIRE(two.size() == 2);
  for (const SendLimits& l : two) {
    CHECK(l.maxBitrate == (2500 / 2 - 40) * 1000);
    CHECK(l.scaleDown == 1.0);
  }
}

TEST_CASE("a room-mode that comes before the ICE servers waits for them", "[manager][sfu]") {
  Rig rig;
  rig.manager.startMedia({});
  rig.join(kSelf, {kSelf, kX}, /*iceServers=*/false);
  // The server answers the profile (room-mode) before get-ice-servers.
  rig.probe->injectText(fromServer("room-mode", kSelf, R"({"mode":"sfu","streams":[]})"));
  rig.probe->injectText(fromServer("offer", kSelf, R"({"type":"offer","sdp":"v=0\r\n","connection":"subscribe"})"));
  rig.clock.advance(100ms);
  CHECK_FALSE(rig.manager.forwarding());
  rig.probe->injectText(fromServer("ice-servers", kSelf, R"([{"urls":["turn:turn.example:3478"],"username":"u","credential":"c"}])"));
  CHECK(rig.manager.forwarding());
  CHECK(rig.manager.peerIds().empty());
  rig.clock.advance(200ms);
  // The offer that came early was taken too: the mock rejects its description, and says so.
  CHECK_THAT(rig.manager.lastProblem(), Catch::Matchers::Contains("media through the server"));
}

TEST_CASE("with relay-only ICE and a TURN server that refuses, the Manager tells once, by name, why the connection cannot come up",
          "[manager][turn]") {
  const std::string turn = R"([{"urls":["turn:turn.example:3478?transport=udp"],"username":"u","credential":"c"}])";
  const bool refuses = GENERATE(true, false);
  CAPTURE(refuses);
  Rig rig;
  rig.manager.setIceTransportPolicy(IceTransportPolicy::Relay);
  rig.peers.setTurnRefuses(refuses);
  rig.remoteBackend.setTurnRefuses(refuses);
  rig.manager.startMedia({});
  rig.connect();
  rig.probe->injectText(fromServer("pong", kSelf));
  rig.probe->injectText(fromServer("ice-servers", kSelf, turn));
  rig.setRoom(kSelf, {kX, kSelf});
  RtcConfiguration theirs{{IceServer{{"turn:turn.example:3478?transport=udp"}, "u", "c"}}, IceTransportPolicy::Relay};
  rig.addRemote(kX, theirs);
  rig.pump();
  rig.pump();  // a second round: still told once

  const Json snapshot = rig.manager.snapshot();
  CHECK(snapshot["iceTransportPolicy"] == "relay");
  REQUIRE(snapshot["peers"].size() == 1);
  const auto told = std::count_if(rig.events.begin(), rig.events.end(),
                                  [](const std::string& line) { return line.rfind("peer-failed ", 0) == 0; });
  if (refuses) {
    const std::string why = "the relay server (TURN) refused our credentials (401 Unauthorized). Relay-only is on, so only "
                            "connections through the relay server are allowed";
    CHECK_FALSE(rig.connectedTo(kX));
    CHECK(told == 1);
    CHECK(rig.sawEvent("peer-failed Xena Could not connect to Xena: " + why + "."));
    CHECK(snapshot["peers"][0]["failure"] == why);
  } else {
    CHECK(rig.connectedTo(kX));
    CHECK(told == 0);
    CHECK(snapshot["peers"][0]["failure"].is_null());
    CHECK(snapshot["peers"][0]["stats"]["localCandidate"] == "relay");
  }
}
