#include "touch.hpp"

#include <algorithm>
#include <cmath>

namespace orbit {

void TouchPointer::start(int id, float x, float y) {
  if (finger_) return;
  finger_ = Finger{id, x, y, x, y, false};
  // Over the spot before anything else, as a mouse would have moved there first.
  resting_ = Pointer{true, x, y, false};
  steps_.push_back(resting_);
}

TouchPointer::Drag TouchPointer::move(int id, float x, float y) {
  if (!finger_ || finger_->id != id) return {};
  Finger& finger = *finger_;
  Drag drag;
  if (!finger.dragging) {
    if (std::hypot(x - finger.startX, y - finger.startY) <= kSlop) return {};
    // From where the finger went down, so the content stays under it.
    finger.dragging = true;
    resting_ = Pointer{};
    drag = Drag{x - finger.startX, y - finger.startY};
  } else {
    drag = Drag{x - finger.lastX, y - finger.lastY};
  }
  finger.lastX = x;
  finger.lastY = y;
  return drag;
}

bool TouchPointer::end(int id, float x, float y) {
  if (!finger_ || finger_->id != id) return false;
  const Finger finger = *finger_;
  finger_.reset();
  resting_ = Pointer{};
  if (finger.dragging || std::hypot(x - finger.startX, y - finger.startY) > kSlop) return false;
  // Pressed in one frame and released in the next, where the finger went down.
  steps_.push_back(Pointer{true, finger.startX, finger.startY, true});
  steps_.push_back(Pointer{true, finger.startX, finger.startY, false});
  return true;
}

void TouchPointer::cancel(int id) {
  if (!finger_ || finger_->id != id) return;
  finger_.reset();
  resting_ = Pointer{};
  steps_.clear();
}

TouchPointer::Pointer TouchPointer::next() {
  if (steps_.empty()) return resting_;
  const Pointer step = steps_.front();
  steps_.pop_front();
  return step;
}

TouchPointer::Pointer TouchPointer::startPoint() const {
  if (!finger_) return {};
  return Pointer{true, finger_->startX, finger_->startY, false};
}

void Fling::track(double t, float x, float y) {
  moving_ = false;
  samples_.push_back({t, x, y});
  while (samples_.size() > 2 && samples_.front().t < t - kWindow) samples_.pop_front();
}

void Fling::release(double t, double now) {
  while (!samples_.empty() && samples_.front().t < t - kWindow) samples_.pop_front();
  moving_ = false;
  if (samples_.size() >= 2 && t > samples_.front().t) {
    // Over the whole window up to the lift: a finger that slowed or paused before it lifted
    // throws less.
    const Sample& first = samples_.front();
    const Sample& last = samples_.back();
    const double elapsed = t - first.t;
    speedX_ = (last.x - first.x) / elapsed;
    speedY_ = (last.y - first.y) / elapsed;
    const double speed = std::hypot(speedX_, speedY_);
    if (speed >= kMinSpeed) {
      const double scale = std::min(1.0, kMaxSpeed / speed);
      speedX_ *= scale;
      speedY_ *= scale;
      moving_ = true;
      start_ = now;
      last_ = 0;
    }
  }
  samples_.clear();
}

void Fling::stop() {
  moving_ = false;
  samples_.clear();
}

TouchPointer::Drag Fling::step(double t) {
  if (!moving_) return {};
  const double now = std::max(t - start_, last_);
  // The way covered at a speed v0 * e^(-s/T) from the last step to now.
  const double share = kTimeConstant * (std::exp(-last_ / kTimeConstant) - std::exp(-now / kTimeConstant));
  last_ = now;
  if (std::hypot(speedX_, speedY_) * std::exp(-now / kTimeConstant) < kStopSpeed) moving_ = false;
  return {static_cast<float>(speedX_ * share), static_cast<float>(speedY_ * share)};
}

}  // namespace orbit
