#include "touch.hpp"

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

}  // namespace orbit
