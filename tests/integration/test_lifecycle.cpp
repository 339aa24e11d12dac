// Liveness and the process itself: heartbeat and reaping, abrupt disconnects, graceful
// shutdown on SIGINT/SIGTERM, and the command line.
#include "child_process.hpp"
#include "config.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

using namespace orbit::test;

namespace {

// Runs a command to its end: its standard output and error, and its exit code (-1 when
// it did not exit by itself).
std::pair<std::string, int> run(std::vector<std::string> args) {
  const Ran ran = runToEnd(std::move(args));
  return {ran.output + ran.errors, ran.code.value_or(-1)};
}

}  // namespace

TEST_CASE("a silent client is pinged, then reaped, while one that answers stays", "[integration][heartbeat]") {
  ServerProcess server({"--ping-interval", "0.2", "--reap-timeout", "0.8"});
  WsClient silent(server.port(), "/room/beat/ws");
  WsClient alive(server.port(), "/room/beat/ws");
  const std::string silentId = silent.learnId();
  const std::string aliveId = alive.learnId();

  // The live client answers every ping on its own thread, and watches the silent one go.
  auto watcher = std::async(std::launch::async, [&] {
    int pingsAnswered = 0;
    bool sawReap = false;
    alive.waitFor([&](const Json& m) {
      if (m.value("type", "") == "ping") {
        alive.send({{"type", "pong"}, {"receiver", "ground control"}, {"data", m.value("data", Json())}});
        ++pingsAnswered;
      }
      if (m.value("type", "") == "room-info" && m["data"]["clients"].size() == 1 &&
          m["data"]["clients"][0]["id"] == aliveId) {
        sawReap = true;
      }
      // Several reap periods' worth of pings after the reap.
      return sawReap && pingsAnswered >= 10;
    }, 20s);
    return sawReap && alive.learnId() == aliveId;
  });

  auto ping = silent.waitForType("ping", 5s);
  REQUIRE(ping);
  CHECK((*ping)["sender"] == "ground control");
  CHECK((*ping)["receiver"] == silentId);
  auto bye = silent.waitForType("bye", 5s);
  REQUIRE(bye);
  CHECK((*bye)["sender"] == "ground control");
  int code = 0;
  CHECK(silent.waitClosed(5s, &code));
  CHECK(code == 1001);

  CHECK(watcher.get());
  CHECK_THAT(httpRequest(server.port(), "GET", "/metrics").body, Catch::Contains("orbit_clients_reaped_total 1\n"));
}

TEST_CASE("a client whose socket drops is removed at once", "[integration][lifecycle]") {
  ServerProcess server;  // default 60 s reap: only the closed socket can explain a quick removal
  WsClient stays(server.port(), "/room/drop/ws");
  const std::string id = stays.learnId();
  {
    WsClient drops(server.port(), "/room/drop/ws");
    drops.learnId();
  }  // destroyed: TCP closed without a WebSocket close
  auto info = stays.waitFor([&](const Json& m) {
    return m.value("type", "") == "room-info" && m["data"]["clients"].size() == 1 &&
           m["data"]["clients"][0]["id"] == id;
  }, 5s);
  CHECK(info);
}

// Found by the soak (issue 11): a dropped client that had stopped reading kept its socket
// for ever, since the server's write to it never completed and the close waited behind it.
TEST_CASE("a client dropped while a write to it is stuck loses its socket within seconds", "[integration][lifecycle]") {
  ServerProcess server({"--rate-limit", "1000000"});
  const auto openFds = [&] {
    const std::string body = httpRequest(server.port(), "GET", "/metrics").body;
    const auto at = body.find("\nprocess_open_fds ");
    return at == std::string::npos ? -1L : std::atol(body.c_str() + at + 18);
  };
  const long before = openFds();
  REQUIRE(before > 0);
  WsClient stalled(server.port(), "/room/stall/ws");
  const std::string stalledId = stalled.learnId();
  WsClient sender(server.port(), "/room/stall/ws");
  sender.learnId();
  // The stalled client never reads again. 16 MB of offers to it fill the kernel's buffers on
  // both sides, then the server's 4 MiB queue: it is dropped as too slow with a write pending.
  const Json offer = {{"type", "offer"},
                      {"receiver", stalledId},
                      {"data", {{"type", "offer"}, {"sdp", std::string(60000, 'v')}}}};
  const std::string frame = offer.dump();
  for (int i = 0; i < 16 * 1024 * 1024 / 60000; ++i) sender.sendText(frame);
  sender.drain();
  CHECK_THAT(httpRequest(server.port(), "GET", "/metrics").body, Catch::Contains("orbit_clients_dropped_slow_total 1\n"));

  // Its descriptor goes within the close deadline (5 s); the sender's stays.
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  long now = openFds();
  while (now != before + 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);  // a poll of the server's figure, with a deadline
    now = openFds();
  }
  CHECK(now == before + 1);
  CHECK(sender.learnId().size() == 32);
}

