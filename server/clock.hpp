#pragma once

#include <chrono>

namespace orbit {

// The server logic never reads a clock itself: callers pass `now`, so tests drive time.
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

}  // namespace orbit
