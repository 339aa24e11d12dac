// The log: what a client chose never forges a field or a line, in text or JSON; repeated
// failures are throttled per address; the client's address is taken from a proxy's header
// only when that proxy is trusted.
#include "client_address.hpp"
#include "log_throttle.hpp"
#include "logger.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace orbit;
using Catch::Matchers::Contains;

TEST_CASE("a text line quotes and escapes a value that could pass for more fields or another line", "[log]") {
  const std::string forged = "Eve\" reason=\"spoofed\" clients=99";
  const std::string line = formatLogLine(LogFormat::Text, "2026-12-01T10:00:00.000Z", LogLevel::Info, "leave",
                                         {field("room", "abc"), field("name", forged), field("type", "x\ny"),
                                          field("clients", 2), field("public", true)});
  CHECK(line == "2026-12-01T10:00:00.000Z info  leave room=abc name=\"Eve\\\" reason=\\\"spoofed\\\" clients=99\" "
                "type=\"x\\ny\" clients=2 public=true");
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("escaping makes control characters, bytes that are not UTF-8 and Unicode line separators visible", "[log]") {
  CHECK(escapeLogText("a\r\n\t\x1b[31m\x7f", false) == "a\\r\\n\\t\\x1B[31m\\x7F");
  CHECK(escapeLogText("caf\xC3\xA9 \xE6\x97\xA5", false) == "caf\xC3\xA9 \xE6\x97\xA5");  // UTF-8 stays
  CHECK(escapeLogText("\xFF\xC3", false) == "\\xFF\\xC3");
  CHECK(escapeLogText("a\xE2\x80\xA8" "b\xC2\x85", false) == "a\\u2028b\\u0085");
  CHECK(escapeLogText("say \"hi\" \\", true) == "say \\\"hi\\\" \\\\");
  CHECK(escapeLogText("say \"hi\"", false) == "say \"hi\"");
  // The message is server text, but a stray newline in it still cannot start a line.
  CHECK(formatLogLine(LogFormat::Text, "T", LogLevel::Warn, "redis: down\nfake", {}) == "T warn  redis: down\\nfake");
}

TEST_CASE("a JSON line is one object with time, level, msg and each field as a member of its own", "[log]") {
  const std::string forged = "Eve\", \"level\": \"error";
  const std::string line = formatLogLine(LogFormat::Json, "2026-12-01T10:00:00.000Z", LogLevel::Info, "join",
                                         {field("room", "abc"), field("name", forged), field("bytes", "\xFF\n"),
                                          field("clients", 3u), field("public", false)});
  CHECK(line.find('\n') == std::string::npos);
  const auto parsed = nlohmann::json::parse(line, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  CHECK(parsed["time"] == "2026-12-01T10:00:00.000Z");
  CHECK(parsed["level"] == "info");
  CHECK(parsed["msg"] == "join");
  CHECK(parsed["name"] == forged);
  CHECK(parsed["bytes"] == "\xEF\xBF\xBD\n");  // U+FFFD for the byte that is not UTF-8
  CHECK(parsed["clients"] == 3);
  CHECK(parsed["public"] == false);
}

TEST_CASE("a throttled key writes one line per interval and the next line says how many it held back", "[log]") {
  LogThrottle throttle(std::chrono::seconds(10));
  const TimePoint t0{};
  CHECK(throttle.admit("192.0.2.1", t0) == std::optional<std::uint64_t>(0));
  for (int i = 0; i < 199; ++i) CHECK_FALSE(throttle.admit("192.0.2.1", t0 + std::chrono::seconds(5)));
  CHECK(throttle.admit("192.0.2.2", t0 + std::chrono::seconds(5)) == std::optional<std::uint64_t>(0));
  CHECK(throttle.admit("192.0.2.1", t0 + std::chrono::seconds(10)) == std::optional<std::uint64_t>(199));
  CHECK_FALSE(throttle.admit("192.0.2.1", t0 + std::chrono::seconds(11)));
}

TEST_CASE("a throttle holds at most its number of keys, and a flood from new addresses shares one line", "[log]") {
  LogThrottle throttle(std::chrono::seconds(10), 3);
  const TimePoint t0{};
  for (const char* key : {"a", "b", "c"}) CHECK(throttle.admit(key, t0));
  CHECK(throttle.admit("d", t0));        // the first past the bound takes the shared line
  CHECK_FALSE(throttle.admit("e", t0));  // and the rest share it
  // Once the old keys have aged out, a new key has a line of its own again.
  CHECK(throttle.admit("f", t0 + std::chrono::seconds(10)) == std::optional<std::uint64_t>(0));
}

TEST_CASE("only a trusted proxy's forwarding headers say who the client is, and the rightmost untrusted hop wins",
          "[log][proxy]") {
  auto proxies = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8"});
  REQUIRE(proxies);
  // A peer that is no trusted proxy is the client, whatever it claims.
  CHECK(proxies->clientAddress("203.0.113.5", "", "198.51.100.1") == "203.0.113.5");
  CHECK(proxies->clientAddress("203.0.113.5", "for=198.51.100.1", "") == "203.0.113.5");
  // Through trusted proxies: the first hop from the right that is not one of them.
  CHECK(proxies->clientAddress("127.0.0.1", "", "198.51.100.1") == "198.51.100.1");
  CHECK(proxies->clientAddress("127.0.0.1", "", "6.6.6.6, 198.51.100.1, 10.1.2.3") == "198.51.100.1");
  CHECK(proxies->clientAddress("127.0.0.1", "", "10.9.9.9, 10.1.2.3") == "10.9.9.9");
  CHECK(proxies->clientAddress("127.0.0.1", "", "198.51.100.1:4711") == "198.51.100.1");
  CHECK(proxies->clientAddress("127.0.0.1", "", "[2001:db8::7]:4711") == "2001:db8::7");
  // Forwarded (RFC 7239) is preferred to X-Forwarded-For, quoted IPv6 and all.
  CHECK(proxies->clientAddress("127.0.0.1", "for=6.6.6.6;proto=http, For=\"[2001:db8::9]:80\";by=10.0.0.1",
                               "198.51.100.1") == "2001:db8::9");
  // A hop that is no address stops the walk at the proxy that wrote it.
  CHECK(proxies->clientAddress("127.0.0.1", "", "198.51.100.1, unknown, 10.1.2.3") == "10.1.2.3");
  CHECK(proxies->clientAddress("127.0.0.1", "", "garbage") == "127.0.0.1");
  // An IPv4 peer on a dual-stack socket is still that IPv4 address.
  CHECK(proxies->clientAddress("::ffff:127.0.0.1", "", "198.51.100.1") == "198.51.100.1");
  CHECK(TrustedProxies().clientAddress("127.0.0.1", "", "198.51.100.1") == "127.0.0.1");
}
