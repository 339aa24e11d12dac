#include "codec.hpp"
#include "payloads.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <string_view>

using Catch::Matchers::Contains;
using orbit::Json;
using orbit::MessageType;

namespace {

std::string repeat(std::string_view unit, std::size_t n) {
  std::string s;
  s.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) s += unit;
  return s;
}

std::string frame(std::string_view type, const Json& data) {
  return Json{{"type", type}, {"data", data}}.dump();
}

std::string frame(std::string_view type) {
  return Json{{"type", type}}.dump();
}

// An ice-servers frame holding one entry. (A braced {entry} would bind to frame()'s
// const Json& as the entry itself, not as an array holding it.)
std::string iceFrame(const Json& entry) {
  return frame("ice-servers", Json::array({entry}));
}

// The problem decode() reports for a whole frame; fails the test when it is accepted.
std::string decodeError(const std::string& text) {
  auto r = orbit::decode(text);
  INFO("input: " << text.substr(0, 200));
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

void requireDecodes(const std::string& text) {
  auto r = orbit::decode(text);
  INFO("input: " << text.substr(0, 200));
  if (!r) FAIL("decode refused: " << r.error().message);
}

const std::string kEuro = "\xE2\x82\xAC";      // 3 bytes, one code point
const std::string kGrin = "\xF0\x9F\x98\x80";  // 4 bytes, one code point
const std::string kEAcute = "\xC3\xA9";        // 2 bytes, one code point

Json textData(const std::string& text) {
  return {{"from", "Ada"}, {"time", 1700000000000}, {"text", text}};
}

}  // namespace

// ---- text ------------------------------------------------------------------------

TEST_CASE("text data parses into its typed fields and back", "[payloads][text]") {
  const Json data{{"from", "Ada"}, {"time", 1700000000123}, {"text", "hello"}};
  auto t = orbit::parseText(data);
  REQUIRE(t.ok());
  CHECK(t->from == "Ada");
  CHECK(t->time == 1700000000123);
  CHECK(t->text == "hello");
  CHECK(orbit::toJson(*t) == data);
  auto again = orbit::parseText(orbit::toJson(*t));
  REQUIRE(again.ok());
  CHECK(again->from == t->from);
  CHECK(again->time == t->time);
  CHECK(again->text == t->text);
}

TEST_CASE("a direct line carries direct true, a room line no direct field at all", "[payloads][text]") {
  const Json direct{{"from", "Ada"}, {"time", 1}, {"text", "psst"}, {"direct", true}};
  auto t = orbit::parseText(direct);
  REQUIRE(t.ok());
  CHECK(t->direct);
  CHECK(orbit::toJson(*t) == direct);
  // A room line looks as it always did, so the original client reads it unchanged.
  CHECK_FALSE(orbit::toJson(orbit::TextData{"Ada", 1, "hi"}).contains("direct"));
  // Only JSON true counts; anything else is a room line, not an error.
  for (const Json& value : {Json(false), Json("true"), Json(1), Json(nullptr), Json::object()}) {
    INFO(value.dump());
    auto lenient = orbit::parseText(Json{{"from", "Ada"}, {"time", 1}, {"text", "hi"}, {"direct", value}});
    REQUIRE(lenient.ok());
    CHECK_FALSE(lenient->direct);
  }
}

TEST_CASE("text time may be negative zero or a whole float", "[payloads][text]") {
  auto zero = orbit::parseText(Json{{"from", ""}, {"time", 0}, {"text", ""}});
  REQUIRE(zero.ok());
  CHECK(zero->time == 0);
  auto negative = orbit::parseText(Json{{"from", ""}, {"time", -5}, {"text", ""}});
  REQUIRE(negative.ok());
  CHECK(negative->time == -5);
  auto asFloat = orbit::parseText(Json{{"from", ""}, {"time", 1700000000123.0}, {"text", ""}});
  REQUIRE(asFloat.ok());
  CHECK(asFloat->time == 1700000000123);
}

TEST_CASE("text without data or with the wrong shape is refused", "[payloads][text]") {
  CHECK_THAT(decodeError(frame("text")),
             Contains("text needs data") && Contains("{from, time, text}"));
  CHECK_THAT(decodeError(frame("text", "hi")), Contains("text data must be an object"));
  CHECK_THAT(decodeError(frame("text", nullptr)), Contains("text data must be an object"));
  CHECK_THAT(decodeError(frame("text", Json::array({"Ada", 1, "hi"}))),
             Contains("text data must be an object"));
}

