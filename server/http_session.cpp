#include "http_session.hpp"

namespace orbit {

std::optional<std::string> webSocketRoom(std::string_view path) {
  constexpr std::string_view prefix = "/room/";
  constexpr std::string_view suffix = "/ws";
  if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 ||
      path.substr(path.size() - suffix.size()) != suffix) {
    return std::nullopt;
  }
  // A room id outside ASCII comes percent-encoded; admit() checks what it decodes to.
  return percentDecode(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
}

}  // namespace orbit
