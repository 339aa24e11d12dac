#include "log_throttle.hpp"

#include <iterator>
#include <utility>

namespace orbit {

std::optional<std::uint64_t> LogThrottle::admit(std::string_view key, TimePoint now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= maxKeys_) {
      for (auto e = entries_.begin(); e != entries_.end();) {
        e = now - e->second.lineAt >= interval_ ? entries_.erase(e) : std::next(e);
      }
    }
    // Still full: every key here wrote a line within the interval, which is a flood from
    // many addresses. They share one key until the others age out.
    if (entries_.size() >= maxKeys_ && key != "*") return admit("*", now);
    entries_.emplace(std::string(key), Entry{now, 0});
    return 0;
  }
  Entry& entry = it->second;
  if (now - entry.lineAt < interval_) {
    ++entry.heldBack;
    return std::nullopt;
  }
  entry.lineAt = now;
  return std::exchange(entry.heldBack, 0);
}

}  // namespace orbit
