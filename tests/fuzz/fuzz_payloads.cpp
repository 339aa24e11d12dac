// Payload validation: any JSON as the `data` of every message type, through validateData()
// and the type's parse function. What a parser accepts must come back the same through its
// toJson() (so what the server or a client writes from it is read back as written), and the
// text checks of shared/ (names, UTF-8, room ids) keep their promises on any bytes.
#include "codec.hpp"
#include "fuzz_check.hpp"
#include "payloads.hpp"
#include "slug.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using namespace orbit;

namespace {

// parse(toJson(parse(data))) succeeds and writes the same JSON again: the typed view is
// stable, whatever extra the input held.
template <class Parse>
void checkStable(const char* type, const Json& data, Parse parse) {
  auto first = parse(data);
  if (!first) {
    ORBIT_FUZZ_CHECK(!first.error().message.empty(), type);
    ORBIT_FUZZ_CHECK(isValidUtf8(first.error().message), first.error().message);
    return;
  }
  const Json written = toJson(*first);
  auto second = parse(written);
  ORBIT_FUZZ_CHECK(second.ok(), std::string(type) + ": " + dumpJson(written) + " | " + second.error().message);
  ORBIT_FUZZ_CHECK(toJson(*second) == written, std::string(type) + ": " + dumpJson(written) + " | " +
                                                   dumpJson(toJson(*second)));
  // And it survives the wire.
  auto wire = parseJson(dumpJson(written));
  ORBIT_FUZZ_CHECK(wire.ok() && *wire == written, std::string(type) + ": " + dumpJson(written));
}

void checkText(std::string_view bytes) {
  const std::string fixed = toValidUtf8(bytes);
  ORBIT_FUZZ_CHECK(isValidUtf8(fixed), fixed);
  ORBIT_FUZZ_CHECK(isValidUtf8(bytes) == (fixed == bytes), std::string(bytes));
  ORBIT_FUZZ_CHECK(utf8Length(fixed) <= fixed.size(), fixed);

  if (auto name = normalizeUsername(bytes)) {
    ORBIT_FUZZ_CHECK(isValidUtf8(*name), *name);
    const std::size_t length = utf8Length(*name);
    ORBIT_FUZZ_CHECK(length >= 1 && length <= kMaxUsernameChars, *name);
    for (unsigned char c : *name) ORBIT_FUZZ_CHECK(c >= 0x20 && c != 0x7F, *name);
    auto again = normalizeUsername(*name);
    ORBIT_FUZZ_CHECK(again.ok() && *again == *name, *name);
  }

  const std::string slug = slugify(bytes);
  ORBIT_FUZZ_CHECK(slug.empty() || isValidSlug(slug), slug);
  ORBIT_FUZZ_CHECK(slugify(slug) == slug, slug + " | " + slugify(slug));
  if (isValidSlug(bytes)) ORBIT_FUZZ_CHECK(isValidUtf8(bytes), std::string(bytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(bytes), size);
  checkText(text);

  auto parsed = parseJson(text);
  if (!parsed) return 0;
  const Json& data = *parsed;

  for (MessageType type : kAllMessageTypes) {
    const auto problem = validateData(type, data);
    if (problem) ORBIT_FUZZ_CHECK(isValidUtf8(*problem) && !problem->empty(), *problem);
    // A frame that carries this data as its `data` gets the same verdict from decode().
    Json frame{{"type", toString(type)}, {"data", data}};
    const auto decoded = decode(dumpJson(frame));
    ORBIT_FUZZ_CHECK(decoded.ok() == !problem, dumpJson(frame));
    if (!problem) ORBIT_FUZZ_CHECK(decoded->data && *decoded->data == data, dumpJson(frame));
    (void)validateData(type, std::nullopt);
  }

  checkStable("text", data, parseText);
  checkStable("room-info", data, parseRoomInfo);
  checkStable("profile", data, parseProfile);
  checkStable("room-mode", data, parseRoomMode);
  checkStable("layer", data, parseLayer);
  checkStable("ice-servers", data, parseIceServers);
  checkStable("offer", data, [](const Json& d) { return parseSessionDescription(MessageType::Offer, d); });
  checkStable("answer", data, [](const Json& d) { return parseSessionDescription(MessageType::Answer, d); });
  checkStable("icecandidate", data, parseIceCandidate);
  if (auto connection = parseSfuConnection(data)) {
    ORBIT_FUZZ_CHECK(data.at("connection") == toString(*connection), dumpJson(data));
  }
  return 0;
}
