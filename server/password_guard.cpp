#include "password_guard.hpp"

#include "connection_limits.hpp"

#include <algorithm>

namespace orbit {

Duration PasswordGuard::waitAfter(unsigned failures) const {
  if (failures < config_.freeFailures) return Duration::zero();
  Duration wait = config_.first;
  for (unsigned n = config_.freeFailures; n < failures && wait < config_.longest; ++n) wait *= 2;
  return std::min(wait, config_.longest);
}

std::optional<Duration> PasswordGuard::begin(std::string_view address, std::string_view room, TimePoint now) {
  Key key{ConnectionLimits::keyOf(address), std::string(room)};
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= config_.maxEntries) makeRoom(now);
    it = entries_.emplace(std::move(key), Entry{}).first;
  }
  Entry& e = it->second;
  if (e.checking == 0 && now >= e.waitUntil && e.failures > 0 && now - e.lastFailure >= config_.forgetAfter) {
    e = Entry{};  // forgiven
  }
  if (e.failures + e.checking >= config_.freeFailures) {
    if (now < e.waitUntil) return e.waitUntil - now;
    // Past the free ones, one guess at a time: the next waits for this one's outcome.
    if (e.checking > 0) return std::chrono::duration_cast<Duration>(std::chrono::seconds(1));
  }
  ++e.checking;
  return std::nullopt;
}

std::optional<Duration> PasswordGuard::finished(std::string_view address, std::string_view room, bool right,
                                                TimePoint now) {
  auto it = entries_.find(Key{ConnectionLimits::keyOf(address), std::string(room)});
  if (it == entries_.end()) return std::nullopt;  // given way meanwhile
  Entry& e = it->second;
  if (e.checking > 0) --e.checking;
  if (right) {
    if (e.checking == 0) entries_.erase(it);
    else e.failures = 0;
    return std::nullopt;
  }
  ++e.failures;
  e.lastFailure = now;
  const Duration wait = waitAfter(e.failures);
  if (wait == Duration::zero()) return std::nullopt;
  e.waitUntil = now + wait;
  return wait;
}

void PasswordGuard::makeRoom(TimePoint now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Entry& e = it->second;
    const bool forgiven = e.checking == 0 && now >= e.waitUntil && now - e.lastFailure >= config_.forgetAfter;
    it = forgiven ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() < config_.maxEntries || entries_.empty()) return;
  // Still full: the entry that failed longest ago gives way.
  auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return a.second.lastFailure < b.second.lastFailure;
  });
  entries_.erase(oldest);
}

}  // namespace orbit
