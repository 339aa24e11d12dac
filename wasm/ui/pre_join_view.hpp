#pragma once

#include "api.hpp"
#include "drafts.hpp"
#include "liveness.hpp"
#include "manager.hpp"
#include "media_backend.hpp"
#include "media_sink.hpp"
#include "payloads.hpp"
#include "pre_join.hpp"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace orbit {

// The screen before a room: your name, the camera and microphone to use (switched through
// the Manager, so the tracks chosen here are the ones the room gets), a live self-view and,
// for a protected room, the password. The PreJoin does the talking to the server.
class PreJoinView {
 public:
  // `changed` asks the app to redraw and republish its state. The fields show and edit
  // `drafts` (name, password).
  PreJoinView(PreJoin& preJoin, Drafts& drafts, Manager& manager, MediaBackend& media, MediaSink& sink,
              std::function<void()> changed);
  ~PreJoinView();
  PreJoinView(const PreJoinView&) = delete;
  PreJoinView& operator=(const PreJoinView&) = delete;

  // The screen opens: the keyboard goes to the name field, and the devices are listed.
  void opened();
  void draw();

  // The page's copy of the screen chose a device: it is the one shown as chosen here too.
  void chose(TrackKind kind, const std::string& deviceId);
  // The devices as last listed, for the state: {"cameras": [...], "microphones": [...]}
  Json snapshot() const;

 private:
  void listDevices();
  void drawPreview(float width);
  void drawDeviceCombo(const char* label, const char* item, TrackKind kind,
                       const std::vector<MediaDevice>& devices,
                       const std::optional<LocalTrack>& track, std::string& chosen);

  PreJoin& preJoin_;
  Drafts& drafts_;
  Manager& manager_;
  MediaBackend& media_;
  MediaSink& sink_;
  std::function<void()> changed_;
  Liveness alive_;

  // Longer than the longest name the server keeps, so that one typed too long is refused with
  // a reason rather than cut short without a word.
  std::array<char, kMaxUsernameChars * 4 * 2 + 1> name_{};
  bool focusName_ = false;  // the next frame puts the keyboard in the name field
  std::array<char, kMaxPasswordBytes + 1> password_{};
  std::vector<MediaDevice> cameras_;
  std::vector<MediaDevice> microphones_;
  std::string chosenCamera_;
  std::string chosenMicrophone_;
  std::string devicesError_;
  // The tracks the device list was made for: labels appear once a capture is allowed.
  int listedForCamera_ = -1;
  int listedForMicrophone_ = -1;
};

}  // namespace orbit
