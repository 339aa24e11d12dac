#pragma once

#include "media_backend.hpp"
#include "payloads.hpp"
#include "result.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// Modelled one to one on RTCPeerConnection, so that bindings/browser can forward each
// call to JS with nothing but integer handles crossing, and so that the perfect
// negotiation pattern in VideoPeer reads like the W3C example.

enum class SignalingState { Stable, HaveLocalOffer, HaveRemoteOffer, HaveLocalPranswer, HaveRemotePranswer, Closed };
enum class PeerConnectionState { New, Connecting, Connected, Disconnected, Failed, Closed };
enum class IceConnectionState { New, Checking, Connected, Completed, Disconnected, Failed, Closed };
enum class SdpType { Offer, Answer, Pranswer, Rollback };
enum class CandidateType { Unknown, Host, Srflx, Prflx, Relay };
enum class IceTransportPolicy { All, Relay };

// The W3C names ("have-local-offer", "connected", "srflx", ...).
inline std::string_view toString(SignalingState s) {
  switch (s) {
    case SignalingState::Stable: return "stable";
    case SignalingState::HaveLocalOffer: return "have-local-offer";
    case SignalingState::HaveRemoteOffer: return "have-remote-offer";
    case SignalingState::HaveLocalPranswer: return "have-local-pranswer";
    case SignalingState::HaveRemotePranswer: return "have-remote-pranswer";
    case SignalingState::Closed: return "closed";
  }
  return "closed";
}

inline std::string_view toString(PeerConnectionState s) {
  switch (s) {
    case PeerConnectionState::New: return "new";
    case PeerConnectionState::Connecting: return "connecting";
    case PeerConnectionState::Connected: return "connected";
    case PeerConnectionState::Disconnected: return "disconnected";
    case PeerConnectionState::Failed: return "failed";
    case PeerConnectionState::Closed: return "closed";
  }
  return "closed";
}

inline std::string_view toString(IceConnectionState s) {
  switch (s) {
    case IceConnectionState::New: return "new";
    case IceConnectionState::Checking: return "checking";
    case IceConnectionState::Connected: return "connected";
    case IceConnectionState::Completed: return "completed";
    case IceConnectionState::Disconnected: return "disconnected";
    case IceConnectionState::Failed: return "failed";
    case IceConnectionState::Closed: return "closed";
  }
  return "closed";
}

inline std::string_view toString(SdpType t) {
  switch (t) {
    case SdpType::Offer: return "offer";
    case SdpType::Answer: return "answer";
    case SdpType::Pranswer: return "pranswer";
    case SdpType::Rollback: return "rollback";
  }
  return "rollback";
}

inline std::optional<SdpType> sdpTypeFromString(std::string_view name) {
  for (SdpType t : {SdpType::Offer, SdpType::Answer, SdpType::Pranswer, SdpType::Rollback}) {
    if (toString(t) == name) return t;
  }
  return std::nullopt;
}

inline std::string_view toString(CandidateType t) {
  switch (t) {
    case CandidateType::Unknown: return "unknown";
    case CandidateType::Host: return "host";
    case CandidateType::Srflx: return "srflx";
    case CandidateType::Prflx: return "prflx";
    case CandidateType::Relay: return "relay";
  }
  return "unknown";
}

inline std::string_view toString(IceTransportPolicy p) {
  switch (p) {
    case IceTransportPolicy::All: return "all";
    case IceTransportPolicy::Relay: return "relay";
  }
  return "all";
}

// What a connection is made with: RTCConfiguration's iceServers and iceTransportPolicy.
struct RtcConfiguration {
  std::vector<IceServer> iceServers;
  // Relay: only candidates through a TURN server of `iceServers`, so the media goes through
  // the relay or not at all.
  IceTransportPolicy iceTransportPolicy = IceTransportPolicy::All;
};

// An RTCPeerConnectionIceErrorEvent: a STUN or TURN server answered a request with an error,
// or not at all. Gathering goes on with the other servers.
struct IceCandidateError {
  std::string url;        // the server's, as iceServers named it
  int errorCode = 0;      // the STUN error code (401 Unauthorized, 403 Forbidden, ...); 701: no answer
  std::string errorText;  // the server's reason phrase, or the browser's
};

// What one sender may use of the uplink: RTCRtpEncodingParameters' maxBitrate and
// scaleResolutionDownBy.
struct SendLimits {
  int maxBitrate = 0;      // bits per second; 0: no cap
  double scaleDown = 1.0;  // the resolution is divided by this; at least 1
  bool operator==(const SendLimits&) const = default;
};

