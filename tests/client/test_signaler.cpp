// The Signaler and the Manager's join logic over a FakeTransport and a manual clock: queueing,
// requests and their deadlines, reconnect backoff, states and reasons, bad frames.
#include "codec.hpp"
#include "fake_transport.hpp"
#include "manager.hpp"
#include "manual_scheduler.hpp"
#include "mock_media_backend.hpp"
#include "mock_peer_backend.hpp"
#include "server_frames.hpp"
#include "signaler.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

const std::string kIdA = "0123456789abcdef0123456789abcdef";
const std::string kIdB = "fedcba9876543210fedcba9876543210";

Message textTo(const std::string& receiver, const std::string& text) {
  Message message;
  message.receiver = receiver;
  message.type = MessageType::Text;
  message.data = toJson(TextData{"me", 1, text});
  return message;
}

// A Signaler on a fake transport; every state change is recorded as "state: reason".
struct Rig {
  explicit Rig(Signaler::Options options = {}) : signaler(makeSignaler(std::move(options))) {
    signaler.setHandlers({
        .onStateChange = [this] {
          const std::string entry = std::string(toString(signaler.state())) + ": " + signaler.reason();
          if (states.empty() || states.back() != entry) states.push_back(entry);
        },
        .onMessage = [this](const Message& message) { received.push_back(message); },
        .onProblem = [this](std::string_view problem) { problems.emplace_back(problem); },
    });
  }

  Signaler makeSignaler(Signaler::Options options) {
    if (!options.random) options.random = [this] { return draw; };
    return Signaler(std::make_unique<FakeTransport>(probe), clock, std::move(options));
  }

  void connectAndOpen() {
    signaler.connect("ws://server/room/r/ws");
    probe->injectOpen();
  }

  std::shared_ptr<FakeTransport::Probe> probe = std::make_shared<FakeTransport::Probe>();
  ManualScheduler clock;
  double draw = 0.5;  // no jitter
  Signaler signaler;
  std::vector<std::string> states;
  std::vector<Message> received;
  std::vector<std::string> problems;
};

}  // namespace

TEST_CASE("messages sent while connecting are queued and go out in order after the id ping", "[signaler]") {
  Rig rig;
  rig.signaler.connect("ws://server/room/r/ws");
  REQUIRE(rig.probe->opened == std::vector<std::string>{"ws://server/room/r/ws"});
  CHECK_FALSE(rig.signaler.send(textTo("room", "one")));
  CHECK_FALSE(rig.signaler.send(textTo("room", "two")));
  CHECK(rig.probe->sent.empty());
  CHECK(rig.signaler.queued() == 2);

  rig.probe->injectOpen();
  REQUIRE(rig.probe->sent.size() == 3);
  CHECK(decoded(rig.probe->sent[0]).type == MessageType::Ping);
  CHECK(decoded(rig.probe->sent[0]).receiver == "ground control");
  CHECK(decoded(rig.probe->sent[1]).data->at("text") == "one");
  CHECK(decoded(rig.probe->sent[2]).data->at("text") == "two");
  CHECK(rig.signaler.queued() == 0);
  CHECK(rig.signaler.state() == ConnectionState::Open);

  CHECK_FALSE(rig.signaler.send(textTo("room", "three")));
  CHECK(decoded(rig.probe->sent.back()).data->at("text") == "three");
}

TEST_CASE("a full queue refuses new messages and keeps the ones it holds", "[signaler]") {
  Signaler::Options options;
  options.maxQueued = 2;
  Rig rig(options);
  rig.signaler.connect("ws://server/room/r/ws");
  CHECK_FALSE(rig.signaler.send(textTo("room", "one")));
  CHECK_FALSE(rig.signaler.send(textTo("room", "two")));
  auto refused = rig.signaler.send(textTo("room", "three"));
  REQUIRE(refused);
  CHECK_THAT(refused->message, Catch::Contains("2 messages already wait"));
  rig.probe->injectOpen();
  REQUIRE(rig.probe->sent.size() == 3);
  CHECK(decoded(rig.probe->sent[2]).data->at("text") == "two");
}

