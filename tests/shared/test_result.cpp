#include "result.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

TEST_CASE("a result built from a value is ok and holds that value", "[result]") {
  orbit::Result<std::string> r = std::string("hello");
  REQUIRE(r.ok());
  REQUIRE(static_cast<bool>(r));
  CHECK(r.value() == "hello");
  CHECK(*r == "hello");
  CHECK(r->size() == 5);
}

TEST_CASE("a result built from an error is not ok and holds the message", "[result]") {
  orbit::Result<int> r = orbit::Error{"it broke"};
  REQUIRE_FALSE(r.ok());
  REQUIRE_FALSE(static_cast<bool>(r));
  CHECK(r.error().message == "it broke");
}

TEST_CASE("a result can hand over a move-only value", "[result]") {
  orbit::Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  REQUIRE(r.ok());
  std::unique_ptr<int> taken = std::move(r).value();
  REQUIRE(taken != nullptr);
  CHECK(*taken == 7);
}
