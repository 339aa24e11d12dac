// Protocol decode: any bytes a client may send as a text frame, through both decoders the
// code has (shared's decode() and the server's simdjson FrameDecoder), which must agree on
// the verdict, the message and the error; an accepted message must survive encode() and the
// relay's splice (relayedFrame) unchanged but for its sender.
#include "codec.hpp"
#include "frame_decoder.hpp"
#include "fuzz_check.hpp"
#include "payloads.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace orbit;

namespace {

std::string show(const Message& m) {
  return encode(m);
}

bool same(const Message& a, const Message& b) {
  return a.type == b.type && a.sender == b.sender && a.receiver == b.receiver && a.data.has_value() == b.data.has_value() &&
         (!a.data || *a.data == *b.data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  static FrameDecoder decoder;
  const std::string_view frame(reinterpret_cast<const char*>(bytes), size);

  const Result<Message> plain = decode(frame);
  const Result<Message> fast = decoder.decode(frame);
  ORBIT_FUZZ_CHECK(plain.ok() == fast.ok(),
                   std::string("decode() ") + (plain.ok() ? "accepts" : "refuses: " + plain.error().message) +
                       ", FrameDecoder " + (fast.ok() ? "accepts" : "refuses: " + fast.error().message));
  if (!plain.ok()) {
    ORBIT_FUZZ_CHECK(plain.error().message == fast.error().message,
                     plain.error().message + " | " + fast.error().message);
    // The error goes back to the client inside a JSON string.
    ORBIT_FUZZ_CHECK(isValidUtf8(plain.error().message), plain.error().message);
    ORBIT_FUZZ_CHECK(!plain.error().message.empty(), std::string(frame));
    return 0;
  }
  ORBIT_FUZZ_CHECK(same(*plain, *fast), show(*plain) + " | " + show(*fast));

  // What the server sends on is decoded by the receiver as the same message.
  const std::string encoded = encode(*plain);
  const Result<Message> again = decode(encoded);
  ORBIT_FUZZ_CHECK(again.ok(), encoded + " | " + (again.ok() ? "" : again.error().message));
  ORBIT_FUZZ_CHECK(same(*plain, *again), show(*plain) + " | " + encoded);

  // The relay splices the frame instead of encoding it again: same message, sender stamped.
  const std::string sender = "0123456789abcdef0123456789abcdef";
  if (auto spliced = relayedFrame(frame, sender)) {
    const Result<Message> relayed = decode(*spliced);
    ORBIT_FUZZ_CHECK(relayed.ok(), *spliced + " | " + (relayed.ok() ? "" : relayed.error().message));
    Message expected = *plain;
    expected.sender = sender;
    ORBIT_FUZZ_CHECK(same(expected, *relayed), show(expected) + " | " + *spliced);
  }
  return 0;
}