TEST_CASE("text missing from time or text names the missing field", "[payloads][text]") {
  CHECK_THAT(decodeError(frame("text", {{"time", 1}, {"text", "hi"}})),
             Contains("text data needs \"from\""));
  CHECK_THAT(decodeError(frame("text", {{"from", "Ada"}, {"text", "hi"}})),
             Contains("text data needs \"time\""));
  CHECK_THAT(decodeError(frame("text", {{"from", "Ada"}, {"time", 1}})),
             Contains("text data needs \"text\""));
}

TEST_CASE("text fields of the wrong JSON type are named", "[payloads][text]") {
  CHECK_THAT(decodeError(frame("text", {{"from", 7}, {"time", 1}, {"text", "hi"}})),
             Contains("\"from\" must be a string"));
  CHECK_THAT(
      decodeError(frame("text", {{"from", "Ada"}, {"time", "1700000000000"}, {"text", "hi"}})),
      Contains("\"time\" must be a number"));
  CHECK_THAT(decodeError(frame("text", {{"from", "Ada"}, {"time", nullptr}, {"text", "hi"}})),
             Contains("\"time\" must be a number"));
  CHECK_THAT(decodeError(frame("text", {{"from", "Ada"}, {"time", true}, {"text", "hi"}})),
             Contains("\"time\" must be a number"));
  CHECK_THAT(decodeError(frame("text", {{"from", "Ada"}, {"time", 1}, {"text", nullptr}})),
             Contains("\"text\" must be a string"));
  CHECK_THAT(decodeError(frame("text", {{"from", "Ada"}, {"time", 1}, {"text", {{"body", "hi"}}}})),
             Contains("\"text\" must be a string"));
}

TEST_CASE("text time that does not fit in 64 bits is refused", "[payloads][text]") {
  for (const char* time :
       {"1e300", "-1e300", "1e19", "18446744073709551615", "9223372036854775808"}) {
    CAPTURE(time);
    const std::string f =
        std::string(R"({"type":"text","data":{"from":"Ada","text":"hi","time":)") + time + "}}";
    CHECK_THAT(decodeError(f), Contains("\"time\"") && Contains("out of range"));
  }
  requireDecodes(R"({"type":"text","data":{"from":"Ada","text":"hi","time":9223372036854775807}})");
  requireDecodes(
      R"({"type":"text","data":{"from":"Ada","text":"hi","time":-9223372036854775808}})");
}

TEST_CASE("text of 4096 code points is accepted however many bytes they take", "[payloads][text]") {
  requireDecodes(frame("text", textData(std::string(orbit::kMaxTextChars, 'a'))));
  requireDecodes(frame("text", textData(repeat(kEAcute, orbit::kMaxTextChars))));
  requireDecodes(frame("text", textData(repeat(kEuro, orbit::kMaxTextChars))));
  requireDecodes(frame("text", textData(repeat(kGrin, orbit::kMaxTextChars))));
  requireDecodes(frame("text", textData("")));
}

TEST_CASE("text of 4097 code points is refused", "[payloads][text]") {
  for (const std::string& unit : {std::string("a"), kEAcute, kEuro, kGrin}) {
    CAPTURE(unit);
    CHECK_THAT(decodeError(frame("text", textData(repeat(unit, orbit::kMaxTextChars + 1)))),
               Contains("text must be at most 4096 characters"));
  }
}

// ---- room-info ---------------------------------------------------------------------

TEST_CASE("room-info data parses into its typed fields and back", "[payloads][room-info]") {
  const Json data{{"room_id", "team-sync"},
                  {"clients",
                   {{{"id", "0123456789abcdef0123456789abcdef"}, {"username", "Ada"}},
                    {{"id", "fedcba9876543210fedcba9876543210"}, {"username", ""}}}}};
  auto r = orbit::parseRoomInfo(data);
  REQUIRE(r.ok());
  CHECK(r->roomId == "team-sync");
  REQUIRE(r->clients.size() == 2);
  CHECK(r->clients[0].id == "0123456789abcdef0123456789abcdef");
  CHECK(r->clients[0].username == "Ada");
  CHECK(r->clients[1].id == "fedcba9876543210fedcba9876543210");
  CHECK(r->clients[1].username.empty());
  CHECK(orbit::toJson(*r) == data);
}

TEST_CASE("room-info with no clients serialises an empty array", "[payloads][room-info]") {
  const orbit::RoomInfoData empty{"lonely", {}};
  const Json j = orbit::toJson(empty);
  REQUIRE(j.at("clients").is_array());
  CHECK(j.at("clients").empty());
  CHECK(orbit::parseRoomInfo(j).ok());
}

