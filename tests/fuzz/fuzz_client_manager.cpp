// The client's Manager fed what a server (or a peer through it) may send: raw frames and
// well-formed messages of every type from a handful of ids, the WebSocket opening and closing,
// the clock moving (timers, reconnects, the mock peer connections negotiating), and the
// person's own actions (media, mute, screen share, chat, leave), in an order the fuzzer
// chooses. Over a FakeTransport, a ManualScheduler and the mock peer and media backends of
// bindings/native. Checked after every step:
//   - every frame the client sends decodes, is a type a client may send, and negotiation
//     (offer, answer, icecandidate) goes to one member, or to the server with its connection;
//   - no connection to itself (on the first connection: see check());
//   - the chat log and the waiting lines keep to their bounds;
//   - snapshot() is JSON that reads back (after the last step).
#include "codec.hpp"
#include "fake_transport.hpp"
#include "fuzz_check.hpp"
#include "manager.hpp"
#include "manual_scheduler.hpp"
#include "mock_media_backend.hpp"
#include "mock_peer_backend.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

const std::string kSelf = std::string(32, '5');
const std::string kIds[] = {kSelf, std::string(32, '1'), std::string(32, '9'), std::string(32, 'c'), "not an id", ""};
const char* const kNames[] = {"Me", "Xena", "Yuri", "Zoe", "", "  Sam  "};
const char* const kTypes[] = {"ping", "pong", "text", "get-room-info", "room-info", "profile", "get-ice-servers",
                              "ice-servers", "offer", "answer", "icecandidate", "greeting", "bye", "error",
                              "room-mode", "layer", "ice-restart"};

std::string someId(FuzzedDataProvider& in) { return kIds[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kIds) - 1)]; }

Json roomInfo(FuzzedDataProvider& in) {
  Json clients = Json::array();
  const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 5);
  for (std::size_t i = 0; i < n; ++i) {
    Json c{{"id", someId(in)}, {"username", kNames[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kNames) - 1)]}};
    if (in.ConsumeBool()) c["muted"] = in.ConsumeBool();
    if (in.ConsumeBool()) c["camera_off"] = in.ConsumeBool();
    if (in.ConsumeBool()) c["sharing_screen"] = in.ConsumeBool();
    clients.push_back(std::move(c));
  }
  return Json{{"room_id", in.ConsumeBool() ? "r" : "elsewhere"}, {"clients", std::move(clients)}};
}

Json dataFor(FuzzedDataProvider& in, const std::string& type) {
  if (in.ConsumeIntegralInRange(0, 7) == 0) {  // anything at all
    auto parsed = parseJson(in.ConsumeRandomLengthString(64));
    return parsed ? *parsed : Json(nullptr);
  }
  if (type == "room-info") return roomInfo(in);
  if (type == "ice-servers") {
    return in.ConsumeBool() ? Json::array() : Json::array({Json{{"urls", {"stun:stun.example.org"}}},
                                                           Json{{"urls", "turn:t.example.org"}, {"username", "u"}, {"credential", "c"}}});
  }
  if (type == "text") {
    Json d{{"from", kNames[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kNames) - 1)]},
           {"time", in.ConsumeIntegral<std::int64_t>()}, {"text", in.ConsumeRandomLengthString(32)}};
    if (in.ConsumeBool()) d["direct"] = true;
    if (in.ConsumeBool()) d["history"] = true;
    return d;
  }
  if (type == "offer" || type == "answer") {
    // A real description from the mock's own kind, or a broken one.
    const char* sdps[] = {"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n",
                          "", "v=0\r\n", "garbage"};
    Json d{{"type", in.ConsumeBool() ? type : std::string("offer")}, {"sdp", sdps[in.ConsumeIntegralInRange(0, 3)]}};
    if (in.ConsumeBool()) d["connection"] = in.ConsumeBool() ? "publish" : "subscribe";
    return d;
  }
  if (type == "icecandidate") {
    Json d{{"candidate", in.ConsumeBool() ? "" : "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"}};
    if (in.ConsumeBool()) d["sdpMid"] = in.ConsumeBool() ? Json("0") : Json(nullptr);
    if (in.ConsumeBool()) d["sdpMLineIndex"] = in.ConsumeIntegralInRange(0, 3);
    if (in.ConsumeBool()) d["connection"] = in.ConsumeBool() ? "publish" : "subscribe";
    return d;
  }
  if (type == "room-mode") {
    Json d{{"mode", in.ConsumeBool() ? "sfu" : "mesh"}};
    if (in.ConsumeBool()) {
      d["streams"] = Json::array({Json{{"mid", "0"}, {"client", someId(in)}, {"kind", in.ConsumeBool() ? "audio" : "video"}}});
    }
    if (in.ConsumeBool()) d["reason"] = "Janus went away";
    return d;
  }
  return Json(in.ConsumeRandomLengthString(16));
}

bool clientMaySend(MessageType type) {
  return type != MessageType::RoomInfo && type != MessageType::IceServers && type != MessageType::Error &&
         type != MessageType::RoomMode;
}

class Rig {
 public:
  Rig() {
    Manager::Options options;
    options.signaler.random = [] { return 0.5; };
    options.wallClock = [] { return std::int64_t{1'700'000'000'000}; };
    manager_ = std::make_unique<Manager>(std::make_unique<FakeTransport>(probe_), clock_, peers_, media_, options);
    manager_->setOnEvent([](const ManagerEvent&) {});
    manager_->join("ws://server/room/r/ws", RoomId("r"), "Me");
  }

