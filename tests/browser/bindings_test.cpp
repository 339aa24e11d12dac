// The browser bindings under the real client core, in Chromium: two VideoPeers in one page
// over two BrowserPeerBackends, wired back to back as tests/client/peer_pair.hpp does with
// the mock, with local tracks from BrowserMediaBackend. tests/e2e/browser_bindings.test.mjs
// loads the page once per scenario (the program's one argument) and reads what it reports
// through BrowserPlatform::publishState.
#include "browser_media_backend.hpp"
#include "browser_peer_backend.hpp"
#include "browser_platform.hpp"
#include "browser_scheduler.hpp"
#include "message.hpp"
#include "video_peer.hpp"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace orbit {
namespace {

using Millis = Scheduler::Millis;

BrowserPlatform platform;
BrowserScheduler scheduler;
Json state = Json::object();

void publish() {
  platform.publishState(state.dump());
}

void report(const std::string& key, Json value) {
  state[key] = std::move(value);
  publish();
}

void append(const std::string& key, Json value) {
  if (!state[key].is_array()) state[key] = Json::array();
  state[key].push_back(std::move(value));
  publish();
}

Json toJson(const std::optional<Error>& error) {
  return error ? Json(error->message) : Json(nullptr);
}

Json toJson(const std::vector<LocalTrack>& tracks) {
  Json out = Json::array();
  for (const LocalTrack& t : tracks)
    out.push_back({{"id", t.id}, {"kind", toString(t.kind)}, {"label", t.label}});
  return out;
}

// Calls `step` every `interval` until it returns true.
void every(Millis interval, std::function<bool()> step) {
  scheduler.after(interval, [interval, step = std::move(step)]() mutable {
    if (!step()) every(interval, std::move(step));
  });
}

// Records the handle of each connection it creates, so the page can look up its remote
// tracks in Module.orbitRtc.
class RecordingBackend final : public PeerBackend {
 public:
  std::unique_ptr<PeerConnection> createPeerConnection(
      const RtcConfiguration& configuration) override {
    auto pc = inner_.createPeerConnection(configuration);
    lastHandle = static_cast<BrowserPeerConnection&>(*pc).handle();
    return pc;
  }
  int lastHandle = 0;

 private:
  BrowserPeerBackend inner_;
};

// Two VideoPeers over the real browser bindings; what one sends reaches the other through
// the scheduler, with the sender stamped as the server would.
class Pair {
 public:
  static inline const ClientId kLow{std::string(32, '1')};  // polite
  static inline const ClientId kHigh{std::string(32, 'e')};

  Pair() {
    VideoPeer::Options options;
    options.statsInterval = Millis(500);
    a = std::make_unique<VideoPeer>(kLow, kHigh, backendA, scheduler, RtcConfiguration{},
                                    handlers(true), options);
    handleA = backendA.lastHandle;
    b = std::make_unique<VideoPeer>(kHigh, kLow, backendB, scheduler, RtcConfiguration{},
                                    handlers(false), options);
    handleB = backendB.lastHandle;
  }

  VideoPeer::Handlers handlers(bool fromA) {
    VideoPeer::Handlers h;
    h.send = [this, fromA](const Message& message) {
      Message stamped = message;
      stamped.sender = (fromA ? kLow : kHigh).value;
      ++(fromA ? sentByA : sentByB);
      scheduler.after(Millis(5), [this, stamped, fromA] {
        if (std::unique_ptr<VideoPeer>& to = fromA ? b : a) to->handle(stamped);
      });
    };
    h.onProblem = [fromA](std::string_view problem) {
      append(fromA ? "problemsA" : "problemsB", std::string(problem));
    };
    return h;
  }

  static Json describe(const VideoPeer& peer, int handle) {
    Json tracks = Json::array();
    for (const RemoteTrack& t : peer.remoteTracks())
      tracks.push_back({{"id", t.id}, {"kind", t.kind}, {"mid", t.mid}});
    Json out{{"handle", handle},
             {"polite", peer.polite()},
             {"connection", toString(peer.connectionState())},
             {"ice", toString(peer.iceConnectionState())},
             {"signaling", toString(peer.signalingState())},
             {"remoteTracks", tracks},
             {"rollbacks", peer.rollbacks()},
             {"ignoredOffers", peer.ignoredOffers()},
             {"stats", nullptr}};
    if (const auto& s = peer.stats()) {
      out["stats"] = {{"sendKbps", s->sendKbps},
                      {"receiveKbps", s->receiveKbps},
                      {"rttMs", s->rttMs},
                      {"packetLoss", s->packetLoss},
                      {"frameWidth", s->frameWidth},
                      {"frameHeight", s->frameHeight},
                      {"framesPerSecond", s->framesPerSecond},
                      {"localCandidateType", toString(s->localCandidateType)},
                      {"remoteCandidateType", toString(s->remoteCandidateType)}};
    }
    return out;
  }

  void publishPeers() {
    state["a"] = describe(*a, handleA);
    state["b"] = describe(*b, handleB);
    state["sentByA"] = sentByA;
    state["sentByB"] = sentByB;
    publish();
  }