TEST_CASE("sending before connect or after a deliberate close fails and says why", "[signaler]") {
  Rig rig;
  auto early = rig.signaler.send(textTo("room", "hi"));
  REQUIRE(early);
  CHECK_THAT(early->message, Catch::Contains("idle"));
  rig.connectAndOpen();
  rig.signaler.close(1000, "bye");
  rig.probe->injectClose(1000, "bye");
  auto late = rig.signaler.send(textTo("room", "hi"));
  REQUIRE(late);
  CHECK_THAT(late->message, Catch::Contains("closed"));
}

TEST_CASE("the server's pong tells the signaler its id", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  CHECK(rig.signaler.selfId().empty());
  rig.probe->injectText(fromServer("pong", kIdA));
  CHECK(rig.signaler.selfId().str() == kIdA);
}

TEST_CASE("a frame outside an open connection is ignored: no id, no message, no answer", "[signaler]") {
  Rig rig;
  rig.signaler.connect("ws://server/room/r/ws");
  rig.probe->injectText(fromServer("pong", kIdA));
  rig.probe->injectText(fromServer("room-info", kIdA, roomInfo(kIdA, "a")));
  CHECK(rig.signaler.selfId().empty());
  CHECK(rig.received.empty());

  rig.probe->injectOpen();
  rig.probe->injectText(fromServer("pong", kIdB));
  CHECK(rig.signaler.selfId().str() == kIdB);
  rig.probe->injectClose(1006);
  // A late frame of the closed connection: the next one gets its own id.
  rig.probe->injectText(fromServer("pong", kIdA));
  rig.probe->injectText(fromServer("ping", kIdA, "7"));
  CHECK(rig.signaler.selfId().empty());
  CHECK(rig.received.size() == 1);
  CHECK(rig.problems.empty());
}

TEST_CASE("the signaler answers a ping with a pong that echoes its data", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  rig.probe->injectText(fromServer("ping", kIdA, "42"));
  const Message pong = decoded(rig.probe->sent.back());
  CHECK(pong.type == MessageType::Pong);
  CHECK(pong.receiver == "ground control");
  CHECK(pong.data == Json(42));
}

TEST_CASE("a request gets the reply of its type, and the reply is still delivered", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  std::vector<Result<Message>> replies;
  REQUIRE_FALSE(rig.signaler.request(MessageType::GetRoomInfo, std::nullopt, 1000ms,
                                     [&](Result<Message> reply) { replies.push_back(std::move(reply)); }));
  CHECK(decoded(rig.probe->sent.back()).type == MessageType::GetRoomInfo);
  CHECK(replies.empty());  // never from inside request()

  rig.probe->injectText(fromServer("ice-servers", kIdA, "[]"));
  CHECK(replies.empty());
  rig.probe->injectText(fromServer("room-info", kIdA, roomInfo(kIdA, "Ann")));
  REQUIRE(replies.size() == 1);
  REQUIRE(replies[0].ok());
  CHECK(replies[0]->type == MessageType::RoomInfo);
  CHECK(rig.received.back().type == MessageType::RoomInfo);
  CHECK(rig.clock.pending() == 1);  // the heartbeat's: the deadline went with the request

  rig.clock.advance(5000ms);
  CHECK(replies.size() == 1);
}

TEST_CASE("a ping request matches only the pong that echoes its data", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  int answered = 0;
  REQUIRE_FALSE(rig.signaler.request(MessageType::Ping, Json("mine"), 1000ms, [&](Result<Message> reply) {
    CHECK(reply.ok());
    ++answered;
  }));
  rig.probe->injectText(fromServer("pong", kIdA));  // the id ping's pong
  CHECK(answered == 0);
  rig.probe->injectText(fromServer("pong", kIdA, R"("mine")"));
  CHECK(answered == 1);
}

