// orbit-bot as users and load tests run it: real processes against a real orbit-server.
#include "child_process.hpp"
#include "codec.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <csignal>
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

// Every line a bot prints is one JSON object.
Json jsonLine(const std::string& line) {
  auto parsed = parseJson(line);
  INFO(line);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->is_object());
  return *parsed;
}

std::vector<Json> jsonLines(const std::string& output) {
  std::vector<Json> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) lines.push_back(jsonLine(line));
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
  std::vector<ChildProcess*> reading;
  // The duration is only a backstop: the test ends the bots once they have shown what it needs.
  for (const std::string& name : names) {
    bots.push_back(startBot(url, name, "60", {"--say", "hello from " + name}));
    reading.push_back(bots.back().get());
  }

  std::map<std::string, std::vector<Json>> events;          // by bot name, as they came
  std::map<std::string, std::string> ids;                   // bot name → its id
  std::map<std::string, std::set<std::string>> connected;  // bot name → the peers it reached
  std::map<std::string, std::set<std::string>> heardBy;    // text → the bots that got it
  auto everyoneThere = [&] {
    for (const std::string& name : names) {
      if (connected[name].size() != names.size() - 1) return false;
      if (heardBy["hello from " + name].empty()) return false;
    }
    return true;
  };
  const auto deadline = ChildProcess::Clock::now() + 40s;
  while (!everyoneThere()) {
    const auto line = ChildProcess::nextLine(reading, deadline);
    if (!line) break;  // the deadline passed, or every bot ended early
    const std::string& name = names[line->first];
    const Json event = jsonLine(line->second);
    events[name].push_back(event);
    if (event["event"] == "joined") ids[name] = event["id"].get<std::string>();
    if (event["event"] == "peer-state" && event["state"] == "connected") connected[name].insert(event["peer"].get<std::string>());
    if (event["event"] == "text") heardBy[event["text"].get<std::string>()].insert(name);
  }
  for (const std::string& name : names) {
    INFO(name << " connected to " << connected[name].size() << ", heard by " << heardBy["hello from " + name].size());
  }
  REQUIRE(everyoneThere());

  // Done: each bot leaves on SIGTERM, with "done" as its last line.
  for (auto& bot : bots) bot->signal(SIGTERM);
  for (std::size_t i = 0; i < bots.size(); ++i) {
    const std::optional<int> code = bots[i]->wait(20s);
    INFO(names[i] << " stderr: " << bots[i]->errors() << "\nstdout: " << bots[i]->output());
    REQUIRE(code == 0);
    while (auto line = bots[i]->nextLine(ChildProcess::Clock::now())) events[names[i]].push_back(jsonLine(*line));
    REQUIRE_FALSE(events[names[i]].empty());
    CHECK(events[names[i]].front()["event"] == "joined");
    CHECK(events[names[i]].back()["event"] == "done");
  }

  for (const std::string& name : names) {
    for (const Json& event : events[name]) CHECK(event["event"] != "error");
    std::set<std::string> others;
    for (const auto& [other, id] : ids) {
      if (other != name) others.insert(id);
    }
    INFO(name << ": " << bots.size() << " bots");
    CHECK(connected[name] == others);
  }
  // Each says its line once its first connection is up, so someone is there to hear it.
  for (const std::string& name : names) {
    INFO(name);
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

TEST_CASE("a bot joins a password room with --token, which never goes into the URL", "[bot][integration]") {
  ServerProcess server;
  const auto created = httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"den","password":"badger"})");
  REQUIRE(created.status == 201);
  const std::string token = created.json()["token"];
  const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/room/den/ws";

  auto bot = startBot(url, "Ada", "60", {"--token", token});
  const auto first = bot->nextLine(ChildProcess::Clock::now() + 20s);
  REQUIRE(first);
  CHECK(jsonLine(*first)["event"] == "joined");
  bot->signal(SIGTERM);
  REQUIRE(bot->wait(20s) == 0);

  // Without it the room stays shut: the bot says why, and keeps trying until its time is up.
  auto shut = startBot(url, "Bea", "1.5");
  REQUIRE(shut->wait(20s) == 0);
  INFO(shut->output());
  CHECK(shut->output().find("\"event\":\"joined\"") == std::string::npos);
  CHECK(shut->output().find("\"event\":\"error\"") != std::string::npos);
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
  SECTION("a token a header cannot carry") {
    auto bot = startBot("ws://127.0.0.1:1/room/x/ws", "A", "1", {"--token", "12 34"});
    REQUIRE(bot->wait(20s) == 2);
    CHECK(bot->errors().find("--token must be a join token") != std::string::npos);
  }
  SECTION("a name the server would refuse") {
    auto bot = startBot("ws://127.0.0.1:1/room/x/ws", "   ", "1");
    REQUIRE(bot->wait(20s) == 2);
    CHECK(bot->errors().find("--name") != std::string::npos);
  }
}
