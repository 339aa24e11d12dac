// PasswordGuard: wrong passwords per address and room, the back-off after five, and a table
// that stays bounded however many addresses guess. Time is passed in, never read.
#include "password_guard.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace orbit;
using namespace std::chrono_literals;

namespace {

// Tries once, and fails the attempt; the wait it was refused with, if it was.
std::optional<Duration> guessWrong(PasswordGuard& guard, const std::string& address, const std::string& room,
                                   TimePoint now) {
  if (auto wait = guard.begin(address, room, now)) return wait;
  guard.finished(address, room, false, now);
  return std::nullopt;
}

}  // namespace

TEST_CASE("five wrong passwords pass unslowed, then the address waits, twice as long after each further one",
          "[server][password-guard]") {
  PasswordGuard guard(PasswordBackoffConfig{5, 2s, 15min, 1h, 100});
  const TimePoint t0{};
  for (int i = 0; i < 5; ++i) CHECK_FALSE(guessWrong(guard, "192.0.2.1", "vault", t0 + i * 1ms));
  // The fifth failure began a 2 s wait.
  auto wait = guard.begin("192.0.2.1", "vault", t0 + 5ms);
  REQUIRE(wait);
  CHECK(*wait == 2s - 1ms);
  CHECK(guard.begin("192.0.2.1", "vault", t0 + 2003ms));  // still waiting
  // Once it is over, one more try, and a wrong one doubles the wait.
  const TimePoint after = t0 + 4ms + 2s;
  REQUIRE_FALSE(guard.begin("192.0.2.1", "vault", after));
  CHECK(guard.finished("192.0.2.1", "vault", false, after) == Duration(4s));
  CHECK(guard.begin("192.0.2.1", "vault", after + 3999ms));
  REQUIRE_FALSE(guard.begin("192.0.2.1", "vault", after + 4s));
  CHECK(guard.finished("192.0.2.1", "vault", false, after + 4s) == Duration(8s));
}

TEST_CASE("another address, or the same address for another room, is never slowed by a guesser",
          "[server][password-guard]") {
  PasswordGuard guard;
  const TimePoint t0{};
  for (int i = 0; i < 8; ++i) guessWrong(guard, "203.0.113.9", "vault", t0);
  REQUIRE(guard.begin("203.0.113.9", "vault", t0));
  CHECK_FALSE(guard.begin("198.51.100.7", "vault", t0));
  guard.finished("198.51.100.7", "vault", true, t0);
  CHECK_FALSE(guard.begin("203.0.113.9", "other-room", t0));
}

TEST_CASE("a right password after the wait clears the address's failures", "[server][password-guard]") {
  PasswordGuard guard(PasswordBackoffConfig{5, 2s, 15min, 1h, 100});
  const TimePoint t0{};
  for (int i = 0; i < 5; ++i) guessWrong(guard, "192.0.2.1", "vault", t0);
  REQUIRE(guard.begin("192.0.2.1", "vault", t0 + 1s));
  REQUIRE_FALSE(guard.begin("192.0.2.1", "vault", t0 + 2s));
  CHECK_FALSE(guard.finished("192.0.2.1", "vault", true, t0 + 2s));
  CHECK(guard.size() == 0);
  // Five fresh tries again.
  for (int i = 0; i < 5; ++i) CHECK_FALSE(guessWrong(guard, "192.0.2.1", "vault", t0 + 3s));
}

TEST_CASE("failures are forgiven an hour after the last one", "[server][password-guard]") {
  PasswordGuard guard(PasswordBackoffConfig{5, 2s, 15min, 1h, 100});
  const TimePoint t0{};
  for (int i = 0; i < 4; ++i) guessWrong(guard, "192.0.2.1", "vault", t0);
  // A day later, five fresh tries.
  for (int i = 0; i < 5; ++i) CHECK_FALSE(guessWrong(guard, "192.0.2.1", "vault", t0 + 24h));
  CHECK(guard.begin("192.0.2.1", "vault", t0 + 24h));
}

TEST_CASE("guesses sent at once count as failures while they are checked", "[server][password-guard]") {
  PasswordGuard guard;
  const TimePoint t0{};
  for (int i = 0; i < 5; ++i) REQUIRE_FALSE(guard.begin("192.0.2.1", "vault", t0));
  // A sixth at the same moment waits for the five to be checked.
  CHECK(guard.begin("192.0.2.1", "vault", t0));
}

TEST_CASE("an IPv6 guesser counts by its /64: a fresh address in the same network waits too",
          "[server][password-guard]") {
  PasswordGuard guard;
  const TimePoint t0{};
  for (int i = 0; i < 5; ++i) guessWrong(guard, "2001:db8:1:2::" + std::to_string(i + 1), "vault", t0);
  CHECK(guard.begin("2001:db8:1:2:ffff::9", "vault", t0));
  CHECK_FALSE(guard.begin("2001:db8:1:3::1", "vault", t0));
}

TEST_CASE("the table stays bounded however many addresses guess: forgiven entries go first, then the oldest",
          "[server][password-guard]") {
  PasswordGuard guard(PasswordBackoffConfig{5, 2s, 15min, 1h, 50});
  const TimePoint t0{};
  // A victim's five wrong passwords, then thousands of addresses guessing later.
  for (int i = 0; i < 5; ++i) guessWrong(guard, "192.0.2.1", "vault", t0);
  for (int i = 0; i < 5000; ++i) {
    guessWrong(guard, "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), "vault", t0 + 1s + i * 1ms);
    REQUIRE(guard.size() <= 50);
  }
  CHECK(guard.size() == 50);
  // An hour after the last of them, they are forgiven, and a newcomer makes room by that.
  const TimePoint later = t0 + 1s + 5000ms + 1h;
  REQUIRE_FALSE(guard.begin("198.51.100.7", "vault", later));
  CHECK(guard.size() == 1);
}
