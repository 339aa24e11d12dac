// Cluster mode (--redis): several real orbit-server processes sharing rooms through a real
// redis-server, each on 127.0.0.1 and a free port, with real WebSocket clients and orbit-bots.
#include "child_process.hpp"
#include "redis_process.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#ifndef ORBIT_BOT_BIN
#error "ORBIT_BOT_BIN must name the orbit-bot executable"
#endif

using namespace orbit::test;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

// The reap window of the instance-crash test. (Test clients do not answer pings: tests that
// keep them longer run with the default window.)
constexpr auto kReap = std::chrono::seconds(3);

std::vector<std::string> clusterArgs(const RedisProcess& redis, std::chrono::seconds reap = std::chrono::seconds(30)) {
  return {"--redis", redis.url(), "--ping-interval", std::to_string(reap.count() / 3), "--reap-timeout",
          std::to_string(reap.count())};
}

Json textTo(const std::string& receiver, const std::string& text) {
  return {{"type", "text"}, {"sender", ""}, {"receiver", receiver}, {"data", {{"from", "test"}, {"time", 1}, {"text", text}}}};
}

std::string wsTarget(const std::string& room) { return "/room/" + room + "/ws"; }

// A client that has joined and knows its id (so room-info reaches it).
std::unique_ptr<WsClient> joinAs(const ServerProcess& server, const std::string& room, const std::string& name) {
  auto c = std::make_unique<WsClient>(server.port(), wsTarget(room));
  c->learnId();
  c->send({{"type", "profile"}, {"sender", ""}, {"receiver", "ground control"}, {"data", {{"username", name}}}});
  return c;
}

std::set<std::string> namesIn(const Json& roomInfo) {
  std::set<std::string> out;
  for (const Json& c : roomInfo["data"]["clients"]) out.insert(c.value("username", ""));
  return out;
}

// The next room-info listing exactly `names`.
std::optional<Json> roomInfoOf(WsClient& c, const std::set<std::string>& names,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return c.waitFor([&](const Json& m) { return m.value("type", "") == "room-info" && namesIn(m) == names; }, timeout);
}

