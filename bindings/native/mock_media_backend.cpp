#include "mock_media_backend.hpp"

#include <map>
#include <utility>

namespace orbit {

struct MockMediaBackend::State {
  explicit State(Scheduler& s) : scheduler(s) {}

  Scheduler& scheduler;
  int lastTrack = 0;
  std::map<int, bool> live;  // track id → enabled
  std::map<TrackKind, std::string> refusals;
  std::function<void()> onDeviceChange;
  std::function<void(const LocalTrack&)> onEnded;

  // Completions run later, and not at all once the backend is gone.
  void post(std::function<void()> fn) {
    scheduler.after(Scheduler::Millis(1), [weak = std::weak_ptr<bool>(alive), fn = std::move(fn)] {
      if (!weak.expired()) fn();
    });
  }

  LocalTrack make(TrackKind kind, std::string label) {
    LocalTrack track{++lastTrack, kind, std::move(label)};
    live[track.id] = true;
    return track;
  }

  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

namespace {

const char* defaultLabel(TrackKind kind) {
  switch (kind) {
    case TrackKind::Audio: return "Mock microphone";
    case TrackKind::Video: return "Mock camera";
    case TrackKind::Screen: return "Mock screen";
  }
  return "";
}

}  // namespace

MockMediaBackend::MockMediaBackend(Scheduler& scheduler) : state_(std::make_shared<State>(scheduler)) {}

MockMediaBackend::~MockMediaBackend() = default;

void MockMediaBackend::getUserMedia(const MediaConstraints& constraints, Completion<std::vector<LocalTrack>> done) {
  Result<std::vector<LocalTrack>> result = std::vector<LocalTrack>{};
  if (!constraints.audio && !constraints.video) {
    result = Error{"TypeError: at least one of audio and video must be requested"};
  } else {
    for (TrackKind kind : {TrackKind::Audio, TrackKind::Video}) {
      const bool wanted = kind == TrackKind::Audio ? constraints.audio : constraints.video;
      const auto refusal = state_->refusals.find(kind);
      if (wanted && refusal != state_->refusals.end()) {
        result = Error{refusal->second};
        break;
      }
    }
  }
  if (result) {
    // A device id picks the second fake device of its kind; the label says which.
    if (constraints.audio) {
      result->push_back(state_->make(TrackKind::Audio, constraints.audioDeviceId.empty()
                                                           ? defaultLabel(TrackKind::Audio)
                                                           : "Mock microphone " + constraints.audioDeviceId));
    }
    if (constraints.video) {
      result->push_back(state_->make(TrackKind::Video, constraints.videoDeviceId.empty()
                                                           ? defaultLabel(TrackKind::Video)
                                                           : "Mock camera " + constraints.videoDeviceId));
    }
  }
  state_->post([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
}

void MockMediaBackend::getDisplayMedia(Completion<std::vector<LocalTrack>> done) {
  Result<std::vector<LocalTrack>> result = std::vector<LocalTrack>{};
  if (auto refusal = state_->refusals.find(TrackKind::Screen); refusal != state_->refusals.end()) {
    result = Error{refusal->second};
  } else {
    result->push_back(state_->make(TrackKind::Screen, defaultLabel(TrackKind::Screen)));
  }
  state_->post([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
}

void MockMediaBackend::enumerateDevices(Completion<std::vector<MediaDevice>> done) {
  std::vector<MediaDevice> devices{
      {"mic-1", DeviceKind::AudioInput, "Mock microphone"},
      {"mic-2", DeviceKind::AudioInput, "Mock microphone mic-2"},
      {"cam-1", DeviceKind::VideoInput, "Mock camera"},
      {"cam-2", DeviceKind::VideoInput, "Mock camera cam-2"},
      {"out-1", DeviceKind::AudioOutput, "Mock speaker"},
  };
  state_->post([done = std::move(done), devices = std::move(devices)]() mutable { done(std::move(devices)); });
}

void MockMediaBackend::setEnabled(const LocalTrack& track, bool enabled) {
  if (auto it = state_->live.find(track.id); it != state_->live.end()) it->second = enabled;
}

void MockMediaBackend::stop(const LocalTrack& track) { state_->live.erase(track.id); }

void MockMediaBackend::setOnDeviceChange(std::function<void()> onDeviceChange) {
  state_->onDeviceChange = std::move(onDeviceChange);
}

void MockMediaBackend::setOnTrackEnded(std::function<void(const LocalTrack& track)> onEnded) {
  state_->onEnded = std::move(onEnded);
}

void MockMediaBackend::refuse(TrackKind kind, std::optional<std::string> error) {
  if (error) {
    state_->refusals[kind] = std::move(*error);
  } else {
    state_->refusals.erase(kind);
  }
}

void MockMediaBackend::end(const LocalTrack& track) {
  if (state_->live.erase(track.id) == 0) return;
  state_->post([state = state_.get(), track] {
    if (state->onEnded) state->onEnded(track);
  });
}

bool MockMediaBackend::live(int trackId) const { return state_->live.count(trackId) != 0; }

bool MockMediaBackend::enabled(int trackId) const {
  const auto it = state_->live.find(trackId);
  return it != state_->live.end() && it->second;
}

std::size_t MockMediaBackend::liveTracks() const { return state_->live.size(); }

}  // namespace orbit
