#include "browser_media_backend.hpp"

#include "message.hpp"

#include <emscripten/emscripten.h>

#include <string>
#include <utility>

// From library_orbit_media.js.
extern "C" {
int orbit_media_create();
void orbit_media_destroy(int backend);
void orbit_media_get_user_media(int backend, int op, int audio, int video, const char* audioDevice,
                                const char* videoDevice);
void orbit_media_get_display_media(int backend, int op);
void orbit_media_enumerate_devices(int backend, int op);
void orbit_media_set_enabled(int track, int enabled);
void orbit_media_stop(int track);
}

namespace orbit {
namespace {

// Handle -> live backend; reports for a handle missing here are dropped.
std::map<int, BrowserMediaBackend*>& registry() {
  static std::map<int, BrowserMediaBackend*> backends;
  return backends;
}

BrowserMediaBackend* find(int handle) {
  auto it = registry().find(handle);
  return it == registry().end() ? nullptr : it->second;
}

// The JSON comes from library_orbit_media.js, but is checked anyway: a surprise here must
// not abort the page.
std::string stringField(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int intField(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int>() : -1;
}

}  // namespace

class BrowserMediaBackend::Events {
 public:
  static void done(int handle, int op, const char* error, const char* json) {
    BrowserMediaBackend* self = find(handle);
    if (!self) return;
    if (auto node = self->pendingTracks_.extract(op); !node.empty()) {
      auto callback = std::move(node.mapped());
      if (!callback) return;
      if (error) return callback(Error{error});
      std::vector<LocalTrack> tracks;
      const Json list = Json::parse(json ? json : "", nullptr, false);
      if (list.is_array()) {
        for (const Json& item : list) {
          if (!item.is_object()) continue;
          const int kind = intField(item, "kind");
          LocalTrack track{intField(item, "id"),
                           kind >= 0 && kind <= 2 ? static_cast<TrackKind>(kind) : TrackKind::Video,
                           stringField(item, "label")};
          self->tracks_[track.id] = track;
          tracks.push_back(std::move(track));
        }
      }
      callback(std::move(tracks));
    } else if (auto devices = self->pendingDevices_.extract(op); !devices.empty()) {
      auto callback = std::move(devices.mapped());
      if (!callback) return;
      if (error) return callback(Error{error});
      std::vector<MediaDevice> found;
      const Json list = Json::parse(json ? json : "", nullptr, false);
      if (list.is_array()) {
        for (const Json& item : list) {
          if (!item.is_object()) continue;
          const int kind = intField(item, "kind");
          if (kind < 0 || kind > 2) continue;
          found.push_back(MediaDevice{stringField(item, "deviceId"), static_cast<DeviceKind>(kind),
                                      stringField(item, "label")});
        }
      }
      callback(std::move(found));
    }
  }

  static void deviceChange(int handle) {
    BrowserMediaBackend* self = find(handle);
    if (!self) return;
    if (auto handler = self->onDeviceChange_) handler();
  }

  static void trackEnded(int handle, int trackHandle) {
    BrowserMediaBackend* self = find(handle);
    if (!self) return;
    auto it = self->tracks_.find(trackHandle);
    if (it == self->tracks_.end()) return;
    const LocalTrack track = it->second;
    if (auto handler = self->onTrackEnded_) handler(track);
  }
};

BrowserMediaBackend::BrowserMediaBackend() : handle_(orbit_media_create()) {
  registry()[handle_] = this;
}

BrowserMediaBackend::~BrowserMediaBackend() {
  registry().erase(handle_);
  orbit_media_destroy(handle_);
}

void BrowserMediaBackend::getUserMedia(const MediaConstraints& constraints,
                                       Completion<std::vector<LocalTrack>> done) {
  const int op = ++lastOp_;
  pendingTracks_.emplace(op, std::move(done));
  orbit_media_get_user_media(handle_, op, constraints.audio, constraints.video,
                             constraints.audioDeviceId.c_str(), constraints.videoDeviceId.c_str());
}

void BrowserMediaBackend::getDisplayMedia(Completion<std::vector<LocalTrack>> done) {
  const int op = ++lastOp_;
  pendingTracks_.emplace(op, std::move(done));
  orbit_media_get_display_media(handle_, op);
}

void BrowserMediaBackend::enumerateDevices(Completion<std::vector<MediaDevice>> done) {
  const int op = ++lastOp_;
  pendingDevices_.emplace(op, std::move(done));
  orbit_media_enumerate_devices(handle_, op);
}

void BrowserMediaBackend::setEnabled(const LocalTrack& track, bool enabled) {
  orbit_media_set_enabled(track.id, enabled);
}

void BrowserMediaBackend::stop(const LocalTrack& track) {
  tracks_.erase(track.id);
  orbit_media_stop(track.id);
}

void BrowserMediaBackend::setOnDeviceChange(std::function<void()> onDeviceChange) {
  onDeviceChange_ = std::move(onDeviceChange);
}

void BrowserMediaBackend::setOnTrackEnded(std::function<void(const LocalTrack& track)> onEnded) {
  onTrackEnded_ = std::move(onEnded);
}

}  // namespace orbit

// What library_orbit_media.js calls. A handle that is no longer registered is ignored.
extern "C" {

EMSCRIPTEN_KEEPALIVE void orbit_media_done(int backend, int op, const char* error,
                                           const char* json) {
  orbit::BrowserMediaBackend::Events::done(backend, op, error, json);
}

EMSCRIPTEN_KEEPALIVE void orbit_media_device_change(int backend) {
  orbit::BrowserMediaBackend::Events::deviceChange(backend);
}

EMSCRIPTEN_KEEPALIVE void orbit_media_track_ended(int backend, int track) {
  orbit::BrowserMediaBackend::Events::trackEnded(backend, track);
}

}  // extern "C"
