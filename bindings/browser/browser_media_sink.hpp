#pragma once

#include "media_sink.hpp"

#include <map>
#include <string>
#include <vector>

namespace orbit {

// MediaSink over hidden <video>/<audio> elements and WebGL textures, through
// library_orbit_sink.js. Remote tracks are looked up by id in BrowserPeerBackend's
// connections, local ones by handle in BrowserMediaBackend's table; a track is presented
// once both it and this sink exist, and released when a present() call no longer names it.
//
// Use from the UI, each frame while the GL context is current: present() with every track on
// screen or to be heard, then remoteFrame()/localFrame() per tile. A frame call uploads only
// when a new frame came since the last one (one texSubImage2D), else it is a table lookup.
// Destroying the sink deletes its textures: not between building and rendering a frame.
//
// Implemented features:
//  [x] video -> a texture of the current GL context (GLFW's WebGL2 canvas), uploaded while the
//      UI draws and only when requestVideoFrameCallback (or, without it, a new currentTime)
//      says a frame arrived; reads no GL state back (a getParameter may wait for the GPU
//      process), so an upload leaves TEXTURE_2D unbound and the unpack state at its defaults
//  [x] remote audio plays through an <audio> element; local audio is only measured
//  [x] levels from one AudioContext's AnalyserNodes
//  [x] autoplay refusals (NotAllowedError) show as audioBlocked(); resumeAudio() retries
//  [x] present() with unchanged lists costs a comparison, no call into JS
//  [x] frame events of a destroyed sink are dropped
//  [ ] choosing the audio output device (setSinkId)
//  [ ] several GL contexts: textures belong to the context current at the first upload
class BrowserMediaSink final : public MediaSink {
 public:
  BrowserMediaSink();
  ~BrowserMediaSink() override;
  // JavaScript finds this object by its handle in a registry that holds its address.
  BrowserMediaSink(const BrowserMediaSink&) = delete;
  BrowserMediaSink& operator=(const BrowserMediaSink&) = delete;

  void present(const std::vector<std::string>& remoteTracks,
               const std::vector<int>& localTracks) override;

  std::optional<VideoFrame> remoteFrame(const std::string& trackId) override;
  std::optional<VideoFrame> localFrame(int trackId) override;

  float remoteLevel(const std::string& trackId) override;
  float localLevel(int trackId) override;

  bool audioBlocked() const override;
  void resumeAudio() override;

  void setOnFrame(std::function<void()> onFrame) override;

  // The entry point JavaScript calls, through an extern "C" function; not for C++ callers.
  class Events;

 private:
  int handle_ = 0;
  // Track -> slot in JS; 0 while the track is not there to present yet, which makes present()
  // try again on its next call even with unchanged lists.
  std::map<std::string, int> remoteSlots_;
  std::map<int, int> localSlots_;
  std::vector<std::string> lastRemote_;
  std::vector<int> lastLocal_;
  int waiting_ = 0;
  std::function<void()> onFrame_;
};

}  // namespace orbit
