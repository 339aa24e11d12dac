// The mock peer backend's SDP: what it builds parses back to the same description, and
// what is not a usable description is refused with the reason, by the parser and by
// setRemoteDescription.
#include "manual_scheduler.hpp"
#include "mock_peer_backend.hpp"
#include "mock_sdp.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace orbit;
using orbit::test::ManualScheduler;

namespace {

MockSdp sample() {
  MockSdp sdp;
  sdp.sessionId = 4611731400430051336ULL;
  sdp.version = 3;
  sdp.ufrag = "uFrg";
  sdp.pwd = "a-password-of-24-chars-x";
  sdp.fingerprint = "AB:CD:EF:01";
  sdp.setup = "actpass";
  sdp.sections = {
      {"audio", "0", "sendrecv", "orbit-1", "track-1-1"},
      {"video", "1", "recvonly", "", ""},
      {"video", "2", "sendonly", "orbit-1", "track-1-3"},
      {"application", "3", "", "", ""},
  };
  return sdp;
}

// `sdp` with the first line that starts with `prefix` replaced by `replacement`
// (removed when it is empty).
std::string replaceLine(std::string sdp, const std::string& prefix,
                        const std::string& replacement) {
  const auto at = sdp.find("\r\n" + prefix);
  REQUIRE(at != std::string::npos);
  const auto end = sdp.find("\r\n", at + 2);
  sdp.replace(at + 2, end + 2 - (at + 2), replacement.empty() ? "" : replacement + "\r\n");
  return sdp;
}

// Removes every line that starts with `prefix`.
std::string dropLines(std::string sdp, const std::string& prefix) {
  for (auto at = sdp.find("\r\n" + prefix); at != std::string::npos;
       at = sdp.find("\r\n" + prefix)) {
    sdp.erase(at + 2, sdp.find("\r\n", at + 2) - at);
  }
  return sdp;
}

}  // namespace

TEST_CASE("built mock SDP parses back to the description it was built from", "[mock][sdp]") {
  const MockSdp original = sample();
  const std::string text = buildMockSdp(original);
  const Result<MockSdp> parsed = parseMockSdp(text);
  INFO(text);
  REQUIRE(parsed);
  CHECK(*parsed == original);
  // Line endings other than CRLF are accepted too, as browsers do.
  std::string bare = text;
  std::erase(bare, '\r');
  const Result<MockSdp> fromBare = parseMockSdp(bare);
  REQUIRE(fromBare);
  CHECK(*fromBare == original);
}

TEST_CASE("malformed SDP is refused with the reason", "[mock][sdp]") {
  const std::string good = buildMockSdp(sample());
  REQUIRE(parseMockSdp(good));
  struct Case {
    std::string what;
    std::string sdp;
    std::string reason;
  };
  const Case cases[] = {
      {"empty", "", "the SDP is empty"},
      {"not SDP", "hello", "does not start with v=0"},
      {"a line without =", good + "junk\r\n", "is not <type>=<value>"},
      {"no o=", dropLines(good, "o="), "lacks o=, s= or t="},
      {"an o= without numbers", replaceLine(good, "o=", "o=- x y IN IP4 127.0.0.1"),
       "numeric session id"},
      {"no m-line", good.substr(0, good.find("\r\nm=") + 2), "has no m-line"},
      {"an unknown media", replaceLine(good, "m=audio", "m=text 9 UDP/TLS/RTP/SAVPF 111"),
       "not audio, video or application"},
      {"no ICE password", dropLines(good, "a=ice-pwd:"), "lacks ICE credentials"},
      {"no fingerprint", dropLines(good, "a=fingerprint:"), "sha-256 fingerprint"},
      {"no setup", dropLines(good, "a=setup:"), "lacks a=setup"},
      {"an m-line without mid", replaceLine(good, "a=mid:1", ""), "has no a=mid"},
      {"an msid without a track", replaceLine(good, "a=msid:", "a=msid:orbit-1"),
       "lacks its stream or track id"},
  };
  for (const Case& c : cases) {
    INFO(c.what << ":\n" << c.sdp);
    const Result<MockSdp> parsed = parseMockSdp(c.sdp);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().message.rfind("OperationError: ", 0) == 0);
    CHECK_THAT(parsed.error().message, Catch::Contains(c.reason));
  }
}

TEST_CASE("a malformed remote description fails its set call and leaves the connection usable",
          "[mock][sdp]") {
  ManualScheduler scheduler;
  MockPeerBackend backend(scheduler);
  auto offerer = backend.createPeerConnection({});
  auto answerer = backend.createPeerConnection({});
  auto set = [&](PeerConnection& pc, Description description) {
    std::optional<std::optional<Error>> outcome;
    pc.setRemoteDescription(std::move(description),
                            [&](std::optional<Error> e) { outcome = std::move(e); });
    scheduler.advance(Scheduler::Millis(100));
    REQUIRE(outcome);
    return *outcome;
  };
  auto setLocal = [&](PeerConnection& pc) {
    bool ok = false;
    pc.setLocalDescription([&](std::optional<Error> e) { ok = !e; });
    scheduler.advance(Scheduler::Millis(100));
    REQUIRE(ok);
  };
  setLocal(*offerer);
  const std::string offer = offerer->localDescription()->sdp;

  const std::optional<Error> refused = set(*answerer, {SdpType::Offer, dropLines(offer, "a=mid:")});
  REQUIRE(refused);
  CHECK_THAT(refused->message, Catch::Contains("has no a=mid"));
  CHECK(answerer->signalingState() == SignalingState::Stable);
  CHECK_FALSE(answerer->remoteDescription());

  REQUIRE_FALSE(set(*answerer, {SdpType::Offer, offer}));
  setLocal(*answerer);
  const std::string answer = answerer->localDescription()->sdp;
  const std::optional<Error> badAnswer =
      set(*offerer, {SdpType::Answer, dropLines(answer, "a=ice-ufrag:")});
  REQUIRE(badAnswer);
  CHECK_THAT(badAnswer->message, Catch::Contains("ICE credentials"));
  CHECK(offerer->signalingState() == SignalingState::HaveLocalOffer);
  REQUIRE_FALSE(set(*offerer, {SdpType::Answer, answer}));
  CHECK(offerer->signalingState() == SignalingState::Stable);
}