// One simulcast layer of a video sender (RTCRtpEncodingParameters).
struct SendEncoding {
  std::string rid;
  double scaleDown = 1.0;
  int maxBitrate = 0;  // bits per second; 0: no cap
};

struct Description {  // RTCSessionDescription
  SdpType type = SdpType::Offer;
  std::string sdp;
};

// A track the remote side sends, as an RTCTrackEvent reports it.
struct RemoteTrack {
  std::string id;   // the sender's track id (from a=msid)
  std::string kind; // "audio" or "video" ("screen" where the server says so: SfuSession::tracksOf)
  std::string mid;
};

// What the UI shows for a connection, condensed from getStats().
struct PeerStats {
  double sendKbps = 0;
  double receiveKbps = 0;
  double rttMs = 0;            // of the selected candidate pair
  double packetLoss = 0;       // fraction of inbound packets lost, 0..1
  int frameWidth = 0;          // of the inbound video, 0 when none
  int frameHeight = 0;
  double framesPerSecond = 0;
  CandidateType localCandidateType = CandidateType::Unknown;
  CandidateType remoteCandidateType = CandidateType::Unknown;
};

// One RTCPeerConnection. Operations complete through their callback, as a promise would,
// always later and never from inside the call; like the browser's operations chain, they
// run one at a time in the order they were called. Events and completions are never
// delivered after close() or destruction, so an owner may let them capture `this`.
class PeerConnection {
 public:
  using Done = std::function<void(std::optional<Error>)>;

  struct Handlers {
    // An empty `candidate` means the end of candidates.
    std::function<void(const IceCandidateData& candidate)> onIceCandidate;
    std::function<void(const IceCandidateError& error)> onIceCandidateError;
    std::function<void()> onNegotiationNeeded;
    std::function<void(SignalingState state)> onSignalingStateChange;
    std::function<void(PeerConnectionState state)> onConnectionStateChange;
    std::function<void(IceConnectionState state)> onIceConnectionStateChange;
    std::function<void(const RemoteTrack& track)> onTrack;
  };

  virtual ~PeerConnection() = default;

  virtual void setHandlers(Handlers handlers) = 0;

  // The parameterless form: an offer in stable or have-local-offer, an answer in
  // have-remote-offer.
  virtual void setLocalDescription(Done done) = 0;
  // setLocalDescription({type: "rollback"}).
  virtual void rollback(Done done) = 0;
  virtual void setRemoteDescription(Description description, Done done) = 0;
  virtual void addIceCandidate(IceCandidateData candidate, Done done) = 0;
  // Asks for new ICE credentials in the next offer; negotiationneeded follows.
  virtual void restartIce() = 0;

  // The pending description if there is one, else the current one.
  virtual std::optional<Description> localDescription() const = 0;
  virtual std::optional<Description> remoteDescription() const = 0;
  virtual SignalingState signalingState() const = 0;
  virtual PeerConnectionState connectionState() const = 0;
  virtual IceConnectionState iceConnectionState() const = 0;

  // addTrack and removeTrack are synchronous in the browser too; replaceTrack is a promise.
  virtual std::optional<Error> addTrack(const LocalTrack& track) = 0;
  // A send-only transceiver for a video track, in simulcast: one encoding per layer
  // (addTransceiver with sendEncodings).
  virtual std::optional<Error> addSimulcastTrack(const LocalTrack& track, const std::vector<SendEncoding>& layers) = 0;
  // addTransceiver(kind, {direction: "recvonly"}): an m-line to receive on before there is a
  // track to send (the camera is still starting). A later addTrack of that kind takes it
  // over and sends on it, with a renegotiation but no new m-line. Audio or Video.
  virtual std::optional<Error> addReceiver(TrackKind kind) = 0;
  virtual void replaceTrack(const LocalTrack& current, const LocalTrack& replacement, Done done) = 0;
  virtual std::optional<Error> removeTrack(const LocalTrack& track) = 0;
  // The mid of the transceiver that sends `track`, once a description has given it one.
  virtual std::optional<std::string> midOf(const LocalTrack& track) const = 0;
  // RTCRtpSender.setParameters on the sender of `track`: its bitrate and resolution caps.
  // Kept by the sender through replaceTrack; no renegotiation.
  virtual void setSendLimits(const LocalTrack& track, SendLimits limits, Done done) = 0;

  virtual void getStats(std::function<void(Result<PeerStats>)> done) = 0;

  // Final: drops pending completions and events.
  virtual void close() = 0;
};

class PeerBackend {
 public:
  virtual ~PeerBackend() = default;
  virtual std::unique_ptr<PeerConnection> createPeerConnection(const RtcConfiguration& configuration) = 0;
};

}  // namespace orbit