Json jsonLine(const std::string& line) {
  INFO(line);
  Json j = Json::parse(line, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

std::unique_ptr<ChildProcess> startBot(const ServerProcess& server, const std::string& room, const std::string& name) {
  return std::make_unique<ChildProcess>(std::vector<std::string>{
      ORBIT_BOT_BIN, "--url", "ws://127.0.0.1:" + std::to_string(server.port()) + wsTarget(room), "--name", name,
      "--duration", "90", "--say", "hello from " + name});
}

// What a group of bots printed, read as they print it.
struct Bots {
  std::vector<std::string> names;
  std::vector<std::unique_ptr<ChildProcess>> processes;
  std::map<std::string, std::vector<Json>> events;
  std::map<std::string, std::string> ids;
  std::map<std::string, std::set<std::string>> connected;  // name → peers it reached
  std::map<std::string, std::set<std::string>> heard;      // name → lines it heard

  void add(const ServerProcess& server, const std::string& room, const std::string& name) {
    names.push_back(name);
    processes.push_back(startBot(server, room, name));
  }
  // Reads what they print until `done` holds; false when the deadline passes first.
  bool readUntil(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds(40)) {
    std::vector<ChildProcess*> reading;
    for (auto& p : processes) reading.push_back(p.get());
    const auto deadline = ChildProcess::Clock::now() + limit;
    while (!done()) {
      const auto line = ChildProcess::nextLine(reading, deadline);
      if (!line) return false;
      record(names[line->first], jsonLine(line->second));
    }
    return true;
  }
  void record(const std::string& name, const Json& e) {
    events[name].push_back(e);
    if (e["event"] == "joined") ids[name] = e["id"].get<std::string>();
    if (e["event"] == "peer-state" && e["state"] == "connected") connected[name].insert(e["peer"].get<std::string>());
    if (e["event"] == "text") heard[name].insert(e["text"].get<std::string>());
  }
  // Every event each bot printed, for a failure's message.
  std::string transcript() const {
    std::string out;
    for (const auto& [name, list] : events) {
      for (const Json& e : list) out += name + ": " + e.dump() + "\n";
    }
    return out;
  }
  bool meshed() const {
    for (const std::string& name : names) {
      auto it = connected.find(name);
      if (it == connected.end() || it->second.size() != names.size() - 1) return false;
    }
    return true;
  }
  bool everyoneHeardEveryone() const {
    for (const std::string& name : names) {
      for (const std::string& other : names) {
        if (other == name) continue;
        auto it = heard.find(name);
        if (it == heard.end() || !it->second.count("hello from " + other)) return false;
      }
    }
    return true;
  }
  // SIGTERM, and what they printed to the end.
  void finish() {
    for (auto& p : processes) p->signal(SIGTERM);
    for (std::size_t i = 0; i < processes.size(); ++i) {
      INFO(names[i] << " stderr: " << processes[i]->errors());
      REQUIRE(processes[i]->wait(std::chrono::seconds(20)) == 0);
      while (auto line = processes[i]->nextLine(ChildProcess::Clock::now())) record(names[i], jsonLine(*line));
    }
  }
};

}  // namespace

TEST_CASE("six bots over three instances mesh fully, chat crosses, and every instance lists all six",
          "[integration][cluster]") {
  RedisProcess redis;
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (int i = 0; i < 3; ++i) servers.push_back(std::make_unique<ServerProcess>(clusterArgs(redis)));

  Bots bots;
  const std::vector<std::string> names{"Ada", "Bea", "Cy", "Dot", "Eve", "Flo"};
  for (std::size_t i = 0; i < names.size(); ++i) bots.add(*servers[i % 3], "six", names[i]);
  // Each bot says its line when its first peer connects; one that joins later reads it as
  // history, not as a live line, so "someone else heard it" is what can be asked of that.
  auto heardByAnother = [&] {
    for (const std::string& name : names) {
      bool heard = false;
      for (const std::string& other : names) heard = heard || (other != name && bots.heard[other].count("hello from " + name));
      if (!heard) return false;
    }
    return true;
  };
  const bool there = bots.readUntil([&] { return bots.meshed() && heardByAnother(); });
  for (const std::string& name : names) {
    INFO(name << " reached " << bots.connected[name].size() << " peers and heard " << bots.heard[name].size() << " lines");
    CHECK(bots.connected[name].size() == 5);
  }
  if (!there) {
    std::string logs;
    for (std::size_t i = 0; i < servers.size(); ++i) logs += "instance " + std::to_string(i) + ":\n" + servers[i]->log();
    FAIL("the bots printed:\n" << bots.transcript() << "the servers logged:\n" << logs);
  }
  // Judged now: the watchers below join and leave the room, and a bot's offer to a watcher
  // that has just left is rightly answered "not delivered".
  for (const std::string& name : names) {
    INFO(name);
    for (const Json& e : bots.events[name]) {
      INFO(e.dump());
      CHECK(e["event"] != "error");
    }
  }

  // On each instance a newcomer reads a room-info listing the six and itself, and what it
  // says reaches all six, on every instance, live.
  std::set<std::string> everyone(names.begin(), names.end());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const std::string watcher = "Watcher " + std::to_string(i);
    auto c = joinAs(*servers[i], "six", watcher);
    std::set<std::string> expected = everyone;
    expected.insert(watcher);
    INFO("instance " << i);
    const auto info = roomInfoOf(*c, expected);
    REQUIRE(info);
    std::set<std::string> ids;
    for (const Json& client : (*info)["data"]["clients"]) ids.insert(client["id"].get<std::string>());
    for (const auto& [name, id] : bots.ids) CHECK(ids.count(id) == 1);
    CHECK(httpRequest(servers[i]->port(), "GET", "/api/rooms/six").json()["clients"] == 7);  // the lobby agrees

    const std::string line = "across from instance " + std::to_string(i);
    c->send(textTo("room", line));
    const bool allHeard = bots.readUntil([&] {
      for (const std::string& name : names) {
        if (!bots.heard[name].count(line)) return false;
      }
      return true;
    });
    CHECK(allHeard);
  }
  bots.finish();
}

