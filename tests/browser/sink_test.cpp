// BrowserMediaSink in Chromium, with the GL context the UI has (Emscripten's GLFW on a WebGL2
// canvas): A sends its fake camera and microphone to B, both VideoPeers in this one page over
// BrowserPeerBackend; a sink presents B's remote tracks and A's local ones, and this program
// reads the textures back to check they hold the picture. tests/e2e/browser_bindings.test.mjs
// loads web/sink.html once per scenario (the program's argument), reads window.bindingsState
// and steps the program on with Module._sink_test_command().
#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>

#include "browser_media_backend.hpp"
#include "browser_media_sink.hpp"
#include "browser_peer_backend.hpp"
#include "browser_platform.hpp"
#include "browser_scheduler.hpp"
#include "message.hpp"
#include "video_peer.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace orbit {
namespace {

using Millis = Scheduler::Millis;

BrowserPlatform platform;
BrowserScheduler scheduler;
BrowserMediaBackend media;
Json state = Json::object();

void publish() {
  platform.publishState(state.dump());
}

void report(const std::string& key, Json value) {
  state[key] = std::move(value);
  publish();
}

// A sends, B receives; messages go across through the scheduler as the server would pass them.
struct Pair {
  static inline const ClientId kA{std::string(32, '1')};
  static inline const ClientId kB{std::string(32, 'e')};

  Pair() {
    a = std::make_unique<VideoPeer>(kA, kB, backendA, scheduler, RtcConfiguration{},
                                    handlers(true));
    b = std::make_unique<VideoPeer>(kB, kA, backendB, scheduler, RtcConfiguration{},
                                    handlers(false));
  }

  VideoPeer::Handlers handlers(bool fromA) {
    VideoPeer::Handlers h;
    h.send = [this, fromA](const Message& message) {
      Message stamped = message;
      stamped.sender = (fromA ? kA : kB).value;
      scheduler.after(Millis(5), [this, stamped, fromA] {
        if (std::unique_ptr<VideoPeer>& to = fromA ? b : a) to->handle(stamped);
      });
    };
    h.onProblem = [](std::string_view problem) {
      if (!state["problems"].is_array()) state["problems"] = Json::array();
      state["problems"].push_back(std::string(problem));
    };
    return h;
  }

  BrowserPeerBackend backendA;
  BrowserPeerBackend backendB;
  std::unique_ptr<VideoPeer> a;
  std::unique_ptr<VideoPeer> b;
};

// What reading a texture back through a framebuffer shows.
struct Picture {
  bool complete = false;
  int lit = 0;  // pixels brighter than near-black
  std::uint32_t checksum = 0;
};

Picture readBack(const VideoFrame& frame) {
  Picture picture;
  GLuint framebuffer = 0;
  glGenFramebuffers(1, &framebuffer);
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, frame.texture, 0);
  picture.complete = glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
  if (picture.complete) {
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(frame.width) * frame.height * 4);
    glReadPixels(0, 0, frame.width, frame.height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    for (std::size_t i = 0; i < pixels.size(); i += 4) {
      if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 48) ++picture.lit;
      picture.checksum = picture.checksum * 31 + pixels[i] + pixels[i + 1] * 7 + pixels[i + 2] * 13;
    }
  }
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glDeleteFramebuffers(1, &framebuffer);
  return picture;
}

// One presented video track as the program saw it.
struct Seen {
  std::uint64_t frames = 0;
  int width = 0;
  int height = 0;
  std::uint32_t texture = 0;
  int maxLit = 0;
  bool complete = false;
  std::set<std::uint32_t> checksums;

  void observe(const std::optional<VideoFrame>& frame, bool readPixels) {
    if (!frame) return;
    frames = frame->frames;
    width = frame->width;
    height = frame->height;
    texture = frame->texture;
    if (!readPixels) return;
    const Picture picture = readBack(*frame);
    complete = picture.complete;
    maxLit = std::max(maxLit, picture.lit);
    if (checksums.size() < 50) checksums.insert(picture.checksum);
  }

  Json toJson() const {
    return {{"frames", frames},
            {"width", width},
            {"height", height},
            {"texture", texture},
            {"maxLit", maxLit},
            {"complete", complete},
            {"pictures", checksums.size()}};
  }
};

struct Test {
  GLFWwindow* window = nullptr;
  std::unique_ptr<Pair> pair;
  std::vector<LocalTrack> local;
  std::unique_ptr<BrowserMediaSink> sink;
  std::unique_ptr<BrowserMediaSink> control;  // outlives `sink`, to show frames still come
  bool presentRemoteVideo = true;
  bool presentAll = true;
  bool destroyed = false;
  int onFrame = 0;
  int onFrameAfterDestroy = 0;
  int controlOnFrame = 0;
  int loops = 0;
  float maxRemoteLevel = 0;
  float maxLocalLevel = 0;
  bool bindingKept = true;
  bool unpackKept = true;
  Seen remoteVideo;
  Seen localVideo;
  Seen controlVideo;
  int clicks = 0;
  int resumes = 0;
  bool everBlocked = false;
  GLuint probeTexture = 0;
};

Test test;

std::string remoteOf(const std::string& kind) {
  for (const RemoteTrack& t : test.pair->b->remoteTracks()) {
    if (t.kind == kind) return t.id;
  }
  return {};
}

int localOf(TrackKind kind) {
  for (const LocalTrack& t : test.local) {
    if (t.kind == kind) return t.id;
  }
  return 0;
}