TEST_CASE("a request without a reply in time fails with a deadline error", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  std::vector<Result<Message>> replies;
  REQUIRE_FALSE(rig.signaler.request(MessageType::GetIceServers, std::nullopt, 1000ms,
                                     [&](Result<Message> reply) { replies.push_back(std::move(reply)); }));
  rig.clock.advance(999ms);
  CHECK(replies.empty());
  rig.clock.advance(1ms);
  REQUIRE(replies.size() == 1);
  REQUIRE_FALSE(replies[0].ok());
  CHECK(replies[0].error().message == "no ice-servers from the server within 1000 ms");

  rig.probe->injectText(fromServer("ice-servers", kIdA, "[]"));  // too late: delivered, not matched
  CHECK(replies.size() == 1);
  CHECK(rig.received.back().type == MessageType::IceServers);
}

TEST_CASE("a request for a type that has no reply is refused at once", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  bool called = false;
  auto refused = rig.signaler.request(MessageType::Text, std::nullopt, 1000ms, [&](Result<Message>) { called = true; });
  REQUIRE(refused);
  CHECK_THAT(refused->message, Catch::Contains("text"));
  rig.clock.advance(2000ms);
  CHECK_FALSE(called);
}

TEST_CASE("a request on the wire fails when the connection is lost, a queued one survives", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  std::vector<std::string> outcomes;
  auto record = [&](Result<Message> reply) { outcomes.push_back(reply.ok() ? "ok" : reply.error().message); };
  REQUIRE_FALSE(rig.signaler.request(MessageType::GetRoomInfo, std::nullopt, 10000ms, record));
  rig.probe->injectClose(1006);
  REQUIRE(outcomes == std::vector<std::string>{"the connection closed before the reply"});

  REQUIRE_FALSE(rig.signaler.request(MessageType::GetRoomInfo, std::nullopt, 10000ms, record));
  rig.clock.advance(500ms);
  rig.probe->injectOpen();
  CHECK(decoded(rig.probe->sent.back()).type == MessageType::GetRoomInfo);
  rig.probe->injectText(fromServer("room-info", kIdB, roomInfo(kIdB, "Bo")));
  CHECK(outcomes.size() == 2);
  CHECK(outcomes.back() == "ok");
}

TEST_CASE("after unexpected closes the reconnect delays double up to the cap", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  const std::vector<long> expected{500, 1000, 2000, 4000, 5000, 5000, 5000};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    rig.probe->injectClose(1006);
    CHECK(rig.signaler.reconnectPending());
    CHECK(rig.clock.nextDue() == Scheduler::Millis(expected[i]));
    CHECK(rig.signaler.nextAttemptAt() == rig.clock.now() + Scheduler::Millis(expected[i]));
    rig.clock.advance(Scheduler::Millis(expected[i] - 1));
    CHECK(rig.probe->opened.size() == i + 1);
    rig.clock.advance(1ms);
    CHECK(rig.probe->opened.size() == i + 2);
    CHECK(rig.signaler.state() == ConnectionState::Reconnecting);
    CHECK(rig.signaler.reconnectAttempts() == i + 1);
  }
  // An open connection starts the sequence over.
  rig.probe->injectOpen();
  CHECK(rig.signaler.reconnectAttempts() == 0);
  rig.probe->injectClose(1006);
  CHECK(rig.clock.nextDue() == 500ms);
}

TEST_CASE("a reconnect waiting for its timer can be made at once, and only then", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  rig.signaler.retryNow();  // nothing to retry while open
  CHECK(rig.probe->opened.size() == 1);
  for (int i = 0; i < 4; ++i) {
    rig.probe->injectClose(1006);
    rig.clock.advance(rig.clock.nextDue());
  }
  rig.probe->injectClose(1006);
  REQUIRE(rig.clock.nextDue() == 5000ms);
  rig.signaler.retryNow();
  CHECK(rig.probe->opened.size() == 6);
  CHECK(rig.signaler.state() == ConnectionState::Reconnecting);
  CHECK_FALSE(rig.signaler.nextAttemptAt());
  rig.signaler.retryNow();  // already trying
  CHECK(rig.probe->opened.size() == 6);
  rig.probe->injectOpen();
  CHECK(rig.signaler.state() == ConnectionState::Open);
}