TEST_CASE("on SIGTERM or SIGINT every client gets bye, sockets close cleanly and the exit code is 0",
          "[integration][shutdown]") {
  const int signal = GENERATE(SIGTERM, SIGINT);
  ServerProcess server;
  WsClient a(server.port(), "/room/end/ws");
  WsClient b(server.port(), "/room/other/ws");
  a.learnId();
  b.learnId();

  auto exitCode = std::async(std::launch::async, [&] { return server.stop(signal); });
  for (WsClient* c : {&a, &b}) {
    auto bye = c->waitForType("bye", 10s);
    REQUIRE(bye);
    CHECK((*bye)["sender"] == "ground control");
    int code = 0;
    CHECK(c->waitClosed(10s, &code));
    CHECK(code == 1001);
  }
  const auto code = exitCode.get();
  REQUIRE(code);
  CHECK(*code == 0);
}

TEST_CASE("the --help output documents every flag and its environment twin", "[integration][cli]") {
  auto [out, code] = run({ORBIT_SERVER_BIN, "--help"});
  CHECK(code == 0);
  REQUIRE_FALSE(orbit::configFlags().empty());
  for (const orbit::ConfigFlag& flag : orbit::configFlags()) {
    INFO(flag.name << " / " << flag.env);
    CHECK_THAT(out, Catch::Contains("--" + std::string(flag.name) + " "));
    CHECK_THAT(out, Catch::Contains(flag.env));
  }
}

TEST_CASE("bad flags and bad environment values stop start-up with a message", "[integration][cli]") {
  auto [out, code] = run({ORBIT_SERVER_BIN, "--port", "70000"});
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains("--port"));
  std::tie(out, code) = run({ORBIT_SERVER_BIN, "--no-such-flag"});
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains("no-such-flag"));
  std::tie(out, code) = run({"env", "ORBIT_LOG_LEVEL=shouty", ORBIT_SERVER_BIN});
  CHECK(code == 2);
  CHECK_THAT(out, Catch::Contains("--log-level"));
}

TEST_CASE("a port that is taken fails start-up clearly", "[integration][cli]") {
  ServerProcess first;
  auto [out, code] = run({ORBIT_SERVER_BIN, "--ephemeral", "--host", "127.0.0.1", "--port", std::to_string(first.port())});
  CHECK(code == 1);
  CHECK_THAT(out, Catch::Contains("cannot listen"));
}

TEST_CASE("the environment configures the server when flags are absent", "[integration][cli]") {
  setenv("ORBIT_STUN", "stun:a.test:3478,stun:b.test:3478", 1);
  ServerProcess server;
  unsetenv("ORBIT_STUN");
  WsClient a(server.port(), "/room/env/ws");
  a.send({{"type", "get-ice-servers"}, {"receiver", "ground control"}});
  auto reply = a.waitForType("ice-servers");
  REQUIRE(reply);
  CHECK((*reply)["data"] == Json::array({{{"urls", {"stun:a.test:3478", "stun:b.test:3478"}}}}));
}

TEST_CASE("out of file descriptors the server pauses accepting, logs it once, serves its clients, and recovers",
          "[integration][limits]") {
  // 48 descriptors, soft and hard, so the server cannot raise its own; it says which it has.
  ChildProcess server({"prlimit", "--nofile=48:48", ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", "0",
                       "--ephemeral", "--log-level", "info"});
  const auto line = server.nextLine(ChildProcess::Clock::now() + std::chrono::seconds(20));
  REQUIRE(line);
  REQUIRE(line->rfind("listening http://127.0.0.1:", 0) == 0);
  const auto port = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));

  WsClient early(port, "/room/full-house/ws");  // a client from before the crowd
  early.learnId();

  // More connections than descriptors: the rest wait in the listen backlog.
  std::vector<int> crowd;
  for (int i = 0; i < 80; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    crowd.push_back(fd);
  }
  // A measuring window, not a wait: how much CPU the server burns while it cannot accept.
  auto cpuSeconds = [&] {
    std::ifstream stat("/proc/" + std::to_string(server.pid()) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long long ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14 || i == 15) ticks += std::stoll(field);  // utime, stime
    }
    return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
  };
  const double before = cpuSeconds();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double burnt = cpuSeconds() - before;
  CHECK(burnt < 0.2);  // a retry loop would burn the whole 2 s

  // The client from before is still served (drain's ping is answered).
  CHECK_NOTHROW(early.drain());
  // Said once, not once per attempt.
  const std::string log = server.errors();
  std::size_t said = 0;
  for (auto at = log.find("accept failed"); at != std::string::npos; at = log.find("accept failed", at + 1)) ++said;
  CHECK(said == 1);
  CHECK(log.find("open-files=48") != std::string::npos);

  // The crowd goes: new connections are accepted again, /healthz first among them.
  for (int fd : crowd) ::close(fd);
  const HttpResult health = httpRequest(port, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(server.errors().find("accepting again") != std::string::npos);
  server.signal(SIGTERM);
  CHECK(server.wait(std::chrono::seconds(10)) == 0);
}
