#include "browser_peer_backend.hpp"

#include "codec.hpp"
#include "message.hpp"

#include <emscripten/emscripten.h>

#include <cstdlib>
#include <string>
#include <utility>

// From library_orbit_rtc.js. Strings it returns are malloc'd and freed here.
extern "C" {
int orbit_rtc_create(const char* configurationJson);
void orbit_rtc_close(int pc);
void orbit_rtc_set_local_description(int pc, int op);
void orbit_rtc_rollback(int pc, int op);
void orbit_rtc_set_remote_description(int pc, int op, int type, const char* sdp);
void orbit_rtc_add_ice_candidate(int pc, int op, const char* candidate, const char* mid, int index);
void orbit_rtc_restart_ice(int pc);
int orbit_rtc_description_type(int pc, int remote);
char* orbit_rtc_description_sdp(int pc, int remote);
int orbit_rtc_state(int pc, int which);
char* orbit_rtc_add_track(int pc, int track);
char* orbit_rtc_add_receiver(int pc, const char* kind);
char* orbit_rtc_add_simulcast_track(int pc, int track, const char* layersJson);
char* orbit_rtc_remove_track(int pc, int track);
char* orbit_rtc_mid_of(int pc, int track);
void orbit_rtc_replace_track(int pc, int op, int current, int replacement);
void orbit_rtc_set_send_limits(int pc, int op, int track, int maxBitrate, double scaleDown);
void orbit_rtc_get_stats(int pc, int op);
}

namespace orbit {
namespace {

// Handle -> live connection. JS reports by handle; a handle missing here belongs to a
// connection that was closed or destroyed, and its report is dropped.
std::map<int, BrowserPeerConnection*>& registry() {
  static std::map<int, BrowserPeerConnection*> connections;
  return connections;
}

BrowserPeerConnection* find(int handle) {
  auto it = registry().find(handle);
  return it == registry().end() ? nullptr : it->second;
}

// Takes ownership of a string JS allocated.
std::optional<std::string> adopt(char* text) {
  if (!text) return std::nullopt;
  std::string copy(text);
  std::free(text);
  return copy;
}

}  // namespace

// Each entry point moves or copies the callback out before calling it, because a callback
// may close or destroy the connection while it runs.
class BrowserPeerConnection::Events {
 public:
  static void done(int handle, int op, const char* error) {
    BrowserPeerConnection* self = find(handle);
    if (!self) return;
    if (auto node = self->pending_.extract(op); !node.empty()) {
      Done callback = std::move(node.mapped());
      if (callback) callback(error ? std::optional<Error>(Error{error}) : std::nullopt);
    } else if (auto stats = self->pendingStats_.extract(op); !stats.empty()) {
      auto callback = std::move(stats.mapped());
      if (callback) callback(Error{error ? error : "getStats failed"});
    }
  }

  static void stats(int handle, int op, const PeerStats& stats) {
    BrowserPeerConnection* self = find(handle);
    if (!self) return;
    auto node = self->pendingStats_.extract(op);
    if (node.empty()) return;
    auto callback = std::move(node.mapped());
    if (callback) callback(stats);
  }

  static void event(int handle, int kind, int value) {
    BrowserPeerConnection* self = find(handle);
    if (!self) return;
    const Handlers& h = self->handlers_;
    switch (kind) {
      case 0:
        if (auto handler = h.onNegotiationNeeded) handler();
        break;
      case 1:
        if (auto handler = h.onSignalingStateChange) handler(static_cast<SignalingState>(value));
        break;
      case 2:
        if (auto handler = h.onConnectionStateChange)
          handler(static_cast<PeerConnectionState>(value));
        break;
      case 3:
        if (auto handler = h.onIceConnectionStateChange)
          handler(static_cast<IceConnectionState>(value));
        break;
      default:
        break;
    }
  }

  static void candidate(int handle, int index, const char* text, const char* mid) {
    BrowserPeerConnection* self = find(handle);
    if (!self) return;
    IceCandidateData candidate{text ? text : "", std::nullopt, std::nullopt};
    if (mid) candidate.sdpMid = mid;
    if (index >= 0) candidate.sdpMLineIndex = index;
    if (auto handler = self->handlers_.onIceCandidate) handler(candidate);
  }

  static void candidateError(int handle, int code, const char* url, const char* text) {
    BrowserPeerConnection* self = find(handle);
    if (!self) return;
    const IceCandidateError error{url ? url : "", code, text ? text : ""};
    if (auto handler = self->handlers_.onIceCandidateError) handler(error);
  }