// What the UI would do each frame: present, then draw every frame and level there is.
void frame() {
  ++test.loops;
  const std::string video = remoteOf("video");
  const std::string audio = remoteOf("audio");
  std::vector<std::string> remote;
  std::vector<int> local;
  if (test.presentAll) {
    if (!video.empty() && test.presentRemoteVideo) remote.push_back(video);
    if (!audio.empty()) remote.push_back(audio);
    local = {localOf(TrackKind::Video), localOf(TrackKind::Audio)};
  }
  // An upload reads no GL state back (a getParameter can wait on the GPU process), so it
  // leaves TEXTURE_2D unbound and the unpack state at its defaults, or, with no upload, as it
  // was; a row length other than zero would also garble the upload if the sink did not reset it.
  glBindTexture(GL_TEXTURE_2D, test.probeTexture);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 3);
  const bool readPixels = test.loops % 10 == 0;
  if (test.sink) {
    test.sink->present(remote, local);
    test.remoteVideo.observe(test.sink->remoteFrame(video), false);
    test.localVideo.observe(test.sink->localFrame(localOf(TrackKind::Video)), false);
    test.maxRemoteLevel = std::max(test.maxRemoteLevel, test.sink->remoteLevel(audio));
    test.maxLocalLevel =
        std::max(test.maxLocalLevel, test.sink->localLevel(localOf(TrackKind::Audio)));
    test.everBlocked = test.everBlocked || test.sink->audioBlocked();
  }
  if (test.control) {
    std::vector<std::string> controlRemote;
    if (!video.empty() && test.presentAll) controlRemote.push_back(video);
    test.control->present(controlRemote, {});
    test.controlVideo.observe(test.control->remoteFrame(video), false);
  }
  GLint bound = 0;
  GLint rowLength = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &bound);
  glGetIntegerv(GL_UNPACK_ROW_LENGTH, &rowLength);
  test.bindingKept = test.bindingKept && (bound == static_cast<GLint>(test.probeTexture) || bound == 0);
  test.unpackKept = test.unpackKept && (rowLength == 3 || rowLength == 0);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
  if (readPixels) {
    if (test.sink) {
      test.remoteVideo.observe(test.sink->remoteFrame(video), true);
      test.localVideo.observe(test.sink->localFrame(localOf(TrackKind::Video)), true);
    }
    if (test.control) test.controlVideo.observe(test.control->remoteFrame(video), true);
  }
  if (test.loops % 6 == 0) {
    state["connection"] = toString(test.pair->b->connectionState());
    state["remoteTracks"] = test.pair->b->remoteTracks().size();
    state["remoteVideo"] = test.remoteVideo.toJson();
    state["localVideo"] = test.localVideo.toJson();
    state["controlVideo"] = test.controlVideo.toJson();
    state["maxRemoteLevel"] = test.maxRemoteLevel;
    state["maxLocalLevel"] = test.maxLocalLevel;
    state["bindingKept"] = test.bindingKept;
    state["unpackKept"] = test.unpackKept;
    state["onFrame"] = test.onFrame;
    state["onFrameAfterDestroy"] = test.onFrameAfterDestroy;
    state["controlOnFrame"] = test.controlOnFrame;
    state["destroyed"] = test.destroyed;
    state["presentRemoteVideo"] = test.presentRemoteVideo;
    state["presentAll"] = test.presentAll;
    state["audioBlocked"] = test.sink ? Json(test.sink->audioBlocked()) : Json(nullptr);
    state["everBlocked"] = test.everBlocked;
    state["clicks"] = test.clicks;
    state["resumes"] = test.resumes;
    state["loops"] = test.loops;
    publish();
  }
  glfwSwapBuffers(test.window);
  scheduler.after(Millis(16), frame);
}

bool openWindow() {
  if (!glfwInit()) return false;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  test.window = glfwCreateWindow(320, 240, "sink test", nullptr, nullptr);
  if (!test.window) return false;
  glfwMakeContextCurrent(test.window);
  glGenTextures(1, &test.probeTexture);
  // A click is the user gesture that lets audio play; the UI would call resumeAudio() from
  // its "enable sound" button the same way.
  glfwSetMouseButtonCallback(test.window, [](GLFWwindow*, int, int action, int) {
    if (action != GLFW_PRESS) return;
    ++test.clicks;
    if (test.sink && test.sink->audioBlocked()) {
      ++test.resumes;
      test.sink->resumeAudio();
    }
  });
  return true;
}

void run() {
  if (!openWindow()) return report("phase", "no GL context");
  media.getUserMedia(MediaConstraints{}, [](Result<std::vector<LocalTrack>> tracks) {
    if (!tracks) return report("phase", "capture failed: " + tracks.error().message);
    test.local = *tracks;
    test.pair = std::make_unique<Pair>();
    for (const LocalTrack& t : test.local) test.pair->a->addTrack(t);
    test.sink = std::make_unique<BrowserMediaSink>();
    test.sink->setOnFrame([] { ++(test.destroyed ? test.onFrameAfterDestroy : test.onFrame); });
    test.control = std::make_unique<BrowserMediaSink>();
    test.control->setOnFrame([] { ++test.controlOnFrame; });
    report("phase", "running");
    frame();
  });
}

}  // namespace
}  // namespace orbit

// Steps the test from tests/e2e: 1 stops presenting the remote video, 2 destroys the sink
// (counting onFrame calls that still arrive), 3 makes the control sink present nothing.
extern "C" void sink_test_command(int command) {
  using namespace orbit;
  if (command == 1) {
    test.presentRemoteVideo = false;
  } else if (command == 2) {
    test.destroyed = true;
    test.sink.reset();
  } else if (command == 3) {
    test.presentAll = false;
  }
}

int main() {
  orbit::run();
  return 0;
}
