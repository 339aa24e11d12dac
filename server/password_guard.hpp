#pragma once

#include "clock.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace orbit {

// --password-backoff: how guessing a room's password is slowed down.
struct PasswordBackoffConfig {
  unsigned freeFailures = 5;                   // wrong passwords before the first wait
  Duration first = std::chrono::seconds(2);    // the first wait; each further failure doubles it
  Duration longest = std::chrono::minutes(15);
  Duration forgetAfter = std::chrono::hours(1);  // an address's failures are forgiven after this long without one
  std::size_t maxEntries = 10000;
};

// Wrong passwords per client address and room: after freeFailures of them, the address waits
// before it may try that room's password again, twice as long after each further failure.
// Nobody else waits: another address, or the same one for another room, is another entry. A
// right password clears the entry. Attempts still being checked count as failures in advance,
// so that many guesses sent at once do not all get through before the first one fails.
//
// The memory is bounded: an entry goes once it is forgiven (forgetAfter after its last
// failure, its wait over, nothing being checked), and when the table is full the entry whose
// last failure is oldest gives way. Knows no clock: callers pass `now`.
class PasswordGuard {
 public:
  explicit PasswordGuard(PasswordBackoffConfig config = {}) : config_(config) {}

  // Whether `address` may try a password for `room` now: nothing when it may (and the attempt
  // is counted as on its way until finished()), else how long it must wait.
  std::optional<Duration> begin(std::string_view address, std::string_view room, TimePoint now);
  // The attempt begin() let through was right or wrong. The wait a wrong one starts, if any.
  std::optional<Duration> finished(std::string_view address, std::string_view room, bool right, TimePoint now);

  std::size_t size() const { return entries_.size(); }
  const PasswordBackoffConfig& config() const { return config_; }

 private:
  struct Entry {
    unsigned failures = 0;
    unsigned checking = 0;  // attempts let through and not yet finished
    TimePoint lastFailure{};
    TimePoint waitUntil{};
  };
  using Key = std::pair<std::string, std::string>;
  Duration waitAfter(unsigned failures) const;
  // Makes room for one more entry.
  void makeRoom(TimePoint now);

  PasswordBackoffConfig config_;
  std::map<Key, Entry> entries_;
};

}  // namespace orbit
