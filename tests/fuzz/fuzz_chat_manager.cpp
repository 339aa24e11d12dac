// ChatManager fed by several fake clients: joins, frames (raw bytes, or well-formed messages
// addressed to members, the room or the server), binary frames, leaves, the clock and its
// ticks, rooms made through the API, and shutdown, in an order the fuzzer chooses. After
// every step the bookkeeping must hold:
//   - every client still in is in exactly one room, its own, and counted once;
//   - the client count, the rooms' member lists and /metrics's joins minus leaves agree;
//   - no empty room is left but one made through the API;
//   - every frame queued for a client decodes, is addressed to it or to its room, and comes
//     from the server or from a member of the same room;
//   - nothing reaches a client once it has left;
//   - the server closes the connection of every client it removes itself, and only those;
//     at shutdown, every one.
#include "chat_manager.hpp"
#include "codec.hpp"
#include "connection.hpp"
#include "fuzz_check.hpp"
#include "logger.hpp"
#include "slug.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace orbit;
using namespace std::chrono_literals;

namespace {

struct FakeConnection final : Connection {
  void wake() override {}
  void close(CloseCode, std::string, bool) override { ++closes; }
  int closes = 0;
};

struct Slot {
  FakeConnection connection;
  std::shared_ptr<ChatClient> client;
  bool leftByUs = false;  // the socket went away (the harness called leave)
  bool gone = false;      // out of its room as of the last step
};

constexpr std::size_t kSlots = 5;
const char* const kRooms[] = {"a", "b", "room-c"};
const char* const kTypes[] = {"ping",   "pong",         "text",     "get-room-info", "room-info", "profile",
                              "get-ice-servers", "ice-servers", "offer", "answer", "icecandidate", "greeting",
                              "bye",    "error",        "room-mode", "layer",        "ice-restart", "nonsense"};

Json someData(FuzzedDataProvider& in, const std::string& type) {
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0: {  // what the type wants
      if (type == "text") return Json{{"from", in.ConsumeRandomLengthString(8)}, {"time", in.ConsumeIntegral<std::int64_t>()},
                                      {"text", in.ConsumeRandomLengthString(16)}, {"history", in.ConsumeBool()},
                                      {"direct", in.ConsumeBool()}};
      if (type == "profile") return Json{{"username", in.ConsumeRandomLengthString(12)}, {"muted", in.ConsumeBool()},
                                         {"sfu", in.ConsumeBool()}};
      if (type == "offer" || type == "answer") return Json{{"type", type}, {"sdp", "v=0\r\n"}};
      if (type == "icecandidate") return Json{{"candidate", ""}, {"sdpMid", "0"}, {"sdpMLineIndex", 0}};
      if (type == "layer") return Json{{"mid", "0"}, {"substream", 1}};
      if (type == "ice-restart") return Json{{"connection", "subscribe"}};
      return Json(in.ConsumeRandomLengthString(8));
    }
    case 1: {  // any JSON the fuzzer writes, or a string when it is not JSON
      const std::string text = in.ConsumeRandomLengthString(64);
      auto parsed = parseJson(text);
      return parsed ? *parsed : Json(toValidUtf8(text));
    }
    case 2: return Json(nullptr);
    default: return Json::object();
  }
}

class Harness {
 public:
  Harness() {
    ManagerConfig config;
    config.unixNow = [this] { return unixTime_; };
    config.historyLines = 3;
    config.maxRoomSize = 4;
    // Small enough that the fuzzer reaches the limits: the rate limit and dropping a slow
    // receiver (the harness then holds back the queues, as a stalled socket would).
    config.clientLimits = ClientLimits{2048, 20, 10};
    config.stunUrls = {"stun:stun.example.org"};
    config.turnUrls = {"turn:turn.example.org"};
    config.turnSecret = "secret";
    config.tokenSecret = "token secret";
    config.roomIdleTimeout = 60s;
    manager_ = std::make_unique<ChatManager>(std::move(config));
  }
  ~Harness() {
    // The manager goes first: its rooms point at the connections.
    manager_.reset();
  }

