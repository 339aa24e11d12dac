#pragma once

#include "message.hpp"
#include "result.hpp"

#include <cstddef>
#include <optional>
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

// decode()'s checks of a frame whose JSON is already parsed (a server may parse with a
// faster parser, and fall back to decode() for the error when that one refuses).
Result<Message> decodeParsed(Json root);

// Parses JSON text with the same depth limit and error reporting as decode().
Result<Json> parseJson(std::string_view text);

// Serialises a message. Never throws: invalid UTF-8 in a string is replaced, not fatal.
std::string encode(const Message& message);

// The frame a relay sends on: what encode() makes of decode(frame) with `sender` set, built
// from the frame's own bytes instead of a parse and a dump (docs/protocol.md: the server
// overwrites `sender`; members other than type, sender, receiver and data are dropped). For
// a frame decode() accepted. Nothing when a member's name is written with escapes: the
// caller then encodes the decoded message.
std::optional<std::string> relayedFrame(std::string_view frame, std::string_view sender);

// Serialises any JSON value the same way encode() does.
std::string dumpJson(const Json& value);

}  // namespace orbit
