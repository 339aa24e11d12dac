// ConnectionLimits without sockets: the per-address cap, the per-address rate, the total cap,
// places given back, and a rate table that stays bounded.
#include "connection_limits.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace orbit;
using namespace std::chrono_literals;

namespace {

using Slot = ConnectionLimits::Slot;

bool admitted(const std::variant<Slot, LimitRefusal>& outcome) { return std::holds_alternative<Slot>(outcome); }

}  // namespace

TEST_CASE("an address gets its cap of connections at once, the next is 429, and a closed one makes room",
          "[server][limits]") {
  ConnectionLimits limits(ConnectionLimitsConfig{3, 0, 0, 100});
  const TimePoint t0{};
  std::vector<Slot> slots;
  for (int i = 0; i < 3; ++i) {
    auto outcome = limits.admit("192.0.2.1", t0);
    REQUIRE(admitted(outcome));
    slots.push_back(std::move(std::get<Slot>(outcome)));
  }
  auto over = limits.admit("192.0.2.1", t0);
  REQUIRE_FALSE(admitted(over));
  const auto& refusal = std::get<LimitRefusal>(over);
  CHECK(refusal.status == 429);
  CHECK(refusal.kind == UpgradeRefusal::AddressConnections);
  CHECK_FALSE(refusal.retryAfter);
  CHECK(admitted(limits.admit("192.0.2.2", t0)));  // another address, unaffected
  slots.pop_back();
  CHECK(limits.openFrom("192.0.2.1") == 2);
  CHECK(admitted(limits.admit("192.0.2.1", t0)));
}

TEST_CASE("new connections from one address past the burst are 429 with the seconds until the next",
          "[server][limits]") {
  ConnectionLimits limits(ConnectionLimitsConfig{0, 2, 0, 100});  // 2 a second, bursts of 10
  const TimePoint t0{};
  for (int i = 0; i < 10; ++i) REQUIRE(admitted(limits.admit("192.0.2.1", t0)));
  CHECK(limits.open() == 0);  // every slot above was given back at once
  auto over = limits.admit("192.0.2.1", t0);
  REQUIRE_FALSE(admitted(over));
  const auto& refusal = std::get<LimitRefusal>(over);
  CHECK(refusal.status == 429);
  CHECK(refusal.kind == UpgradeRefusal::AddressRate);
  REQUIRE(refusal.retryAfter);
  CHECK(*refusal.retryAfter == 1s);
  CHECK(limits.peek("192.0.2.1", t0));
  CHECK_FALSE(limits.peek("192.0.2.9", t0));
  CHECK(admitted(limits.admit("192.0.2.9", t0)));
  // Half a second brings one back.
  CHECK_FALSE(admitted(limits.admit("192.0.2.1", t0 + 499ms)));
  CHECK(admitted(limits.admit("192.0.2.1", t0 + 500ms)));
}

TEST_CASE("the total cap is 503, whoever asks", "[server][limits]") {
  ConnectionLimits limits(ConnectionLimitsConfig{0, 0, 2, 100});
  const TimePoint t0{};
  auto a = limits.admit("192.0.2.1", t0);
  auto b = limits.admit("192.0.2.2", t0);
  REQUIRE((admitted(a) && admitted(b)));
  auto over = limits.admit("192.0.2.3", t0);
  REQUIRE_FALSE(admitted(over));
  CHECK(std::get<LimitRefusal>(over).status == 503);
  CHECK(std::get<LimitRefusal>(over).kind == UpgradeRefusal::ServerFull);
  a = Slot();
  CHECK(admitted(limits.admit("192.0.2.3", t0)));
}

TEST_CASE("an address over its own cap hears 429 even when the server is full too", "[server][limits]") {
  ConnectionLimits limits(ConnectionLimitsConfig{1, 0, 1, 100});
  auto a = limits.admit("192.0.2.1", TimePoint{});
  REQUIRE(admitted(a));
  CHECK(std::get<LimitRefusal>(limits.admit("192.0.2.1", TimePoint{})).status == 429);
  CHECK(std::get<LimitRefusal>(limits.admit("192.0.2.2", TimePoint{})).status == 503);
}

TEST_CASE("IPv6 addresses count by their /64", "[server][limits]") {
  CHECK(ConnectionLimits::keyOf("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  CHECK(ConnectionLimits::keyOf("192.0.2.1") == "192.0.2.1");
  ConnectionLimits limits(ConnectionLimitsConfig{1, 0, 0, 100});
  auto a = limits.admit("2001:db8:1:2::1", TimePoint{});
  REQUIRE(admitted(a));
  CHECK_FALSE(admitted(limits.admit("2001:db8:1:2::2", TimePoint{})));
  CHECK(admitted(limits.admit("2001:db8:1:3::1", TimePoint{})));
}

TEST_CASE("the rate table forgets addresses whose bucket refilled, and stays bounded", "[server][limits]") {
  ConnectionLimits limits(ConnectionLimitsConfig{0, 10, 0, 100});
  TimePoint now{};
  for (int i = 0; i < 1000; ++i) {
    limits.admit("10.0." + std::to_string(i / 200) + "." + std::to_string(i % 200), now);
    REQUIRE(limits.tracked() <= 100);
    now += 1ms;
  }
  // Once their buckets have refilled, they are forgotten when a new address needs the room.
  now += 6s;
  REQUIRE(admitted(limits.admit("192.0.2.1", now)));
  CHECK(limits.tracked() == 1);
}
