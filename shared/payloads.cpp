#include "payloads.hpp"

#include <limits>

namespace orbit {
namespace {

// Each helper returns the problem with the field, or nothing when it is fine.
std::optional<std::string> needObject(const Json& data, std::string_view type) {
  if (!data.is_object()) return std::string(type) + " data must be an object";
  return std::nullopt;
}

std::optional<std::string> needString(const Json& obj, const char* field, std::string_view type) {
  auto it = obj.find(field);
  if (it == obj.end()) return std::string(type) + " data needs \"" + field + "\"";
  if (!it->is_string()) return std::string(type) + " data field \"" + field + "\" must be a string";
  return std::nullopt;
}

std::optional<std::string> optionalString(const Json& obj, const char* field,
                                          std::string_view type) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null() || it->is_string()) return std::nullopt;
  return std::string(type) + " data field \"" + field + "\" must be a string or null";
}

std::optional<std::string> optionalBool(const Json& obj, const char* field, std::string_view type) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_boolean()) return std::nullopt;
  return std::string(type) + " data field \"" + field + "\" must be true or false";
}

// The optional indicator fields of a profile or a room-info client, checked by the caller.
MediaIndicators readIndicators(const Json& obj) {
  MediaIndicators out;
  if (auto it = obj.find("muted"); it != obj.end()) out.muted = it->get<bool>();
  if (auto it = obj.find("camera_off"); it != obj.end()) out.cameraOff = it->get<bool>();
  if (auto it = obj.find("sharing_screen"); it != obj.end()) out.sharingScreen = it->get<bool>();
  return out;
}

void writeIndicators(const MediaIndicators& indicators, Json& obj) {
  if (indicators.muted) obj["muted"] = *indicators.muted;
  if (indicators.cameraOff) obj["camera_off"] = *indicators.cameraOff;
  if (indicators.sharingScreen) obj["sharing_screen"] = *indicators.sharingScreen;
}

#define ORBIT_CHECK(expr)            \
  if (auto problem_ = (expr)) {      \
    return Error{std::move(*problem_)}; \
  }

Result<std::vector<std::string>> parseUrls(const Json& server, std::size_t index) {
  const std::string where = "ice-servers entry " + std::to_string(index);
  auto it = server.find("urls");
  if (it == server.end()) return Error{where + " needs \"urls\""};
  std::vector<std::string> urls;
  if (it->is_string()) {
    urls.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const Json& u : *it) {
      if (!u.is_string()) return Error{where + " \"urls\" must hold only strings"};
      urls.push_back(u.get<std::string>());
    }
  } else {
    return Error{where + " \"urls\" must be a string or an array of strings"};
  }
  return urls;
}

}  // namespace

std::size_t utf8SequenceLength(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto continuation = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < s.size() && byte(i) >= lo && byte(i) <= hi;
  };
  if (s.empty()) return 0;
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // E0: no overlongs
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // ED: no surrogates
    return continuation(1, lo, hi) && continuation(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // F0: no overlongs
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // F4: nothing past U+10FFFF
    return continuation(1, lo, hi) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

bool isValidUtf8(std::string_view s) {
  while (!s.empty()) {
    const std::size_t n = utf8SequenceLength(s);
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  return true;
}

std::string toValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t n = utf8SequenceLength(s);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      s.remove_prefix(1);
    } else {
      out.append(s.substr(0, n));
      s.remove_prefix(n);
    }
  }
  return out;
}

std::u32string decodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t n = utf8SequenceLength(s);
    if (n == 0) {
      out.push_back(U'\uFFFD');
      s.remove_prefix(1);
      continue;
    }
    const auto byte = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(s[i])); };
    char32_t cp = n == 1 ? byte(0) : byte(0) & (0x7F >> n);
    for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (byte(i) & 0x3F);
    out.push_back(cp);
    s.remove_prefix(n);
  }
  return out;
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::size_t utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string_view utf8Prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