TEST_CASE("room-info with the wrong shape is refused", "[payloads][room-info]") {
  CHECK_THAT(decodeError(frame("room-info")), Contains("room-info needs data"));
  CHECK_THAT(decodeError(frame("room-info", Json::array())),
             Contains("room-info data must be an object"));
  CHECK_THAT(decodeError(frame("room-info", {{"clients", Json::array()}})),
             Contains("room-info data needs \"room_id\""));
  CHECK_THAT(decodeError(frame("room-info", {{"room_id", 3}, {"clients", Json::array()}})),
             Contains("\"room_id\" must be a string"));
  CHECK_THAT(decodeError(frame("room-info", {{"room_id", "r"}})),
             Contains("room-info data needs \"clients\""));
  CHECK_THAT(decodeError(frame("room-info", {{"room_id", "r"}, {"clients", Json::object()}})),
             Contains("\"clients\" must be an array"));
  CHECK_THAT(decodeError(frame("room-info", {{"room_id", "r"}, {"clients", "Ada"}})),
             Contains("\"clients\" must be an array"));
}

TEST_CASE("room-info with a bad client entry is refused", "[payloads][room-info]") {
  auto withClients = [](Json clients) {
    return frame("room-info", {{"room_id", "r"}, {"clients", clients}});
  };
  CHECK_THAT(decodeError(withClients({"0123456789abcdef0123456789abcdef"})),
             Contains("room-info client") && Contains("must be an object"));
  CHECK_THAT(decodeError(withClients({nullptr})),
             Contains("room-info client") && Contains("must be an object"));
  CHECK_THAT(decodeError(withClients({{{"username", "Ada"}}})),
             Contains("room-info client") && Contains("needs \"id\""));
  CHECK_THAT(decodeError(withClients({{{"id", "x"}}})),
             Contains("room-info client") && Contains("needs \"username\""));
  CHECK_THAT(decodeError(withClients({{{"id", 1}, {"username", "Ada"}}})),
             Contains("room-info client") && Contains("\"id\" must be a string"));
  CHECK_THAT(decodeError(withClients({{{"id", "x"}, {"username", nullptr}}})),
             Contains("room-info client") && Contains("\"username\" must be a string"));
  // A good entry first does not hide a bad one after it.
  CHECK_THAT(decodeError(withClients({{{"id", "x"}, {"username", "Ada"}}, {{"id", "y"}}})),
             Contains("needs \"username\""));
}

// ---- profile and usernames ------------------------------------------------------------

TEST_CASE("profile data parses into a trimmed username and back", "[payloads][profile]") {
  auto p = orbit::parseProfile(Json{{"username", "  Ada Lovelace\t"}});
  REQUIRE(p.ok());
  CHECK(p->username == "Ada Lovelace");
  CHECK(orbit::toJson(*p) == Json{{"username", "Ada Lovelace"}});
  auto again = orbit::parseProfile(orbit::toJson(*p));
  REQUIRE(again.ok());
  CHECK(again->username == p->username);
}

TEST_CASE("profile and room-info carry the optional mute, camera and screen indicators", "[payloads][profile]") {
  auto p = orbit::parseProfile(Json{{"username", "Ada"}, {"muted", true}, {"camera_off", false}, {"sharing_screen", true}});
  REQUIRE(p.ok());
  CHECK(p->indicators.muted == true);
  CHECK(p->indicators.cameraOff == false);
  CHECK(p->indicators.sharingScreen == true);
  CHECK(orbit::toJson(*p) == Json{{"username", "Ada"}, {"muted", true}, {"camera_off", false}, {"sharing_screen", true}});
  // Older clients send neither; nothing is made up for them.
  auto plain = orbit::parseProfile(Json{{"username", "Ada"}});
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->indicators.muted.has_value());
  CHECK(orbit::toJson(*plain) == Json{{"username", "Ada"}});

  const Json info{{"room_id", "r"},
                  {"clients", {{{"id", "a"}, {"username", "Ada"}, {"muted", false}}, {{"id", "b"}, {"username", "Bo"}}}}};
  auto parsed = orbit::parseRoomInfo(info);
  REQUIRE(parsed.ok());
  CHECK(parsed->clients[0].indicators.muted == false);
  CHECK_FALSE(parsed->clients[0].indicators.cameraOff.has_value());
  CHECK(orbit::toJson(*parsed) == info);

  CHECK_THAT(decodeError(frame("profile", {{"username", "Ada"}, {"muted", "yes"}})),
             Contains("\"muted\" must be true or false"));
  CHECK_THAT(decodeError(frame("profile", {{"username", "Ada"}, {"camera_off", 1}})),
             Contains("\"camera_off\" must be true or false"));
  CHECK_THAT(decodeError(frame("profile", {{"username", "Ada"}, {"sharing_screen", "no"}})),
             Contains("\"sharing_screen\" must be true or false"));
}