TEST_CASE("a guest limit holds across instances, and a room made on one opens on the other", "[integration][cluster]") {
  RedisProcess redis;
  ServerProcess a(clusterArgs(redis));
  ServerProcess b(clusterArgs(redis));
  const HttpResult made =
      httpRequest(a.port(), "POST", "/api/rooms", Json{{"name", "Trio"}, {"guest_limit", 3}, {"public", true}}.dump());
  REQUIRE(made.status == 201);
  // B knows it: in its lobby, with its limit.
  REQUIRE(pollUntil(std::chrono::seconds(5), [&] { return httpRequest(b.port(), "GET", "/api/rooms/trio").json()["exists"] == true; }));
  CHECK(httpRequest(b.port(), "GET", "/api/rooms/trio").json()["capacity"] == 3);
  CHECK(httpRequest(b.port(), "GET", "/api/rooms").json()[0]["name"] == "Trio");
  // The same name made on B is taken.
  CHECK(httpRequest(b.port(), "POST", "/api/rooms", Json{{"name", "Trio"}}.dump()).status == 409);

  auto a1 = joinAs(a, "trio", "A1");
  auto b1 = joinAs(b, "trio", "B1");
  auto a2 = joinAs(a, "trio", "A2");
  REQUIRE(roomInfoOf(*b1, {"A1", "B1", "A2"}));
  CHECK_THROWS_WITH(WsClient(b.port(), wsTarget("trio")), Contains("HTTP 403") && Contains("the room is full (3 participants)"));
  CHECK_THROWS_WITH(WsClient(a.port(), wsTarget("trio")), Contains("HTTP 403"));

  // A place that frees up on A can be taken on B.
  a2->close();
  REQUIRE(roomInfoOf(*b1, {"A1", "B1"}));
  auto b2 = joinAs(b, "trio", "B2");
  CHECK(roomInfoOf(*a1, {"A1", "B1", "B2"}));
}

TEST_CASE("an instance killed with SIGKILL: the others drop its clients within the reap window", "[integration][cluster]") {
  RedisProcess redis;
  ServerProcess a(clusterArgs(redis, kReap));
  auto b = std::make_unique<ServerProcess>(clusterArgs(redis, kReap));
  auto ann = joinAs(a, "crash", "Ann");
  auto ben = joinAs(*b, "crash", "Ben");
  auto bo = joinAs(*b, "crash", "Bo");
  REQUIRE(roomInfoOf(*ann, {"Ann", "Ben", "Bo"}));

  const auto killed = std::chrono::steady_clock::now();
  b->stop(SIGKILL);
  const auto alone = roomInfoOf(*ann, {"Ann"}, std::chrono::seconds(10));
  const auto took = std::chrono::steady_clock::now() - killed;
  INFO("dropped after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  REQUIRE(alone);
  CHECK(took < kReap);
  CHECK(httpRequest(a.port(), "GET", "/api/rooms/crash").json()["clients"] == 1);

  // An instance stopped cleanly (SIGTERM) takes its clients out of the others' rooms at once,
  // and out of Redis for good: no seat stays taken. (Several times: a stop used to race with
  // the instance hearing its own leaving, and come back.) New clients: test clients answer
  // no pings, and Ann's reap window is running out.
  REQUIRE(httpRequest(a.port(), "POST", "/api/rooms", Json{{"name", "Clean"}, {"guest_limit", 2}}.dump()).status == 201);
  auto al = joinAs(a, "clean", "Al");
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    auto c = std::make_unique<ServerProcess>(clusterArgs(redis, kReap));
    auto cy = joinAs(*c, "clean", "Cy");
    REQUIRE(roomInfoOf(*al, {"Al", "Cy"}));
    const auto stopped = std::chrono::steady_clock::now();
    c->signal(SIGTERM);
    REQUIRE(roomInfoOf(*al, {"Al"}, std::chrono::seconds(10)));
    // Before Cy has even closed its side.
    CHECK(std::chrono::steady_clock::now() - stopped < std::chrono::seconds(1));
    CHECK(cy->waitClosed());
    CHECK(c->stop(SIGTERM) == 0);
    // Cy's seat is free: a newcomer on A takes it at once.
    auto dee = joinAs(a, "clean", "Dee");
    REQUIRE(roomInfoOf(*al, {"Al", "Dee"}));
    dee->close();
    REQUIRE(roomInfoOf(*al, {"Al"}));
  }
}