Result<std::string> normalizeUsername(std::string_view name, std::string_view what) {
  const std::string w(what);
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!name.empty() && isSpace(name.front())) name.remove_prefix(1);
  while (!name.empty() && isSpace(name.back())) name.remove_suffix(1);
  if (name.empty()) return Error{w + " must not be empty"};
  // Called directly (HTTP bodies, config), not only on strings the JSON parser vetted.
  if (!isValidUtf8(name)) return Error{w + " must be valid UTF-8"};
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7F) return Error{w + " must not contain control characters"};
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < name.size()) {
      const auto next = static_cast<unsigned char>(name[i + 1]);
      if (next >= 0x80 && next <= 0x9F) {
        return Error{w + " must not contain control characters"};
      }
    }
  }
  if (utf8Length(name) > kMaxUsernameChars) {
    return Error{w + " must be at most " + std::to_string(kMaxUsernameChars) + " characters"};
  }
  return std::string(name);
}

Result<TextData> parseText(const Json& data) {
  ORBIT_CHECK(needObject(data, "text"));
  ORBIT_CHECK(needString(data, "from", "text"));
  ORBIT_CHECK(needString(data, "text", "text"));
  auto time = data.find("time");
  if (time == data.end()) return Error{"text data needs \"time\""};
  if (!time->is_number()) return Error{"text data field \"time\" must be a number (ms since the epoch)"};
  // Converting a double outside int64's range is undefined behaviour, and a uint64 above
  // INT64_MAX would silently turn negative; neither is a real timestamp.
  constexpr double kTwoTo63 = 9223372036854775808.0;
  constexpr auto kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const bool floatOutOfRange = time->is_number_float() && !(time->get<double>() >= -kTwoTo63 &&
                                                            time->get<double>() < kTwoTo63);
  const bool unsignedOutOfRange =
      time->is_number_unsigned() && time->get<std::uint64_t>() > kInt64Max;
  if (floatOutOfRange || unsignedOutOfRange) {
    return Error{"text data field \"time\" is out of range (ms since the epoch)"};
  }
  TextData out;
  out.from = data["from"].get<std::string>();
  out.text = data["text"].get<std::string>();
  const auto direct = data.find("direct");
  out.direct = direct != data.end() && direct->is_boolean() && direct->get<bool>();
  const auto history = data.find("history");
  out.history = history != data.end() && history->is_boolean() && history->get<bool>();
  out.time = time->is_number_float() ? static_cast<std::int64_t>(time->get<double>())
                                     : time->get<std::int64_t>();
  if (utf8Length(out.text) > kMaxTextChars) {
    return Error{"text must be at most " + std::to_string(kMaxTextChars) + " characters"};
  }
  return out;
}

Result<RoomInfoData> parseRoomInfo(const Json& data) {
  ORBIT_CHECK(needObject(data, "room-info"));
  ORBIT_CHECK(needString(data, "room_id", "room-info"));
  auto clients = data.find("clients");
  if (clients == data.end()) return Error{"room-info data needs \"clients\""};
  if (!clients->is_array()) return Error{"room-info data field \"clients\" must be an array"};
  RoomInfoData out;
  out.roomId = data["room_id"].get<std::string>();
  for (const Json& c : *clients) {
    ORBIT_CHECK(needObject(c, "room-info client"));
    ORBIT_CHECK(needString(c, "id", "room-info client"));
    ORBIT_CHECK(needString(c, "username", "room-info client"));
    ORBIT_CHECK(optionalBool(c, "muted", "room-info client"));
    ORBIT_CHECK(optionalBool(c, "camera_off", "room-info client"));
    ORBIT_CHECK(optionalBool(c, "sharing_screen", "room-info client"));
    out.clients.push_back({c["id"].get<std::string>(), c["username"].get<std::string>(), readIndicators(c)});
  }
  return out;
}

Result<ProfileData> parseProfile(const Json& data) {
  ORBIT_CHECK(needObject(data, "profile"));
  ORBIT_CHECK(needString(data, "username", "profile"));
  ORBIT_CHECK(optionalBool(data, "muted", "profile"));
  ORBIT_CHECK(optionalBool(data, "camera_off", "profile"));
  ORBIT_CHECK(optionalBool(data, "sharing_screen", "profile"));
  ORBIT_CHECK(optionalBool(data, "sfu", "profile"));
  auto name = normalizeUsername(data["username"].get<std::string>());
  if (!name) return name.error();
  ProfileData out{std::move(*name), readIndicators(data), std::nullopt};
  if (auto it = data.find("sfu"); it != data.end()) out.sfu = it->get<bool>();
  return out;
}

std::string_view toString(SfuConnection c) { return c == SfuConnection::Publish ? "publish" : "subscribe"; }

