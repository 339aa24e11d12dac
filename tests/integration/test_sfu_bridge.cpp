// The SfuBridge against a fake Janus (fake_janus.hpp) that records each request and answers
// as Janus's VideoRoom would, or as the test scripts it: every mapping between Orbit's
// messages and Janus's API, Janus's refusals, a Janus lost mid-call, and a slow one. The
// chat side is the real ChatManager with recording connections, on the same io_context.
// What a real Janus does with real media is test_sfu.cpp's and the browser tests' part.
#include "sfu_bridge.hpp"

#include "fake_janus.hpp"
#include "recording_connection.hpp"
#include "run_until.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace orbit::testing;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

// One person in the room: an Orbit client (or the original one) and everything the server
// sent it, read in order.
struct Person {
  Peer* peer = nullptr;
  std::vector<Message> seen;
  std::size_t read = 0;

  std::string id() const { return peer->id(); }
};

// A room's worth of chat (ChatManager) with media forwarding through a bridge to the fake
// Janus, all on one io_context.
struct World {
  explicit World(std::size_t sfuFrom, std::chrono::milliseconds timeout = 10s)
      : bridge(io, *parseJanusAddress(janus.url()), sfuFrom, 50, timeout), chat(config()) {
    bridge.start(chat.manager);
    REQUIRE(runUntil(io, [&] { return bridge.ready(); }));
  }

  ManagerConfig config() {
    ManagerConfig c;
    c.sfu = &bridge;
    return c;
  }

  Person& enter(const std::string& name, const std::string& room = "hall") {
    Person& p = people.emplace_back();
    p.peer = &chat.joinIntroduced(room);
    say(p, {{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", name}, {"sfu", true}}}});
    return p;
  }
  void leave(Person& p) { chat.manager.leave(*p.peer->client, "gone", TimePoint{}); }

  void say(Person& p, const Json& message) { chat.send(*p.peer, message); }
  // A message to ground control about one of the client's two connections.
  void sfu(Person& p, MessageType type, Json data, const std::string& connection) {
    data["connection"] = connection;
    say(p, {{"type", toString(type)}, {"receiver", "ground control"}, {"data", data}});
  }

  void pump() {
    for (Person& p : people) {
      for (Message& m : p.peer->inbox()) p.seen.push_back(std::move(m));
    }
  }
  // The next message to `p` that `match` takes, waiting for it; what comes before it is passed over.
  std::optional<Message> next(Person& p, const std::function<bool(const Message&)>& match,
                              std::chrono::milliseconds limit = 5s) {
    std::optional<Message> found;
    runUntil(io, [&] {
      pump();
      for (; p.read < p.seen.size() && !found; ++p.read) {
        if (match(p.seen[p.read])) found = p.seen[p.read];
      }
      return found.has_value();
    }, limit);
    return found;
  }
  std::optional<Message> next(Person& p, MessageType type, std::chrono::milliseconds limit = 5s) {
    return next(p, [type](const Message& m) { return m.type == type; }, limit);
  }
  // The room-mode messages `p` got that have not been read.
  std::optional<RoomModeData> mode(Person& p, std::chrono::milliseconds limit = 5s) {
    auto m = next(p, MessageType::RoomMode, limit);
    if (!m) return std::nullopt;
    auto parsed = parseRoomMode(*m->data);
    REQUIRE(parsed);
    return *parsed;
  }
  bool until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) { return runUntil(io, done, limit); }

  net::io_context io;
  FakeJanus janus{io};
  SfuBridge bridge;
  Harness chat;
  std::deque<Person> people;
};

Json offer(const std::string& sdp) { return {{"type", "offer"}, {"sdp", sdp}}; }
// A publisher's SDP: a microphone and a camera, and a screen when asked.
// A screen no longer shared keeps its m-line, recvonly, as a browser's removeTrack leaves it.
enum class Screen { None, Shared, Stopped };
std::string media(const std::string& who, Screen screen = Screen::None) {
  std::string sdp = "v=0\r\no=" + who + "\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" +
                    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n";
  if (screen != Screen::None) sdp += "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\n";
  if (screen == Screen::Stopped) sdp += "a=recvonly\r\n";
  return sdp;
}
Json answer(const std::string& sdp) { return {{"type", "answer"}, {"sdp", sdp}}; }
Json candidate(const std::string& text, const std::string& mid, int index) {
  return {{"candidate", text}, {"sdpMid", mid}, {"sdpMLineIndex", index}};
}

// The Janus handle an SDP from the fake came from ("o=janus <handle> ...").
std::uint64_t handleIn(const Message& m) {
  const std::string sdp = m.data->value("sdp", "");
  const auto at = sdp.find("o=janus ");
  REQUIRE(at != std::string::npos);
  return std::stoull(sdp.substr(at + 8));
}

std::uint64_t handleOf(const Json& request) { return request.value("handle_id", std::uint64_t{0}); }

// The subscriber joins Janus has had, for a handle.
std::vector<Json> subscriberJoins(const FakeJanus& janus) {
  std::vector<Json> out;
  for (const Json& r : janus.messages("join")) {
    if (r["body"].value("ptype", "") == "subscriber") out.push_back(r);
  }
  return out;
}

bool fromServer(const Message& m, MessageType type, const std::string& connection) {
  return m.type == type && m.sender == "ground control" && m.data && m.data->value("connection", "") == connection;
}

// The server's next offer on `p`'s subscribe connection.
std::optional<Message> subscribeOffer(World& w, Person& p, std::chrono::milliseconds limit = 5s) {
  return w.next(p, [](const Message& m) { return fromServer(m, MessageType::Offer, "subscribe"); }, limit);
}

std::vector<std::string> streamOwners(const RoomModeData& mode, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& s : mode.streams) {
    if (s.kind == kind) out.push_back(s.client);
  }
  return out;
}

// Everything Janus is told to publish, and the answer the client gets back.
void publish(World& w, Person& p, const std::string& sdp, const std::string& screenMid = "") {
  Json data = offer(sdp);
  if (!screenMid.empty()) data["screen"] = screenMid;
  w.sfu(p, MessageType::Offer, data, "publish");
  auto answered = w.next(p, [](const Message& m) { return fromServer(m, MessageType::Answer, "publish"); });
  REQUIRE(answered);
}

}  // namespace

