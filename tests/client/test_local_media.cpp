// LocalMedia on the mock media backend and a manual clock: which track it asks its owner to
// add to, swap on or take off every connection, what the others are told of it, and that no
// device stays in use once it is released.
#include "local_media.hpp"
#include "manual_scheduler.hpp"
#include "mock_media_backend.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

std::string name(const LocalTrack& track) {
  return track.label;
}

// Records what LocalMedia asks its owner to do, one line each.
struct MediaRig {
  MediaRig() {
    local = std::make_unique<LocalMedia>(
        backend,
        LocalMedia::Hooks{
            .add = [this](const LocalTrack& t) { calls.push_back("add " + name(t)); },
            .replace =
                [this](const LocalTrack& from, const LocalTrack& to) {
                  calls.push_back("replace " + name(from) + " by " + name(to));
                },
            .remove = [this](const LocalTrack& t) { calls.push_back("remove " + name(t)); },
            .indicatorsChanged = [this] { ++indicatorChanges; },
            .failed = [this](const std::string& code,
                             const std::string& what) { calls.push_back("failed [" + code + "] " + what); },
            .problem =
                [this](std::string_view what) { calls.push_back("problem " + std::string(what)); },
            .changed = [this] { ++changes; },
        });
  }

  std::vector<std::string> sending() const {
    std::vector<std::string> out;
    for (const LocalTrack& t : local->sending()) out.push_back(name(t));
    return out;
  }

  ManualScheduler clock;
  MockMediaBackend backend{clock};
  std::vector<std::string> calls;
  int indicatorChanges = 0;
  int changes = 0;
  std::unique_ptr<LocalMedia> local;
};

}  // namespace

TEST_CASE(
    "local media: both devices go to every connection, and a refused camera leaves the microphone",
    "[media]") {
  MediaRig rig;
  rig.local->start({});
  rig.clock.advance(10ms);
  CHECK(rig.calls == std::vector<std::string>{"add Mock microphone", "add Mock camera"});
  CHECK(rig.sending() == std::vector<std::string>{"Mock microphone", "Mock camera"});
  CHECK(rig.local->indicators() == MediaIndicators{false, false, false});
  CHECK(rig.indicatorChanges == 1);
  CHECK(rig.local->devices().size() == 5);  // listed once a capture was allowed

  MediaRig refused;
  refused.backend.refuse(TrackKind::Video, "NotAllowedError: Permission denied");
  refused.local->start({});
  refused.clock.advance(10ms);
  CHECK(refused.calls ==
        std::vector<std::string>{
            "add Mock microphone",
            "failed [camera-denied] could not use the camera: NotAllowedError: Permission denied"});
  CHECK(refused.local->error() == "could not use the camera: NotAllowedError: Permission denied");
  CHECK(refused.local->indicators() == MediaIndicators{false, true, false});
  CHECK(refused.sending() == std::vector<std::string>{"Mock microphone"});
}

TEST_CASE(
    "local media: mute and camera off keep the tracks and change only what the others are told",
    "[media]") {
  MediaRig rig;
  rig.local->start({});
  rig.clock.advance(10ms);
  const LocalTrack mic = *rig.local->microphone();
  const LocalTrack camera = *rig.local->camera();
  rig.calls.clear();
  const int before = rig.indicatorChanges;

  rig.local->setMuted(true);
  rig.local->setCameraEnabled(false);
  CHECK_FALSE(rig.backend.enabled(mic.id));
  CHECK_FALSE(rig.backend.enabled(camera.id));
  CHECK(rig.local->indicators() == MediaIndicators{true, true, false});
  CHECK(rig.indicatorChanges == before + 2);
  CHECK(rig.calls.empty());  // no connection is touched
  rig.local->setMuted(false);
  CHECK(rig.backend.enabled(mic.id));
  CHECK(rig.local->indicators() == MediaIndicators{false, true, false});
}

