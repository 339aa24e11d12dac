// The limits of issue 11 against a real orbit-server: WebSockets per client address at once
// and per second, in all, and password guesses per address and room. Several client
// addresses are several local source addresses (127.0.0.2, 127.0.0.3, ...), all this machine.
// For each limit: just under it nothing changes; over it, the stated refusal (status,
// Retry-After, words); and nobody else notices.
#include "run_until.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using namespace orbit::test;

namespace {

// The value of one labelled series in /metrics, or -1 when it is not there.
long long metric(unsigned short port, const std::string& series) {
  const std::string text = httpRequest(port, "GET", "/metrics").body;
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + series.size() + 2));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A text to the room from `from`, and how long until `to` has it.
std::chrono::milliseconds roundTrip(WsClient& from, WsClient& to, int n) {
  const auto start = std::chrono::steady_clock::now();
  const std::string text = "hello " + std::to_string(n);
  from.send({{"type", "text"}, {"receiver", "room"}, {"data", {{"from", "A"}, {"time", 1}, {"text", text}}}});
  auto got = to.waitFor([&](const Json& m) { return m.is_object() && m.value("type", "") == "text" && m["data"].value("text", "") == text; });
  if (!got) return std::chrono::milliseconds::max();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE("an address gets --max-connections-per-ip WebSockets at once, the next is 429 in words, and a closed one "
          "makes room, and other addresses never notice",
          "[integration][limits]") {
  ServerProcess server({"--max-connections-per-ip", "3", "--connection-rate-per-ip", "0"});
  // Just under the limit: three from one address, all working.
  std::vector<std::unique_ptr<WsClient>> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(std::make_unique<WsClient>("127.0.0.2", server.port(), "/room/cap/ws"));
  for (auto& c : mine) REQUIRE_FALSE(c->learnId().empty());

  const HttpResult over = upgradeFrom("127.0.0.2", server.port(), "/room/cap/ws");
  CHECK(over.status == 429);
  CHECK(over.header("retry-after").empty());  // a place frees when one of its own closes: no time to give
  CHECK(over.contentType == "application/json");
  CHECK(over.json()["error"] == "too many connections from your address: at most 3 at once; close another tab or "
                                "call first");
  // What the page reads, since a browser cannot read the upgrade's answer.
  const HttpResult lookUp = httpRequestFrom("127.0.0.2", server.port(), "GET", "/api/rooms/cap");
  CHECK(lookUp.status == 429);
  CHECK(lookUp.json()["error"] == over.json()["error"]);

  // Another address: unaffected, and the three still talk.
  WsClient other("127.0.0.3", server.port(), "/room/cap/ws");
  CHECK_FALSE(other.learnId().empty());
  CHECK(httpRequestFrom("127.0.0.3", server.port(), "GET", "/api/rooms/cap").status == 200);
  for (auto& c : mine) CHECK_NOTHROW(c->drain());

  // One of the three goes: its place is free (the server learns of the close on its own time).
  mine.back()->close();
  mine.pop_back();
  CHECK(pollUntil(std::chrono::seconds(5), [&] { return upgradeFrom("127.0.0.2", server.port(), "/room/cap/ws").status == 101; }));
  CHECK(metric(server.port(), "orbit_websocket_refused_total{reason=\"ip_connections\"}") >= 1);
}

TEST_CASE("new WebSockets from one address past --connection-rate-per-ip's burst are 429 with Retry-After, and "
          "pass again once it has passed",
          "[integration][limits]") {
  ServerProcess server({"--connection-rate-per-ip", "2"});  // bursts of 10
  for (int i = 0; i < 10; ++i) REQUIRE(upgradeFrom("127.0.0.2", server.port(), "/room/rate/ws").status == 101);
  const HttpResult over = upgradeFrom("127.0.0.2", server.port(), "/room/rate/ws");
  CHECK(over.status == 429);
  CHECK(over.header("retry-after") == "1");
  CHECK(over.json()["retry_after"] == 1);
  CHECK(over.json()["error"] == "too many new connections from your address: at most 2 a second");
  // Others are not held back by it.
  CHECK(upgradeFrom("127.0.0.3", server.port(), "/room/rate/ws").status == 101);
  // Half a second gives one back.
  CHECK(pollUntil(std::chrono::seconds(3), [&] { return upgradeFrom("127.0.0.2", server.port(), "/room/rate/ws").status == 101; }));
  CHECK(metric(server.port(), "orbit_websocket_refused_total{reason=\"ip_rate\"}") >= 1);
}

TEST_CASE("the total cap, --max-connections, refuses the next WebSocket with 503, whoever asks, until one closes",
          "[integration][limits]") {
  ServerProcess server({"--max-connections", "3"});
  std::vector<std::unique_ptr<WsClient>> in;
  for (const char* from : {"127.0.0.2", "127.0.0.3", "127.0.0.4"}) {
    in.push_back(std::make_unique<WsClient>(from, server.port(), "/room/full/ws"));
    REQUIRE_FALSE(in.back()->learnId().empty());
  }
  const HttpResult over = upgradeFrom("127.0.0.5", server.port(), "/room/full/ws");
  CHECK(over.status == 503);
  CHECK(over.json()["error"] == "the server is full (3 connections); try again later");
  CHECK(httpRequestFrom("127.0.0.5", server.port(), "GET", "/api/rooms/full").status == 503);
  // The API and the page are still served: only WebSockets are counted.
  CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
  for (auto& c : in) CHECK_NOTHROW(c->drain());
  in.front()->close();
  CHECK(pollUntil(std::chrono::seconds(5), [&] { return upgradeFrom("127.0.0.5", server.port(), "/room/full/ws").status == 101; }));
  CHECK(metric(server.port(), "orbit_websocket_refused_total{reason=\"server_full\"}") >= 1);
}

TEST_CASE("one address flooding the server with WebSockets is turned away with 429 while others join and talk "
          "promptly",
          "[integration][limits][flood]") {
  ServerProcess server({"--log-level", "info"});  // the defaults: 20 at once, 10 a second
  WsClient alice("127.0.0.3", server.port(), "/room/calm/ws");
  WsClient bob("127.0.0.4", server.port(), "/room/calm/ws");
  REQUIRE_FALSE(alice.learnId().empty());
  REQUIRE_FALSE(bob.learnId().empty());

  // The flood: WebSockets from 127.0.0.2 as fast as one thread opens them, each kept open.
  std::atomic<bool> stop{false};
  std::atomic<int> opened{0}, refused{0};
  std::thread flooder([&] {
    std::vector<std::unique_ptr<WsClient>> kept;
    while (!stop) {
      try {
        kept.push_back(std::make_unique<WsClient>("127.0.0.2", server.port(), "/room/flood/ws", std::chrono::seconds(2)));
        ++opened;
      } catch (const std::exception&) {
        ++refused;
      }
    }
  });
  REQUIRE(pollUntil(std::chrono::seconds(10), [&] { return refused >= 100; }));

  // Meanwhile: Alice's texts reach Bob promptly, and Carol, from yet another address, gets in.
  // Each round trip after another refused attempt of the flood's, so that the two overlap
  // (and at most one text per poll: Alice stays within her own --rate-limit).
  const int refusedBefore = refused;
  std::chrono::milliseconds slowest{0};
  bool overlapped = true;
  for (int i = 0, seen = refused; i < 30 && overlapped; ++i, seen = refused) {
    overlapped = pollUntil(std::chrono::seconds(10), [&] { return refused > seen; });
    slowest = std::max(slowest, roundTrip(alice, bob, i));
  }
  const auto joinStart = std::chrono::steady_clock::now();
  WsClient carol("127.0.0.5", server.port(), "/room/calm/ws");
  CHECK_FALSE(carol.learnId().empty());
  const auto joinTook = std::chrono::steady_clock::now() - joinStart;
  const int refusedDuring = refused - refusedBefore;
  stop = true;
  flooder.join();

  INFO("slowest round trip " << slowest.count() << " ms, flood refused " << refused << " opened " << opened);
  CHECK(slowest < std::chrono::milliseconds(500));
  CHECK(joinTook < std::chrono::seconds(1));
  CHECK(overlapped);
  CHECK(refusedDuring >= 30);  // the flood went on while they talked
  CHECK(opened <= 20);       // the per-address cap held
  // Every refusal the server counted reached the flooder (which also counts a timed-out try).
  const long long counted = metric(server.port(), "orbit_websocket_refused_total{reason=\"ip_connections\"}") +
                            metric(server.port(), "orbit_websocket_refused_total{reason=\"ip_rate\"}");
  CHECK(counted >= 100);
  CHECK(counted <= refused);
  // The log says so once for the flooder, not once per attempt.
  const std::string log = server.log();
  CHECK(count(log, "refused websocket ip=127.0.0.2 ") == 1);
  CHECK(count(log, "ip=127.0.0.3") == 1);  // Alice's join, and no refusal
}

TEST_CASE("refusals over a limit are logged once per address per minute, with each address's own line",
          "[integration][limits][log]") {
  ServerProcess server({"--max-connections-per-ip", "1", "--connection-rate-per-ip", "0"});
  WsClient two("127.0.0.2", server.port(), "/room/log/ws");
  WsClient three("127.0.0.3", server.port(), "/room/log/ws");
  // Both knock again and again for longer than the other refusals' 10 s.
  int attempts = 0;
  const auto start = std::chrono::steady_clock::now();
  pollUntil(std::chrono::seconds(13), [&] {
    for (int i = 0; i < 5; ++i) {
      CHECK(upgradeFrom("127.0.0.2", server.port(), "/room/log/ws").status == 429);
      CHECK(upgradeFrom("127.0.0.3", server.port(), "/room/log/ws").status == 429);
      ++attempts;
    }
    return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(11500);
  });
  REQUIRE(pollUntil(std::chrono::seconds(5), [&] {
    return metric(server.port(), "orbit_websocket_refused_total{reason=\"ip_connections\"}") == 2 * attempts;
  }));
  const std::string log = server.log();
  INFO(log);
  CHECK(count(log, "refused websocket ip=127.0.0.2 room=log why=ip_connections") == 1);
  CHECK(count(log, "refused websocket ip=127.0.0.3 room=log why=ip_connections") == 1);
  CHECK(std::regex_search(log, std::regex(R"(warn  refused websocket ip=127\.0\.0\.2 )")));
}

TEST_CASE("five wrong passwords from one address, then 429 with Retry-After even for the right one, while another "
          "address's right password gets in at once, and after the wait the right one works",
          "[integration][limits][password]") {
  ServerProcess server({"--password-backoff", "0.5"});
  REQUIRE(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"vault","password":"open sesame"})").status == 201);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(httpRequestFrom("127.0.0.2", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"guess"})").status ==
            401);
  }
  const HttpResult slowed =
      httpRequestFrom("127.0.0.2", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"open sesame"})");
  CHECK(slowed.status == 429);
  CHECK(slowed.header("retry-after") == "1");
  CHECK(slowed.json()["retry_after"] == 1);
  CHECK(slowed.json()["error"] == "too many wrong passwords for this room from your address: try again in 1 s");

  // Someone else, meanwhile: in at once, WebSocket and all.
  const auto start = std::chrono::steady_clock::now();
  const HttpResult theirs =
      httpRequestFrom("127.0.0.3", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"open sesame"})");
  REQUIRE(theirs.status == 200);
  WsClient them("127.0.0.3", server.port(), "/room/vault/ws?token=" + theirs.json()["token"].get<std::string>());
  CHECK_FALSE(them.learnId().empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));  // a password check and a join

  // The guesser, once its wait is over, with the right password.
  HttpResult mine;
  CHECK(pollUntil(std::chrono::seconds(5), [&] {
    mine = httpRequestFrom("127.0.0.2", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"open sesame"})");
    return mine.status != 429;
  }));
  REQUIRE(mine.status == 200);
  WsClient guesser("127.0.0.2", server.port(), "/room/vault/ws?token=" + mine.json()["token"].get<std::string>());
  CHECK_FALSE(guesser.learnId().empty());
  CHECK(metric(server.port(), "orbit_auth_failures_total{reason=\"wrong_password\"}") == 5);
  CHECK(metric(server.port(), "orbit_auth_failures_total{reason=\"backoff\"}") >= 1);
  CHECK(server.log().find("password guessing slowed down ip=127.0.0.2 room=vault") != std::string::npos);
}

TEST_CASE("just under five wrong passwords nothing changes: the right one gets in at once", "[integration][limits][password]") {
  ServerProcess server;
  REQUIRE(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"vault","password":"open sesame"})").status == 201);
  for (int i = 0; i < 4; ++i) {
    REQUIRE(httpRequestFrom("127.0.0.2", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"guess"})").status ==
            401);
  }
  CHECK(httpRequestFrom("127.0.0.2", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"open sesame"})").status ==
        200);
  // ... and the right one cleared the count: five more wrong ones before any wait.
  for (int i = 0; i < 5; ++i) {
    CHECK(httpRequestFrom("127.0.0.2", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"guess"})").status ==
          401);
  }
  CHECK(httpRequestFrom("127.0.0.2", server.port(), "POST", "/api/rooms/vault/join", R"({"password":"guess"})").status ==
        429);
}
