#pragma once

#include "scheduler.hpp"

#include <utility>  // before Asio: its awaitable.hpp needs std::exchange

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>

namespace orbit {

// Scheduler over an Asio io_context: one steady_timer per timer. Callbacks run on the
// thread that runs the io_context, never after cancel() or the scheduler's destruction
// (a wait that already completed but has not run yet finds its timer gone and does nothing).
class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io);
  ~AsioScheduler() override;
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  Millis now() const override;
  TimerId after(Millis delay, std::function<void()> callback) override;
  void cancel(TimerId id) override;

  std::size_t pending() const { return timers_->size(); }

 private:
  struct Timer {
    explicit Timer(boost::asio::io_context& io) : timer(io) {}
    boost::asio::steady_timer timer;
    std::function<void()> callback;
  };
  using Timers = std::map<TimerId, std::shared_ptr<Timer>>;

  boost::asio::io_context& io_;
  TimerId lastId_ = 0;
  // Shared with the waits, which hold it weakly: once the scheduler is gone they find nothing.
  std::shared_ptr<Timers> timers_;
};

}  // namespace orbit