TEST_CASE("redis-server stopped for 3 s mid-call: the call goes on, and chat crosses again once, after",
          "[integration][cluster]") {
  RedisProcess redis;
  ServerProcess a(clusterArgs(redis));
  ServerProcess b(clusterArgs(redis));
  const HttpResult vault =
      httpRequest(a.port(), "POST", "/api/rooms", Json{{"name", "Vault"}, {"password", "hunter2"}}.dump());
  REQUIRE(vault.status == 201);
  const std::string token = vault.json()["token"];
  Bots bots;
  bots.add(a, "outage", "Ann");
  bots.add(b, "outage", "Ben");
  REQUIRE(bots.readUntil([&] { return bots.meshed() && bots.everyoneHeardEveryone(); }));
  auto x = joinAs(a, "outage", "Xia");
  auto y = joinAs(b, "outage", "Yan");
  REQUIRE(roomInfoOf(*x, {"Ann", "Ben", "Xia", "Yan"}));

  const auto stopped = std::chrono::steady_clock::now();
  redis.stop();
  // Meanwhile A serves its own clients: Ann, on A, hears what Xia says there.
  const auto lost = [](const ServerProcess& s) { return s.log().find("serves its own clients alone") != std::string::npos; };
  REQUIRE(pollUntil(std::chrono::seconds(2), [&] { return lost(a) && lost(b); }));
  x->send(textTo("room", "said during the outage"));
  REQUIRE(bots.readUntil([&] { return bots.heard["Ann"].count("said during the outage") > 0; }, std::chrono::seconds(2)));
  REQUIRE(bots.processes[0]->errors().empty());
  // The outage itself: three seconds of no Redis, as the scenario says (nothing to wait for).
  std::this_thread::sleep_until(stopped + std::chrono::seconds(3));
  redis.start();
  auto back = [](const ServerProcess& s) { return s.log().find("connected again") != std::string::npos; };
  REQUIRE(pollUntil(std::chrono::seconds(10), [&] { return back(a) && back(b); }));
  // Logged once each, for all the reconnection attempts the outage took.
  auto count = [](const std::string& log, const std::string& phrase) {
    std::size_t n = 0;
    for (auto at = log.find(phrase); at != std::string::npos; at = log.find(phrase, at + phrase.size())) ++n;
    return n;
  };
  CHECK(count(a.log(), "serves its own clients alone") == 1);
  CHECK(count(b.log(), "serves its own clients alone") == 1);

  x->send(textTo("room", "after the outage"));
  auto isLine = [](const std::string& text) {
    return [text](const Json& m) { return m.value("type", "") == "text" && m["data"].value("text", "") == text; };
  };
  REQUIRE(y->waitFor(isLine("after the outage")));
  // The bots hear it too, and all they printed through the outage is read by then.
  REQUIRE(bots.readUntil([&] {
    return bots.heard["Ann"].count("after the outage") && bots.heard["Ben"].count("after the outage");
  }));
  CHECK(bots.heard["Ben"].count("said during the outage") == 0);
  // Once: nothing sent during the outage comes late, nothing comes twice.
  const std::vector<Json> rest = y->drain();
  for (const Json& m : rest) {
    CHECK_FALSE(isLine("after the outage")(m));
    CHECK_FALSE(isLine("said during the outage")(m));
  }
  // Everyone is still listed everywhere, and Redis, which came back empty, knows them all
  // again: an instance started now lists them too.
  y->send({{"type", "get-room-info"}, {"sender", ""}, {"receiver", "ground control"}});
  CHECK(roomInfoOf(*y, {"Ann", "Ben", "Xia", "Yan"}));
  ServerProcess c(clusterArgs(redis));
  auto zed = joinAs(c, "outage", "Zed");
  CHECK(roomInfoOf(*zed, {"Ann", "Ben", "Xia", "Yan", "Zed"}));
  // So does the password room made before, and the token A gave for it opens it on C.
  CHECK(httpRequest(c.port(), "GET", "/api/rooms/vault").json()["has_password"] == true);
  CHECK_THROWS_WITH(WsClient(c.port(), wsTarget("vault")), Contains("HTTP 401"));
  CHECK_NOTHROW(WsClient(c.port(), wsTarget("vault") + "?token=" + token));

  // The bots' call never dropped: from first connected to now, each saw the other connected
  // only. (Judged before they are told to stop: one leaving first is seen closed by the other.)
  const auto seen = bots.events;
  bots.finish();
  for (const std::string& name : bots.names) {
    INFO(name);
    const std::string other = bots.ids[name == "Ann" ? "Ben" : "Ann"];
    bool connected = false;
    for (const Json& e : seen.at(name)) {
      CHECK(e["event"] != "error");
      if (e["event"] != "peer-state" || e["peer"] != other) continue;
      INFO(e.dump());
      if (connected) CHECK(e["state"] == "connected");
      connected = connected || e["state"] == "connected";
    }
    CHECK(connected);
  }
}

