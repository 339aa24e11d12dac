#pragma once

#include "liveness.hpp"
#include "media_backend.hpp"
#include "message.hpp"
#include "payloads.hpp"
#include "peer_backend.hpp"
#include "result.hpp"
#include "scheduler.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// A room that forwards media through the server (docs/protocol.md, Rooms through the SFU):
// two connections with "ground control" in place of one VideoPeer per member. The publish
// connection carries our camera, microphone and screen, and we offer; the subscribe
// connection carries everyone else's tracks, and the server offers, again as people start
// and stop publishing. Which member a received track belongs to comes from room-mode's
// streams, by mid.
class SfuSession {
 public:
  struct Options {
    Scheduler::Millis statsInterval{1000};
    // How long ICE may stay disconnected before a connection is restarted.
    Scheduler::Millis disconnectedGrace{5000};
  };
  struct Handlers {
    // offer, answer and icecandidate to "ground control", "connection" in their data.
    std::function<void(const Message& message)> send;
    // States, tracks or streams changed.
    std::function<void()> onChange;
    // New figures from getStats (about once a second); without it they count as a change.
    std::function<void()> onStats;
    std::function<void(std::string_view problem)> onProblem;
  };

  SfuSession(PeerBackend& backend, Scheduler& scheduler, const RtcConfiguration& configuration, Handlers handlers,
             Options options);
  ~SfuSession();
  SfuSession(const SfuSession&) = delete;
  SfuSession& operator=(const SfuSession&) = delete;

  // room-mode's streams: which member each mid of the subscribe connection carries.
  void setStreams(std::vector<SfuStream> streams);
  // An offer, answer or icecandidate from "ground control".
  void handle(const Message& message);

  // What we publish: the microphone, the camera, and a shared screen beside it (not in its
  // place, as in a mesh). The camera goes in three simulcast layers (full, half and a quarter
  // of the size), from which the server forwards to each person the one asked for; the
  // screen goes as it is, and our offers name its mid. A track that changed is swapped on
  // its sender, one that came is added, one that went is taken off.
  struct Tracks {
    std::optional<LocalTrack> microphone;
    std::optional<LocalTrack> camera;
    std::optional<LocalTrack> screen;
  };
  void setTracks(const Tracks& tracks);
  const Tracks& tracks() const { return sent_; }

  // Final: closes both connections. Sends nothing.
  void close();

  // The simulcast layer we want of a member's video, 0 (smallest) to 2 (largest), by the size
  // of its tile; sent to the server only when it changes.
  void setQuality(std::string_view member, int quality);

  PeerConnectionState publishState() const;
  PeerConnectionState subscribeState() const;
  // The tracks we receive of `member` now (a stream of a member that stopped is no longer its);
  // a shared screen's kind is "screen".
  std::vector<RemoteTrack> tracksOf(std::string_view member) const;
  const std::vector<SfuStream>& streams() const { return streams_; }
  const std::optional<PeerStats>& publishStats() const { return publishStats_; }
  const std::optional<PeerStats>& subscribeStats() const { return subscribeStats_; }
  // Offers the server made and we answered, for tests and diagnostics.
  int answeredOffers() const { return answeredOffers_; }
  // ICE restarts asked for, on either connection (the publish one by our offer, the subscribe
  // one by "ice-restart" to the server).
  int iceRestarts() const { return iceRestarts_; }

 private:
  void publishNegotiationNeeded();
  // `screenMid`: on the publish connection, the media section that carries our screen.
  void sendDescription(SfuConnection connection, const Description& description,
                       const std::optional<std::string>& screenMid = std::nullopt);
  void sendCandidate(SfuConnection connection, const IceCandidateData& candidate);
  void handleDescription(SfuConnection connection, Description description);
  void iceChanged(SfuConnection connection, IceConnectionState state);
  void restartIce(SfuConnection connection);
  void scheduleStats();
  void changed();
  void problem(std::string text);

  template <class F>
  auto guarded(F f) {
    return alive_.guard([this, f = std::move(f)](auto&&... args) mutable {
      if (!closed_) f(std::forward<decltype(args)>(args)...);
    });
  }

  Liveness alive_;
  Scheduler& scheduler_;
  Handlers handlers_;
  Options options_;
  bool closed_ = false;
  bool makingOffer_ = false;
  Tracks sent_;
  std::vector<SfuStream> streams_;
  std::vector<RemoteTrack> received_;  // every track the subscribe connection has had, by mid
  std::map<std::string, int> quality_;  // mid → the layer last asked for
  std::optional<PeerStats> publishStats_;
  std::optional<PeerStats> subscribeStats_;
  Scheduler::TimerId statsTimer_ = 0;
  int answeredOffers_ = 0;
  int iceRestarts_ = 0;
  Scheduler::TimerId publishGrace_ = 0;
  Scheduler::TimerId subscribeGrace_ = 0;
  std::unique_ptr<PeerConnection> publish_;
  std::unique_ptr<PeerConnection> subscribe_;
};

}  // namespace orbit
