#pragma once

#include "liveness.hpp"
#include "media_backend.hpp"
#include "payloads.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// Our own microphone, camera and screen: capture, mute, camera on and off, switching
// devices, sharing the screen, the device list and why the last capture failed. It knows no
// peer: it tells its owner which track to add to, swap on or take off every connection, and
// when what the others should see of us changed.
// A stable code for a media failure: the device ("camera", "microphone", "camera-microphone"
// or "screen") and what happened, from the browser's DOMException name at the start of
// `error`: "-denied" (NotAllowedError, SecurityError), "-missing" (NotFoundError,
// OverconstrainedError), "-busy" (NotReadableError, AbortError), "-stopped" (a track ended),
// else "-failed". E.g. "camera-denied".
std::string mediaErrorCode(std::string_view device, std::string_view error);

class LocalMedia {
 public:
  struct Hooks {
    std::function<void(const LocalTrack& track)> add;  // send it on every connection
    std::function<void(const LocalTrack& current, const LocalTrack& replacement)> replace;
    std::function<void(const LocalTrack& track)> remove;
    // indicators() may have changed.
    std::function<void()> indicatorsChanged;
    // A capture failed or a track went away: `what` says which and why, and `code` the same
    // for a program (see mediaErrorCode).
    std::function<void(const std::string& code, const std::string& what)> failed;
    // Anything else that went wrong (the device list could not be had).
    std::function<void(std::string_view problem)> problem;
    // Anything shown changed.
    std::function<void()> changed;
  };

  LocalMedia(MediaBackend& backend, Hooks hooks);
  // Stops every track; calls no hook.
  ~LocalMedia();
  LocalMedia(const LocalMedia&) = delete;
  LocalMedia& operator=(const LocalMedia&) = delete;

  // Asks for the camera and microphone. When both were asked for and the request fails,
  // each is tried on its own, so a denied camera still leaves the microphone.
  void start(const MediaConstraints& constraints);
  // Stops every track. Captures still on their way are stopped as they arrive, until start().
  void release();

  // Mute sends silence and camera-off black frames: the tracks stay, nothing renegotiates.
  void setMuted(bool muted);
  void setCameraEnabled(bool enabled);
  // Swaps the microphone or camera for another device, without renegotiating.
  void switchDevice(TrackKind kind, std::string deviceId);
  // The screen replaces the camera until stopScreenShare() or until the browser ends the share.
  void startScreenShare();
  void stopScreenShare();
  // Lists the devices again; also done after a capture starts and when the devices change.
  void refreshDevices();

  // What a new connection is sent: the microphone, and the screen or else the camera.
  std::vector<LocalTrack> sending() const;
  // What our profile tells the others about our microphone and camera.
  MediaIndicators indicators() const;

  const std::optional<LocalTrack>& microphone() const { return microphone_; }
  const std::optional<LocalTrack>& camera() const { return camera_; }
  const std::optional<LocalTrack>& screen() const { return screen_; }
  bool muted() const { return muted_; }
  bool cameraEnabled() const { return cameraEnabled_; }
  const std::vector<MediaDevice>& devices() const { return devices_; }
  // Why the last capture failed, until one succeeds.
  const std::string& error() const { return error_; }

 private:
  void request(const MediaConstraints& constraints, bool splitOnFailure);
  void take(std::vector<LocalTrack> tracks);
  void handleEnded(const LocalTrack& track);
  void stopTrack(std::optional<LocalTrack>& track);
  void fail(std::string code, std::string what);
  void changed();

  Liveness alive_;
  MediaBackend& backend_;
  Hooks hooks_;
  bool released_ = false;
  std::optional<LocalTrack> microphone_;
  std::optional<LocalTrack> camera_;
  std::optional<LocalTrack> screen_;
  bool muted_ = false;
  bool cameraEnabled_ = true;
  std::string error_;
  std::vector<MediaDevice> devices_;
};

}  // namespace orbit