TEST_CASE("the bridge maps each client's messages to Janus's requests and Janus's answers and events back",
          "[sfu-bridge]") {
  World w(3);
  Person& ann = w.enter("Ann");
  Person& bob = w.enter("Bob");
  w.pump();
  // Two people: a mesh, and Janus hears nothing of the room.
  CHECK(w.janus.messages("create").empty());
  CHECK_FALSE(w.bridge.forwarding("hall"));

  Person& cat = w.enter("Cat");
  for (Person* p : {&ann, &bob, &cat}) {
    auto mode = w.mode(*p);
    REQUIRE(mode);
    CHECK(mode->sfu);
    CHECK(mode->streams.empty());  // nobody publishes yet
  }
  CHECK(w.bridge.forwarding("hall"));
  REQUIRE(w.until([&] { return w.janus.messages("create").size() == 1; }));
  const Json create = w.janus.messages("create").front()["body"];
  CHECK(create["publishers"] == 50);
  CHECK(create["is_private"] == true);
  CHECK(create["videocodec"] == "vp8");

  // Each member joins the VideoRoom as a publisher of its own, named by its client id.
  REQUIRE(w.until([&] { return w.janus.messages("join").size() == 3; }));
  const std::uint64_t room = *w.janus.rooms().begin();
  for (const Json& join : w.janus.messages("join")) {
    CHECK(join["body"]["ptype"] == "publisher");
    CHECK(join["body"]["room"] == room);
  }
  REQUIRE(w.until([&] { return w.janus.feedOf(cat.id()).has_value(); }));
  const std::uint64_t annPublisher = *w.janus.publisherOf(ann.id());

  SECTION("publishing: the client's offer and candidates go to its publisher handle, Janus's answer comes back") {
    publish(w, ann, media("ann"));
    const auto published = w.janus.messages("publish");
    REQUIRE(published.size() == 1);
    CHECK(handleOf(published[0]) == annPublisher);
    CHECK(published[0]["jsep"]["type"] == "offer");
    CHECK(published[0]["jsep"]["sdp"] == media("ann"));
    // Janus's answer, made by the publisher handle, reached Ann alone.
    w.pump();
    CHECK(handleIn(ann.seen[ann.read - 1]) == annPublisher);
    CHECK(ann.seen[ann.read - 1].receiver == ann.id());

    w.sfu(ann, MessageType::IceCandidate, candidate("candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host", "0", 0),
          "publish");
    w.sfu(ann, MessageType::IceCandidate, candidate("", "0", 0), "publish");  // the end of candidates
    REQUIRE(w.until([&] { return w.janus.trickles(annPublisher).size() == 2; }));
    const auto trickled = w.janus.trickles(annPublisher);
    CHECK(trickled[0]["candidate"] == "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host");
    CHECK(trickled[0]["sdpMid"] == "0");
    CHECK(trickled[0]["sdpMLineIndex"] == 0);
    CHECK(trickled[1] == Json{{"completed", true}});

    // A later offer (a screen added) renegotiates with configure, not a second publish.
    publish(w, ann, media("ann", Screen::Shared), "2");
    REQUIRE(w.janus.messages("configure").size() == 1);
    CHECK(w.janus.messages("configure")[0]["jsep"]["sdp"] == media("ann", Screen::Shared));
    CHECK(w.janus.messages("publish").size() == 1);

    // Nobody subscribes to Ann before Janus has her media.
    CHECK(subscriberJoins(w.janus).empty());
  }

  SECTION("subscribing: once a publisher's media is up, everyone else gets an offer carrying it, and answers") {
    publish(w, ann, media("ann"));
    w.janus.webrtcUp(annPublisher);
    for (Person* p : {&bob, &cat}) {
      // The streams are told first, then Janus's offer, from its subscriber handle.
      auto mode = w.mode(*p);
      REQUIRE(mode);
      CHECK(streamOwners(*mode, "audio") == std::vector<std::string>{ann.id()});
      CHECK(streamOwners(*mode, "video") == std::vector<std::string>{ann.id()});
      auto offered = subscribeOffer(w, *p);
      REQUIRE(offered);
      CHECK(offered->receiver == p->id());
      CHECK(handleIn(*offered) != annPublisher);
    }
    const auto joins = subscriberJoins(w.janus);
    REQUIRE(joins.size() == 2);
    for (const Json& join : joins) {
      CHECK(join["body"]["room"] == room);
      const std::uint64_t feed = *w.janus.feedOf(ann.id());
      CHECK(join["body"]["streams"] == Json::array({{{"feed", feed}, {"mid", "0"}}, {{"feed", feed}, {"mid", "1"}}}));
    }
    // Ann is not offered her own media.
    w.pump();
    for (std::size_t i = ann.read; i < ann.seen.size(); ++i) CHECK_FALSE(fromServer(ann.seen[i], MessageType::Offer, "subscribe"));

    // Bob's answer starts his subscription; his candidates go to the subscriber handle.
    w.sfu(bob, MessageType::Answer, answer("v=0\r\no=bob sub\r\n"), "subscribe");
    REQUIRE(w.until([&] { return w.janus.messages("start").size() == 1; }));
    const Json start = w.janus.messages("start")[0];
    CHECK(start["jsep"] == Json{{"type", "answer"}, {"sdp", "v=0\r\no=bob sub\r\n"}});
    const std::uint64_t bobSubscriber = handleOf(start);
    w.sfu(bob, MessageType::IceCandidate, candidate("candidate:2 1 udp 1 127.0.0.1 6000 typ host", "1", 1), "subscribe");
    REQUIRE(w.until([&] { return w.janus.trickles(bobSubscriber).size() == 1; }));

    // Bob's subscribe connection lost its way: Janus is asked for an ICE restart, whose offer
    // Bob answers as any other.
    w.sfu(bob, MessageType::IceRestart, Json::object(), "subscribe");
    REQUIRE(w.until([&] { return !w.janus.messages("configure").empty(); }));
    const Json restart = w.janus.messages("configure")[0];
    CHECK(handleOf(restart) == bobSubscriber);
    CHECK(restart["body"]["restart"] == true);
    auto again = subscribeOffer(w, bob);
    REQUIRE(again);
    CHECK(handleIn(*again) == bobSubscriber);
    w.sfu(bob, MessageType::Answer, answer("v=0\r\no=bob sub restarted\r\n"), "subscribe");
    REQUIRE(w.until([&] { return w.janus.messages("start").size() == 2; }));
    // The publish connection is restarted by the client's own offer, not by asking.
    w.sfu(bob, MessageType::IceRestart, Json::object(), "publish");
    auto no = w.next(bob, MessageType::Error);
    REQUIRE(no);
    CHECK_THAT(no->data->get<std::string>(), Contains("restarts the publish connection with an offer"));
    const auto configuresBefore = w.janus.messages("configure").size();

    // A layer: a configure of that mid's substream on Bob's subscriber, asked again until Janus
    // says it switched.
    w.sfu(bob, MessageType::Layer, {{"mid", "1"}, {"substream", 0}}, "subscribe");
    REQUIRE(w.until([&] { return w.janus.messages("configure").size() == configuresBefore + 1; }));
    const Json configure = w.janus.messages("configure")[configuresBefore];
    CHECK(handleOf(configure) == bobSubscriber);
    CHECK(configure["body"]["streams"] == Json::array({{{"mid", "1"}, {"substream", 0}}}));
    REQUIRE(w.until([&] { return w.janus.messages("configure").size() == configuresBefore + 2; }, 3s));
    w.janus.send(bobSubscriber, {{"janus", "event"},
                                 {"plugindata", {{"plugin", "janus.plugin.videoroom"},
                                                 {"data", {{"videoroom", "event"}, {"mid", "1"}, {"substream", 0}}}}}});
    CHECK_FALSE(w.until([&] { return w.janus.messages("configure").size() == configuresBefore + 3; }, 2500ms));
    // A layer of a mid Bob does not have is refused by the server, not sent to Janus.
    w.sfu(bob, MessageType::Layer, {{"mid", "7"}, {"substream", 2}}, "subscribe");
    auto refused = w.next(bob, MessageType::Error);
    REQUIRE(refused);
    CHECK_THAT(refused->data->get<std::string>(), Contains("no video with mid \"7\""));

    SECTION("an ICE restart asked for while an offer waits for its answer comes after the answer") {
      // Cat has not answered her first offer.
      w.sfu(cat, MessageType::IceRestart, Json::object(), "subscribe");
      const auto restarts = [&] {
        std::size_t n = 0;
        for (const Json& c : w.janus.messages("configure")) n += c["body"].value("restart", false) ? 1 : 0;
        return n;
      };
      CHECK_FALSE(w.until([&] { return restarts() > 1; }, 500ms));  // only Bob's, above
      w.sfu(cat, MessageType::Answer, answer("v=0\r\no=cat sub\r\n"), "subscribe");
      REQUIRE(w.until([&] { return restarts() == 2; }));
      REQUIRE(subscribeOffer(w, cat));
    }

    SECTION("a second publisher: a subscription under way finishes first, then grows") {
      publish(w, bob, media("bob"));
      w.janus.webrtcUp(*w.janus.publisherOf(bob.id()));
      // Ann's first subscription carries Bob.
      auto annOffer = subscribeOffer(w, ann);
      REQUIRE(annOffer);
      // Cat has not answered Janus's first offer: nothing more is asked for her until she does.
      w.pump();
      CHECK(w.janus.messages("subscribe").empty());
      w.sfu(cat, MessageType::Answer, answer("v=0\r\no=cat sub\r\n"), "subscribe");
      REQUIRE(w.until([&] { return w.janus.messages("subscribe").size() == 1; }));
      const std::uint64_t feed = *w.janus.feedOf(bob.id());
      CHECK(w.janus.messages("subscribe")[0]["body"]["streams"] ==
            Json::array({{{"feed", feed}, {"mid", "0"}}, {{"feed", feed}, {"mid", "1"}}}));
      auto mode = w.mode(cat);
      REQUIRE(mode);
      CHECK(streamOwners(*mode, "video") == std::vector<std::string>{ann.id(), bob.id()});
      REQUIRE(subscribeOffer(w, cat));
    }

    SECTION("a screen added: its mid is subscribed to, and reaches the others as a screen") {
      publish(w, ann, media("ann", Screen::Shared), "2");
      REQUIRE(w.until([&] { return w.janus.messages("subscribe").size() == 1; }));
      CHECK(w.janus.messages("subscribe")[0]["body"]["streams"] ==
            Json::array({{{"feed", *w.janus.feedOf(ann.id())}, {"mid", "2"}}}));
      auto mode = w.mode(bob);
      REQUIRE(mode);
      CHECK(streamOwners(*mode, "video") == std::vector<std::string>{ann.id()});
      CHECK(streamOwners(*mode, "screen") == std::vector<std::string>{ann.id()});
      REQUIRE(subscribeOffer(w, bob));
      w.sfu(bob, MessageType::Answer, answer("v=0\r\no=bob sub 2\r\n"), "subscribe");
      // Cat gets it once she has answered the first offer.
      w.sfu(cat, MessageType::Answer, answer("v=0\r\no=cat sub\r\n"), "subscribe");
      REQUIRE(w.until([&] { return w.janus.messages("subscribe").size() == 2; }));
      mode = w.mode(cat);
      REQUIRE(mode);
      CHECK(streamOwners(*mode, "screen") == std::vector<std::string>{ann.id()});
      // The share ends: Ann's offer keeps the m-line, recvonly; the others' subscriptions drop it.
      publish(w, ann, media("ann", Screen::Stopped));
      REQUIRE(w.until([&] { return w.janus.messages("unsubscribe").size() == 1; }));
      CHECK(w.janus.messages("unsubscribe")[0]["body"]["streams"] ==
            Json::array({{{"feed", *w.janus.feedOf(ann.id())}, {"mid", "2"}}}));
      mode = w.mode(bob);
      REQUIRE(mode);
      CHECK(streamOwners(*mode, "screen").empty());
      CHECK(streamOwners(*mode, "video") == std::vector<std::string>{ann.id()});
      REQUIRE(subscribeOffer(w, bob));
      // A screen named by anything but a mid is refused.
      w.sfu(ann, MessageType::Offer, {{"type", "offer"}, {"sdp", media("ann")}, {"screen", 2}}, "publish");
      auto e = w.next(ann, MessageType::Error);
      REQUIRE(e);
      CHECK_THAT(e->data->get<std::string>(), Contains("\"screen\" must be the mid"));
    }

    SECTION("a publisher that leaves: its handles go, and Janus's renegotiation reaches the others") {
      const auto detachesBefore = w.janus.count("detach");
      w.leave(ann);
      REQUIRE(w.until([&] { return w.janus.count("detach") == detachesBefore + 1; }));  // Ann subscribed to nobody
      for (Person* p : {&bob, &cat}) {
        auto mode = w.mode(*p);
        REQUIRE(mode);
        CHECK(mode->sfu);  // two of --sfu-from 3: still forwarded (back to a mesh below 2)
        CHECK(streamOwners(*mode, "video").empty());
        REQUIRE(subscribeOffer(w, *p));
      }
    }
  }

  SECTION("what a client may not do on each connection is refused with a reason") {
    w.sfu(ann, MessageType::Answer, answer("v=0\r\n"), "publish");
    auto e = w.next(ann, MessageType::Error);
    REQUIRE(e);
    CHECK_THAT(e->data->get<std::string>(), Contains("the client makes the offers on the publish connection"));
    w.sfu(ann, MessageType::Offer, offer("v=0\r\n"), "subscribe");
    e = w.next(ann, MessageType::Error);
    REQUIRE(e);
    CHECK_THAT(e->data->get<std::string>(), Contains("the server makes the offers"));
    CHECK(w.janus.messages("publish").empty());
  }

  SECTION("a room that falls below --sfu-from minus one is a mesh again, and its VideoRoom goes") {
    w.leave(cat);
    w.leave(bob);
    auto mode = w.mode(ann);
    REQUIRE(mode);
    CHECK_FALSE(mode->sfu);
    CHECK(mode->reason.empty());
    REQUIRE(w.until([&] { return w.janus.rooms().empty(); }));
    REQUIRE(w.janus.messages("destroy").size() == 1);
    CHECK(w.janus.messages("destroy")[0]["body"]["room"] == room);
    CHECK(w.bridge.forwardingRooms() == 0);
  }
}