  static void track(int handle, const char* id, const char* kind, const char* mid) {
    BrowserPeerConnection* self = find(handle);
    if (!self) return;
    const RemoteTrack track{id ? id : "", kind ? kind : "", mid ? mid : ""};
    if (auto handler = self->handlers_.onTrack) handler(track);
  }
};

std::unique_ptr<PeerConnection> BrowserPeerBackend::createPeerConnection(
    const RtcConfiguration& configuration) {
  return std::make_unique<BrowserPeerConnection>(configuration);
}

BrowserPeerConnection::BrowserPeerConnection(const RtcConfiguration& configuration)
    : handle_(orbit_rtc_create(Json{{"iceServers", toJson(configuration.iceServers)},
                                    {"iceTransportPolicy", toString(configuration.iceTransportPolicy)}}
                                   .dump()
                                   .c_str())) {
  registry()[handle_] = this;
}

BrowserPeerConnection::~BrowserPeerConnection() {
  close();
}

void BrowserPeerConnection::setHandlers(Handlers handlers) {
  handlers_ = std::move(handlers);
}

int BrowserPeerConnection::remember(Done done) {
  const int op = ++lastOp_;
  pending_.emplace(op, std::move(done));
  return op;
}

void BrowserPeerConnection::setLocalDescription(Done done) {
  if (closed_) return;
  orbit_rtc_set_local_description(handle_, remember(std::move(done)));
}

void BrowserPeerConnection::rollback(Done done) {
  if (closed_) return;
  orbit_rtc_rollback(handle_, remember(std::move(done)));
}

void BrowserPeerConnection::setRemoteDescription(Description description, Done done) {
  if (closed_) return;
  orbit_rtc_set_remote_description(handle_, remember(std::move(done)),
                                   static_cast<int>(description.type), description.sdp.c_str());
}

void BrowserPeerConnection::addIceCandidate(IceCandidateData candidate, Done done) {
  if (closed_) return;
  orbit_rtc_add_ice_candidate(handle_, remember(std::move(done)), candidate.candidate.c_str(),
                              candidate.sdpMid ? candidate.sdpMid->c_str() : nullptr,
                              candidate.sdpMLineIndex.value_or(-1));
}

void BrowserPeerConnection::restartIce() {
  if (!closed_) orbit_rtc_restart_ice(handle_);
}

std::optional<Description> BrowserPeerConnection::description(bool remote) const {
  if (closed_) return std::nullopt;
  const int type = orbit_rtc_description_type(handle_, remote);
  if (type < 0) return std::nullopt;
  std::optional<std::string> sdp = adopt(orbit_rtc_description_sdp(handle_, remote));
  return Description{static_cast<SdpType>(type), sdp.value_or("")};
}

std::optional<Description> BrowserPeerConnection::localDescription() const {
  return description(false);
}

std::optional<Description> BrowserPeerConnection::remoteDescription() const {
  return description(true);
}

SignalingState BrowserPeerConnection::signalingState() const {
  return closed_ ? SignalingState::Closed
                 : static_cast<SignalingState>(orbit_rtc_state(handle_, 0));
}

PeerConnectionState BrowserPeerConnection::connectionState() const {
  return closed_ ? PeerConnectionState::Closed
                 : static_cast<PeerConnectionState>(orbit_rtc_state(handle_, 1));
}

IceConnectionState BrowserPeerConnection::iceConnectionState() const {
  return closed_ ? IceConnectionState::Closed
                 : static_cast<IceConnectionState>(orbit_rtc_state(handle_, 2));
}

std::optional<Error> BrowserPeerConnection::addTrack(const LocalTrack& track) {
  if (closed_) return Error{"InvalidStateError: the connection is closed"};
  if (auto error = adopt(orbit_rtc_add_track(handle_, track.id))) return Error{std::move(*error)};
  return std::nullopt;
}

std::optional<Error> BrowserPeerConnection::addReceiver(TrackKind kind) {
  if (closed_) return Error{"InvalidStateError: the connection is closed"};
  if (kind == TrackKind::Screen) return Error{"TypeError: a receiver is audio or video"};
  const char* name = kind == TrackKind::Audio ? "audio" : "video";
  if (auto error = adopt(orbit_rtc_add_receiver(handle_, name))) return Error{std::move(*error)};
  return std::nullopt;
}

std::optional<Error> BrowserPeerConnection::addSimulcastTrack(const LocalTrack& track,
                                                              const std::vector<SendEncoding>& layers) {
  if (closed_) return Error{"InvalidStateError: the connection is closed"};
  Json encodings = Json::array();
  for (const SendEncoding& layer : layers) {
    Json e{{"rid", layer.rid}, {"scaleResolutionDownBy", layer.scaleDown}};
    if (layer.maxBitrate > 0) e["maxBitrate"] = layer.maxBitrate;
    encodings.push_back(std::move(e));
  }
  const std::string text = dumpJson(encodings);
  if (auto error = adopt(orbit_rtc_add_simulcast_track(handle_, track.id, text.c_str()))) return Error{std::move(*error)};
  return std::nullopt;
}

void BrowserPeerConnection::replaceTrack(const LocalTrack& current, const LocalTrack& replacement,
                                         Done done) {
  if (closed_) return;
  orbit_rtc_replace_track(handle_, remember(std::move(done)), current.id, replacement.id);
}

void BrowserPeerConnection::setSendLimits(const LocalTrack& track, SendLimits limits, Done done) {
  if (closed_) return;
  orbit_rtc_set_send_limits(handle_, remember(std::move(done)), track.id, limits.maxBitrate, limits.scaleDown);
}

std::optional<Error> BrowserPeerConnection::removeTrack(const LocalTrack& track) {
  if (closed_) return Error{"InvalidStateError: the connection is closed"};
  if (auto error = adopt(orbit_rtc_remove_track(handle_, track.id)))
    return Error{std::move(*error)};
  return std::nullopt;
}

std::optional<std::string> BrowserPeerConnection::midOf(const LocalTrack& track) const {
  if (closed_) return std::nullopt;
  return adopt(orbit_rtc_mid_of(handle_, track.id));
}

void BrowserPeerConnection::getStats(std::function<void(Result<PeerStats>)> done) {
  if (closed_) return;
  const int op = ++lastOp_;
  pendingStats_.emplace(op, std::move(done));
  orbit_rtc_get_stats(handle_, op);
}

void BrowserPeerConnection::close() {
  if (closed_) return;
  closed_ = true;
  registry().erase(handle_);
  pending_.clear();
  pendingStats_.clear();
  orbit_rtc_close(handle_);
}

}  // namespace orbit

