#pragma once

namespace orbit {

// What a browser's wheel event measures its deltas in (WheelEvent.deltaMode).
enum class WheelUnit { Pixel = 0, Line = 1, Page = 2 };

// A mouse notch scrolls most pages by 100 pixels, which the client takes for three lines of
// text, as desktop programs scroll. A trackpad reports small pixel deltas and so moves by
// fractions of a line.
inline constexpr double kWheelPixelsPerLine = 100.0 / 3.0;
inline constexpr double kWheelLinesPerPage = 20.0;

// How many lines of text a wheel delta scrolls by, with the browser's sign: positive moves
// the view towards the end (down, or right).
double wheelLines(double delta, WheelUnit unit);

}  // namespace orbit
