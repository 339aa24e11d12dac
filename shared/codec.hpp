#pragma once

#include "message.hpp"
#include "result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace orbit {

// A frame larger than this closes the connection with 1009 (docs/protocol.md).
inline constexpr std::size_t kMaxFrameBytes = 64 * 1024;
// No message in the protocol nests deeper than a handful of levels; refusing deeper input
// keeps a hostile frame from costing more than its size.
inline constexpr std::size_t kMaxJsonDepth = 32;

// Parses one text frame: a JSON object with a known string `type`, string `sender` and
// `receiver` when present, and a `data` whose shape fits the type (see payloads.hpp).
// Never throws; on bad input the Error says precisely what is wrong.
Result<Message> decode(std::string_view text);

// Parses JSON text with the same depth limit and error reporting as decode().
Result<Json> parseJson(std::string_view text);

// Serialises a message. Never throws: invalid UTF-8 in a string is replaced, not fatal.
std::string encode(const Message& message);

// Serialises any JSON value the same way encode() does.
std::string dumpJson(const Json& value);

}  // namespace orbit
