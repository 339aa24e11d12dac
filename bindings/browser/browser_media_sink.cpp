#include "browser_media_sink.hpp"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdint>
#include <utility>

// From library_orbit_sink.js.
extern "C" {
int orbit_sink_create();
void orbit_sink_destroy(int sink);
int orbit_sink_add_remote(int sink, const char* trackId);
int orbit_sink_add_local(int sink, int trackHandle);
void orbit_sink_release(int slot);
double orbit_sink_frame(int slot, int* out);
double orbit_sink_level(int slot);
int orbit_sink_audio_blocked(int sink);
void orbit_sink_resume_audio(int sink);
}

namespace orbit {
namespace {

// Handle -> live sink; frame events for a handle missing here are dropped.
std::map<int, BrowserMediaSink*>& registry() {
  static std::map<int, BrowserMediaSink*> sinks;
  return sinks;
}

template <class Key>
int slotOf(const std::map<Key, int>& slots, const Key& key) {
  auto it = slots.find(key);
  return it == slots.end() ? 0 : it->second;
}

std::optional<VideoFrame> frameOf(int slot) {
  if (slot == 0) return std::nullopt;
  int out[3] = {0, 0, 0};
  const double frames = orbit_sink_frame(slot, out);
  if (frames < 0) return std::nullopt;
  return VideoFrame{static_cast<std::uint32_t>(out[0]), out[1], out[2],
                    static_cast<std::uint64_t>(frames)};
}

float levelOf(int slot) {
  return slot == 0 ? 0.0f : static_cast<float>(orbit_sink_level(slot));
}

// Releases the slots whose key is not in `wanted`, then adds (or retries) the rest; returns
// how many are still waiting for their track.
template <class Key, class Add>
int sync(std::map<Key, int>& slots, const std::vector<Key>& wanted, Add add) {
  for (auto it = slots.begin(); it != slots.end();) {
    if (std::find(wanted.begin(), wanted.end(), it->first) == wanted.end()) {
      if (it->second != 0) orbit_sink_release(it->second);
      it = slots.erase(it);
    } else {
      ++it;
    }
  }
  int waiting = 0;
  for (const Key& key : wanted) {
    int& slot = slots[key];
    if (slot == 0) slot = add(key);
    if (slot == 0) ++waiting;
  }
  return waiting;
}

}  // namespace

class BrowserMediaSink::Events {
 public:
  static void frame(int handle) {
    auto it = registry().find(handle);
    if (it == registry().end()) return;
    if (auto handler = it->second->onFrame_) handler();
  }
};

BrowserMediaSink::BrowserMediaSink() : handle_(orbit_sink_create()) {
  registry()[handle_] = this;
}

BrowserMediaSink::~BrowserMediaSink() {
  registry().erase(handle_);
  orbit_sink_destroy(handle_);
}

void BrowserMediaSink::present(const std::vector<std::string>& remoteTracks,
                               const std::vector<int>& localTracks) {
  // The UI calls this every frame: unchanged lists with nothing pending cost no JS call.
  if (waiting_ == 0 && remoteTracks == lastRemote_ && localTracks == lastLocal_) return;
  lastRemote_ = remoteTracks;
  lastLocal_ = localTracks;
  const int sink = handle_;
  waiting_ =
      sync(remoteSlots_, remoteTracks,
           [sink](const std::string& id) { return orbit_sink_add_remote(sink, id.c_str()); }) +
      sync(localSlots_, localTracks, [sink](int id) { return orbit_sink_add_local(sink, id); });
}

std::optional<VideoFrame> BrowserMediaSink::remoteFrame(const std::string& trackId) {
  return frameOf(slotOf(remoteSlots_, trackId));
}

std::optional<VideoFrame> BrowserMediaSink::localFrame(int trackId) {
  return frameOf(slotOf(localSlots_, trackId));
}

float BrowserMediaSink::remoteLevel(const std::string& trackId) {
  return levelOf(slotOf(remoteSlots_, trackId));
}

float BrowserMediaSink::localLevel(int trackId) {
  return levelOf(slotOf(localSlots_, trackId));
}

bool BrowserMediaSink::audioBlocked() const {
  return orbit_sink_audio_blocked(handle_) != 0;
}

void BrowserMediaSink::resumeAudio() {
  orbit_sink_resume_audio(handle_);
}

void BrowserMediaSink::setOnFrame(std::function<void()> onFrame) {
  onFrame_ = std::move(onFrame);
}

}  // namespace orbit

// What library_orbit_sink.js calls. A handle that is no longer registered is ignored.
extern "C" {

EMSCRIPTEN_KEEPALIVE void orbit_sink_on_frame(int sink) {
  orbit::BrowserMediaSink::Events::frame(sink);
}

}  // extern "C"