TEST_CASE("profile decode keeps the data as sent and leaves trimming to parseProfile",
          "[payloads][profile]") {
  auto m = orbit::decode(frame("profile", {{"username", "  Ada  "}}));
  REQUIRE(m.ok());
  CHECK(m->data->at("username") == "  Ada  ");
}

TEST_CASE("profile with the wrong shape is refused", "[payloads][profile]") {
  CHECK_THAT(decodeError(frame("profile")),
             Contains("profile needs data") && Contains("{username}"));
  CHECK_THAT(decodeError(frame("profile", "Ada")), Contains("profile data must be an object"));
  CHECK_THAT(decodeError(frame("profile", Json::object())),
             Contains("profile data needs \"username\""));
  CHECK_THAT(decodeError(frame("profile", {{"username", 5}})),
             Contains("\"username\" must be a string"));
  CHECK_THAT(decodeError(frame("profile", {{"username", nullptr}})),
             Contains("\"username\" must be a string"));
}

TEST_CASE("an empty or whitespace-only username is refused", "[payloads][profile]") {
  for (const char* name : {"", " ", "   ", "\t", " \t\r\n\f\v "}) {
    CAPTURE(name);
    CHECK_THAT(decodeError(frame("profile", {{"username", name}})),
               Contains("username must not be empty"));
    auto direct = orbit::normalizeUsername(name);
    REQUIRE_FALSE(direct.ok());
    CHECK_THAT(direct.error().message, Contains("must not be empty"));
  }
}

TEST_CASE("a username with a control character is refused", "[payloads][profile]") {
  const std::vector<std::string> names = {
      std::string("Ada\0Lovelace", 12),  // NUL
      "Ada\x01",
      "Ada\nLovelace",  // a newline inside the name is not trimmed away
      "Ada\tLovelace",
      "\x1b[31mAda",   // ESC, as in a terminal colour code
      "Ada\x7f",       // DEL
      "Ada\xC2\x80",   // U+0080, first C1 control
      "Ada\xC2\x85x",  // U+0085 NEXT LINE
      "\xC2\x85",      // U+0085 alone
      "Ada\xC2\x9F",   // U+009F, last C1 control
  };
  for (const auto& name : names) {
    CAPTURE(name);
    CHECK_THAT(decodeError(frame("profile", {{"username", name}})),
               Contains("username must not contain control characters"));
  }
}

TEST_CASE("characters next to the control ranges are allowed in a username",
          "[payloads][profile]") {
  for (const std::string& name :
       {std::string("~Ada~"),         // U+007E, just below DEL
        std::string("Ada\xC2\xA0x"),  // U+00A0 NO-BREAK SPACE, just past C1
        std::string("\xC2\xA9 Ada"),  // U+00A9
        std::string("\xC4\x80"),      // U+0100: continuation byte 0x80, not C1
        std::string("\xC5\x85"),      // U+0145: continuation byte 0x85, not C1
        kGrin}) {
    CAPTURE(name);
    auto n = orbit::normalizeUsername(name);
    if (!n) FAIL("refused: " << n.error().message);
    CHECK(*n == name);
  }
}

TEST_CASE("a username of 64 code points is accepted however many bytes they take",
          "[payloads][profile]") {
  for (const std::string& unit : {std::string("a"), kEAcute, kEuro, kGrin}) {
    CAPTURE(unit);
    const std::string name = repeat(unit, orbit::kMaxUsernameChars);
    auto n = orbit::normalizeUsername(name);
    if (!n) FAIL("refused: " << n.error().message);
    CHECK(*n == name);
    requireDecodes(frame("profile", {{"username", name}}));
  }
}

TEST_CASE("a username of 65 code points is refused", "[payloads][profile]") {
  for (const std::string& unit : {std::string("a"), kEAcute, kEuro, kGrin}) {
    CAPTURE(unit);
    CHECK_THAT(
        decodeError(frame("profile", {{"username", repeat(unit, orbit::kMaxUsernameChars + 1)}})),
        Contains("username must be at most 64 characters"));
  }
}

