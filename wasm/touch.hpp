#pragma once

#include <cstddef>
#include <deque>
#include <optional>

namespace orbit {

// One finger on a touch screen, turned into what a mouse-driven UI understands: a tap presses
// what is under it, a drag scrolls. Positions are CSS pixels of the drawing surface.
//
// Dear ImGui reads the pointer once per drawn frame, and a tap's start and end may arrive
// between two frames: so a tap becomes pointer steps, one per frame (over the spot, pressed,
// released), and between touches there is no pointer at all, so nothing stays hovered. Nothing
// is pressed before the finger lifts, so a drag that starts on a button never presses it.
class TouchPointer {
 public:
  // How far a finger may wander and still tap, as browsers allow for a click.
  static constexpr float kSlop = 10.0f;

  // What the UI's pointer is for one drawn frame.
  struct Pointer {
    bool present = false;  // false: no pointer over the UI
    float x = 0;
    float y = 0;
    bool down = false;
  };
  // How far the content under a dragging finger follows it (positive: the finger went right
  // or down, so the view moves towards the start).
  struct Drag {
    float x = 0;
    float y = 0;
  };

  // Only the first finger counts; a second one (a pinch) is ignored until all are lifted.
  void start(int id, float x, float y);
  Drag move(int id, float x, float y);
  // True when the touch was a tap.
  bool end(int id, float x, float y);
  // The browser took the touch over (a system gesture): no tap.
  void cancel(int id);

  // The pointer for the next drawn frame; steps not yet drawn wait in order.
  Pointer next();
  // Steps are waiting for frames of their own.
  bool pending() const { return !steps_.empty(); }
  bool touching() const { return finger_.has_value(); }
  bool dragging() const { return finger_ && finger_->dragging; }
  // Where the finger went down, while it is down.
  Pointer startPoint() const;

 private:
  struct Finger {
    int id = 0;
    float startX = 0;
    float startY = 0;
    float lastX = 0;
    float lastY = 0;
    bool dragging = false;
  };
  std::optional<Finger> finger_;
  std::deque<Pointer> steps_;
  Pointer resting_;  // after the steps: over the finger while it is down, else none
};

// A flick: content thrown by a dragging finger goes on after it lifts, at the finger's last
// speed and slowing down as a phone's own lists do (an exponential decay), until it stops, a
// finger touches again or there is no further to go. Times in milliseconds, positions in CSS
// pixels. The finger's speed comes from the touch events' own times; the slowing down runs on
// the frames' clock from when the lift is handled: the two need not be one clock, and a lift
// handled late (a busy page) still starts its flick at full speed.
class Fling {
 public:
  // The finger's moves within this long before it lifts give its speed: one that stood still
  // that long before lifting throws nothing.
  static constexpr double kWindow = 100;
  static constexpr double kMinSpeed = 0.25;  // px/ms (250 px/s): slower is a drag put down, no flick
  static constexpr double kMaxSpeed = 8.0;
  static constexpr double kTimeConstant = 325;  // ms: the speed falls to 1/e in this long
  static constexpr double kStopSpeed = 0.02;  // px/ms: slower than this, it has stopped

  // Where the dragging finger is at `t`.
  void track(double t, float x, float y);
  // The finger lifted at `t` (its event's time), handled at `now` (the frames' clock): a flick
  // starts if it was moving fast enough.
  void release(double t, double now);
  void stop();
  bool moving() const { return moving_; }
  // How far the content moves from the last step to `t`, as TouchPointer::move's drags go.
  TouchPointer::Drag step(double t);

 private:
  struct Sample {
    double t;
    float x;
    float y;
  };
  std::deque<Sample> samples_;
  bool moving_ = false;
  double start_ = 0;  // when the lift was handled, on the frames' clock
  double last_ = 0;   // the last step, since start_
  double speedX_ = 0;  // px/ms at start_
  double speedY_ = 0;
};

}  // namespace orbit