  static bool streaming(const VideoPeer& peer) {
    const auto& s = peer.stats();
    return peer.connectionState() == PeerConnectionState::Connected &&
           peer.remoteTracks().size() >= 2 && s && s->framesPerSecond > 0 && s->frameWidth > 0 &&
           s->frameHeight > 0 && s->localCandidateType != CandidateType::Unknown;
  }

  RecordingBackend backendA;
  RecordingBackend backendB;
  int handleA = 0;
  int handleB = 0;
  int sentByA = 0;
  int sentByB = 0;
  std::unique_ptr<VideoPeer> a;
  std::unique_ptr<VideoPeer> b;
};

BrowserMediaBackend media;

// Captures camera and microphone once per side, then calls `next` with both sets.
void captureTwice(std::function<void(std::vector<LocalTrack>, std::vector<LocalTrack>)> next) {
  media.getUserMedia(MediaConstraints{}, [next](Result<std::vector<LocalTrack>> first) {
    report("captureA", first ? toJson(*first) : Json(first.error().message));
    if (!first) return report("phase", "failed");
    media.getUserMedia(
        MediaConstraints{}, [next, tracksA = *first](Result<std::vector<LocalTrack>> second) {
          report("captureB", second ? toJson(*second) : Json(second.error().message));
          if (!second) return report("phase", "failed");
          next(tracksA, *second);
        });
  });
}

const LocalTrack* trackOf(const std::vector<LocalTrack>& tracks, TrackKind kind) {
  for (const LocalTrack& t : tracks) {
    if (t.kind == kind) return &t;
  }
  return nullptr;
}

// Connect with A's tracks, then B's; stream; replace A's camera by a screen; remove A's audio.
void runMain() {
  media.setOnDeviceChange([] { append("events", "devicechange"); });
  media.enumerateDevices([](Result<std::vector<MediaDevice>> devices) {
    report("devices", devices ? Json(devices->size()) : Json(devices.error().message));
  });
  captureTwice([](std::vector<LocalTrack> tracksA, std::vector<LocalTrack> tracksB) {
    auto* pair = new Pair();  // lives as long as the page
    report("phase", "connecting");
    for (const LocalTrack& t : tracksA) append("addTrackA", toJson(pair->a->addTrack(t)));
    struct Flow {
      int step = 0;
      Millis since{0};
      bool replaced = false;
    };
    auto* flow = new Flow();
    every(Millis(100), [pair, flow, tracksA, tracksB] {
      pair->publishPeers();
      const Millis now = scheduler.now();
      if (flow->step == 0 && pair->a->connectionState() == PeerConnectionState::Connected &&
          pair->b->remoteTracks().size() >= 2) {
        // B sends only now, so the second exchange is a renegotiation the impolite side starts.
        for (const LocalTrack& t : tracksB) append("addTrackB", toJson(pair->b->addTrack(t)));
        flow->step = 1;
        report("phase", "renegotiating");
      } else if (flow->step == 1 && Pair::streaming(*pair->a) && Pair::streaming(*pair->b)) {
        state["streamingA"] = Pair::describe(*pair->a, pair->handleA);
        state["streamingB"] = Pair::describe(*pair->b, pair->handleB);
        flow->step = 2;
        report("phase", "streaming");
        media.setEnabled(*trackOf(tracksA, TrackKind::Audio), false);
        media.setEnabled(*trackOf(tracksA, TrackKind::Audio), true);
        media.getDisplayMedia([pair, flow, tracksA](Result<std::vector<LocalTrack>> screen) {
          report("screen", screen ? toJson(*screen) : Json(screen.error().message));
          if (!screen || screen->empty()) return report("phase", "failed");
          pair->a->replaceTrack(*trackOf(tracksA, TrackKind::Video), screen->front());
          flow->replaced = true;
          report("phase", "replaced");
        });
      } else if (flow->step == 2 && flow->replaced) {
        flow->step = 3;
        flow->since = now;
      } else if (flow->step == 3) {
        const auto& s = pair->b->stats();
        // A later stats poll: B still receives frames, now from the screen track.
        if (now - flow->since > Millis(1500) && s && s->framesPerSecond > 0) {
          state["afterReplaceB"] = Pair::describe(*pair->b, pair->handleB);
          report("removeTrackA", toJson(pair->a->removeTrack(*trackOf(tracksA, TrackKind::Audio))));
          report("phase", "removed");
          flow->step = 4;
          flow->since = now;
        }
      } else if (flow->step == 4 && now - flow->since > Millis(300) &&
                 pair->a->signalingState() == SignalingState::Stable &&
                 pair->b->signalingState() == SignalingState::Stable) {
        flow->step = 5;
        report("phase", "done");
      }
      return false;  // keep publishing for the test to read
    });
  });
}

// Both sides offer at the same instant; the polite one (A) must roll back.
void runGlare() {
  captureTwice([](std::vector<LocalTrack> tracksA, std::vector<LocalTrack> tracksB) {
    auto* pair = new Pair();
    for (const LocalTrack& t : tracksA) append("addTrackA", toJson(pair->a->addTrack(t)));
    for (const LocalTrack& t : tracksB) append("addTrackB", toJson(pair->b->addTrack(t)));
    pair->a->negotiate();
    pair->b->negotiate();
    report("phase", "negotiating");
    every(Millis(100), [pair] {
      pair->publishPeers();
      return false;
    });
  });
}

// Garbage in, Errors out, and the page carries on.
void runGarbage() {
  static BrowserPeerBackend backend;
  static std::unique_ptr<PeerConnection> pc = backend.createPeerConnection({});
  static bool returned = false;
  pc->setRemoteDescription(
      Description{SdpType::Offer, "this is not SDP"}, [](std::optional<Error> error) {
        report("garbageOffer", {{"error", toJson(error)}, {"afterReturn", returned}});
      });
  pc->setRemoteDescription(Description{SdpType::Answer, "v=0\r\n"}, [](std::optional<Error> error) {
    report("answerInStable", toJson(error));
  });
  pc->addIceCandidate(
      IceCandidateData{"candidate:garbage", std::string("0"), 0},
      [](std::optional<Error> error) { report("garbageCandidate", toJson(error)); });
  // Then a real operation on the same connection still works.
  pc->setLocalDescription([](std::optional<Error> error) {
    report("offerAfterwards", {{"error", toJson(error)},
                               {"signaling", toString(pc->signalingState())},
                               {"hasLocal", pc->localDescription().has_value()}});
    report("phase", "done");
  });
  returned = true;
}

// Operations in flight on a connection that is then closed or destroyed, and a capture in
// flight on a backend that is then destroyed: none may call back. A third connection, left
// open, shows that the same operations do complete.
void runClose() {
  static BrowserPeerBackend backend;
  static int afterClose = 0;
  static int control = 0;
  static bool closing = false;
  auto count = [](int& counter) {
    PeerConnection::Handlers h;
    h.onIceCandidate = [&counter](const IceCandidateData&) { ++counter; };
    h.onNegotiationNeeded = [&counter] { ++counter; };
    h.onSignalingStateChange = [&counter](SignalingState) { ++counter; };
    h.onConnectionStateChange = [&counter](PeerConnectionState) { ++counter; };
    h.onIceConnectionStateChange = [&counter](IceConnectionState) { ++counter; };
    h.onTrack = [&counter](const RemoteTrack&) { ++counter; };
    return h;
  };
  auto start = [](PeerConnection& pc, int& counter) {
    pc.setLocalDescription([&counter](std::optional<Error>) { ++counter; });
    pc.getStats([&counter](Result<PeerStats>) { ++counter; });
    pc.addIceCandidate(IceCandidateData{"", std::nullopt, std::nullopt},
                       [&counter](std::optional<Error>) { ++counter; });
  };
  static std::unique_ptr<PeerConnection> open = backend.createPeerConnection({});
  open->setHandlers(count(control));
  start(*open, control);

  auto closed = backend.createPeerConnection({});
  closed->setHandlers(count(afterClose));
  start(*closed, afterClose);
  closed->close();
  static std::unique_ptr<PeerConnection> keptClosed = std::move(closed);

  auto destroyed = backend.createPeerConnection({});
  destroyed->setHandlers(count(afterClose));
  start(*destroyed, afterClose);
  destroyed.reset();

  auto doomed = std::make_unique<BrowserMediaBackend>();
  doomed->setOnTrackEnded([](const LocalTrack&) { ++afterClose; });
  doomed->getUserMedia(MediaConstraints{}, [](Result<std::vector<LocalTrack>>) { ++afterClose; });
  doomed->enumerateDevices([](Result<std::vector<MediaDevice>>) { ++afterClose; });
  doomed.reset();
  closing = true;

  // Long enough for the open connection to gather its candidates and for a capture to start.
  scheduler.after(Millis(2000), [] {
    report("callbacksAfterClose", afterClose);
    report("controlCallbacks", control);
    report("closedSignaling", toString(keptClosed->signalingState()));
    report("phase", closing ? "done" : "failed");
  });
}

// Run in a browser that refuses the camera.
void runDenied() {
  media.getUserMedia(MediaConstraints{}, [](Result<std::vector<LocalTrack>> tracks) {
    report("capture",
           tracks ? Json{{"tracks", toJson(*tracks)}} : Json{{"error", tracks.error().message}});
    report("phase", "done");
  });
}

}  // namespace
}  // namespace orbit

int main(int argc, char** argv) {
  using namespace orbit;
  const std::string scenario = argc > 1 ? argv[1] : "main";
  report("scenario", scenario);
  report("phase", "started");
  if (scenario == "main")
    runMain();
  else if (scenario == "glare")
    runGlare();
  else if (scenario == "garbage")
    runGarbage();
  else if (scenario == "close")
    runClose();
  else if (scenario == "denied")
    runDenied();
  else
    report("phase", "unknown scenario");
  // main returns while the scenario goes on; everything it uses is static.
  return 0;
}