TEST_CASE("a new target is taken by the next reconnect, not by the open connection", "[signaler]") {
  Rig rig;
  rig.signaler.connect(WebSocketTarget{"ws://server/room/r/ws", {"orbit", "orbit-token.1.old"}});
  rig.probe->injectOpen();
  rig.signaler.setTarget(WebSocketTarget{"ws://server/room/r/ws", {"orbit", "orbit-token.2.new"}});
  CHECK(rig.signaler.state() == ConnectionState::Open);
  CHECK(rig.probe->opened.size() == 1);
  rig.probe->injectClose(1006);
  rig.clock.advance(500ms);
  REQUIRE(rig.probe->opened.size() == 2);
  CHECK(rig.probe->opened[1] == "ws://server/room/r/ws");
  CHECK(rig.probe->offered[0] == std::vector<std::string>{"orbit", "orbit-token.1.old"});
  CHECK(rig.probe->offered[1] == std::vector<std::string>{"orbit", "orbit-token.2.new"});
}

TEST_CASE("jitter keeps every delay within 20 percent of its base", "[signaler]") {
  const Signaler::Options options;
  CHECK(Signaler::backoff(options, 0, 0.0) == 400ms);
  CHECK(Signaler::backoff(options, 0, 0.5) == 500ms);
  CHECK(Signaler::backoff(options, 0, 0.99999) == 600ms);
  CHECK(Signaler::backoff(options, 3, 0.0) == 3200ms);
  CHECK(Signaler::backoff(options, 20, 0.0) == 4000ms);
  CHECK(Signaler::backoff(options, 20, 0.99999) == 6000ms);
  CHECK(Signaler::backoff(options, 1000, 0.5) == 5000ms);  // no overflow far past the cap

  Rig rig;
  rig.connectAndOpen();
  const double draws[] = {0.0, 0.99999, 0.25};
  const long expected[] = {400, 1200, 1800};
  for (int i = 0; i < 3; ++i) {
    rig.draw = draws[i];
    rig.probe->injectClose(1006);
    CHECK(rig.clock.nextDue() == Scheduler::Millis(expected[i]));
    rig.clock.advance(rig.clock.nextDue());
  }
}

TEST_CASE("a deliberate close does not reconnect", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  rig.signaler.close(1000, "leaving");
  CHECK(rig.signaler.state() == ConnectionState::Closing);
  CHECK(rig.probe->closeCalls == std::vector<std::uint16_t>{1000});
  rig.probe->injectClose(1000, "leaving");
  CHECK(rig.signaler.state() == ConnectionState::Closed);
  CHECK_FALSE(rig.signaler.reconnectPending());
  CHECK(rig.clock.pending() == 0);
  rig.clock.advance(60s);
  CHECK(rig.probe->opened.size() == 1);
}

TEST_CASE("closing while waiting to reconnect cancels the reconnect", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  rig.probe->injectClose(1006);
  REQUIRE(rig.signaler.reconnectPending());
  rig.signaler.close(1000, "leaving");
  CHECK(rig.signaler.state() == ConnectionState::Closed);
  CHECK(rig.clock.pending() == 0);
  rig.clock.advance(60s);
  CHECK(rig.probe->opened.size() == 1);
}

TEST_CASE("the state and its reason follow the connection through a reconnect", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  rig.probe->injectText(fromServer("pong", kIdA));
  rig.probe->injectClose(1001, "server shutting down");
  CHECK(rig.signaler.selfId().empty());
  CHECK(rig.signaler.closeCode() == 1001);
  rig.clock.advance(500ms);
  rig.probe->injectError("connection refused");
  rig.probe->injectClose(1006);
  rig.clock.advance(1000ms);
  rig.probe->injectOpen();
  rig.probe->injectText(fromServer("pong", kIdB));
  CHECK(rig.signaler.selfId().str() == kIdB);
  CHECK(rig.signaler.failure().empty());
  CHECK(rig.states == std::vector<std::string>{
                          "connecting: connecting to the server",
                          "open: connected",
                          "closed: connection lost (code 1001: server shutting down); reconnecting in 0.5 s",
                          "reconnecting: reconnecting (attempt 1)",
                          "error: could not connect (connection refused); reconnecting in 1.0 s",
                          "reconnecting: reconnecting (attempt 2)",
                          "open: connected",
                      });
}

