#pragma once

// Frames for the tests of anything that decodes a client's frame (shared's decode(), the
// server's FrameDecoder): one valid message of every type, and hostile input.
#include "codec.hpp"
#include "message.hpp"

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace orbit::corpus {

inline const std::string kAlice = "0123456789abcdef0123456789abcdef";
inline const std::string kBob = "fedcba9876543210fedcba9876543210";

inline std::string nested(std::size_t depth, std::string_view open, std::string_view close,
                   std::string_view inner = "") {
  std::string s;
  s.reserve(depth * (open.size() + close.size()) + inner.size());
  for (std::size_t i = 0; i < depth; ++i) s += open;
  s += inner;
  for (std::size_t i = 0; i < depth; ++i) s += close;
  return s;
}

inline std::string repeat(std::string_view unit, std::size_t n) {
  std::string s;
  s.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) s += unit;
  return s;
}

struct Sample {
  MessageType type;
  std::optional<Json> data;
};

// One valid message of every type in docs/protocol.md, plus the data-free and null-data
// variants where the type allows anything.
inline std::vector<Sample> samplesOfEveryType() {
  return {
      {MessageType::Ping, std::nullopt},
      {MessageType::Ping, Json(nullptr)},
      {MessageType::Ping, Json("")},
      {MessageType::Ping, Json{{"seq", 7}, {"nested", {1, 2.5, false, nullptr}}}},
      {MessageType::Pong, std::nullopt},
      {MessageType::Pong, Json(nullptr)},
      {MessageType::Pong, Json{{"seq", 7}}},
      {MessageType::Text,
       Json{{"from", "Ada"}, {"time", 1700000000123}, {"text", "hi \xF0\x9F\x91\x8B"}}},
      {MessageType::GetRoomInfo, std::nullopt},
      {MessageType::RoomInfo,
       Json{
           {"room_id", "team-sync"},
           {"clients", {{{"id", kAlice}, {"username", "Ada"}}, {{"id", kBob}, {"username", ""}}}}}},
      {MessageType::RoomInfo, Json{{"room_id", "empty"}, {"clients", Json::array()}}},
      {MessageType::Profile, Json{{"username", "Ada Lovelace"}}},
      {MessageType::GetIceServers, std::nullopt},
      {MessageType::IceServers, Json::array({Json{{"urls", {"stun:stun.example.org:3478"}}},
                                             Json{{"urls",
                                                   {"turn:turn.example.org:3478?transport=udp",
                                                    "turns:turn.example.org:5349"}},
                                                  {"username", "1700000000:" + kAlice},
                                                  {"credential", "c2VjcmV0LWhtYWM="}}})},
      {MessageType::Offer, Json{{"type", "offer"}, {"sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}}},
      {MessageType::Answer,
       Json{{"type", "answer"}, {"sdp", "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}}},
      {MessageType::IceCandidate,
       Json{{"candidate", "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host"},
            {"sdpMid", "0"},
            {"sdpMLineIndex", 0}}},
      {MessageType::IceCandidate,
       Json{{"candidate", ""}, {"sdpMid", nullptr}, {"sdpMLineIndex", nullptr}}},
      {MessageType::Greeting, Json("hello from Ada")},
      {MessageType::Bye, std::nullopt},
      {MessageType::Bye, Json::object()},
      {MessageType::Bye, Json("leaving")},
      {MessageType::Error, Json("unknown message type \"dance\"")},
  };
}

// Hostile and odd frames. decode() must turn each into a Message or an Error.
inline std::vector<std::string> nastyCorpus() {
  std::vector<std::string> c = {
      "",
      std::string(1, '\0'),
      std::string("{\"type\":\"ping\"}\0", 16),
      std::string("{\"type\":\"pi\0ng\"}", 16),
      "\xEF\xBB\xBF{\"type\":\"ping\"}",
      "\xEF\xBB\xBF",
      "{",
      "}",
      "[",
      "]",
      "\"",
      "\\",
      "{\"type\"",
      "{\"type\":",
      "{\"type\":\"ping\"",
      "{\"type\":\"ping\",",
      "{\"type\":\"ping\",\"data\"",
      "{\"type\":\"text\",\"data\":{\"from\":\"a\",\"time\":1e308,\"text\":\"x\"}}",
      "{\"type\":\"text\",\"data\":{\"from\":\"a\",\"time\":-1e308,\"text\":\"x\"}}",
      "{\"type\":\"text\",\"data\":{\"from\":\"a\",\"time\":18446744073709551615,\"text\":\"x\"}}",
      "{\"type\":\"text\",\"data\":{\"from\":\"a\",\"time\":-9223372036854775808,\"text\":\"x\"}}",
      "{\"type\":\"text\",\"data\":{\"from\":\"a\",\"time\":1e999,\"text\":\"x\"}}",
      "{\"type\":\"icecandidate\",\"data\":{\"candidate\":\"\",\"sdpMLineIndex\":"
      "18446744073709551615}}",
      "{\"type\":\"icecandidate\",\"data\":{\"candidate\":\"\",\"sdpMLineIndex\":-"
      "9223372036854775808}}",
      "{\"type\":\"icecandidate\",\"data\":{\"candidate\":\"\",\"sdpMLineIndex\":1e300}}",
      "{\"type\":\"icecandidate\",\"data\":{\"candidate\":\"\",\"sdpMLineIndex\":4294967296}}",
      "{\"type\":\"profile\",\"data\":{\"username\":\"\\u0000\"}}",
      "{\"type\":\"profile\",\"data\":{\"username\":\"\\u0085\"}}",
      "{\"type\":\"room-info\",\"data\":{\"room_id\":\"r\",\"clients\":[null,1,\"x\"]}}",
      "{\"type\":\"ice-servers\",\"data\":[[],{},null]}",
      "{\"type\":\"ice-servers\",\"data\":[{\"urls\":[[\"stun:x\"]]}]}",
      "{\"type\":\"offer\",\"data\":{\"type\":null,\"sdp\":null}}",
      "{\"type\":\"ping\",\"data\":\"\\uDFFF\"}",
      "{\"type\":\"ping\",\"data\":\"\\uD800\\u0041\"}",
      "{\"type\":\"ping\",\"data\":\"\\u12\"}",
      "{\"type\":\"ping\",\"data\":\"\\x41\"}",
      "{\"type\":\"ping\",\"data\":-}",
      "{\"type\":\"ping\",\"data\":01}",
      "{\"type\":\"ping\",\"data\":1.}",
      "{\"type\":\"ping\",\"data\":.5}",
      "{\"type\":\"ping\",\"data\":NaN}",
      "{\"type\":\"ping\",\"data\":Infinity}",
      "{\"type\":\"ping\",\"data\":123456789012345678901234567890123456789}",
      "{\"type\":\"ping\",\"type\":\"pong\"}",
      "{\"type\":\"ping\",\"data\":{\"a\":1,\"a\":2}}",
      "{\"__proto__\":{\"type\":\"ping\"}}",
      "\xFF\xFE{\0\"\0t\0y\0p\0e\0\"\0}\0",
      std::string(70000, ' '),
      std::string(70000, '['),
      std::string(70000, '{'),
      std::string(70000, '"'),
      std::string(70000, '\xFF'),
      repeat("[1,", 30000),
      repeat("{\"a\":[", 10000),
      "{\"type\":\"greeting\",\"data\":\"" + std::string(70000, 'x') + "\"}",
      "{\"type\":\"greeting\",\"data\":\"" + std::string(70000, 'x') + "\xFF\"}",
      "{\"type\":\"" + std::string(70000, 'x') + "\"}",
      "{\"type\":\"ping\",\"data\":" + std::string(70000, '9') + "}",
      "{\"type\":\"ping\",\"data\":\"" + std::string(70000, 'x') + "\x01\"}",
      "{\"type\":\"" + repeat("\xE2\x82\xAC", 100) + "\"}",
  };
  // Truncations and single-byte corruptions of valid frames, from a fixed seed so a
  // failure reproduces.
  std::mt19937 rng(20241129);
  for (const auto& sample : samplesOfEveryType()) {
    const std::string wire = orbit::encode(Message{kAlice, "room", sample.type, sample.data});
    for (std::size_t cut = 0; cut < wire.size(); cut += 3) c.push_back(wire.substr(0, cut));
    for (int i = 0; i < 40; ++i) {
      std::string mutated = wire;
      mutated[rng() % mutated.size()] = static_cast<char>(rng() & 0xFF);
      c.push_back(std::move(mutated));
    }
  }
  return c;
}


}  // namespace orbit::corpus
