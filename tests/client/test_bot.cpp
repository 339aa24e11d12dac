// orbit-bot as users and load tests run it: real processes against a real orbit-server.
#include "child_process.hpp"
#include "codec.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef ORBIT_BOT_BIN
#error "ORBIT_BOT_BIN must name the orbit-bot executable"
#endif

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

std::vector<Json> jsonLines(const std::string& output) {
  std::vector<Json> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    auto parsed = parseJson(line);
    INFO(line);
    REQUIRE(parsed.ok());  // every line is one JSON object
    REQUIRE(parsed->is_object());
    lines.push_back(*parsed);
  }
  return lines;
}

std::unique_ptr<ChildProcess> startBot(const std::string& url, const std::string& name, const std::string& seconds,
                                       std::vector<std::string> more = {}) {
  std::vector<std::string> args{ORBIT_BOT_BIN, "--url", url, "--name", name, "--duration", seconds};
  args.insert(args.end(), more.begin(), more.end());
  return std::make_unique<ChildProcess>(args);
}

}  // namespace

TEST_CASE("four bots started at the same instant each report three connected peers", "[bot][integration]") {
  ServerProcess server;
  const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/room/bots/ws";
  const std::vector<std::string> names{"Ada", "Bea", "Cy", "Dot"};
  std::vector<std::unique_ptr<ChildProcess>> bots;
  for (const std::string& name : names) bots.push_back(startBot(url, name, "8", {"--say", "hello from " + name}));

  std::map<std::string, std::vector<Json>> events;  // by bot name
  std::map<std::string, std::string> ids;          // bot name → its id
  for (std::size_t i = 0; i < bots.size(); ++i) {
    const std::optional<int> code = bots[i]->wait(40s);
    INFO(names[i] << " stderr: " << bots[i]->errors() << "\nstdout: " << bots[i]->output());
    REQUIRE(code == 0);
    events[names[i]] = jsonLines(bots[i]->output());
    REQUIRE_FALSE(events[names[i]].empty());
    CHECK(events[names[i]].front()["event"] == "joined");
    ids[names[i]] = events[names[i]].front()["id"].get<std::string>();
    CHECK(events[names[i]].back()["event"] == "done");
  }

  std::map<std::string, std::set<std::string>> heardBy;  // text → the bots that got it
  for (const std::string& name : names) {
    std::set<std::string> connected;
    for (const Json& event : events[name]) {
      if (event["event"] == "peer-state" && event["state"] == "connected") connected.insert(event["peer"].get<std::string>());
      if (event["event"] == "text") heardBy[event["text"].get<std::string>()].insert(name);
      CHECK(event["event"] != "error");
    }
    std::set<std::string> others;
    for (const auto& [other, id] : ids) {
      if (other != name) others.insert(id);
    }
    INFO(name << ": " << bots.size() << " bots");
    CHECK(connected == others);
  }
  // Each says its line once its first connection is up, so someone is there to hear it.
  for (const std::string& name : names) {
    INFO(name);
    CHECK_FALSE(heardBy["hello from " + name].empty());
    CHECK(heardBy["hello from " + name].count(name) == 0);  // a bot's own echo is not news
  }
}

TEST_CASE("a bot that cannot reach the server says so and still ends on time", "[bot][integration]") {
  // Nothing listens on port 1 of loopback: every attempt is refused at once.
  auto bot = startBot("ws://127.0.0.1:1/room/nobody/ws", "Lonely", "1.5");
  REQUIRE(bot->wait(20s) == 0);
  bool reported = false;
  for (const Json& event : jsonLines(bot->output())) reported = reported || event["event"] == "error";
  INFO(bot->output());
  CHECK(reported);
}

TEST_CASE("a bot refuses bad usage with a clear message and exit code 2", "[bot]") {
  SECTION("not a WebSocket room URL") {
    auto bot = startBot("http://127.0.0.1:8080/room/x", "A", "1");
    REQUIRE(bot->wait(20s) == 2);
    CHECK(bot->errors().find("--url must look like ws://HOST:PORT/room/ROOM/ws") != std::string::npos);
  }
  SECTION("a duration that is not positive") {
    auto bot = startBot("ws://127.0.0.1:1/room/x/ws", "A", "0");
    REQUIRE(bot->wait(20s) == 2);
    CHECK(bot->errors().find("--duration must be a positive number") != std::string::npos);
  }
  SECTION("a name the server would refuse") {
    auto bot = startBot("ws://127.0.0.1:1/room/x/ws", "   ", "1");
    REQUIRE(bot->wait(20s) == 2);
    CHECK(bot->errors().find("--name") != std::string::npos);
  }
}
