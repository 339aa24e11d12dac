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

}  // namespace orbit
