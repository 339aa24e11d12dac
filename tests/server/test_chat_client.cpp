#include "chat_client.hpp"
#include "chat_room.hpp"
#include "recording_connection.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using namespace std::chrono_literals;
using orbit::ChatClient;
using orbit::ClientId;
using orbit::ClientLimits;
using orbit::RoomId;
using orbit::SharedFrame;
using orbit::TimePoint;
using orbit::testing::RecordingConnection;
using Inbound = orbit::ChatClient::Inbound;

namespace {

const TimePoint t0{};

SharedFrame frame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

ChatClient makeClient(RecordingConnection& conn, ClientLimits limits = {}) {
  return ChatClient(ClientId("0123456789abcdef0123456789abcdef"), RoomId("alpha"), conn, t0, limits);
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<Inbound> {
  static std::string convert(Inbound i) {
    switch (i) {
      case Inbound::Accepted: return "Accepted";
      case Inbound::Throttled: return "Throttled";
      case Inbound::ThrottledAgain: return "ThrottledAgain";
    }
    return "?";
  }
};
}  // namespace Catch

TEST_CASE("deliver wakes the connection only when the queue goes from empty to non-empty",
          "[client][queue]") {
  RecordingConnection conn;
  ChatClient c = makeClient(conn);
  CHECK_FALSE(c.hasQueued());

  CHECK(c.deliver(frame("one")));
  CHECK(conn.wakes == 1);
  CHECK(c.deliver(frame("two")));
  CHECK(c.deliver(frame("three")));
  CHECK(conn.wakes == 1);  // the writer is already running: it drains all three

  c.popFront();
  c.popFront();
  CHECK(c.deliver(frame("four")));
  CHECK(conn.wakes == 1);  // still not empty
  c.popFront();
  c.popFront();
  CHECK_FALSE(c.hasQueued());

  CHECK(c.deliver(frame("five")));
  CHECK(conn.wakes == 2);
  CHECK_FALSE(conn.closed());
}

TEST_CASE("queued frames come out in order and queuedBytes counts what is waiting",
          "[client][queue]") {
  RecordingConnection conn;
  ChatClient c = makeClient(conn);
  REQUIRE(c.deliver(frame("abc")));
  REQUIRE(c.deliver(frame("hello")));
  REQUIRE(c.deliver(frame("")));
  CHECK(c.queuedBytes() == 8);

  CHECK(*c.front() == "abc");
  c.popFront();
  CHECK(c.queuedBytes() == 5);
  CHECK(*c.front() == "hello");
  c.popFront();
  CHECK(c.queuedBytes() == 0);
  REQUIRE(c.hasQueued());
  CHECK(*c.front() == "");
  c.popFront();
  CHECK_FALSE(c.hasQueued());
}

TEST_CASE("frames come out in the order they were queued however the writer keeps pace",
          "[client][queue]") {
  RecordingConnection conn;
  ChatClient c = makeClient(conn);
  // The writer falls behind by bursts of different lengths, catches up part way, and
  // drains: every frame comes out once, in order.
  int queued = 0;
  int written = 0;
  for (int burst : {1, 3, 4, 5, 9, 2, 17, 1, 40}) {
    for (int i = 0; i < burst; ++i) REQUIRE(c.deliver(frame(std::to_string(queued++))));
    for (int i = 0; i < burst / 2 + 1 && c.hasQueued(); ++i) {
      CHECK(*c.front() == std::to_string(written++));
      c.popFront();
    }
  }
  while (c.hasQueued()) {
    CHECK(*c.front() == std::to_string(written++));
    c.popFront();
  }
  CHECK(written == queued);
  CHECK(c.queuedBytes() == 0);
}

TEST_CASE("a broadcast frame is shared, not copied, between receivers", "[client][queue]") {
  RecordingConnection c1, c2;
  ChatClient a = makeClient(c1);
  ChatClient b = makeClient(c2);
  const SharedFrame f = frame("shared");
  REQUIRE(a.deliver(f));
  REQUIRE(b.deliver(f));
  CHECK(a.front().get() == b.front().get());
  CHECK(f.use_count() == 3);
}

TEST_CASE("deliver refuses a frame that would put the queue over its bound, and queues nothing",
          "[client][queue]") {
  RecordingConnection conn;
  ClientLimits limits;
  limits.maxQueuedBytes = 10;
  ChatClient c = makeClient(conn, limits);

  CHECK(c.deliver(frame("123456")));
  CHECK_FALSE(c.deliver(frame("12345")));  // 11 > 10
  CHECK(c.queuedBytes() == 6);
  CHECK(c.deliver(frame("1234")));  // exactly 10 is allowed
  CHECK(c.queuedBytes() == 10);
  CHECK_FALSE(c.deliver(frame("x")));
  CHECK(c.queuedBytes() == 10);

  c.popFront();
  CHECK(*c.front() == "1234");
  c.popFront();
  CHECK_FALSE(c.hasQueued());
  CHECK(conn.wakes == 1);

  SECTION("a single frame larger than the bound is refused even on an empty queue") {
    CHECK_FALSE(c.deliver(frame(std::string(11, 'x'))));
    CHECK_FALSE(c.hasQueued());
    CHECK(conn.wakes == 1);
  }
}

TEST_CASE("a detached client accepts frames silently and queues nothing", "[client][queue]") {
  RecordingConnection conn;
  ClientLimits limits;
  limits.maxQueuedBytes = 4;
  ChatClient c = makeClient(conn, limits);
  REQUIRE(c.deliver(frame("bye")));  // queued before it left: still written by the session
  c.detach();
  CHECK(c.connection() == nullptr);
  CHECK(c.deliver(frame("a frame far larger than the bound")));
  CHECK(c.queuedBytes() == 3);
  CHECK(*c.front() == "bye");
  CHECK(conn.wakes == 1);
}

TEST_CASE("the token bucket admits a burst, then one message per refill", "[client][rate-limit]") {
  RecordingConnection conn;
  ClientLimits limits;
  limits.messagesPerSecond = 2;
  limits.burst = 3;
  ChatClient c = makeClient(conn, limits);

  CHECK(c.admitInbound(t0) == Inbound::Accepted);
  CHECK(c.admitInbound(t0) == Inbound::Accepted);
  CHECK(c.admitInbound(t0) == Inbound::Accepted);
  CHECK(c.admitInbound(t0) == Inbound::Throttled);
  CHECK(c.admitInbound(t0) == Inbound::ThrottledAgain);
  CHECK(c.admitInbound(t0 + 100ms) == Inbound::ThrottledAgain);  // 0.2 of a token so far

  CHECK(c.admitInbound(t0 + 500ms) == Inbound::Accepted);  // one token back after 0.5 s
  CHECK(c.admitInbound(t0 + 500ms) == Inbound::Throttled);  // a new run of refusals

  // A long pause fills the bucket to `burst` and no further.
  CHECK(c.admitInbound(t0 + 1h) == Inbound::Accepted);
  CHECK(c.admitInbound(t0 + 1h) == Inbound::Accepted);
  CHECK(c.admitInbound(t0 + 1h) == Inbound::Accepted);
  CHECK(c.admitInbound(t0 + 1h) == Inbound::Throttled);
}

TEST_CASE("a steady sender at the allowed rate is never throttled", "[client][rate-limit]") {
  RecordingConnection conn;
  ClientLimits limits;
  limits.messagesPerSecond = 10;
  limits.burst = 1;
  ChatClient c = makeClient(conn, limits);
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) {
    if (c.admitInbound(t0 + i * 100ms) == Inbound::Accepted) ++accepted;
  }
  CHECK(accepted == 1000);
  CHECK(c.admitInbound(t0 + 999 * 100ms + 10ms) == Inbound::Throttled);
}

