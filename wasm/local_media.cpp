#include "local_media.hpp"

#include <utility>

namespace orbit {
namespace {

// A hook left unset is simply not called.
template <class F, class... Args>
void call(const F& hook, Args&&... args) {
  if (hook) hook(std::forward<Args>(args)...);
}

}  // namespace

LocalMedia::LocalMedia(MediaBackend& backend, Hooks hooks)
    : backend_(backend), hooks_(std::move(hooks)) {
  backend_.setOnTrackEnded(alive_.guard([this](const LocalTrack& track) { handleEnded(track); }));
  backend_.setOnDeviceChange(alive_.guard([this] { refreshDevices(); }));
}

LocalMedia::~LocalMedia() {
  backend_.setOnTrackEnded(nullptr);
  backend_.setOnDeviceChange(nullptr);
  stopTrack(microphone_);
  stopTrack(camera_);
  stopTrack(screen_);
}

void LocalMedia::start(const MediaConstraints& constraints) {
  released_ = false;
  request(constraints, true);
}

void LocalMedia::release() {
  released_ = true;
  stopTrack(microphone_);
  stopTrack(camera_);
  stopTrack(screen_);
}

void LocalMedia::request(const MediaConstraints& constraints, bool splitOnFailure) {
  backend_.getUserMedia(constraints, alive_.guard([this, constraints, splitOnFailure](
                                                      Result<std::vector<LocalTrack>> tracks) {
    if (tracks) return take(std::move(tracks).value());
    if (splitOnFailure && constraints.audio && constraints.video) {
      // One refused device should not cost the other.
      MediaConstraints audioOnly = constraints;
      audioOnly.video = false;
      MediaConstraints videoOnly = constraints;
      videoOnly.audio = false;
      request(audioOnly, false);
      request(videoOnly, false);
      return;
    }
    const char* what = constraints.audio
                           ? (constraints.video ? "the camera and microphone" : "the microphone")
                           : "the camera";
    const char* device = constraints.audio ? (constraints.video ? "camera-microphone" : "microphone") : "camera";
    fail(mediaErrorCode(device, tracks.error().message),
         std::string("could not use ") + what + ": " + tracks.error().message);
  }));
}

void LocalMedia::take(std::vector<LocalTrack> tracks) {
  for (LocalTrack& track : tracks) {
    if (released_) {
      backend_.stop(track);
      continue;
    }
    std::optional<LocalTrack>& slot = isAudio(track.kind) ? microphone_ : camera_;
    const std::optional<LocalTrack> old = std::exchange(slot, track);
    backend_.setEnabled(track, isAudio(track.kind) ? !muted_ : cameraEnabled_);
    const bool shown =
        isAudio(track.kind) || !screen_;  // a screen share keeps the camera off the wire
    if (old) {
      if (shown) call(hooks_.replace, *old, track);
      backend_.stop(*old);
    } else if (shown) {
      call(hooks_.add, track);
    }
  }
  error_.clear();
  call(hooks_.indicatorsChanged);
  // Device names are hidden until a capture is allowed.
  refreshDevices();
  changed();
}

void LocalMedia::setMuted(bool muted) {
  muted_ = muted;
  if (microphone_) backend_.setEnabled(*microphone_, !muted);
  call(hooks_.indicatorsChanged);
  changed();
}

void LocalMedia::setCameraEnabled(bool enabled) {
  cameraEnabled_ = enabled;
  if (camera_) backend_.setEnabled(*camera_, enabled);
  call(hooks_.indicatorsChanged);
  changed();
}

MediaIndicators LocalMedia::indicators() const {
  // What the others see: no sound without a live, unmuted microphone; no picture without a
  // camera that is on, unless a screen is shared.
  return MediaIndicators{muted_ || !microphone_, !screen_ && (!camera_ || !cameraEnabled_), screen_.has_value()};
}

std::vector<LocalTrack> LocalMedia::sending() const {
  std::vector<LocalTrack> tracks;
  if (microphone_) tracks.push_back(*microphone_);
  if (const std::optional<LocalTrack>& video = screen_ ? screen_ : camera_)
    tracks.push_back(*video);
  return tracks;
}

void LocalMedia::switchDevice(TrackKind kind, std::string deviceId) {
  if (kind == TrackKind::Screen) return;
  MediaConstraints constraints;
  constraints.audio = isAudio(kind);
  constraints.video = !isAudio(kind);
  (isAudio(kind) ? constraints.audioDeviceId : constraints.videoDeviceId) = std::move(deviceId);
  request(constraints, false);
}

void LocalMedia::startScreenShare() {
  if (screen_) return;
  backend_.getDisplayMedia(alive_.guard([this](Result<std::vector<LocalTrack>> tracks) {
    if (!tracks) {
      return fail(mediaErrorCode("screen", tracks.error().message),
                  "could not share the screen: " + tracks.error().message);
    }
    std::optional<LocalTrack> screen;
    for (const LocalTrack& track : *tracks) {
      // Tab audio is not shared: the microphone stays the one audio track.
      if (!screen && !isAudio(track.kind)) {
        screen = track;
      } else {
        backend_.stop(track);
      }
    }
    if (!screen) return fail("screen-failed", "the screen share had no video");
    if (released_ || screen_) return backend_.stop(*screen);
    screen_ = screen;
    if (camera_) {
      call(hooks_.replace, *camera_, *screen_);
    } else {
      call(hooks_.add, *screen_);
    }
    call(hooks_.indicatorsChanged);
    changed();
  }));
}

void LocalMedia::stopScreenShare() {
  if (!screen_) return;
  if (camera_) {
    call(hooks_.replace, *screen_, *camera_);
  } else {
    call(hooks_.remove, *screen_);
  }
  stopTrack(screen_);
  call(hooks_.indicatorsChanged);
  changed();
}

void LocalMedia::refreshDevices() {
  backend_.enumerateDevices(alive_.guard([this](Result<std::vector<MediaDevice>> devices) {
    if (!devices)
      return call(hooks_.problem, "could not list the devices: " + devices.error().message);
    devices_ = std::move(devices).value();
    changed();
  }));
}

void LocalMedia::handleEnded(const LocalTrack& track) {
  if (screen_ && screen_->id == track.id) {
    // The user stopped sharing from the browser's own controls.
    stopScreenShare();
    return;
  }
  for (std::optional<LocalTrack>* slot : {&microphone_, &camera_}) {
    if (*slot && (*slot)->id == track.id) {
      if (slot == &microphone_ || !screen_) call(hooks_.remove, track);
      slot->reset();
      call(hooks_.indicatorsChanged);
      fail(std::string(slot == &microphone_ ? "microphone" : "camera") + "-stopped",
           std::string(slot == &microphone_ ? "the microphone" : "the camera") + " stopped (" +
           track.label + ")");
    }
  }
}

void LocalMedia::stopTrack(std::optional<LocalTrack>& track) {
  if (track) backend_.stop(*track);
  track.reset();
}

std::string mediaErrorCode(std::string_view device, std::string_view error) {
  const auto named = [error](std::string_view name) {
    return error.substr(0, name.size()) == name && (error.size() == name.size() || error[name.size()] == ':');
  };
  std::string_view what = "-failed";
  if (named("NotAllowedError") || named("SecurityError")) {
    what = "-denied";
  } else if (named("NotFoundError") || named("OverconstrainedError")) {
    what = "-missing";
  } else if (named("NotReadableError") || named("AbortError")) {
    what = "-busy";
  }
  return std::string(device) + std::string(what);
}

void LocalMedia::fail(std::string code, std::string what) {
  error_ = what;
  call(hooks_.failed, code, error_);
  changed();
}

void LocalMedia::changed() {
  call(hooks_.changed);
}

}  // namespace orbit