TEST_CASE("the 64 code point limit applies after trimming", "[payloads][profile]") {
  const std::string name = repeat(kEAcute, orbit::kMaxUsernameChars);
  auto n = orbit::normalizeUsername("   " + name + " \t ");
  REQUIRE(n.ok());
  CHECK(*n == name);
  auto p = orbit::parseProfile(Json{{"username", "\t" + name + "\n"}});
  REQUIRE(p.ok());
  CHECK(p->username == name);
}

TEST_CASE("normalizeUsername refuses invalid UTF-8 given to it directly", "[payloads][profile]") {
  for (const std::string& name :
       {std::string("Ada\xFF"), std::string("\xC3"), std::string("\xED\xA0\x80"),
        std::string("\xC0\xAF"), std::string("a\x80z")}) {
    CAPTURE(name);
    auto n = orbit::normalizeUsername(name);
    REQUIRE_FALSE(n.ok());
    CHECK_THAT(n.error().message, Contains("UTF-8"));
  }
}

TEST_CASE("utf8Prefix keeps whole characters within the limit", "[payloads]") {
  CHECK(orbit::utf8Prefix("abc", 5) == "abc");
  CHECK(orbit::utf8Prefix("abc", 2) == "ab");
  CHECK(orbit::utf8Prefix("a\xD0\x96", 2) == "a");  // not half of Ж
  CHECK(orbit::utf8Prefix("a\xD0\x96", 3) == "a\xD0\x96");
  CHECK(orbit::utf8Prefix("\xF0\xA0\x80\x80z", 3).empty());
}

TEST_CASE("utf8Length counts code points not bytes", "[payloads]") {
  CHECK(orbit::utf8Length("") == 0);
  CHECK(orbit::utf8Length("abc") == 3);
  CHECK(orbit::utf8Length(kEAcute) == 1);
  CHECK(orbit::utf8Length(kEuro + kGrin + "x") == 3);
}

TEST_CASE("isValidUtf8 accepts well-formed text and refuses every ill-formed kind",
          "[payloads][utf8]") {
  for (const std::string& good : {std::string(""), std::string("plain"), kEAcute, kEuro, kGrin,
                                  std::string("\xEF\xBF\xBD"),  // U+FFFD itself
                                  std::string("\xED\x9F\xBF"),  // U+D7FF, just below the surrogates
                                  std::string("\xEE\x80\x80"),  // U+E000, just above them
                                  std::string("\xF4\x8F\xBF\xBF"),  // U+10FFFF, the last code point
                                  std::string("a\0b", 3)}) {
    CAPTURE(good);
    CHECK(orbit::isValidUtf8(good));
    CHECK(orbit::toValidUtf8(good) == good);
  }
  for (const std::string& bad :
       {std::string("\x80"), std::string("\xBF"), std::string("\xC0\x80"), std::string("\xC1\xBF"),
        std::string("\xC3"), std::string("\xE0\x9F\xBF"), std::string("\xED\xA0\x80"),
        std::string("\xED\xBF\xBF"), std::string("\xF0\x8F\xBF\xBF"),
        std::string("\xF4\x90\x80\x80"), std::string("\xF5\x80\x80\x80"), std::string("\xFF"),
        std::string("\xE2\x82"), std::string("ok\xF0\x9F\x98")}) {
    CAPTURE(bad);
    CHECK_FALSE(orbit::isValidUtf8(bad));
    const std::string fixed = orbit::toValidUtf8(bad);
    CHECK(orbit::isValidUtf8(fixed));
    CHECK_THAT(fixed, Contains("\xEF\xBF\xBD"));
  }
}