TEST_CASE("hearing from a client clears an outstanding ping", "[client][heartbeat]") {
  RecordingConnection conn;
  ChatClient c = makeClient(conn);
  CHECK(c.lastHeard() == t0);
  CHECK_FALSE(c.pingOutstanding());
  c.markPinged();
  CHECK(c.pingOutstanding());
  c.heard(t0 + 30s);
  CHECK_FALSE(c.pingOutstanding());
  CHECK(c.lastHeard() == t0 + 30s);
}

TEST_CASE("a room lists its clients in join order and reports its capacity", "[room]") {
  RecordingConnection c1, c2;
  orbit::RoomSettings settings;
  settings.guestLimit = 2;
  orbit::ChatRoom room(RoomId("alpha"), settings, t0);
  CHECK(room.empty());
  CHECK(room.capacity(50) == 2);
  CHECK(room.capacity(1) == 1);

  auto a = std::make_shared<ChatClient>(ClientId("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), RoomId("alpha"), c1, t0,
                                        ClientLimits{});
  auto b = std::make_shared<ChatClient>(ClientId("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), RoomId("alpha"), c2, t0,
                                        ClientLimits{});
  a->setName("Ada");
  room.add(a);
  room.add(b);
  CHECK(room.full(50));
  const auto info = room.info();
  CHECK(info.roomId == "alpha");
  REQUIRE(info.clients.size() == 2);
  CHECK(info.clients[0].id == a->id().str());
  CHECK(info.clients[0].username == "Ada");
  CHECK(info.clients[1].id == b->id().str());

  CHECK(room.remove(ClientId("cccccccccccccccccccccccccccccccc"), t0 + 1s) == nullptr);
  CHECK(room.remove(a->id(), t0 + 2s) == a);
  CHECK(room.find(a->id()) == nullptr);
  CHECK(room.find(b->id()) == b.get());
  CHECK(room.emptySince() == t0);
  CHECK(room.remove(b->id(), t0 + 3s) == b);
  CHECK(room.empty());
  CHECK(room.emptySince() == t0 + 3s);
}