  void step(FuzzedDataProvider& in) {
    Slot& slot = slots_[in.ConsumeIntegralInRange<std::size_t>(0, kSlots - 1)];
    switch (in.ConsumeIntegralInRange(0, 9)) {
      case 0:
      case 1: join(slot, in); break;
      case 2: leave(slot, in); break;
      case 3:
        if (slot.client) manager_->onText(*slot.client, in.ConsumeRandomLengthString(256), now_);
        break;
      case 4:
      case 5: sendMessage(slot, in); break;
      case 6:
        if (slot.client) manager_->onBinary(*slot.client, now_);
        break;
      case 7:
        now_ += std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 40'000));
        unixTime_ += 1;
        manager_->tick(now_);
        break;
      case 8: createRoom(in); break;
      case 9:
        stalled_ = in.ConsumeBool();
        if (in.ConsumeIntegralInRange(0, 15) == 0) manager_->shutdown();
        break;
    }
    closeShutDown();
    drain();
    check();
  }

 private:
  void join(Slot& slot, FuzzedDataProvider& in) {
    if (slot.client && slot.client->connection()) return;  // one connection per slot at a time
    const std::string room = in.ConsumeBool() ? kRooms[in.ConsumeIntegralInRange(0, 2)] : in.ConsumeRandomLengthString(8);
    const std::string token = in.ConsumeBool() ? manager_->issueToken(room) : "";
    if (manager_->admit(room, token)) return;  // refused before the upgrade
    slot.connection.closes = 0;
    slot.leftByUs = false;
    slot.gone = false;
    auto joined = manager_->join(room, slot.connection, now_);
    ORBIT_FUZZ_CHECK(joined.ok() || !isValidSlug(room) || manager_->shuttingDown(), room);
    if (!joined) {
      slot.client.reset();
      return;
    }
    slot.client = *joined;
    roomOf_[slot.client->id().str()] = room;
  }

  void leave(Slot& slot, FuzzedDataProvider& in) {
    if (!slot.client) return;
    const auto reason = static_cast<LeaveReason>(in.ConsumeIntegralInRange(0, static_cast<int>(LeaveReason::Count) - 1));
    if (slot.client->connection()) slot.leftByUs = true;
    manager_->leave(*slot.client, reason, "fuzz", now_);
  }