TEST_CASE("an idle instance's heartbeat keeps its members listed on the others past many key lifetimes",
          "[integration][cluster]") {
  RedisProcess redis;
  // The short window makes the instances' keys short-lived (half of it) and checked often.
  ServerProcess a(clusterArgs(redis, kReap));
  ServerProcess b(clusterArgs(redis, kReap));
  auto ann = joinAs(a, "idle", "Ann");
  auto ben = joinAs(b, "idle", "Ben");
  REQUIRE(roomInfoOf(*ben, {"Ann", "Ben"}));

  // Nothing happens in the room for four key lifetimes: only A's heartbeat keeps Ann on B.
  // Ben asks B all along (each answer a fresh listing); both stay heard by their instance, so
  // neither is reaped where it is.
  const auto window = 4 * kReap / 2;
  const auto until = std::chrono::steady_clock::now() + window;
  int asked = 0;
  while (std::chrono::steady_clock::now() < until) {
    ann->send({{"type", "ping"}, {"sender", ""}, {"receiver", "ground control"}});
    REQUIRE(ann->waitForType("pong"));
    ben->send({{"type", "get-room-info"}, {"sender", ""}, {"receiver", "ground control"}});
    const auto info = ben->waitForType("room-info");
    REQUIRE(info);
    INFO("after " << asked << " listings");
    REQUIRE(namesIn(*info) == std::set<std::string>{"Ann", "Ben"});
    ++asked;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the pace of asking; nothing to wait for
  }
  CHECK(asked > 10);
  CHECK(httpRequest(b.port(), "GET", "/api/rooms/idle").json()["clients"] == 2);
}

TEST_CASE("Redis keeps only the last --history lines of a room, in order", "[integration][cluster][history]") {
  RedisProcess redis;
  auto args = clusterArgs(redis);
  args.insert(args.end(), {"--history", "2"});
  ServerProcess a(args);
  ServerProcess b(args);
  auto ann = joinAs(a, "short", "Ann");
  for (const char* text : {"one", "two", "three"}) ann->send(textTo("room", text));
  ann->drain();  // said, and so kept

  auto ben = std::make_unique<WsClient>(b.port(), wsTarget("short"));
  ben->learnId();
  std::vector<std::string> read;
  while (auto m = ben->waitForType("text", std::chrono::seconds(2))) {
    CHECK((*m)["data"].value("history", false));
    read.push_back((*m)["data"]["text"]);
  }
  CHECK(read == std::vector<std::string>{"two", "three"});
}

TEST_CASE("a late joiner on another instance reads the room's lines as history", "[integration][cluster][history]") {
  RedisProcess redis;
  ServerProcess a(clusterArgs(redis));
  ServerProcess b(clusterArgs(redis));
  auto ann = joinAs(a, "talk", "Ann");
  for (const char* text : {"one", "two", "three"}) {
    ann->send(textTo("room", text));
  }
  ann->drain();  // said, and so kept

  // The texts a newcomer reads, as they come (history arrives from Redis after its pong).
  auto textsOf = [](WsClient& c, std::size_t n) {
    std::vector<Json> texts;
    while (texts.size() < n) {
      auto m = c.waitForType("text", std::chrono::seconds(3));
      if (!m) break;
      texts.push_back(std::move(*m));
    }
    return texts;
  };
  auto ben = std::make_unique<WsClient>(b.port(), wsTarget("talk"));
  const std::string benId = ben->learnId();
  std::vector<std::string> read;
  for (const Json& m : textsOf(*ben, 3)) {
    CHECK(m["data"].value("history", false));
    read.push_back(m["data"]["text"]);
  }
  CHECK(read == std::vector<std::string>{"one", "two", "three"});

  // A direct line crosses to B live, and is never kept.
  ann->send(textTo(benId, "just for ben"));
  const auto direct = ben->waitForType("text");
  REQUIRE(direct);
  CHECK((*direct)["data"]["text"] == "just for ben");
  CHECK_FALSE((*direct)["data"].value("history", false));
  auto cy = std::make_unique<WsClient>(a.port(), wsTarget("talk"));
  cy->learnId();
  read.clear();
  for (const Json& m : textsOf(*cy, 3)) read.push_back(m["data"]["text"]);
  CHECK(read == std::vector<std::string>{"one", "two", "three"});
  for (const Json& m : cy->drain()) CHECK(m.value("type", "") != "text");  // and nothing more
}

TEST_CASE("orbit-server refuses to start when Redis cannot be reached, and says why", "[integration][cluster]") {
  // Nothing listens on port 1 of loopback.
  const Ran ran = runToEnd({ORBIT_SERVER_BIN, "--port", "0", "--redis", "redis://127.0.0.1:1/0"});
  REQUIRE(ran.code.has_value());
  CHECK(*ran.code != 0);
  CHECK_THAT(ran.errors, Contains("cannot use Redis at redis://127.0.0.1:1/0"));
  CHECK(ran.output.find("listening") == std::string::npos);

  const Ran bad = runToEnd({ORBIT_SERVER_BIN, "--redis", "localhost:6379"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.errors, Contains("--redis must look like redis://HOST:PORT[/DB]"));
}
