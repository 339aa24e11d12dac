#include "handshake.hpp"

#include <algorithm>

namespace orbit {

bool isSubprotocolToken(std::string_view text) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kSpecials.find(c) != std::string_view::npos;
  });
}

std::vector<std::string> joinSubprotocols(std::string_view token) {
  if (token.empty()) return {};
  return {std::string(kOrbitSubprotocol), std::string(kTokenSubprotocolPrefix) + std::string(token)};
}

OfferedSubprotocols parseSubprotocols(std::string_view header) {
  OfferedSubprotocols out;
  for (std::size_t start = 0; start <= header.size();) {
    const std::size_t end = std::min(header.find(',', start), header.size());
    std::string_view item = header.substr(start, end - start);
    start = end + 1;
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == kOrbitSubprotocol) {
      out.orbit = true;
    } else if (item.substr(0, kTokenSubprotocolPrefix.size()) == kTokenSubprotocolPrefix && !out.token) {
      out.token = std::string(item.substr(kTokenSubprotocolPrefix.size()));
    }
  }
  return out;
}

}  // namespace orbit
