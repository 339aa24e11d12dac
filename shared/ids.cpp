#include "ids.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace orbit {

std::string randomHexId() {
  // std::random_device reads the CPU's generator or getrandom() natively and
  // crypto.getRandomValues() under Emscripten. One per thread: no state shared between threads,
  // and not made anew per id (making one asks the CPU what it has, a costly cpuid in a VM).
  thread_local std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (int word = 0; word < 4; ++word) {
    std::uint32_t v = rd();
    for (int nibble = 0; nibble < 8; ++nibble) {
      out.push_back(kHex[v & 0xF]);
      v >>= 4;
    }
  }
  return out;
}

bool isClientId(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace orbit
