// What the log says about clients, read from a real orbit-server's stderr: nothing a client
// chooses forges a field or a line (text or JSON); join, leave and refusal lines carry the
// client's address, taken from a proxy's header only when that proxy is trusted; failed
// passwords and tokens leave a trace without flooding; a client's protocol mistakes stay
// below info.
#include "run_until.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace orbit::test;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The fields of a text line whose message is `message` ("TIME LEVEL message key=value ..."),
// read back as docs/deploy.md describes them; nothing when no line has that message.
std::optional<std::map<std::string, std::string>> fieldsOf(const std::string& log, const std::string& message) {
  static const std::regex head(R"(^\S+ (debug|info |warn |error) (.*)$)");
  for (const std::string& line : lines(log)) {
    std::smatch m;
    if (!std::regex_match(line, m, head)) continue;
    const std::string rest = m[2];
    if (rest.rfind(message + " ", 0) != 0) continue;
    std::map<std::string, std::string> fields;
    std::size_t at = message.size() + 1;
    while (at < rest.size()) {
      const auto eq = rest.find('=', at);
      if (eq == std::string::npos) return std::nullopt;
      const std::string key = rest.substr(at, eq - at);
      std::string value;
      at = eq + 1;
      if (at < rest.size() && rest[at] == '"') {
        for (++at; at < rest.size() && rest[at] != '"'; ++at) {
          if (rest[at] != '\\') {
            value += rest[at];
            continue;
          }
          const char next = rest[++at];
          value += next == 'n' ? '\n' : next;
        }
        at += 2;  // the closing quote and the space
      } else {
        const auto space = rest.find(' ', at);
        value = rest.substr(at, space == std::string::npos ? std::string::npos : space - at);
        at = space == std::string::npos ? rest.size() : space + 1;
      }
      fields[key] = value;
    }
    return fields;
  }
  return std::nullopt;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const std::string kForged = "Eve\" reason=\"spoofed\" clients=99";

// Eve joins room "forge", takes the forged name, sends a message type with a newline in it, and
// leaves; returns once the server has logged her leaving.
void forgeAndLeave(ServerProcess& server) {
  {
    WsClient eve(server.port(), "/room/forge/ws");
    eve.learnId();
    eve.send({{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", kForged}}}});
    eve.sendText(R"({"type":"x\n2026-12-01T00:00:00.000Z info  join room=forge clients=99","receiver":"room"})");
    eve.drain();
    eve.close();
  }
  REQUIRE(pollUntil(std::chrono::seconds(5), [&] { return server.log().find("leave") != std::string::npos; }));
}

}  // namespace

TEST_CASE("a display name or message type made to forge log fields or lines comes out escaped, and join and leave "
          "name the client's address",
          "[integration][log]") {
  ServerProcess server;  // --log-level debug: the client's errors are logged too
  forgeAndLeave(server);
  const std::string log = server.log();
  INFO(log);
  // Every line is the server's: none begins with anything but a time stamp.
  for (const std::string& line : lines(log)) CHECK(std::regex_search(line, std::regex(R"(^\d{4}-\d\d-\d\dT)")));
  std::size_t joins = 0;
  for (const std::string& line : lines(log)) joins += std::regex_search(line, std::regex(R"(^\S+ info  join )")) ? 1 : 0;
  CHECK(joins == 1);

  const auto profile = fieldsOf(log, "profile");
  REQUIRE(profile);
  CHECK(profile->at("name") == kForged);
  const auto leave = fieldsOf(log, "leave");
  REQUIRE(leave);
  CHECK(leave->at("name") == kForged);
  CHECK(leave->at("reason") == "connection closed");
  CHECK(leave->at("clients") == "0");
  CHECK(leave->at("ip") == "127.0.0.1");
  CHECK(leave->at("room") == "forge");
  const auto join = fieldsOf(log, "join");
  REQUIRE(join);
  CHECK(join->at("ip") == "127.0.0.1");
  const auto error = fieldsOf(log, "error to client");
  REQUIRE(error);
  CHECK_THAT(error->at("error"), Catch::Contains("x\n2026-12-01T00:00:00.000Z info  join"));
}

TEST_CASE("with --log-format json every line is one JSON object, and what a client chose is a member's value",
          "[integration][log]") {
  ServerProcess server({"--log-format", "json"});
  forgeAndLeave(server);
  const std::string log = server.log();
  INFO(log);
  std::map<std::string, Json> byMessage;
  for (const std::string& line : lines(log)) {
    const Json parsed = Json::parse(line, nullptr, false);
    REQUIRE(parsed.is_object());
    CHECK(parsed["time"].is_string());
    CHECK(parsed["level"].is_string());
    byMessage[parsed.value("msg", "")] = parsed;
  }
  REQUIRE(byMessage.count("leave"));
  CHECK(byMessage["leave"]["name"] == kForged);
  CHECK(byMessage["leave"]["ip"] == "127.0.0.1");
  CHECK(byMessage["leave"]["clients"] == 0);
  REQUIRE(byMessage.count("error to client"));
  CHECK_THAT(byMessage["error to client"]["error"].get<std::string>(), Catch::Contains("x\n2026-12-01"));
}

TEST_CASE("failed passwords and join tokens are logged once per address per 10 s, the address coming from "
          "X-Forwarded-For only when the peer is a --trusted-proxy",
          "[integration][log][proxy]") {
  // 200 upgrades in a burst from one address: past --connection-rate-per-ip, which is not under test here.
  ServerProcess server({"--trusted-proxy", "127.0.0.1", "--connection-rate-per-ip", "0"});
  REQUIRE(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"vault","password":"open sesame"})").status == 201);
  for (int i = 0; i < 200; ++i) REQUIRE(upgradeStatus(server.port(), "/room/vault/ws?token=forged") == 401);
  REQUIRE(httpRequest(server.port(), "POST", "/api/rooms/vault/join", R"({"password":"guess"})").status == 401);
  REQUIRE(upgradeStatus(server.port(), "/room/vault/ws", {{"X-Forwarded-For", "6.6.6.6, 198.51.100.7"}}) == 401);
  std::string log = server.log();
  INFO(log);
  const auto first = fieldsOf(log, "authentication failed");
  REQUIRE(first);
  CHECK(first->at("ip") == "127.0.0.1");
  CHECK(first->at("room") == "vault");
  CHECK(first->at("reason") == "bad_token");
  // 201 failures from 127.0.0.1 in well under 10 s: one line (two if the run straddled 10 s).
  CHECK(count(log, "authentication failed ip=127.0.0.1 ") >= 1);
  CHECK(count(log, "authentication failed ip=127.0.0.1 ") <= 2);
  CHECK(count(log, "authentication failed ip=198.51.100.7 room=vault reason=missing_token") == 1);
  CHECK(count(log, "6.6.6.6") == 0);

  // A peer that is no trusted proxy cannot pick the address it is logged under.
  ServerProcess direct;
  REQUIRE(httpRequest(direct.port(), "POST", "/api/rooms", R"({"name":"vault","password":"open sesame"})").status == 201);
  REQUIRE(upgradeStatus(direct.port(), "/room/vault/ws", {{"X-Forwarded-For", "198.51.100.7"}}) == 401);
  log = direct.log();
  CHECK(count(log, "authentication failed ip=127.0.0.1 room=vault reason=missing_token") == 1);
  CHECK(count(log, "198.51.100.7") == 0);
}

TEST_CASE("a client's protocol errors are logged at debug, not at info", "[integration][log]") {
  ServerProcess server({"--log-level", "info"});
  WsClient client(server.port(), "/room/errors/ws");
  client.sendText("{not json");
  REQUIRE(client.waitForType("error"));
  client.drain();
  CHECK(server.log().find("invalid JSON") == std::string::npos);
  CHECK(server.log().find("join") != std::string::npos);
}
