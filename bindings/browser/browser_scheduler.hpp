#pragma once

#include "scheduler.hpp"

#include <map>
#include <memory>

namespace orbit {

// Scheduler over the browser's setTimeout, through Emscripten's eventloop.h.
//
// Implemented features:
//  [x] one-shot timers with cancel
//  [x] a cancelled timer, or one of a destroyed scheduler, never calls back
//  [x] now() from performance.now() (monotonic)
//  [x] stop(): nothing calls back after the client is destroyed
//  [ ] timers in a background tab run late: browsers throttle setTimeout there
class BrowserScheduler final : public Scheduler {
 public:
  BrowserScheduler() = default;
  ~BrowserScheduler() override;
  // JavaScript holds pointers to the timers this object owns.
  BrowserScheduler(const BrowserScheduler&) = delete;
  BrowserScheduler& operator=(const BrowserScheduler&) = delete;

  Millis now() const override;
  TimerId after(Millis delay, std::function<void()> callback) override;
  void cancel(TimerId id) override;
  // Clears every pending timer, and schedules none from now on (the client was destroyed).
  void stop();

 private:
  struct Timer {
    BrowserScheduler* owner;
    TimerId id;
    long handle = 0;  // setTimeout's
    std::function<void()> callback;
  };
  static void fire(void* timer);

  TimerId lastId_ = 0;
  bool stopped_ = false;
  std::map<TimerId, std::unique_ptr<Timer>> timers_;
};

}  // namespace orbit
