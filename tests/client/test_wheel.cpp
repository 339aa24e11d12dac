#include "wheel.hpp"

#include <catch2/catch.hpp>

using orbit::WheelUnit;
using orbit::wheelLines;

TEST_CASE("a wheel notch of 100 pixels scrolls three lines, in the browser's direction", "[client][wheel]") {
  CHECK(wheelLines(100, WheelUnit::Pixel) == Approx(3.0));
  CHECK(wheelLines(-100, WheelUnit::Pixel) == Approx(-3.0));
}

TEST_CASE("a trackpad's few pixels scroll a fraction of a line", "[client][wheel]") {
  CHECK(wheelLines(4, WheelUnit::Pixel) == Approx(0.12));
  CHECK(wheelLines(-1, WheelUnit::Pixel) == Approx(-0.03));
}

TEST_CASE("line and page deltas keep their own units", "[client][wheel]") {
  CHECK(wheelLines(3, WheelUnit::Line) == Approx(3.0));
  CHECK(wheelLines(-1, WheelUnit::Page) == Approx(-orbit::kWheelLinesPerPage));
}