TEST_CASE("Janus's refusals reach the person they concern, and the room keeps going", "[sfu-bridge]") {
  SECTION("no VideoRoom: the room stays a mesh and says why") {
    World w(2);
    w.janus.script("create", [](const Json&) {
      return FakeJanus::Answer::refusal(427, "Room 1234 already exists");
    });
    Person& ann = w.enter("Ann");
    Person& bob = w.enter("Bob");
    for (Person* p : {&ann, &bob}) {
      REQUIRE(w.mode(*p));  // forwarded, for as long as Janus takes to refuse
      auto mesh = w.mode(*p);
      REQUIRE(mesh);
      CHECK_FALSE(mesh->sfu);
      CHECK_THAT(mesh->reason, Contains("could not make the room") && Contains("Room 1234 already exists"));
    }
    CHECK_FALSE(w.bridge.forwarding("hall"));
    CHECK(w.janus.messages("join").empty());
  }

  SECTION("an answer without a room id is a refusal too") {
    World w(2);
    w.janus.script("create", [](const Json&) { return FakeJanus::Answer(Json{{"videoroom", "created"}}); });
    Person& ann = w.enter("Ann");
    w.enter("Bob");
    REQUIRE(w.mode(ann));
    auto mesh = w.mode(ann);
    REQUIRE(mesh);
    CHECK_THAT(mesh->reason, Contains("no room id in Janus's answer"));
  }

  SECTION("a publisher refused: that client is told, the others go on") {
    World w(2);
    w.janus.script("publish", [](const Json&) {
      return FakeJanus::Answer::refusal(433, "Unsupported codec");
    });
    Person& ann = w.enter("Ann");
    Person& bob = w.enter("Bob");
    REQUIRE(w.until([&] { return w.janus.feedOf(ann.id()) && w.janus.feedOf(bob.id()); }));
    w.sfu(ann, MessageType::Offer, offer(media("ann")), "publish");
    auto e = w.next(ann, MessageType::Error);
    REQUIRE(e);
    CHECK_THAT(e->data->get<std::string>(), Contains("would not take your video") && Contains("Unsupported codec"));
    // Bob is not told, and his own publishing works.
    w.janus.unscript("publish");
    publish(w, bob, media("bob"));
    w.pump();
    for (std::size_t i = 0; i < bob.seen.size(); ++i) CHECK(bob.seen[i].type != MessageType::Error);
    CHECK(w.bridge.forwarding("hall"));
  }

  SECTION("a refused subscription is asked for again a second later") {
    World w(2);
    int refusals = 0;
    w.janus.script("join", [&](const Json& request) -> std::optional<FakeJanus::Answer> {
      if (request["body"].value("ptype", "") != "subscriber" || refusals++ > 0) return std::nullopt;
      return FakeJanus::Answer::refusal(428, "No such feed");
    });
    Person& ann = w.enter("Ann");
    Person& bob = w.enter("Bob");
    REQUIRE(w.until([&] { return w.janus.feedOf(ann.id()).has_value(); }));
    publish(w, ann, media("ann"));
    w.janus.webrtcUp(*w.janus.publisherOf(ann.id()));
    auto offered = subscribeOffer(w, bob, 4s);
    REQUIRE(offered);
    CHECK(refusals == 2);
    CHECK(subscriberJoins(w.janus).size() == 2);
  }
}