Result<SfuConnection> parseSfuConnection(const Json& data) {
  const auto it = data.find("connection");
  if (it == data.end() || !it->is_string()) {
    return Error{"to or from \"ground control\" it needs \"connection\": \"publish\" or \"subscribe\""};
  }
  if (*it == "publish") return SfuConnection::Publish;
  if (*it == "subscribe") return SfuConnection::Subscribe;
  return Error{"\"connection\" must be \"publish\" or \"subscribe\""};
}

Result<RoomModeData> parseRoomMode(const Json& data) {
  ORBIT_CHECK(needObject(data, "room-mode"));
  ORBIT_CHECK(needString(data, "mode", "room-mode"));
  RoomModeData out;
  const std::string mode = data["mode"].get<std::string>();
  if (mode != "sfu" && mode != "mesh") return Error{"room-mode mode must be \"sfu\" or \"mesh\""};
  out.sfu = mode == "sfu";
  if (auto it = data.find("reason"); it != data.end() && it->is_string()) out.reason = it->get<std::string>();
  if (auto it = data.find("streams"); it != data.end()) {
    if (!it->is_array()) return Error{"room-mode streams must be an array"};
    for (const Json& s : *it) {
      ORBIT_CHECK(needObject(s, "room-mode stream"));
      ORBIT_CHECK(needString(s, "mid", "room-mode stream"));
      ORBIT_CHECK(needString(s, "client", "room-mode stream"));
      ORBIT_CHECK(needString(s, "kind", "room-mode stream"));
      out.streams.push_back({s["mid"].get<std::string>(), s["client"].get<std::string>(), s["kind"].get<std::string>()});
    }
  }
  return out;
}

Result<LayerData> parseLayer(const Json& data) {
  ORBIT_CHECK(needObject(data, "layer"));
  ORBIT_CHECK(needString(data, "mid", "layer"));
  const auto it = data.find("substream");
  if (it == data.end() || !it->is_number_integer() || *it < 0 || *it > 2) {
    return Error{"layer needs \"substream\": 0, 1 or 2"};
  }
  return LayerData{data["mid"].get<std::string>(), it->get<int>()};
}

Json toJson(const LayerData& v) { return {{"mid", v.mid}, {"substream", v.substream}}; }

Json toJson(const RoomModeData& v) {
  Json out{{"mode", v.sfu ? "sfu" : "mesh"}};
  if (v.sfu) {
    Json streams = Json::array();
    for (const SfuStream& s : v.streams) streams.push_back({{"mid", s.mid}, {"client", s.client}, {"kind", s.kind}});
    out["streams"] = std::move(streams);
  }
  if (!v.reason.empty()) out["reason"] = v.reason;
  return out;
}

Result<std::vector<IceServer>> parseIceServers(const Json& data) {
  if (!data.is_array()) return Error{"ice-servers data must be an array"};
  std::vector<IceServer> out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const Json& s = data[i];
    if (!s.is_object()) return Error{"ice-servers entry " + std::to_string(i) + " must be an object"};
    auto urls = parseUrls(s, i);
    if (!urls) return urls.error();
    IceServer server{std::move(*urls), std::nullopt, std::nullopt};
    for (auto [field, into] : {std::pair{"username", &server.username},
                               std::pair{"credential", &server.credential}}) {
      auto it = s.find(field);
      if (it == s.end()) continue;
      if (!it->is_string()) {
        return Error{"ice-servers entry " + std::to_string(i) + " \"" + field + "\" must be a string"};
      }
      *into = it->get<std::string>();
    }
    out.push_back(std::move(server));
  }
  return out;
}

Result<SessionDescription> parseSessionDescription(MessageType type, const Json& data) {
  const std::string_view name = toString(type);
  ORBIT_CHECK(needObject(data, name));
  ORBIT_CHECK(needString(data, "type", name));
  ORBIT_CHECK(needString(data, "sdp", name));
  SessionDescription out{data["type"].get<std::string>(), data["sdp"].get<std::string>()};
  if (out.type != name) {
    return Error{std::string(name) + " data field \"type\" must be \"" + std::string(name) + "\""};
  }
  return out;
}

