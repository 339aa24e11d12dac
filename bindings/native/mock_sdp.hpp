#pragma once

#include "result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// The SDP the mock peer backend writes and reads: the lines a browser requires of a
// description (v=, o=, s=, t=, ICE credentials, a sha-256 fingerprint, a=setup, a=mid on
// every m-line) and the ones the mock acts on (direction, a=msid). Lines the mock has no
// use for are skipped when parsing.
struct MockSdpSection {
  std::string kind;  // audio, video or application
  std::string mid;
  std::string direction;  // sendrecv, sendonly, recvonly or inactive; empty for application
  std::string streamId;   // a=msid's two halves, both empty when the section sends no track
  std::string trackId;

  bool operator==(const MockSdpSection&) const = default;
};

struct MockSdp {
  std::uint64_t sessionId = 0;  // o=- <sessionId> <version> ...
  std::uint64_t version = 0;
  std::string ufrag;
  std::string pwd;
  std::string fingerprint;  // sha-256, as colon-separated hex
  std::string setup;        // actpass, active or passive
  std::vector<MockSdpSection> sections;

  bool operator==(const MockSdp&) const = default;
};

// One description with the session-level credentials repeated in every m-line, as browsers
// write them.
std::string buildMockSdp(const MockSdp& sdp);

// The description, or an error that says what is wrong with it, worded as the browser's
// setRemoteDescription rejects ("OperationError: ...").
Result<MockSdp> parseMockSdp(std::string_view sdp);

}  // namespace orbit
