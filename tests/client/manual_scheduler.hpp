#pragma once

#include "scheduler.hpp"

#include <map>
#include <utility>

namespace orbit::test {

// A Scheduler whose clock moves only when the test says so: advance() runs every timer
// that falls due, in order of due time (then of creation), including timers that those
// callbacks create within the advanced span.
class ManualScheduler : public Scheduler {
 public:
  Millis now() const override { return now_; }

  TimerId after(Millis delay, std::function<void()> callback) override {
    const TimerId id = ++lastId_;
    timers_.emplace(std::pair{now_ + (delay.count() < 0 ? Millis(0) : delay), id}, std::move(callback));
    return id;
  }

  void cancel(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }

  void advance(Millis by) {
    const Millis until = now_ + by;
    while (!timers_.empty() && timers_.begin()->first.first <= until) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().first;
      node.mapped()();
    }
    now_ = until;
  }

  std::size_t pending() const { return timers_.size(); }
  // Time until the next timer is due, or -1 ms when none is pending.
  Millis nextDue() const { return timers_.empty() ? Millis(-1) : timers_.begin()->first.first - now_; }

 private:
  Millis now_{0};
  TimerId lastId_ = 0;
  std::map<std::pair<Millis, TimerId>, std::function<void()>> timers_;
};

}  // namespace orbit::test
