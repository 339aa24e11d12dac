#include "asio_scheduler.hpp"

#include <boost/system/error_code.hpp>

#include <chrono>

namespace orbit {

AsioScheduler::AsioScheduler(boost::asio::io_context& io) : io_(io), timers_(std::make_shared<Timers>()) {}

AsioScheduler::~AsioScheduler() {
  for (auto& [id, timer] : *timers_) timer->timer.cancel();
}

Scheduler::Millis AsioScheduler::now() const {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

Scheduler::TimerId AsioScheduler::after(Millis delay, std::function<void()> callback) {
  const TimerId id = ++lastId_;
  auto timer = std::make_shared<Timer>(io_);
  timer->callback = std::move(callback);
  timer->timer.expires_after(delay.count() < 0 ? Millis(0) : delay);
  std::weak_ptr<Timers> weakTimers = timers_;
  // The handler holds the Timer, so its steady_timer lives until the wait completes.
  timer->timer.async_wait([weakTimers, id, keep = timer](const boost::system::error_code&) {
    auto timers = weakTimers.lock();
    if (!timers) return;
    auto node = timers->extract(id);
    // Gone: cancelled, perhaps after the wait had already completed.
    if (node.empty() || node.mapped() != keep) return;
    auto run = std::move(keep->callback);
    if (run) run();
  });
  timers_->emplace(id, std::move(timer));
  return id;
}

void AsioScheduler::cancel(TimerId id) {
  auto node = timers_->extract(id);
  if (!node.empty()) node.mapped()->timer.cancel();
}

}  // namespace orbit
