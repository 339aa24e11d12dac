#include "ids.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace orbit {

std::string randomHexId() {
  // std::random_device reads getrandom() natively and crypto.getRandomValues() under
  // Emscripten; a fresh one per id keeps this free of shared state between threads.
  std::random_device rd;
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
