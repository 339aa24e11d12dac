#pragma once

#include "peer_backend.hpp"

#include <map>

namespace orbit {

// PeerBackend over the browser's RTCPeerConnection, through library_orbit_rtc.js.
//
// Implemented features:
//  [x] every PeerConnection operation, forwarded with only handles, numbers and strings crossing
//  [x] RTCConfiguration's iceServers and iceTransportPolicy ("relay": TURN only)
//  [x] icecandidateerror (a STUN or TURN server that refused or did not answer)
//  [x] completions and events of a closed or destroyed connection are dropped, never delivered
//  [x] every browser failure (a thrown exception or a rejected promise) is an Error with the
//      DOMException's name and message
//  [x] getStats condensed to PeerStats: rates from byte deltas between polls, the selected pair
//  [x] remote tracks reachable from other JS: Module.orbitRtc (see library_orbit_rtc.js)
//  [ ] data channels (the client has no use for them yet)
//  [ ] connections owned by a worker thread (everything runs on the page's main thread)
class BrowserPeerBackend final : public PeerBackend {
 public:
  BrowserPeerBackend() = default;
  BrowserPeerBackend(const BrowserPeerBackend&) = delete;
  BrowserPeerBackend& operator=(const BrowserPeerBackend&) = delete;

  // The connection does not refer back to the backend: it may outlive it.
  std::unique_ptr<PeerConnection> createPeerConnection(
      const RtcConfiguration& configuration) override;
};

// One RTCPeerConnection. Its JS side is found by handle(); closing or destroying it forgets
// the handle, so whatever the browser still reports for it is dropped.
class BrowserPeerConnection final : public PeerConnection {
 public:
  explicit BrowserPeerConnection(const RtcConfiguration& configuration);
  ~BrowserPeerConnection() override;
  // JavaScript finds this object by its handle in a registry that holds its address.
  BrowserPeerConnection(const BrowserPeerConnection&) = delete;
  BrowserPeerConnection& operator=(const BrowserPeerConnection&) = delete;

  // The key of this connection in library_orbit_rtc.js, for Module.orbitRtc lookups.
  int handle() const { return handle_; }

  void setHandlers(Handlers handlers) override;
  void setLocalDescription(Done done) override;
  void rollback(Done done) override;
  void setRemoteDescription(Description description, Done done) override;
  void addIceCandidate(IceCandidateData candidate, Done done) override;
  void restartIce() override;

  std::optional<Description> localDescription() const override;
  std::optional<Description> remoteDescription() const override;
  SignalingState signalingState() const override;
  PeerConnectionState connectionState() const override;
  IceConnectionState iceConnectionState() const override;

  std::optional<Error> addTrack(const LocalTrack& track) override;
  void replaceTrack(const LocalTrack& current, const LocalTrack& replacement, Done done) override;
  std::optional<Error> removeTrack(const LocalTrack& track) override;
  std::optional<std::string> midOf(const LocalTrack& track) const override;
  void setSendLimits(const LocalTrack& track, SendLimits limits, Done done) override;
  std::optional<Error> addSimulcastTrack(const LocalTrack& track, const std::vector<SendEncoding>& layers) override;
  std::optional<Error> addReceiver(TrackKind kind) override;

  void getStats(std::function<void(Result<PeerStats>)> done) override;

  void close() override;

  // The entry points JavaScript calls, through extern "C" functions; not for C++ callers.
  class Events;

 private:
  std::optional<Description> description(bool remote) const;
  int remember(Done done);

  int handle_ = 0;
  bool closed_ = false;
  Handlers handlers_;
  int lastOp_ = 0;
  std::map<int, Done> pending_;
  std::map<int, std::function<void(Result<PeerStats>)>> pendingStats_;
};

}  // namespace orbit