TEST_CASE("a URL the transport refuses at once fails without reconnecting", "[signaler]") {
  Rig rig;
  rig.probe->failNextOpen = true;
  rig.signaler.connect("nonsense");
  CHECK(rig.signaler.state() == ConnectionState::Failed);
  CHECK(rig.signaler.reason() == "could not connect: refused by the fake");
  CHECK(rig.clock.pending() == 0);
}

TEST_CASE("a bad frame from the server becomes a problem report, not a crash", "[signaler]") {
  Rig rig;
  rig.connectAndOpen();
  rig.probe->injectText("not json");
  rig.probe->injectText("[1,2]");
  rig.probe->injectText(R"({"type":"no-such-type"})");
  rig.probe->injectText(R"({"type":"room-info","data":"not an object"})");
  CHECK(rig.problems.size() == 4);
  for (const auto& problem : rig.problems) CHECK_THAT(problem, Catch::StartsWith("the server sent a bad frame: "));
  CHECK(rig.received.empty());
  CHECK(rig.signaler.state() == ConnectionState::Open);
}

TEST_CASE("a destroyed signaler leaves no timer behind", "[signaler]") {
  auto probe = std::make_shared<FakeTransport::Probe>();
  ManualScheduler clock;
  int calls = 0;
  {
    Signaler signaler(std::make_unique<FakeTransport>(probe), clock);
    signaler.connect("ws://server/room/r/ws");
    probe->injectOpen();
    REQUIRE_FALSE(signaler.request(MessageType::GetRoomInfo, std::nullopt, 1000ms, [&](Result<Message>) { ++calls; }));
    probe->injectClose(1006);
    CHECK(calls == 1);  // it was on the wire: failed with the connection
    REQUIRE_FALSE(signaler.request(MessageType::GetRoomInfo, std::nullopt, 1000ms, [&](Result<Message>) { ++calls; }));
    CHECK(clock.pending() == 2);  // the reconnect and the queued request's deadline
  }
  CHECK(clock.pending() == 0);
  clock.advance(60s);
  CHECK(calls == 1);
}

TEST_CASE("a silent server is pinged, and one that answers keeps the connection", "[signaler][heartbeat]") {
  Rig rig;
  rig.connectAndOpen();
  const std::size_t sent = rig.probe->sent.size();
  rig.clock.advance(4999ms);
  CHECK(rig.probe->sent.size() == sent);
  rig.clock.advance(1ms);
  REQUIRE(rig.probe->sent.size() == sent + 1);
  const Message ping = decoded(rig.probe->sent.back());
  CHECK(ping.type == MessageType::Ping);
  CHECK(ping.receiver == kGroundControl);

  rig.clock.advance(3000ms);
  rig.probe->injectText(fromServer("pong", kIdA, "\"heartbeat\""));
  // Heard from 3 s after the ping: 5 s of quiet from there before the next one.
  rig.clock.advance(4999ms);
  CHECK(rig.probe->sent.size() == sent + 1);
  rig.clock.advance(1ms);
  CHECK(rig.probe->sent.size() == sent + 2);
  rig.probe->injectText(fromServer("pong", kIdA, "\"heartbeat\""));
  // A server that keeps talking is never pinged and never given up on.
  for (int i = 0; i < 10; ++i) {
    rig.clock.advance(3000ms);
    rig.probe->injectText(fromServer("room-info", kIdA, roomInfo(kIdA, "Ann")));
  }
  CHECK(rig.probe->sent.size() == sent + 2);
  CHECK(rig.signaler.state() == ConnectionState::Open);
}

