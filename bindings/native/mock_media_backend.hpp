#pragma once

#include "media_backend.hpp"
#include "scheduler.hpp"

#include <memory>
#include <optional>
#include <string>

namespace orbit {

// A MediaBackend for native tests and bots: a fake microphone, camera and screen that
// hand out track handles (no samples ever flow), two devices of each input kind, and
// refusals on request so the client core's error paths can be tested. Completions and
// events go through the Scheduler, never from inside the call.
class MockMediaBackend final : public MediaBackend {
 public:
  explicit MockMediaBackend(Scheduler& scheduler);
  ~MockMediaBackend() override;
  MockMediaBackend(const MockMediaBackend&) = delete;
  MockMediaBackend& operator=(const MockMediaBackend&) = delete;

  void getUserMedia(const MediaConstraints& constraints, Completion<std::vector<LocalTrack>> done) override;
  void getDisplayMedia(Completion<std::vector<LocalTrack>> done) override;
  void enumerateDevices(Completion<std::vector<MediaDevice>> done) override;
  void setEnabled(const LocalTrack& track, bool enabled) override;
  void stop(const LocalTrack& track) override;
  void setOnDeviceChange(std::function<void()> onDeviceChange) override;
  void setOnTrackEnded(std::function<void(const LocalTrack& track)> onEnded) override;

  // Every later request for that kind fails with `error` (as a browser says it, e.g.
  // "NotAllowedError: Permission denied"); nothing refuses it again.
  void refuse(TrackKind kind, std::optional<std::string> error);
  // Ends a live track as the browser does when a device goes away or the user stops a
  // screen share from the browser's own UI.
  void end(const LocalTrack& track);

  // Whether a track is live (handed out, neither stopped nor ended) and enabled.
  bool live(int trackId) const;
  bool enabled(int trackId) const;
  std::size_t liveTracks() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace orbit