  void sendMessage(Slot& slot, FuzzedDataProvider& in) {
    if (!slot.client) return;
    const std::string type = kTypes[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kTypes) - 1)];
    Json message{{"type", type}};
    switch (in.ConsumeIntegralInRange(0, 5)) {
      case 0: message["receiver"] = "room"; break;
      case 1: message["receiver"] = "ground control"; break;
      case 2: break;
      case 3: message["receiver"] = in.ConsumeRandomLengthString(8); break;
      default: {
        const Slot& to = slots_[in.ConsumeIntegralInRange<std::size_t>(0, kSlots - 1)];
        message["receiver"] = to.client ? to.client->id().str() : "0123456789abcdef0123456789abcdef";
      }
    }
    if (in.ConsumeBool()) message["sender"] = in.ConsumeBool() ? "room" : "0123456789abcdef0123456789abcdef";
    if (in.ConsumeBool()) message["data"] = someData(in, type);
    manager_->onText(*slot.client, dumpJson(message), now_);
  }

  void createRoom(FuzzedDataProvider& in) {
    CreateRoomRequest request;
    request.name = in.ConsumeBool() ? kRooms[in.ConsumeIntegralInRange(0, 2)] : in.ConsumeRandomLengthString(12);
    request.isPublic = in.ConsumeBool();
    request.guestLimit = in.ConsumeIntegralInRange<std::size_t>(0, 6);
    const bool password = in.ConsumeBool();
    (void)manager_->createRoom(request, password ? std::optional<std::string>("$argon2id$fake") : std::nullopt, now_);
  }

  // After shutdown() the sessions write the bye, close, and then leave: the socket closing.
  void closeShutDown() {
    if (!manager_->shuttingDown()) return;
    for (Slot& slot : slots_) {
      if (!slot.client || !slot.client->connection()) continue;
      ORBIT_FUZZ_CHECK(slot.connection.closes > 0, "not closed at shutdown: " + slot.client->id().str());
      manager_->leave(*slot.client, LeaveReason::Closed, "closed", now_);
    }
  }

  // What the WebSocket session does: writes out what is queued (unless stalled, as a client
  // that does not read), checking each frame.
  void drain() {
    for (Slot& slot : slots_) {
      if (!slot.client) continue;
      const bool in = slot.client->connection() != nullptr;
      // What was queued by the step that removed it is still written (a bye, say); nothing after.
      if (!in && slot.gone) {
        ORBIT_FUZZ_CHECK(!slot.client->hasQueued(), "a frame for a client that had left: " + *slot.client->front());
      }
      slot.gone = !in;
      if (stalled_ && in) continue;
      while (slot.client->hasQueued()) {
        checkFrame(slot, *slot.client->front());
        slot.client->popFront();
      }
    }
  }

  void checkFrame(const Slot& slot, const std::string& frame) {
    auto message = decode(frame);
    ORBIT_FUZZ_CHECK(message.ok(), frame + " | " + (message.ok() ? "" : message.error().message));
    const std::string self = slot.client->id().str();
    ORBIT_FUZZ_CHECK(message->receiver == self || message->receiver == "room", frame);
    if (message->sender == "ground control") return;
    const auto from = roomOf_.find(message->sender);
    ORBIT_FUZZ_CHECK(from != roomOf_.end(), "from no client: " + frame);
    ORBIT_FUZZ_CHECK(from->second == slot.client->roomId().str(), "across rooms: " + frame);
  }

  void check() {
    std::size_t in = 0;
    for (const Slot& slot : slots_) {
      if (!slot.client) continue;
      const bool member = slot.client->connection() != nullptr;
      // The server asks to close exactly the connections it removed itself; at shutdown it
      // asks all of them, and each leaves as its socket closes (closeShutDown()).
      if (!slot.leftByUs && !manager_->shuttingDown()) {
        ORBIT_FUZZ_CHECK(member == (slot.connection.closes == 0),
                         "client " + slot.client->id().str() + (member ? " still in but closed" : " removed but not closed"));
      }
      if (!member) {
        for (const auto& [id, room] : manager_->rooms()) {
          ORBIT_FUZZ_CHECK(!room->find(slot.client->id()), "a client that left is still in room " + id);
        }
        continue;
      }
      ++in;
      std::size_t found = 0;
      for (const auto& [id, room] : manager_->rooms()) {
        if (room->find(slot.client->id()) == slot.client.get()) {
          ++found;
          ORBIT_FUZZ_CHECK(id == slot.client->roomId().str(), "in " + id + ", not in its own room");
        }
      }
      ORBIT_FUZZ_CHECK(found == 1, "a client in " + std::to_string(found) + " rooms");
    }
    std::size_t members = 0;
    for (const auto& [id, room] : manager_->rooms()) {
      members += room->clients().size();
      ORBIT_FUZZ_CHECK(!room->empty() || room->settings().explicitlyCreated, "an empty implicit room is left: " + id);
      ORBIT_FUZZ_CHECK(room->size() <= 4 || !room->settings().explicitlyCreated, "room over the server's limit: " + id);
    }
    ORBIT_FUZZ_CHECK(members == in, std::to_string(members) + " members, " + std::to_string(in) + " clients in");
    ORBIT_FUZZ_CHECK(manager_->clientCount() == in, std::to_string(manager_->clientCount()) + " counted");
    std::uint64_t leaves = 0;
    for (auto n : manager_->metrics().leaves) leaves += n;
    ORBIT_FUZZ_CHECK(manager_->metrics().clientsJoined - leaves == in, "joins minus leaves");
  }

  std::unique_ptr<ChatManager> manager_;
  std::array<Slot, kSlots> slots_;
  std::map<std::string, std::string> roomOf_;  // every client id there was → its room
  TimePoint now_{std::chrono::hours(1)};
  std::int64_t unixTime_ = 1'700'000'000;
  bool stalled_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setLogLevel(LogLevel::Off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  Harness harness;
  // A bounded number of steps: a long input is no better a test, only a slower one.
  for (int steps = 0; steps < 100 && in.remaining_bytes() > 0; ++steps) harness.step(in);
  return 0;
}
