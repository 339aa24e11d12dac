#pragma once

#include <memory>
#include <utility>

namespace orbit {

// Drops callbacks that arrive after their owner is gone. The owner holds one as a member,
// declared before the members whose destruction may still call back, and hands
// `alive_.guard(f)` to timers, backends and requests instead of `f`.
class Liveness {
 public:
  Liveness() = default;
  // A copy would keep the original's callbacks alive.
  Liveness(const Liveness&) = delete;
  Liveness& operator=(const Liveness&) = delete;

  template <class F>
  auto guard(F f) const {
    return [alive = std::weak_ptr<const int>(token_), f = std::move(f)](auto&&... args) mutable {
      if (alive.expired()) return;
      f(std::forward<decltype(args)>(args)...);
    };
  }

 private:
  std::shared_ptr<const int> token_ = std::make_shared<const int>(0);
};

}  // namespace orbit
