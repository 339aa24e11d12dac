#pragma once

#include "result.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

enum class TrackKind { Audio, Video, Screen };

inline std::string_view toString(TrackKind kind) {
  switch (kind) {
    case TrackKind::Audio: return "audio";
    case TrackKind::Video: return "video";
    case TrackKind::Screen: return "screen";
  }
  return "audio";
}

// A screen share travels as video; only the UI tells the two apart.
inline bool isAudio(TrackKind kind) { return kind == TrackKind::Audio; }

// A local capture track. Only the handle crosses to the browser bindings; the
// MediaStreamTrack itself stays in JS, keyed by `id`.
struct LocalTrack {
  int id = 0;
  TrackKind kind = TrackKind::Audio;
  std::string label;  // the device's name, as the browser reports it
};

struct MediaConstraints {
  bool audio = true;
  bool video = true;
  std::string audioDeviceId;  // empty: the default device
  std::string videoDeviceId;
};

enum class DeviceKind { AudioInput, VideoInput, AudioOutput };

// MediaDeviceInfo.kind's names.
inline std::string_view toString(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::AudioInput: return "audioinput";
    case DeviceKind::VideoInput: return "videoinput";
    case DeviceKind::AudioOutput: return "audiooutput";
  }
  return "audioinput";
}

struct MediaDevice {
  std::string deviceId;
  DeviceKind kind = DeviceKind::AudioInput;
  std::string label;  // empty until the user has granted a capture permission
};

// Cameras, microphones and screen capture. Completions and events run on the owner's
// thread, never from inside the call that started them. A refused permission or a missing
// device is an Error in the Result, never an abort.
class MediaBackend {
 public:
  template <class T>
  using Completion = std::function<void(Result<T>)>;

  virtual ~MediaBackend() = default;

  virtual void getUserMedia(const MediaConstraints& constraints,
                            Completion<std::vector<LocalTrack>> done) = 0;
  virtual void getDisplayMedia(Completion<std::vector<LocalTrack>> done) = 0;
  virtual void enumerateDevices(Completion<std::vector<MediaDevice>> done) = 0;

  // A disabled track keeps its device and sends silence or black frames: mute, not hang up.
  virtual void setEnabled(const LocalTrack& track, bool enabled) = 0;
  virtual void stop(const LocalTrack& track) = 0;

  virtual void setOnDeviceChange(std::function<void()> onDeviceChange) = 0;
  // The browser ends a track on its own when the user stops a screen share from its UI.
  virtual void setOnTrackEnded(std::function<void(const LocalTrack& track)> onEnded) = 0;
};

}  // namespace orbit
