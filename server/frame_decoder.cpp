#include "frame_decoder.hpp"

#include <simdjson.h>

#include <cstdint>
#include <string>

namespace orbit {
namespace {

// nlohmann's own number types for what its parser would have made: unsigned for a
// non-negative integer, signed for a negative one, double for the rest.
Json toJson(simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      Json out = Json::object();
      // A repeated member keeps its last copy, as nlohmann does.
      for (auto [key, value] : simdjson::dom::object(e)) out[std::string(key)] = toJson(value);
      return out;
    }
    case element_type::ARRAY: {
      Json out = Json::array();
      for (simdjson::dom::element value : simdjson::dom::array(e)) out.push_back(toJson(value));
      return out;
    }
    case element_type::STRING:
      return Json(std::string(std::string_view(e)));
    case element_type::INT64: {
      const auto n = static_cast<std::int64_t>(e);
      return n >= 0 ? Json(static_cast<std::uint64_t>(n)) : Json(n);
    }
    case element_type::UINT64:
      return Json(static_cast<std::uint64_t>(e));
    case element_type::DOUBLE:
      return Json(static_cast<double>(e));
    case element_type::BOOL:
      return Json(static_cast<bool>(e));
    case element_type::NULL_VALUE:
      break;
  }
  return Json(nullptr);
}

}  // namespace

FrameDecoder::FrameDecoder() : parser_(std::make_unique<simdjson::dom::parser>()) {
  // Never deeper than decode() allows: anything deeper is refused here and judged there.
  if (parser_->allocate(kMaxFrameBytes, kMaxJsonDepth) != simdjson::SUCCESS) parser_.reset();
}

FrameDecoder::~FrameDecoder() = default;

Result<Message> FrameDecoder::decode(std::string_view frame) {
  simdjson::dom::element root;
  if (!parser_ || frame.size() > kMaxFrameBytes || parser_->parse(frame.data(), frame.size()).get(root)) {
    return orbit::decode(frame);
  }
  return decodeParsed(toJson(root));
}

}  // namespace orbit