TEST_CASE("a server silent for 15 s is taken for lost and reconnected to, whatever the transport says",
          "[signaler][heartbeat]") {
  Rig rig;
  rig.connectAndOpen();
  rig.clock.advance(14999ms);
  CHECK(rig.signaler.state() == ConnectionState::Open);
  rig.clock.advance(1ms);
  CHECK(rig.signaler.state() != ConnectionState::Open);
  CHECK(rig.signaler.reconnectPending());
  CHECK(rig.signaler.reason() ==
        "connection lost (no answer from the server for 15.0 s); reconnecting in 0.5 s");
  CHECK(rig.probe->closeCalls == std::vector<std::uint16_t>{4000});
  CHECK(rig.signaler.selfId().empty());

  // The transport's own close of that connection, arriving late, changes nothing.
  const auto reason = rig.signaler.reason();
  rig.probe->injectClose(1006);
  CHECK(rig.signaler.reason() == reason);
  CHECK(rig.signaler.reconnectAttempts() == 1);

  rig.clock.advance(500ms);
  REQUIRE(rig.probe->opened.size() == 2);
  CHECK(rig.signaler.state() == ConnectionState::Reconnecting);
  // The new attempt's failure is its own, and counts.
  rig.probe->injectClose(1006);
  CHECK(rig.signaler.reconnectAttempts() == 2);
  rig.clock.advance(1000ms);
  rig.probe->injectOpen();
  CHECK(rig.signaler.state() == ConnectionState::Open);
}

TEST_CASE("after a reconnect the manager joins again with a new id", "[signaler][manager]") {
  auto probe = std::make_shared<FakeTransport::Probe>();
  ManualScheduler clock;
  Signaler::Options options;
  options.random = [] { return 0.5; };
  MockPeerBackend peers(clock);
  MockMediaBackend media(clock);
  Manager manager(std::make_unique<FakeTransport>(probe), clock, peers, media, Manager::Options{options, {}, {}, {}});
  manager.join("ws://server/room/r/ws", RoomId("r"), "Ann");

  const auto typesSent = [&](std::size_t from) {
    std::vector<MessageType> types;
    for (std::size_t i = from; i < probe->sent.size(); ++i) types.push_back(decoded(probe->sent[i]).type);
    return types;
  };
  const std::vector<MessageType> joinFrames{MessageType::Ping, MessageType::Profile, MessageType::GetIceServers,
                                            MessageType::GetRoomInfo};
  probe->injectOpen();
  CHECK(typesSent(0) == joinFrames);
  probe->injectText(fromServer("pong", kIdA));
  probe->injectText(fromServer("ice-servers", kIdA, R"([{"urls":["stun:stun.example.org"]}])"));
  probe->injectText(fromServer("room-info", kIdA, roomInfo(kIdA, "Ann")));
  CHECK(manager.selfId().str() == kIdA);
  CHECK(manager.iceServers().size() == 1);
  CHECK(manager.roomInfo().has_value());
  CHECK(manager.joins() == 1);

  probe->injectClose(1001, "server shutting down");
  CHECK(manager.selfId().empty());
  CHECK_FALSE(manager.roomInfo().has_value());
  Json lost = manager.snapshot();
  CHECK(lost["connection"] == "closed");
  CHECK(lost["reconnect"]["pending"] == true);
  CHECK(lost["close"]["code"] == 1001);

  clock.advance(500ms);
  const std::size_t before = probe->sent.size();
  probe->injectOpen();
  CHECK(typesSent(before) == joinFrames);
  probe->injectText(fromServer("pong", kIdB));
  probe->injectText(fromServer("ice-servers", kIdB, "[]"));
  probe->injectText(fromServer("room-info", kIdB, roomInfo(kIdB, "Ann")));
  CHECK(manager.selfId().str() == kIdB);
  CHECK(manager.joins() == 2);
  Json back = manager.snapshot();
  CHECK(back["connection"] == "open");
  CHECK(back["self"]["id"] == kIdB);
  CHECK(back["self"]["name"] == "Ann");
  INFO(manager.lastProblem());
  CHECK(manager.lastProblem().empty());
}
