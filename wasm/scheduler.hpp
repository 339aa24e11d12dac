#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace orbit {

// Timers for the client core: reconnect backoff, request deadlines, stats polling, ICE
// restart delays. Browser: Emscripten timers. Native: Asio. Tests: a manual clock that
// the test advances, so backoff and timeouts are tested without sleeping.
//
// Callbacks run on the thread that owns the scheduler, never from inside after() or
// cancel(), and never after the timer was cancelled.
class Scheduler {
 public:
  using TimerId = std::uint64_t;
  using Millis = std::chrono::milliseconds;

  virtual ~Scheduler() = default;

  // Milliseconds on a monotonic clock with an arbitrary origin.
  virtual Millis now() const = 0;
  // Runs `callback` once, `delay` from now. Returns an id for cancel(); never 0.
  virtual TimerId after(Millis delay, std::function<void()> callback) = 0;
  // Forgets a timer; a no-op for an id that has fired or was never issued.
  virtual void cancel(TimerId id) = 0;
};

// Milliseconds since the epoch by the system clock: the time stamps people read (chat lines,
// notifications), never timers.
inline std::int64_t systemMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace orbit