  void step(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 11)) {
      case 0:
        if (probe_->opened.size() > opens_) {
          opens_ = probe_->opened.size();
          probe_->injectOpen();
        }
        break;
      case 1:
        probe_->injectClose(in.ConsumeBool() ? 1006 : in.ConsumeIntegralInRange<std::uint16_t>(1000, 4999));
        closed_ = true;
        break;
      case 2: probe_->injectText(in.ConsumeRandomLengthString(256)); break;
      case 3:
      case 4:
      case 5: serverSays(in); break;
      case 6: clock_.advance(std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 20'000))); break;
      case 7: clock_.advance(std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 50))); break;
      case 8:
        switch (in.ConsumeIntegralInRange(0, 4)) {
          case 0: manager_->startMedia(MediaConstraints{in.ConsumeBool(), in.ConsumeBool(), {}, {}}); break;
          case 1: manager_->setMuted(in.ConsumeBool()); break;
          case 2: manager_->setCameraEnabled(in.ConsumeBool()); break;
          case 3: manager_->startScreenShare(); break;
          default: manager_->stopScreenShare(); break;
        }
        break;
      case 9: (void)manager_->sendText(in.ConsumeRandomLengthString(16), in.ConsumeBool() ? "" : someId(in)); break;
      case 10:
        if (!manager_->unsentLines().empty()) {
          const auto id = manager_->unsentLines().front().id;
          in.ConsumeBool() ? manager_->retryLine(id) : manager_->dropLine(id);
        }
        break;
      case 11:
        if (in.ConsumeIntegralInRange(0, 7) == 0) manager_->leave();
        break;
    }
    check();
  }

  void check() {
    for (; checked_ < probe_->sent.size(); ++checked_) {
      const std::string& frame = probe_->sent[checked_];
      auto message = decode(frame);
      ORBIT_FUZZ_CHECK(message.ok(), frame + " | " + (message.ok() ? "" : message.error().message));
      ORBIT_FUZZ_CHECK(clientMaySend(message->type), "a client sent " + frame);
      const bool negotiation = message->type == MessageType::Offer || message->type == MessageType::Answer ||
                               message->type == MessageType::IceCandidate;
      if (negotiation && message->receiver == "ground control") {
        ORBIT_FUZZ_CHECK(parseSfuConnection(*message->data).ok(), "to the server without its connection: " + frame);
      } else if (negotiation) {
        ORBIT_FUZZ_CHECK(message->receiver != "room" && !message->receiver.empty(), "negotiation to everyone: " + frame);
        ORBIT_FUZZ_CHECK(message->receiver != manager_->selfId().str() || manager_->selfId().empty(), "to itself: " + frame);
      }
    }
    const std::string self = manager_->selfId().str();
    // Until the first connection ends only (the harness closes it, or the client does, as when
    // the server stops answering its pings): connections from it live on until the next
    // room-info (media is peer to peer), and a server that hands us a member's old id as ours on
    // the next connection meets one of them; that is not a connection made to ourselves. (A
    // frame the harness injects between a close and the next open, the Signaler ignores.)
    const bool firstConnection = !closed_ && probe_->closeCalls.empty() && probe_->opened.size() <= 1;
    for (const ClientId& id : manager_->peerIds()) {
      ORBIT_FUZZ_CHECK(!firstConnection || self.empty() || id.str() != self, "a connection to itself: " + self);
    }
    ORBIT_FUZZ_CHECK(manager_->chat().size() <= Manager::kMaxChatEntries, "chat log over its bound");
    ORBIT_FUZZ_CHECK(manager_->unsentLines().size() <= Manager::kMaxUnsent, "waiting lines over their bound");
  }

  // Costs more than a step: after the last one.
  void checkSnapshot() {
    const std::string snapshot = dumpJson(manager_->snapshot());
    ORBIT_FUZZ_CHECK(parseJson(snapshot).ok(), snapshot);
  }

 private:
  void serverSays(FuzzedDataProvider& in) {
    const std::string type = kTypes[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kTypes) - 1)];
    Json message{{"type", type}};
    // From the server, or relayed from a member (the server stamps the sender).
    message["sender"] = in.ConsumeBool() ? std::string("ground control") : someId(in);
    message["receiver"] = in.ConsumeIntegralInRange(0, 3) ? kSelf : (in.ConsumeBool() ? "room" : someId(in));
    if (type != "ping" || in.ConsumeBool()) message["data"] = dataFor(in, type);
    probe_->injectText(dumpJson(message));
  }

  std::shared_ptr<FakeTransport::Probe> probe_ = std::make_shared<FakeTransport::Probe>();
  ManualScheduler clock_;
  MockPeerBackend peers_{clock_};
  MockMediaBackend media_{clock_};
  std::unique_ptr<Manager> manager_;  // last: it points at the others
  std::size_t opens_ = 0;
  bool closed_ = false;  // the harness has closed the connection (or its attempt) once
  std::size_t checked_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  Rig rig;
  // A bounded number of steps: a long input is no better a test, only a slower one.
  for (int steps = 0; steps < 100 && in.remaining_bytes() > 0; ++steps) rig.step(in);
  rig.checkSnapshot();
  return 0;
}
