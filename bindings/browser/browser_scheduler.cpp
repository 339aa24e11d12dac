#include "browser_scheduler.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>

#include <cmath>
#include <utility>

namespace orbit {

BrowserScheduler::~BrowserScheduler() { stop(); }

void BrowserScheduler::stop() {
  stopped_ = true;
  // Every Timer the browser could still call back is cleared before it is freed.
  for (auto& [id, timer] : timers_) emscripten_clear_timeout(timer->handle);
  timers_.clear();
}

Scheduler::Millis BrowserScheduler::now() const {
  return Millis(static_cast<Millis::rep>(std::floor(emscripten_get_now())));
}

Scheduler::TimerId BrowserScheduler::after(Millis delay, std::function<void()> callback) {
  const TimerId id = ++lastId_;
  if (stopped_) return id;
  auto timer = std::make_unique<Timer>(Timer{this, id, 0, std::move(callback)});
  timer->handle = emscripten_set_timeout(&BrowserScheduler::fire,
                                         static_cast<double>(delay.count() < 0 ? 0 : delay.count()), timer.get());
  timers_.emplace(id, std::move(timer));
  return id;
}

void BrowserScheduler::cancel(TimerId id) {
  auto node = timers_.extract(id);
  if (!node.empty()) emscripten_clear_timeout(node.mapped()->handle);
}

void BrowserScheduler::fire(void* timer) {
  // Still registered: cancel() and the destructor clear the timeout before freeing it.
  auto* self = static_cast<Timer*>(timer)->owner;
  auto node = self->timers_.extract(static_cast<Timer*>(timer)->id);
  if (node.empty()) return;
  // Owned here while it runs: the callback may cancel or create timers, or destroy the owner.
  auto callback = std::move(node.mapped()->callback);
  node = {};
  if (callback) callback();
}

}  // namespace orbit