Result<IceCandidateData> parseIceCandidate(const Json& data) {
  ORBIT_CHECK(needObject(data, "icecandidate"));
  ORBIT_CHECK(needString(data, "candidate", "icecandidate"));
  ORBIT_CHECK(optionalString(data, "sdpMid", "icecandidate"));
  IceCandidateData out;
  out.candidate = data["candidate"].get<std::string>();
  if (auto mid = data.find("sdpMid"); mid != data.end() && mid->is_string()) {
    out.sdpMid = mid->get<std::string>();
  }
  if (auto index = data.find("sdpMLineIndex"); index != data.end() && !index->is_null()) {
    if (!index->is_number_integer() || index->get<std::int64_t>() < 0 ||
        index->get<std::int64_t>() > std::numeric_limits<std::uint16_t>::max()) {
      return Error{"icecandidate data field \"sdpMLineIndex\" must be a non-negative integer or null"};
    }
    out.sdpMLineIndex = index->get<int>();
  }
  return out;
}

std::optional<std::string> validateData(MessageType type, const std::optional<Json>& data) {
  auto need = [&](std::string_view what) -> std::optional<std::string> {
    return std::string(toString(type)) + " needs data: " + std::string(what);
  };
  auto problem = [](const auto& result) -> std::optional<std::string> {
    if (result) return std::nullopt;
    return result.error().message;
  };
  switch (type) {
    case MessageType::Ping:
    case MessageType::Pong:
    case MessageType::GetRoomInfo:
    case MessageType::GetIceServers:
    case MessageType::Bye:
      return std::nullopt;  // anything, or nothing at all
    case MessageType::Greeting:
    case MessageType::Error:
      if (!data) return need("a string");
      if (!data->is_string()) return std::string(toString(type)) + " data must be a string";
      return std::nullopt;
    case MessageType::Text:
      if (!data) return need("{from, time, text}");
      return problem(parseText(*data));
    case MessageType::RoomInfo:
      if (!data) return need("{room_id, clients}");
      return problem(parseRoomInfo(*data));
    case MessageType::Profile:
      if (!data) return need("{username}");
      return problem(parseProfile(*data));
    case MessageType::IceServers:
      if (!data) return need("[{urls}]");
      return problem(parseIceServers(*data));
    case MessageType::Offer:
    case MessageType::Answer:
      if (!data) return need("{type, sdp}");
      return problem(parseSessionDescription(type, *data));
    case MessageType::IceCandidate:
      if (!data) return need("{candidate, sdpMid, sdpMLineIndex}");
      return problem(parseIceCandidate(*data));
    case MessageType::RoomMode:
      if (!data) return need("{mode}");
      return problem(parseRoomMode(*data));
    case MessageType::Layer:
      if (!data) return need("{mid, substream}");
      return problem(parseLayer(*data));
    case MessageType::IceRestart:
      if (!data) return need("{connection}");
      return problem(parseSfuConnection(*data));
  }
  return std::string("unhandled message type");
}

Json toJson(const TextData& v) {
  Json out{{"from", v.from}, {"time", v.time}, {"text", v.text}};
  if (v.direct) out["direct"] = true;
  if (v.history) out["history"] = true;
  return out;
}
Json toJson(const RoomClient& v) {
  Json out{{"id", v.id}, {"username", v.username}};
  writeIndicators(v.indicators, out);
  return out;
}
Json toJson(const RoomInfoData& v) {
  Json clients = Json::array();
  for (const auto& c : v.clients) clients.push_back(toJson(c));
  return {{"room_id", v.roomId}, {"clients", std::move(clients)}};
}
Json toJson(const ProfileData& v) {
  Json out{{"username", v.username}};
  writeIndicators(v.indicators, out);
  if (v.sfu) out["sfu"] = *v.sfu;
  return out;
}
Json toJson(const IceServer& v) {
  Json out{{"urls", v.urls}};
  if (v.username) out["username"] = *v.username;
  if (v.credential) out["credential"] = *v.credential;
  return out;
}
Json toJson(const std::vector<IceServer>& v) {
  Json out = Json::array();
  for (const auto& s : v) out.push_back(toJson(s));
  return out;
}
Json toJson(const SessionDescription& v) { return {{"type", v.type}, {"sdp", v.sdp}}; }
Json toJson(const IceCandidateData& v) {
  Json out{{"candidate", v.candidate}};
  out["sdpMid"] = v.sdpMid ? Json(*v.sdpMid) : Json(nullptr);
  out["sdpMLineIndex"] = v.sdpMLineIndex ? Json(*v.sdpMLineIndex) : Json(nullptr);
  return out;
}

}  // namespace orbit
