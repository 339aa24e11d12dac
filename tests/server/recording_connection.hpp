#pragma once

// Test doubles for the server logic: a Connection that records what the logic asked of
// it, and a Peer (one joined client) whose queued frames the test reads back decoded,
// the way the WebSocket session would write them.

#include "chat_client.hpp"
#include "chat_manager.hpp"
#include "codec.hpp"
#include "connection.hpp"
#include "payloads.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace Catch {
template <>
struct StringMaker<orbit::MessageType> {
  static std::string convert(orbit::MessageType t) { return std::string(orbit::toString(t)); }
};
template <>
struct StringMaker<orbit::CloseCode> {
  static std::string convert(orbit::CloseCode c) { return std::to_string(static_cast<int>(c)); }
};
}  // namespace Catch

namespace orbit::testing {

class RecordingConnection : public Connection {
 public:
  struct Close {
    CloseCode code;
    std::string reason;
    bool flush;
  };

  void wake() override { ++wakes; }
  void close(CloseCode code, std::string reason, bool flush) override {
    closes.push_back({code, std::move(reason), flush});
  }
  bool closed() const { return !closes.empty(); }

  int wakes = 0;
  std::vector<Close> closes;
};

// Pops every frame queued on `client`, as raw text.
inline std::vector<std::string> takeRawFrames(ChatClient& client) {
  std::vector<std::string> out;
  while (client.hasQueued()) {
    out.push_back(*client.front());
    client.popFront();
  }
  return out;
}

// Pops every frame queued on `client`, decoded; a frame that does not decode fails the test.
inline std::vector<Message> takeFrames(ChatClient& client) {
  std::vector<Message> out;
  for (const auto& frame : takeRawFrames(client)) {
    auto msg = decode(frame);
    if (!msg) FAIL("the server queued a frame that does not decode: " << msg.error().message << "\n" << frame);
    out.push_back(std::move(*msg));
  }
  return out;
}

// One client joined to a ChatManager. Stays where it is (the manager holds a reference
// to its connection), so Peers live in a std::deque.
struct Peer {
  RecordingConnection connection;
  std::shared_ptr<ChatClient> client;

  std::string id() const { return client->id().str(); }
  std::vector<Message> inbox() { return takeFrames(*client); }
  std::vector<std::string> rawInbox() { return takeRawFrames(*client); }

  // The one message waiting; fails the test when there are none or several.
  Message only() {
    auto got = inbox();
    INFO("messages waiting for " << id() << ": " << got.size());
    REQUIRE(got.size() == 1);
    return std::move(got.front());
  }
  // The text of the one message waiting, which must be an error from the server to us.
  std::string onlyError() {
    const Message m = only();
    REQUIRE(m.type == MessageType::Error);
    CHECK(m.sender == "ground control");
    CHECK(m.receiver == id());
    REQUIRE(m.data);
    REQUIRE(m.data->is_string());
    return m.data->get<std::string>();
  }
};

// The client ids listed by a room-info message, in order.
inline std::vector<std::string> memberIds(const Message& roomInfo) {
  REQUIRE(roomInfo.type == MessageType::RoomInfo);
  REQUIRE(roomInfo.data);
  auto info = parseRoomInfo(*roomInfo.data);
  REQUIRE(info.ok());
  std::vector<std::string> ids;
  for (const auto& c : info->clients) ids.push_back(c.id);
  return ids;
}

// A ChatManager with a wall clock the test sets (`unixTime`) and helpers to join and talk.
class Harness {
  // Declared first so the connections outlive the manager that points at them.
  std::deque<Peer> peers_;

 public:
  explicit Harness(ManagerConfig config = {}) : manager(withClock(std::move(config))) {}
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  Peer& join(std::string_view room, TimePoint now = TimePoint{}) {
    Peer& p = peers_.emplace_back();
    auto joined = manager.join(room, p.connection, now);
    if (!joined) FAIL("join " << room << " failed: " << joined.error().message);
    p.client = *joined;
    return p;
  }
  // Joins and introduces the client as every client introduces itself: a ping to the
  // server, whose pong (and the room-info that follows it) is read and dropped. Broadcast
  // room-info reaches only introduced clients.
  Peer& joinIntroduced(std::string_view room, TimePoint now = TimePoint{}) {
    Peer& p = join(room, now);
    send(p, Json{{"type", "ping"}, {"receiver", "ground control"}}, now);
    (void)p.rawInbox();
    return p;
  }
  void send(Peer& from, const Json& message, TimePoint now = TimePoint{}) {
    manager.onText(*from.client, message.dump(), now);
  }
  void sendRaw(Peer& from, std::string_view frame, TimePoint now = TimePoint{}) {
    manager.onText(*from.client, frame, now);
  }
  // Empties every peer's queue: what came before the step under test is not its concern.
  void drainAll() {
    for (auto& p : peers_) (void)p.rawInbox();
  }

  std::int64_t unixTime = 1'700'000'000;
  ChatManager manager;

 private:
  ManagerConfig withClock(ManagerConfig config) {
    if (!config.unixNow) config.unixNow = [this] { return unixTime; };
    return config;
  }
};

inline Json textData(std::string text) {
  return Json{{"from", "Ada"}, {"time", 1'700'000'000'123}, {"text", std::move(text)}};
}

}  // namespace orbit::testing
