#include "frame_corpus.hpp"
#include "frame_decoder.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using orbit::FrameDecoder;
using orbit::Message;
using namespace orbit::corpus;

namespace {

// decode()'s verdict and FrameDecoder's must be one and the same, to the error's words and
// to the kind of each number (5, 5.0 and -5 are written back differently).
void checkSameAsDecode(FrameDecoder& decoder, const std::string& frame) {
  CAPTURE(frame.substr(0, 120));
  const auto expected = orbit::decode(frame);
  const auto got = decoder.decode(frame);
  REQUIRE(got.ok() == expected.ok());
  if (!expected.ok()) {
    CHECK(got.error().message == expected.error().message);
    return;
  }
  CHECK(got->type == expected->type);
  CHECK(got->sender == expected->sender);
  CHECK(got->receiver == expected->receiver);
  REQUIRE(got->data.has_value() == expected->data.has_value());
  if (expected->data) CHECK(orbit::dumpJson(*got->data) == orbit::dumpJson(*expected->data));
}

}  // namespace

TEST_CASE("the server's frame decoder says what decode() says about every frame", "[decoder]") {
  FrameDecoder decoder;
  std::vector<std::string> frames = nastyCorpus();
  for (const auto& sample : samplesOfEveryType()) {
    frames.push_back(orbit::encode(Message{kAlice, kBob, sample.type, sample.data}));
  }
  // Numbers of every kind, repeated members, escapes, and a 4 KB SDP as browsers send it.
  std::string sdp;
  while (sdp.size() < 4000) sdp += "a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\\r\\n";
  frames.insert(frames.end(), {
      R"({"type":"ping","data":[0,-0,1,-1,1.0,-1.5,1e2,1E-2,9223372036854775807,9223372036854775808,-9223372036854775808]})",
      R"({"type":"ping","data":[18446744073709551615,18446744073709551616,-9223372036854775809,0.1,5e-324,1.7976931348623157e308]})",
      R"({"type":"ping","data":{"a":1,"a":{"b":2},"a":[3]}, "receiver":"room","receiver":"x"})",
      R"({"type":"ping","data":"\u0000\u001f\"\\\/\b\f\n\r\t \u00e9\ud83d\ude00"})",
      " \t\r\n{\"type\":\"bye\"} \n",
      R"({"type":"offer","receiver":")" + kBob + R"(","data":{"type":"offer","sdp":")" + sdp + R"("}})",
  });
  // Nesting around decode()'s limit.
  for (std::size_t depth = 28; depth <= 36; ++depth) {
    frames.push_back("{\"type\":\"ping\",\"data\":" + nested(depth, "[", "]") + "}");
    frames.push_back("{\"type\":\"ping\",\"data\":" + nested(depth, "{\"a\":", "}", "1") + "}");
  }
  for (const std::string& frame : frames) checkSameAsDecode(decoder, frame);
}

TEST_CASE("the frame decoder keeps no trace of one frame in the next", "[decoder]") {
  FrameDecoder decoder;
  const std::string big = "{\"type\":\"greeting\",\"data\":\"" + std::string(60000, 'x') + "\"}";
  checkSameAsDecode(decoder, big);
  checkSameAsDecode(decoder, R"({"type":"ping"})");
  checkSameAsDecode(decoder, "{\"type\":\"ping\"");
  checkSameAsDecode(decoder, R"({"type":"greeting","data":"short"})");
}