TEST_CASE("Janus lost mid-call: the room is a mesh at once and says why, and is forwarded again when Janus is back",
          "[sfu-bridge]") {
  World w(2);
  Person& ann = w.enter("Ann");
  Person& bob = w.enter("Bob");
  REQUIRE(w.until([&] { return w.janus.feedOf(ann.id()) && w.janus.feedOf(bob.id()); }));
  publish(w, ann, media("ann"));
  w.janus.webrtcUp(*w.janus.publisherOf(ann.id()));
  REQUIRE(subscribeOffer(w, bob));

  w.janus.kill();
  for (Person* p : {&ann, &bob}) {
    auto mesh = w.next(*p, [](const Message& m) { return m.type == MessageType::RoomMode && m.data->value("mode", "") == "mesh"; });
    REQUIRE(mesh);
    CHECK_THAT(mesh->data->value("reason", ""), Contains("the media server is unreachable"));
  }
  CHECK(w.bridge.forwardingRooms() == 0);
  CHECK_FALSE(w.bridge.ready());
  // Chat goes on meanwhile.
  w.say(ann, {{"type", "text"}, {"receiver", "room"}, {"data", textData("still here?")}});
  auto text = w.next(bob, MessageType::Text);
  REQUIRE(text);
  CHECK(text->data->value("text", "") == "still here?");
  // What a client still sends to the media server is answered, not lost in silence.
  w.sfu(ann, MessageType::Offer, offer("v=0\r\n"), "publish");
  auto e = w.next(ann, MessageType::Error);
  REQUIRE(e);

  const auto createsBefore = w.janus.messages("create").size();
  w.janus.restart();
  for (Person* p : {&ann, &bob}) {
    auto again = w.next(*p, [](const Message& m) { return m.type == MessageType::RoomMode && m.data->value("mode", "") == "sfu"; });
    REQUIRE(again);
  }
  REQUIRE(w.until([&] { return w.janus.feedOf(ann.id()) && w.janus.feedOf(bob.id()); }));
  CHECK(w.janus.messages("create").size() == createsBefore + 1);  // a new VideoRoom on the new Janus
  CHECK(w.janus.rooms().size() == 1);
  publish(w, ann, "v=0\r\no=ann again\r\n");
  CHECK(w.bridge.forwarding("hall"));
}

