#include "touch.hpp"

#include <catch2/catch.hpp>

#include <vector>

using orbit::Fling;
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

namespace {

// A finger drawn `dy` px down from y = 0 in 8 moves 16 ms apart (a frame each), from t = 0.
void draw(Fling& fling, float dy) {
  for (int i = 0; i <= 8; ++i) fling.track(16.0 * i, 0, dy * static_cast<float>(i) / 8);
}

// Steps a frame (16 ms) apart from `from` while the fling moves: the whole way, and the steps.
std::vector<float> steps(Fling& fling, double from) {
  std::vector<float> out;
  for (double t = from + 16; fling.moving() && out.size() < 1000; t += 16) out.push_back(fling.step(t).y);
  return out;
}

}  // namespace

TEST_CASE("a flick goes on after the finger lifts, in its direction, slowing down until it stops", "[client][touch]") {
  Fling fling;
  draw(fling, 150);  // 150 px in 128 ms: about 1.2 px/ms
  fling.release(128, 128);
  REQUIRE(fling.moving());
  const std::vector<float> way = steps(fling, 128);
  REQUIRE(way.size() > 10);
  CHECK(fling.moving() == false);  // it stops by itself, within a few seconds
  CHECK(way.size() * 16 < 3000);
  for (std::size_t i = 1; i < way.size(); ++i) {
    CHECK(way[i] > 0);  // the finger went down: the content goes on down
    CHECK(way[i] <= way[i - 1]);
  }
  // The way adds up to the speed times the time constant (the decay's integral), near enough.
  float total = 0;
  for (float y : way) total += y;
  const double speed = 150.0 / 128.0;
  CHECK(total == Approx(speed * Fling::kTimeConstant).epsilon(0.05));
  // Upwards, the same the other way.
  draw(fling, -150);
  fling.release(128, 128);
  CHECK(fling.step(144).y < 0);
}

TEST_CASE("a drag put down slowly, or held still before lifting, throws nothing", "[client][touch]") {
  Fling slow;
  draw(slow, 20);  // 20 px in 128 ms: 0.16 px/ms
  slow.release(128, 128);
  CHECK_FALSE(slow.moving());
  CHECK(slow.step(144).y == 0);

  Fling held;
  draw(held, 150);
  held.release(128 + 150, 128 + 150);  // still for 150 ms before lifting
  CHECK_FALSE(held.moving());

  Fling tapped;  // one position is no speed
  tapped.track(0, 5, 5);
  tapped.release(10, 10);
  CHECK_FALSE(tapped.moving());
}

TEST_CASE("a finger touching again, or a new drag, stops a flick at once", "[client][touch]") {
  Fling fling;
  draw(fling, 300);
  fling.release(128, 128);
  REQUIRE(fling.moving());
  CHECK(fling.step(144).y > 0);
  fling.stop();
  CHECK_FALSE(fling.moving());
  CHECK(fling.step(160).y == 0);

  draw(fling, 300);
  fling.release(128, 128);
  REQUIRE(fling.moving());
  fling.track(150, 0, 0);
  CHECK_FALSE(fling.moving());
}

TEST_CASE("a flick is never faster than the cap, however fast the finger", "[client][touch]") {
  Fling fling;
  fling.track(0, 0, 0);
  fling.track(1, 0, 1000);  // 1000 px in a millisecond
  fling.release(1, 1);
  REQUIRE(fling.moving());
  CHECK(fling.step(2).y <= Fling::kMaxSpeed * 1.0 + 0.01);
}

TEST_CASE("a lift handled late still throws at the finger's speed, from when it is handled", "[client][touch]") {
  // The touch events' times and the frames' clock need not be one clock: a page busy for a
  // second, or touch times on another origin.
  Fling fling;
  for (int i = 0; i <= 8; ++i) fling.track(1.7e12 + 16.0 * i, 0, 150.0f * static_cast<float>(i) / 8);
  fling.release(1.7e12 + 128, 5000);
  REQUIRE(fling.moving());
  const float first = fling.step(5016).y;
  CHECK(first == Approx(150.0 / 128.0 * 16).epsilon(0.05));  // about the finger's speed for a frame
  CHECK(fling.moving());
}
