#pragma once

#include "clock.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// At most one log line per key (a client address) per interval, so that a client that
// repeats a failure as fast as it can writes one line, not one per attempt. The attempts it
// held back are counted, and the next line says how many.
class LogThrottle {
 public:
  // `maxKeys` bounds the memory: past it, keys not seen for an interval are forgotten, and
  // if every one is recent, new keys share one line between them.
  explicit LogThrottle(Duration interval, std::size_t maxKeys = 10000) : interval_(interval), maxKeys_(maxKeys) {}

  // The attempts held back for `key` since its last line when a line may be written now;
  // nothing when this one is held back too.
  std::optional<std::uint64_t> admit(std::string_view key, TimePoint now);

 private:
  struct Entry {
    TimePoint lineAt;
    std::uint64_t heldBack = 0;
  };
  Duration interval_;
  std::size_t maxKeys_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace orbit
