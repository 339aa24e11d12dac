#pragma once

#include "scheduler.hpp"

#include <cstdint>
#include <string>

namespace orbit {

// A short message the UI shows for a few seconds and keeps in its state: someone joined or
// left, a device was refused, the server went away or came back, a connection cannot come up.
struct Notification {
  std::string kind;  // "peer-joined", "peer-left", "media-error", "connection", "peer-failed"
  std::string text;
  std::int64_t time = 0;         // ms since the epoch
  Scheduler::Millis shownUntil;  // on the Scheduler's clock
};

}  // namespace orbit
