// Relay benchmark: a real orbit-server process on loopback and real WebSocket clients.
//   orbit-bench-relay [round-trips] [rooms] [clients-per-room] [messages-per-client]
// Prints the round-trip latency of a ping to the server and of a message relayed to a
// peer and back, and the relay throughput of busy rooms (deliveries per second).
#include "server_process.hpp"
#include "ws_client.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace orbit::test;
using BenchClock = std::chrono::steady_clock;

namespace {

struct Percentiles {
  double p50, p99, max;
};

Percentiles percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
  return {at(0.50), at(0.99), us.back()};
}

double microsSince(BenchClock::time_point t) {
  return std::chrono::duration<double, std::micro>(BenchClock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int roundTrips = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int rooms = argc > 2 ? std::atoi(argv[2]) : 10;
  const int perRoom = argc > 3 ? std::atoi(argv[3]) : 5;
  const int perClient = argc > 4 ? std::atoi(argv[4]) : 200;

  // Every client comes from 127.0.0.1: the per-address limits would measure themselves.
  ServerProcess server({"--log-level", "warn", "--rate-limit", "1000000", "--max-connections-per-ip", "0",
                        "--connection-rate-per-ip", "0"});
  std::printf("orbit-server %s\n", server.url().c_str());

  // Latency: one request in flight at a time.
  WsClient a(server.port(), "/room/latency/ws");
  WsClient b(server.port(), "/room/latency/ws");
  const std::string idA = a.learnId();
  const std::string idB = b.learnId();
  a.drain();
  std::vector<double> pingUs, relayUs;
  for (int i = 0; i < roundTrips; ++i) {
    auto t = BenchClock::now();
    a.send({{"type", "ping"}, {"receiver", "ground control"}, {"data", i}});
    if (!a.waitForType("pong")) return std::fprintf(stderr, "ping %d lost\n", i), 1;
    pingUs.push_back(microsSince(t));

    t = BenchClock::now();
    a.send({{"type", "ping"}, {"receiver", idB}, {"data", i}});
    auto ping = b.waitForType("ping");
    if (!ping) return std::fprintf(stderr, "relay %d lost\n", i), 1;
    b.send({{"type", "pong"}, {"receiver", idA}, {"data", (*ping)["data"]}});
    if (!a.waitForType("pong")) return std::fprintf(stderr, "relay reply %d lost\n", i), 1;
    relayUs.push_back(microsSince(t));
  }
  const auto ping = percentiles(pingUs);
  const auto relay = percentiles(relayUs);
  std::printf("ping to server, round trip (%d): p50 %.0f us, p99 %.0f us, max %.0f us\n", roundTrips, ping.p50,
              ping.p99, ping.max);
  std::printf("peer relay A->B->A, round trip (%d): p50 %.0f us, p99 %.0f us, max %.0f us\n", roundTrips,
              relay.p50, relay.p99, relay.max);

  // Throughput: every client sends to its room; every member receives every message.
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int r = 0; r < rooms; ++r) {
    for (int c = 0; c < perRoom; ++c) {
      clients.push_back(std::make_unique<WsClient>(server.port(), "/room/busy-" + std::to_string(r) + "/ws"));
    }
  }
  for (auto& c : clients) c->drain();
  const std::string text(100, 'x');
  const auto start = BenchClock::now();
  for (int m = 0; m < perClient; ++m) {
    for (auto& c : clients) {
      c->send({{"type", "text"}, {"receiver", "room"}, {"data", {{"from", "bench"}, {"time", m}, {"text", text}}}});
    }
  }
  const long expectedEach = static_cast<long>(perRoom) * perClient;
  for (auto& c : clients) {
    long got = 0;
    while (got < expectedEach) {
      auto msg = c->waitFor([](const Json& j) { return j.value("type", "") == "text"; }, std::chrono::seconds(30));
      if (!msg) return std::fprintf(stderr, "throughput: a client got %ld of %ld\n", got, expectedEach), 1;
      ++got;
    }
  }
  const double seconds = microsSince(start) / 1e6;
  const double deliveries = static_cast<double>(expectedEach) * static_cast<double>(clients.size());
  std::printf("room broadcast: %d rooms x %d clients, %d messages each: %.0f deliveries in %.2f s = %.0f deliveries/s\n",
              rooms, perRoom, perClient, deliveries, seconds, deliveries / seconds);
  return 0;
}