// What library_orbit_rtc.js calls. A handle that is no longer registered is ignored.
extern "C" {

EMSCRIPTEN_KEEPALIVE void orbit_rtc_done(int pc, int op, const char* error) {
  orbit::BrowserPeerConnection::Events::done(pc, op, error);
}

EMSCRIPTEN_KEEPALIVE void orbit_rtc_stats(int pc, int op, double sendKbps, double receiveKbps,
                                          double rttMs, double packetLoss, int frameWidth,
                                          int frameHeight, double framesPerSecond, int localType,
                                          int remoteType) {
  orbit::PeerStats stats;
  stats.sendKbps = sendKbps;
  stats.receiveKbps = receiveKbps;
  stats.rttMs = rttMs;
  stats.packetLoss = packetLoss;
  stats.frameWidth = frameWidth;
  stats.frameHeight = frameHeight;
  stats.framesPerSecond = framesPerSecond;
  stats.localCandidateType = static_cast<orbit::CandidateType>(localType);
  stats.remoteCandidateType = static_cast<orbit::CandidateType>(remoteType);
  orbit::BrowserPeerConnection::Events::stats(pc, op, stats);
}

EMSCRIPTEN_KEEPALIVE void orbit_rtc_event(int pc, int kind, int value) {
  orbit::BrowserPeerConnection::Events::event(pc, kind, value);
}

EMSCRIPTEN_KEEPALIVE void orbit_rtc_candidate(int pc, int index, const char* candidate,
                                              const char* mid) {
  orbit::BrowserPeerConnection::Events::candidate(pc, index, candidate, mid);
}

EMSCRIPTEN_KEEPALIVE void orbit_rtc_candidate_error(int pc, int code, const char* url,
                                                    const char* text) {
  orbit::BrowserPeerConnection::Events::candidateError(pc, code, url, text);
}

EMSCRIPTEN_KEEPALIVE void orbit_rtc_track(int pc, const char* id, const char* kind,
                                          const char* mid) {
  orbit::BrowserPeerConnection::Events::track(pc, id, kind, mid);
}

}  // extern "C"
