#include "wheel.hpp"

namespace orbit {

double wheelLines(double delta, WheelUnit unit) {
  switch (unit) {
    case WheelUnit::Pixel: return delta / kWheelPixelsPerLine;
    case WheelUnit::Line: return delta;
    case WheelUnit::Page: return delta * kWheelLinesPerPage;
  }
  return 0;
}

}  // namespace orbit