TEST_CASE(
    "local media: a device switch swaps the track on every connection and lets the old device go",
    "[media]") {
  MediaRig rig;
  rig.local->start({});
  rig.clock.advance(10ms);
  rig.local->setCameraEnabled(false);
  const LocalTrack camera = *rig.local->camera();
  rig.calls.clear();

  rig.local->switchDevice(TrackKind::Video, "cam-2");
  rig.clock.advance(10ms);
  CHECK(rig.calls == std::vector<std::string>{"replace Mock camera by Mock camera cam-2"});
  CHECK_FALSE(rig.backend.live(camera.id));
  CHECK_FALSE(rig.backend.enabled(rig.local->camera()->id));  // still off, as the user left it
  rig.local->switchDevice(TrackKind::Audio, "mic-2");
  rig.clock.advance(10ms);
  CHECK(rig.calls.back() == "replace Mock microphone by Mock microphone mic-2");
  CHECK(rig.backend.liveTracks() == 2);
}

TEST_CASE("local media: a screen share takes the camera's place until the browser ends it",
          "[media]") {
  MediaRig rig;
  rig.local->start({});
  rig.clock.advance(10ms);
  rig.local->setCameraEnabled(false);
  rig.calls.clear();

  rig.local->startScreenShare();
  rig.clock.advance(10ms);
  REQUIRE(rig.local->screen().has_value());
  CHECK(rig.calls == std::vector<std::string>{"replace Mock camera by Mock screen"});
  CHECK(rig.sending() == std::vector<std::string>{"Mock microphone", "Mock screen"});
  CHECK(rig.local->indicators() == MediaIndicators{false, false, true});  // a screen is a picture
  // A new camera while sharing stays off the wire.
  rig.local->switchDevice(TrackKind::Video, "cam-2");
  rig.clock.advance(10ms);
  CHECK(rig.calls.size() == 1);

  rig.backend.end(*rig.local->screen());
  rig.clock.advance(10ms);
  CHECK(rig.calls.back() == "replace Mock screen by Mock camera cam-2");
  CHECK_FALSE(rig.local->screen().has_value());
  CHECK(rig.sending() == std::vector<std::string>{"Mock microphone", "Mock camera cam-2"});

  // Without a camera the screen is added, and taken off again.
  MediaRig noCamera;
  MediaConstraints microphoneOnly;
  microphoneOnly.video = false;
  noCamera.local->start(microphoneOnly);
  noCamera.clock.advance(10ms);
  noCamera.local->startScreenShare();
  noCamera.clock.advance(10ms);
  noCamera.local->stopScreenShare();
  CHECK(noCamera.calls ==
        std::vector<std::string>{"add Mock microphone", "add Mock screen", "remove Mock screen"});
  CHECK(noCamera.backend.liveTracks() == 1);
}

TEST_CASE("local media: a device that goes away is taken off every connection and reported",
          "[media]") {
  MediaRig rig;
  rig.local->start({});
  rig.clock.advance(10ms);
  rig.calls.clear();
  rig.backend.end(*rig.local->microphone());
  rig.clock.advance(10ms);
  CHECK(rig.calls == std::vector<std::string>{"remove Mock microphone",
                                              "failed [microphone-stopped] the microphone stopped (Mock microphone)"});
  CHECK_FALSE(rig.local->microphone().has_value());
  CHECK(rig.local->indicators() == MediaIndicators{true, false, false});
  CHECK(rig.sending() == std::vector<std::string>{"Mock camera"});
}

TEST_CASE("local media: once released, no device stays in use, even one granted later", "[media]") {
  MediaRig rig;
  rig.local->start({});
  rig.local->release();  // before the capture arrives
  rig.clock.advance(10ms);
  CHECK(rig.calls.empty());
  CHECK(rig.backend.liveTracks() == 0);
  CHECK_FALSE(rig.local->microphone().has_value());

  rig.local->start({});
  rig.clock.advance(10ms);
  CHECK(rig.backend.liveTracks() == 2);
  rig.local->startScreenShare();
  rig.local->release();
  rig.clock.advance(10ms);
  CHECK(rig.backend.liveTracks() == 0);

  rig.local->start({});
  rig.clock.advance(10ms);
  REQUIRE(rig.backend.liveTracks() == 2);
  rig.local.reset();
  CHECK(rig.backend.liveTracks() == 0);
}