TEST_CASE("a slow Janus: the call still comes up, in order, chat never waits, and a Janus that stalls is given up on",
          "[sfu-bridge]") {
  World w(2, 2s);
  // Janus takes a second to answer each join and each publish.
  w.janus.delay("join", 1s);
  w.janus.delay("publish", 1s);
  Person& ann = w.enter("Ann");
  Person& bob = w.enter("Bob");
  // Ann publishes at once, before her publisher has even joined the VideoRoom.
  REQUIRE(w.mode(ann, 0ms));
  w.sfu(ann, MessageType::Offer, offer(media("ann")), "publish");
  w.sfu(ann, MessageType::IceCandidate, candidate("candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0), "publish");
  // Meanwhile the room talks as ever.
  w.say(bob, {{"type", "text"}, {"receiver", "room"}, {"data", textData("anyone?")}});
  REQUIRE(w.next(ann, MessageType::Text, 100ms));
  CHECK(w.next(ann, [](const Message& m) { return fromServer(m, MessageType::Answer, "publish"); }, 5s));
  // Janus heard it all in order: the join, the offer, then the candidate.
  const std::uint64_t annPublisher = *w.janus.publisherOf(ann.id());
  REQUIRE(w.until([&] { return w.janus.trickles(annPublisher).size() == 1; }));
  std::vector<std::string> order;
  for (const Json& r : w.janus.requests()) {
    if (handleOf(r) != annPublisher) continue;
    order.push_back(r.value("janus", "") == "message" ? r["body"].value("request", "") : r.value("janus", ""));
  }
  CHECK(order == std::vector<std::string>{"join", "publish", "trickle"});

  SECTION("no answer at all: the client hears why within the request timeout") {
    w.janus.script("publish", [](const Json&) { return FakeJanus::Answer::never(); });
    w.sfu(bob, MessageType::Offer, offer("v=0\r\no=bob\r\n"), "publish");
    auto e = w.next(bob, MessageType::Error, 5s);
    REQUIRE(e);
    CHECK_THAT(e->data->get<std::string>(), Contains("did not answer within 2 s"));
    CHECK(w.bridge.forwarding("hall"));
  }

  SECTION("a VideoRoom never made: the room stays a mesh and says why") {
    w.janus.script("create", [](const Json&) { return FakeJanus::Answer::never(); });
    Person& cat = w.enter("Cat", "den");
    w.enter("Dan", "den");
    REQUIRE(w.mode(cat));
    auto mesh = w.mode(cat, 5s);
    REQUIRE(mesh);
    CHECK_FALSE(mesh->sfu);
    CHECK_THAT(mesh->reason, Contains("could not make the room") && Contains("did not answer within 2 s"));
    CHECK_FALSE(w.bridge.forwarding("den"));
    CHECK(w.bridge.forwarding("hall"));  // the other room is not disturbed
  }
}
