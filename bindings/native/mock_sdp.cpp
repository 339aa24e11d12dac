#include "mock_sdp.hpp"

#include <charconv>

namespace orbit {
namespace {

std::string_view trimCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The next space-separated field of `rest`, which loses it.
std::string_view field(std::string_view& rest) {
  const auto space = rest.find(' ');
  const std::string_view out = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  return out;
}

bool parseNumber(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool isDirection(std::string_view line) {
  return line == "a=sendrecv" || line == "a=sendonly" || line == "a=recvonly" ||
         line == "a=inactive";
}

Error invalid(std::string_view why) {
  return Error{"OperationError: " + std::string(why)};
}

}  // namespace

std::string buildMockSdp(const MockSdp& in) {
  std::string sdp = "v=0\r\no=- " + std::to_string(in.sessionId) + " " +
                    std::to_string(in.version) + " IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  sdp += "a=group:BUNDLE";
  for (const MockSdpSection& s : in.sections) sdp += " " + s.mid;
  sdp += "\r\na=ice-options:trickle\r\na=msid-semantic: WMS *\r\n";
  for (const MockSdpSection& s : in.sections) {
    if (s.kind == "application") {
      sdp += "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";
    } else {
      sdp += "m=" + s.kind +
             (s.kind == "audio" ? " 9 UDP/TLS/RTP/SAVPF 111\r\n" : " 9 UDP/TLS/RTP/SAVPF 96\r\n");
    }
    sdp += "c=IN IP4 0.0.0.0\r\n";
    sdp += "a=ice-ufrag:" + in.ufrag + "\r\na=ice-pwd:" + in.pwd + "\r\n";
    sdp += "a=fingerprint:sha-256 " + in.fingerprint + "\r\n";
    sdp += "a=setup:" + in.setup + "\r\n";
    sdp += "a=mid:" + s.mid + "\r\n";
    if (s.kind == "application") {
      sdp += "a=sctp-port:5000\r\n";
      continue;
    }
    sdp += "a=" + s.direction + "\r\n";
    if (!s.trackId.empty()) sdp += "a=msid:" + s.streamId + " " + s.trackId + "\r\n";
    sdp += "a=rtcp-mux\r\n";
    sdp += s.kind == "audio" ? "a=rtpmap:111 opus/48000/2\r\n" : "a=rtpmap:96 VP8/90000\r\n";
  }
  return sdp;
}

Result<MockSdp> parseMockSdp(std::string_view sdp) {
  MockSdp out;
  bool hasOrigin = false, hasName = false, hasTiming = false;
  std::size_t lineNo = 0;
  while (!sdp.empty()) {
    const auto end = sdp.find('\n');
    const std::string_view line = trimCr(sdp.substr(0, end));
    sdp = end == std::string_view::npos ? std::string_view{} : sdp.substr(end + 1);
    if (line.empty()) continue;
    if (lineNo++ == 0 && line != "v=0") return invalid("the SDP does not start with v=0");
    if (line.size() < 2 || line[1] != '=') return invalid("an SDP line is not <type>=<value>");
    if (startsWith(line, "o=")) {
      std::string_view rest = line.substr(2);
      field(rest);  // the user name
      if (!parseNumber(field(rest), out.sessionId) || !parseNumber(field(rest), out.version)) {
        return invalid("the o= line lacks a numeric session id and version");
      }
      hasOrigin = true;
    } else if (startsWith(line, "s=")) {
      hasName = true;
    } else if (startsWith(line, "t=")) {
      hasTiming = true;
    } else if (startsWith(line, "m=")) {
      std::string_view rest = line.substr(2);
      const std::string kind(field(rest));
      if (kind != "audio" && kind != "video" && kind != "application") {
        return invalid("an m-line is not audio, video or application");
      }
      out.sections.push_back({kind, "", kind == "application" ? "" : "sendrecv", "", ""});
    } else if (startsWith(line, "a=ice-ufrag:")) {
      if (out.ufrag.empty()) out.ufrag = line.substr(12);
    } else if (startsWith(line, "a=ice-pwd:")) {
      if (out.pwd.empty()) out.pwd = line.substr(10);
    } else if (startsWith(line, "a=fingerprint:sha-256 ")) {
      if (out.fingerprint.empty()) out.fingerprint = line.substr(22);
    } else if (startsWith(line, "a=setup:")) {
      if (out.setup.empty()) out.setup = line.substr(8);
    } else if (!out.sections.empty()) {
      MockSdpSection& section = out.sections.back();
      if (startsWith(line, "a=mid:")) {
        section.mid = line.substr(6);
      } else if (startsWith(line, "a=msid:")) {
        std::string_view rest = line.substr(7);
        section.streamId = field(rest);
        section.trackId = field(rest);
        if (section.streamId.empty() || section.trackId.empty()) {
          return invalid("an a=msid line lacks its stream or track id");
        }
      } else if (isDirection(line) && section.kind != "application") {
        section.direction = line.substr(2);
      }
    }
  }
  if (lineNo == 0) return invalid("the SDP is empty");
  if (!hasOrigin || !hasName || !hasTiming) return invalid("the SDP lacks o=, s= or t=");
  if (out.sections.empty()) return invalid("the SDP has no m-line");
  if (out.ufrag.empty() || out.pwd.empty()) return invalid("the SDP lacks ICE credentials");
  if (out.fingerprint.empty()) return invalid("the SDP lacks a sha-256 fingerprint");
  if (out.setup.empty()) return invalid("the SDP lacks a=setup");
  for (const MockSdpSection& section : out.sections) {
    if (section.mid.empty()) return invalid("an m-line has no a=mid");
  }
  return out;
}

}  // namespace orbit