TEST_CASE("toValidUtf8 replaces only the bad bytes", "[payloads][utf8]") {
  CHECK(orbit::toValidUtf8("a\xFF"
                           "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(orbit::toValidUtf8(kEuro + "\x80" + kEuro) == kEuro + "\xEF\xBF\xBD" + kEuro);
  CHECK(orbit::toValidUtf8("\xC3(") == "\xEF\xBF\xBD(");
}

TEST_CASE("decodeUtf8 gives the code points, and appendUtf8 writes them back", "[payloads][utf8]") {
  const std::string text = "a" + kEAcute + kEuro + kGrin + "\xF4\x8F\xBF\xBF";
  const std::u32string points = orbit::decodeUtf8(text);
  CHECK(points == std::u32string{U'a', U'\u00E9', U'\u20AC', U'\U0001F600', U'\U0010FFFF'});
  std::string back;
  for (const char32_t c : points) orbit::appendUtf8(back, c);
  CHECK(back == text);
  // Each ill-formed byte is one U+FFFD, as toValidUtf8 writes it; what follows reads on.
  CHECK(orbit::decodeUtf8("\xC0\x80x") == std::u32string{U'\uFFFD', U'\uFFFD', U'x'});
  CHECK(orbit::decodeUtf8("ok\xF0\x9F\x98") == std::u32string{U'o', U'k', U'\uFFFD', U'\uFFFD', U'\uFFFD'});
  CHECK(orbit::decodeUtf8("\xED\xA0\x80") == std::u32string(3, U'\uFFFD'));  // a surrogate
}

// ---- ice-servers ---------------------------------------------------------------------

TEST_CASE("ice-servers data parses into typed servers and back", "[payloads][ice-servers]") {
  const Json data = Json::array(
      {Json{{"urls", {"stun:stun.example.org:3478"}}},
       Json{{"urls", {"turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"}},
            {"username", "1700000000:0123456789abcdef0123456789abcdef"},
            {"credential", "c2VjcmV0"}}});
  auto s = orbit::parseIceServers(data);
  REQUIRE(s.ok());
  REQUIRE(s->size() == 2);
  CHECK((*s)[0].urls == std::vector<std::string>{"stun:stun.example.org:3478"});
  CHECK_FALSE((*s)[0].username.has_value());
  CHECK_FALSE((*s)[0].credential.has_value());
  CHECK((*s)[1].urls.size() == 2);
  CHECK((*s)[1].username ==
        std::optional<std::string>("1700000000:0123456789abcdef0123456789abcdef"));
  CHECK((*s)[1].credential == std::optional<std::string>("c2VjcmV0"));
  CHECK(orbit::toJson(*s) == data);
}

TEST_CASE("ice-servers urls may be a single string as RTCIceServer allows",
          "[payloads][ice-servers]") {
  auto s = orbit::parseIceServers(Json::array({Json{{"urls", "stun:stun.example.org"}}}));
  REQUIRE(s.ok());
  REQUIRE(s->size() == 1);
  CHECK((*s)[0].urls == std::vector<std::string>{"stun:stun.example.org"});
  CHECK(orbit::toJson(*s) == Json::array({Json{{"urls", {"stun:stun.example.org"}}}}));
}

TEST_CASE("an empty ice-servers list is accepted", "[payloads][ice-servers]") {
  auto s = orbit::parseIceServers(Json::array());
  REQUIRE(s.ok());
  CHECK(s->empty());
  CHECK(orbit::toJson(*s) == Json::array());
}

TEST_CASE("ice-servers with the wrong shape is refused and the entry is named",
          "[payloads][ice-servers]") {
  CHECK_THAT(decodeError(frame("ice-servers")), Contains("ice-servers needs data"));
  CHECK_THAT(decodeError(frame("ice-servers", {{"urls", {"stun:x"}}})),
             Contains("ice-servers data must be an array"));
  CHECK_THAT(decodeError(frame("ice-servers", "stun:x")),
             Contains("ice-servers data must be an array"));
  CHECK_THAT(decodeError(frame("ice-servers", nullptr)),
             Contains("ice-servers data must be an array"));
  const Json good{{"urls", {"stun:x"}}};
  CHECK_THAT(decodeError(frame("ice-servers", {good, "stun:y"})),
             Contains("ice-servers entry 1 must be an object"));
  CHECK_THAT(decodeError(iceFrame(Json{{"url", "stun:x"}})),
             Contains("ice-servers entry 0 needs \"urls\""));
}

TEST_CASE("ice-servers urls of the wrong type are refused", "[payloads][ice-servers]") {
  for (const Json& urls : {Json(5), Json(nullptr), Json{{"u", "stun:x"}}, Json(true)}) {
    CAPTURE(urls.dump());
    CHECK_THAT(decodeError(iceFrame(Json{{"urls", urls}})),
               Contains("ice-servers entry 0 \"urls\" must be a string or an array of strings"));
  }
  CHECK_THAT(decodeError(iceFrame(Json{{"urls", {"stun:x", 3}}})),
             Contains("ice-servers entry 0 \"urls\" must hold only strings"));
  CHECK_THAT(decodeError(iceFrame(Json{{"urls", {Json::array({"stun:x"})}}})),
             Contains("\"urls\" must hold only strings"));
}

TEST_CASE("ice-servers username and credential must be strings", "[payloads][ice-servers]") {
  CHECK_THAT(decodeError(iceFrame(Json{{"urls", {"turn:x"}}, {"username", 1}})),
             Contains("ice-servers entry 0 \"username\" must be a string"));
  CHECK_THAT(
      decodeError(iceFrame(Json{{"urls", {"turn:x"}}, {"username", "u"}, {"credential", {1}}})),
      Contains("ice-servers entry 0 \"credential\" must be a string"));
}

// ---- offer and answer ------------------------------------------------------------------

TEST_CASE("offer and answer data parse into a session description and back", "[payloads][sdp]") {
  for (auto type : {MessageType::Offer, MessageType::Answer}) {
    const std::string name(orbit::toString(type));
    CAPTURE(name);
    const Json data{{"type", name}, {"sdp", "v=0\r\ns=-\r\n"}};
    auto d = orbit::parseSessionDescription(type, data);
    REQUIRE(d.ok());
    CHECK(d->type == name);
    CHECK(d->sdp == "v=0\r\ns=-\r\n");
    CHECK(orbit::toJson(*d) == data);
  }
}

TEST_CASE("an offer whose data says answer is refused and the other way round", "[payloads][sdp]") {
  CHECK_THAT(decodeError(frame("offer", {{"type", "answer"}, {"sdp", "v=0"}})),
             Contains("offer data field \"type\" must be \"offer\""));
  CHECK_THAT(decodeError(frame("answer", {{"type", "offer"}, {"sdp", "v=0"}})),
             Contains("answer data field \"type\" must be \"answer\""));
  CHECK_THAT(decodeError(frame("offer", {{"type", "rollback"}, {"sdp", ""}})),
             Contains("\"type\" must be \"offer\""));
  CHECK_THAT(decodeError(frame("offer", {{"type", "Offer"}, {"sdp", ""}})),
             Contains("\"type\" must be \"offer\""));
}

TEST_CASE("offer and answer with the wrong shape are refused", "[payloads][sdp]") {
  CHECK_THAT(decodeError(frame("offer")), Contains("offer needs data") && Contains("{type, sdp}"));
  CHECK_THAT(decodeError(frame("answer")), Contains("answer needs data"));
  // The seed document shows data: '' for offers; the typed form is an object.
  CHECK_THAT(decodeError(frame("offer", "v=0")), Contains("offer data must be an object"));
  CHECK_THAT(decodeError(frame("offer", {{"sdp", "v=0"}})), Contains("offer data needs \"type\""));
  CHECK_THAT(decodeError(frame("offer", {{"type", "offer"}})),
             Contains("offer data needs \"sdp\""));
  CHECK_THAT(decodeError(frame("answer", {{"type", "answer"}, {"sdp", nullptr}})),
             Contains("answer data field \"sdp\" must be a string"));
  CHECK_THAT(decodeError(frame("offer", {{"type", 1}, {"sdp", "v=0"}})),
             Contains("offer data field \"type\" must be a string"));
}

// ---- icecandidate ----------------------------------------------------------------------

TEST_CASE("icecandidate data parses into typed fields and back", "[payloads][icecandidate]") {
  const Json data{{"candidate", "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host"},
                  {"sdpMid", "audio"},
                  {"sdpMLineIndex", 1}};
  auto c = orbit::parseIceCandidate(data);
  REQUIRE(c.ok());
  CHECK(c->candidate == data.at("candidate"));
  CHECK(c->sdpMid == std::optional<std::string>("audio"));
  CHECK(c->sdpMLineIndex == std::optional<int>(1));
  CHECK(orbit::toJson(*c) == data);
}

TEST_CASE("an end-of-candidates icecandidate with null or absent fields is accepted",
          "[payloads][icecandidate]") {
  auto nulls = orbit::parseIceCandidate(
      Json{{"candidate", ""}, {"sdpMid", nullptr}, {"sdpMLineIndex", nullptr}});
  REQUIRE(nulls.ok());
  CHECK(nulls->candidate.empty());
  CHECK_FALSE(nulls->sdpMid.has_value());
  CHECK_FALSE(nulls->sdpMLineIndex.has_value());
  CHECK(orbit::toJson(*nulls) ==
        Json{{"candidate", ""}, {"sdpMid", nullptr}, {"sdpMLineIndex", nullptr}});

  auto absent = orbit::parseIceCandidate(Json{{"candidate", ""}});
  REQUIRE(absent.ok());
  CHECK_FALSE(absent->sdpMid.has_value());
  CHECK_FALSE(absent->sdpMLineIndex.has_value());
}

TEST_CASE("icecandidate sdpMLineIndex accepts the whole unsigned short range",
          "[payloads][icecandidate]") {
  for (int index : {0, 1, 65535}) {
    CAPTURE(index);
    auto c = orbit::parseIceCandidate(Json{{"candidate", ""}, {"sdpMLineIndex", index}});
    REQUIRE(c.ok());
    CHECK(c->sdpMLineIndex == std::optional<int>(index));
  }
}

TEST_CASE("icecandidate without a candidate is refused", "[payloads][icecandidate]") {
  CHECK_THAT(decodeError(frame("icecandidate")), Contains("icecandidate needs data"));
  CHECK_THAT(decodeError(frame("icecandidate", "candidate:1")),
             Contains("icecandidate data must be an object"));
  CHECK_THAT(decodeError(frame("icecandidate", {{"sdpMid", "0"}, {"sdpMLineIndex", 0}})),
             Contains("icecandidate data needs \"candidate\""));
  CHECK_THAT(decodeError(frame("icecandidate", {{"candidate", nullptr}})),
             Contains("icecandidate data field \"candidate\" must be a string"));
}

TEST_CASE("icecandidate sdpMid that is a number is refused", "[payloads][icecandidate]") {
  CHECK_THAT(decodeError(frame("icecandidate", {{"candidate", ""}, {"sdpMid", 0}})),
             Contains("icecandidate data field \"sdpMid\" must be a string or null"));
  CHECK_THAT(decodeError(frame("icecandidate", {{"candidate", ""}, {"sdpMid", Json::array()}})),
             Contains("\"sdpMid\" must be a string or null"));
}

TEST_CASE("icecandidate sdpMLineIndex that is negative fractional too big or a string is refused",
          "[payloads][icecandidate]") {
  for (const char* index : {"-1", "0.5", "1.0", "\"0\"", "true", "[0]", "65536", "4294967296",
                            "18446744073709551615", "-9223372036854775808", "1e300"}) {
    CAPTURE(index);
    const std::string f =
        std::string(R"({"type":"icecandidate","data":{"candidate":"","sdpMLineIndex":)") + index +
        "}}";
    CHECK_THAT(
        decodeError(f),
        Contains("icecandidate data field \"sdpMLineIndex\" must be a non-negative integer"));
  }
}

// ---- greeting, error and the types that take anything ------------------------------------

TEST_CASE("greeting and error data must be a string", "[payloads]") {
  for (const char* type : {"greeting", "error"}) {
    CAPTURE(type);
    CHECK_THAT(decodeError(frame(type)), Contains(std::string(type) + " needs data: a string"));
    CHECK_THAT(decodeError(frame(type, 42)),
               Contains(std::string(type) + " data must be a string"));
    CHECK_THAT(decodeError(frame(type, nullptr)),
               Contains(std::string(type) + " data must be a string"));
    CHECK_THAT(decodeError(frame(type, {{"text", "hi"}})),
               Contains(std::string(type) + " data must be a string"));
    requireDecodes(frame(type, ""));
    requireDecodes(frame(type, "hello"));
  }
}

TEST_CASE("ping pong bye and the get requests accept any data or none", "[payloads]") {
  for (const char* type : {"ping", "pong", "bye", "get-room-info", "get-ice-servers"}) {
    CAPTURE(type);
    requireDecodes(frame(type));
    for (const Json& data :
         {Json(nullptr), Json(0), Json("x"), Json::array({1, "a"}), Json{{"k", {{"v", 1}}}}}) {
      requireDecodes(frame(type, data));
    }
  }
}

TEST_CASE("validateData agrees with decode on what each type needs", "[payloads]") {
  CHECK_FALSE(orbit::validateData(MessageType::Ping, std::nullopt).has_value());
  CHECK_FALSE(orbit::validateData(MessageType::Bye, Json(3)).has_value());
  CHECK(orbit::validateData(MessageType::Text, std::nullopt).has_value());
  CHECK(orbit::validateData(MessageType::Greeting, Json(3)).has_value());
  CHECK_FALSE(orbit::validateData(MessageType::Greeting, Json("hi")).has_value());
  const auto problem =
      orbit::validateData(MessageType::Offer, Json{{"type", "answer"}, {"sdp", ""}});
  REQUIRE(problem.has_value());
  CHECK_THAT(*problem, Contains("must be \"offer\""));
}
