#include "http_session.hpp"

namespace orbit {

std::optional<std::string> webSocketRoom(std::string_view path) {
  constexpr std::string_view prefix = "/room/";
  constexpr std::string_view suffix = "/ws";
  if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 ||
      path.substr(path.size() - suffix.size()) != suffix) {
    return std::nullopt;
  }
  std::string room(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
  return room;
}

std::string queryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name && eq != std::string_view::npos) {
      std::string value(pair.substr(eq + 1));
      for (char& c : value) {
        if (c == '+') c = ' ';
      }
      return percentDecode(value).value_or("");
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return "";
}

}  // namespace orbit
