#include "touch.hpp"

#include <catch2/catch.hpp>

#include <vector>

using orbit::TouchPointer;

namespace {

// The pointer over the next `count` drawn frames.
std::vector<TouchPointer::Pointer> frames(TouchPointer& touch, int count) {
  std::vector<TouchPointer::Pointer> out;
  for (int i = 0; i < count; ++i) out.push_back(touch.next());
  return out;
}

}  // namespace

TEST_CASE("a tap between two frames is over the spot, pressed and released in frames of their own", "[client][touch]") {
  TouchPointer touch;
  touch.start(1, 50, 60);
  CHECK(touch.end(1, 52, 61));
  const auto seen = frames(touch, 4);
  CHECK((seen[0].present && !seen[0].down && seen[0].x == 50 && seen[0].y == 60));
  CHECK((seen[1].present && seen[1].down && seen[1].x == 50));
  CHECK((seen[2].present && !seen[2].down));
  CHECK_FALSE(seen[3].present);  // nothing stays hovered after the finger lifts
  CHECK_FALSE(touch.pending());
}

TEST_CASE("a finger held still hovers its spot and presses nothing until it lifts", "[client][touch]") {
  TouchPointer touch;
  touch.start(1, 10, 10);
  for (const auto& pointer : frames(touch, 3)) CHECK((pointer.present && !pointer.down));
  CHECK(touch.end(1, 10, 10));
  const auto seen = frames(touch, 3);
  CHECK(seen[0].down);
  CHECK_FALSE(seen[1].down);
  CHECK_FALSE(seen[2].present);
}

TEST_CASE("a drag scrolls by the finger's way from where it went down and never presses", "[client][touch]") {
  TouchPointer touch;
  touch.start(1, 100, 200);
  const auto within = touch.move(1, 100, 205);
  CHECK((within.x == 0 && within.y == 0));
  CHECK_FALSE(touch.dragging());
  const auto first = touch.move(1, 100, 230);
  CHECK(first.y == 30);
  CHECK(touch.dragging());
  const auto second = touch.move(1, 103, 250);
  CHECK((second.x == 3 && second.y == 20));
  CHECK_FALSE(touch.end(1, 103, 250));
  for (const auto& pointer : frames(touch, 4)) CHECK_FALSE(pointer.down);
}

TEST_CASE("a finger that lifts far from where it went down is no tap, moved or not", "[client][touch]") {
  TouchPointer touch;
  touch.start(1, 0, 0);
  CHECK_FALSE(touch.end(1, 0, 40));
}

TEST_CASE("a second finger and a cancelled touch press nothing", "[client][touch]") {
  TouchPointer touch;
  touch.start(1, 0, 0);
  touch.start(2, 50, 50);
  CHECK_FALSE(touch.end(2, 50, 50));
  touch.cancel(1);
  CHECK_FALSE(touch.touching());
  for (const auto& pointer : frames(touch, 3)) CHECK_FALSE(pointer.down);
  CHECK_FALSE(touch.end(1, 0, 0));
}
