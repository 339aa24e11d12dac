#pragma once

// What a fuzz target does when one of its invariants breaks: says which, with the input's
// part that matters, and aborts, which libFuzzer reports as a crash and saves the input for.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace orbit::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition, std::string_view detail) {
  std::fprintf(stderr, "\n%s:%d: invariant broken: %s\n", file, line, condition);
  if (!detail.empty()) {
    const std::size_t shown = detail.size() < 2000 ? detail.size() : 2000;
    std::fprintf(stderr, "  %.*s%s\n", static_cast<int>(shown), detail.data(), shown < detail.size() ? "..." : "");
  }
  std::abort();
}

}  // namespace orbit::fuzz

#define ORBIT_FUZZ_CHECK(condition, detail) \
  do {                                        \
    if (!(condition)) ::orbit::fuzz::fail(__FILE__, __LINE__, #condition, (detail)); \
  } while (false)
