#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace orbit {

// The newest frame of a video track, uploaded to a texture of the UI's GL context.
struct VideoFrame {
  std::uint32_t texture = 0;  // a GL texture name, for ImGui::Image
  int width = 0;
  int height = 0;
  std::uint64_t frames = 0;  // frames decoded since the track was first presented
};

// Where media ends up on screen and in the speakers: remote audio plays, and every
// presented video track (remote, or a local one for the self-view) becomes a texture the
// UI draws. Browser: a hidden <video>/<audio> element per track and requestVideoFrameCallback.
class MediaSink {
 public:
  virtual ~MediaSink() = default;

  // The tracks to present now, by RemoteTrack::id and LocalTrack::id, audio and video alike.
  // Tracks not named any more are released; calling it with the same lists is cheap, so the
  // UI may call it every frame.
  virtual void present(const std::vector<std::string>& remoteTracks, const std::vector<int>& localTracks) = 0;

  // Nothing until a presented video track's first frame has arrived.
  virtual std::optional<VideoFrame> remoteFrame(const std::string& trackId) = 0;
  virtual std::optional<VideoFrame> localFrame(int trackId) = 0;

  // How loud a presented audio track is now, 0 to 1, for the speaking indicator.
  virtual float remoteLevel(const std::string& trackId) = 0;
  virtual float localLevel(int trackId) = 0;

  // Browsers may refuse to play sound before the user has interacted with the page. True
  // while remote audio is held back that way; resumeAudio() (from a click) plays it.
  virtual bool audioBlocked() const = 0;
  virtual void resumeAudio() = 0;

  // Called when a new video frame arrived on a presented track, so the UI draws again.
  virtual void setOnFrame(std::function<void()> onFrame) = 0;
};

}  // namespace orbit
