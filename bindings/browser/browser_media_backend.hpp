#pragma once

#include "media_backend.hpp"

#include <map>

namespace orbit {

// MediaBackend over navigator.mediaDevices, through library_orbit_media.js. A LocalTrack's
// id is the handle of its MediaStreamTrack there, which BrowserPeerBackend's connections
// look up to send it.
//
// Implemented features:
//  [x] getUserMedia with a chosen camera and microphone, getDisplayMedia, enumerateDevices
//  [x] devicechange, and a track the browser ends on its own (a screen share stopped from
//      the browser's UI)
//  [x] track.enabled as mute, track.stop()
//  [x] a refused permission, a missing device or an insecure page is an Error, never an abort
//  [x] completions of a destroyed backend are dropped; tracks it would have received are stopped
//  [ ] audio from a screen share (video only, for now)
//  [ ] choosing the audio output device (setSinkId)
class BrowserMediaBackend final : public MediaBackend {
 public:
  BrowserMediaBackend();
  ~BrowserMediaBackend() override;
  // JavaScript finds this object by its handle in a registry that holds its address.
  BrowserMediaBackend(const BrowserMediaBackend&) = delete;
  BrowserMediaBackend& operator=(const BrowserMediaBackend&) = delete;

  void getUserMedia(const MediaConstraints& constraints,
                    Completion<std::vector<LocalTrack>> done) override;
  void getDisplayMedia(Completion<std::vector<LocalTrack>> done) override;
  void enumerateDevices(Completion<std::vector<MediaDevice>> done) override;

  void setEnabled(const LocalTrack& track, bool enabled) override;
  void stop(const LocalTrack& track) override;

  void setOnDeviceChange(std::function<void()> onDeviceChange) override;
  void setOnTrackEnded(std::function<void(const LocalTrack& track)> onEnded) override;

  // The entry points JavaScript calls, through extern "C" functions; not for C++ callers.
  class Events;

 private:
  int handle_ = 0;
  int lastOp_ = 0;
  std::map<int, Completion<std::vector<LocalTrack>>> pendingTracks_;
  std::map<int, Completion<std::vector<MediaDevice>>> pendingDevices_;
  // Tracks this backend captured, so that an `ended` event can name the whole LocalTrack.
  std::map<int, LocalTrack> tracks_;
  std::function<void()> onDeviceChange_;
  std::function<void(const LocalTrack&)> onTrackEnded_;
};

}  // namespace orbit
