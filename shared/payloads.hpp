#pragma once

#include "message.hpp"
#include "result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

inline constexpr std::size_t kMaxTextChars = 4096;     // code points in a `text` message
inline constexpr std::size_t kMaxUsernameChars = 64;   // code points in a username

// Typed views of each type's `data`. Parsing checks the fields a type needs and their
// JSON types, and nothing more: extra fields stay in the JSON and are relayed untouched.

struct TextData {  // text
  std::string from;
  std::int64_t time = 0;  // ms since the epoch
  std::string text;
  // Additive ("direct": true): the line is for its receiver alone. The original server
  // addresses each member's copy of a room line to that member, so `receiver` cannot tell.
  // Written only when true; anything but JSON `true` reads as false.
  bool direct = false;
  // Additive ("history": true), written by the server only: a room line from before the
  // receiver joined, replayed to it after its first pong (--history).
  bool history = false;
};

// What a client says of its own media, so others can show it; optional, because older
// clients do not send it ("muted", "camera_off", "sharing_screen" on the wire).
struct MediaIndicators {
  std::optional<bool> muted;          // the microphone is muted
  std::optional<bool> cameraOff;      // the camera is off (or there is none)
  std::optional<bool> sharingScreen;  // a screen goes out in place of the camera
  bool operator==(const MediaIndicators& other) const = default;
};

struct RoomClient {
  std::string id;
  std::string username;
  MediaIndicators indicators;
};

struct RoomInfoData {  // room-info
  std::string roomId;
  std::vector<RoomClient> clients;
};

struct ProfileData {  // profile
  std::string username;
  MediaIndicators indicators;
  // Additive ("sfu": true): the client can take part in a room that forwards media through
  // the server (docs/protocol.md, Rooms through the SFU). Left out: unchanged.
  std::optional<bool> sfu;
};

// Additive: which of the client's two connections with the server an offer, answer or
// icecandidate to or from "ground control" belongs to ("connection" in its data).
enum class SfuConnection { Publish, Subscribe };
std::string_view toString(SfuConnection c);
// The "connection" field of `data`, or what is wrong with it.
Result<SfuConnection> parseSfuConnection(const Json& data);

struct SfuStream {  // one media section of the subscribe connection
  std::string mid;
  std::string client;  // whose track it carries
  std::string kind;    // "audio" or "video"
};

struct RoomModeData {  // room-mode (server to client)
  bool sfu = false;  // "mode": "sfu", else "mesh"
  std::vector<SfuStream> streams;
  std::string reason;  // why a room went back to mesh when it was not its size
};

struct IceServer {  // one entry of ice-servers
  std::vector<std::string> urls;
  std::optional<std::string> username;
  std::optional<std::string> credential;
};

struct SessionDescription {  // offer, answer (RTCSessionDescriptionInit)
  std::string type;          // "offer" or "answer"
  std::string sdp;
};

struct IceCandidateData {  // icecandidate (RTCIceCandidateInit); "" means end of candidates
  std::string candidate;
  std::optional<std::string> sdpMid;
  std::optional<int> sdpMLineIndex;
};

// Checks `data` against what `type` needs. Returns the problem, or nothing when it fits.
std::optional<std::string> validateData(MessageType type, const std::optional<Json>& data);

Result<TextData> parseText(const Json& data);
Result<RoomInfoData> parseRoomInfo(const Json& data);
Result<ProfileData> parseProfile(const Json& data);
Result<RoomModeData> parseRoomMode(const Json& data);

struct LayerData {  // layer (client to server): which simulcast layer a media section should carry
  std::string mid;    // of the subscribe connection
  int substream = 0;  // 0 the smallest, 2 the largest
};
Result<LayerData> parseLayer(const Json& data);
Json toJson(const LayerData& v);
Result<std::vector<IceServer>> parseIceServers(const Json& data);
Result<SessionDescription> parseSessionDescription(MessageType type, const Json& data);
Result<IceCandidateData> parseIceCandidate(const Json& data);

Json toJson(const TextData& v);
Json toJson(const RoomClient& v);
Json toJson(const RoomInfoData& v);
Json toJson(const ProfileData& v);
Json toJson(const RoomModeData& v);
Json toJson(const IceServer& v);
Json toJson(const std::vector<IceServer>& v);
Json toJson(const SessionDescription& v);
Json toJson(const IceCandidateData& v);

// A display name as the server stores it: surrounding whitespace trimmed, then 1 to 64
// code points of valid UTF-8 with no control characters. `what` names it in errors.
Result<std::string> normalizeUsername(std::string_view name, std::string_view what = "username");

// Code points in valid UTF-8 text (the JSON parser has already rejected invalid UTF-8).
std::size_t utf8Length(std::string_view s);

// The longest prefix of at most `limit` bytes that does not split a UTF-8 character.
std::string_view utf8Prefix(std::string_view text, std::size_t limit);

// Bytes in the well-formed UTF-8 sequence at the start of `s`, or 0 when it is ill-formed
// (RFC 3629, table 3-7 of the Unicode standard).
std::size_t utf8SequenceLength(std::string_view s);

// Well-formed UTF-8 as RFC 3629 defines it: no overlong forms, surrogates, or code
// points past U+10FFFF.
bool isValidUtf8(std::string_view s);

// `s` with every ill-formed byte sequence replaced by U+FFFD, for echoing untrusted
// bytes (in an error message, say) into JSON that must stay valid.
std::string toValidUtf8(std::string_view s);

// The code points of UTF-8 text, each ill-formed byte as U+FFFD (as toValidUtf8 does).
std::u32string decodeUtf8(std::string_view s);

// `codePoint` written as UTF-8 at the end of `out`.
void appendUtf8(std::string& out, char32_t codePoint);

}  // namespace orbit
