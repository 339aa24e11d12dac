#include "page_address.hpp"

#include "slug.hpp"
#include "url.hpp"

namespace orbit {
namespace {

// The part of `text` before the first of `stops`; `text` keeps the rest.
std::string_view takeUntil(std::string_view& text, std::string_view stops) {
  auto end = text.find_first_of(stops);
  std::string_view head = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  return head;
}

// Tokens are "<digits>.<hex>" today; escaping anything else keeps the URL intact if that changes.
std::string queryEscape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace

PageAddress parsePageAddress(std::string_view url) {
  PageAddress address;
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    address.secure = url.substr(0, scheme) == "https";
    url.remove_prefix(scheme + 3);
    address.host = takeUntil(url, "/?#");
  }
  std::string_view path = takeUntil(url, "?#");
  std::string_view query;
  if (!url.empty() && url.front() == '?') {
    url.remove_prefix(1);
    query = takeUntil(url, "#");
  }

  constexpr std::string_view kRoomPrefix = "/room/";
  if (path.substr(0, kRoomPrefix.size()) == kRoomPrefix) {
    path.remove_prefix(kRoomPrefix.size());
    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.find('/') == std::string_view::npos) {
      address.room = RoomId(slugify(percentDecode(path).value_or(std::string(path))));
    }
  }

  address.username = queryParam(query, "name").value_or("");
  return address;
}

std::string webSocketUrl(const PageAddress& address) {
  std::string url = std::string(address.secure ? "wss://" : "ws://") + address.host + "/room/" +
                    pathEscape(address.room.str()) + "/ws";
  if (!address.token.empty()) url += "?token=" + queryEscape(address.token);
  return url;
}

std::string apiUrl(const PageAddress& address, std::string_view path) {
  if (address.host.empty()) return std::string(path);
  return std::string(address.secure ? "https://" : "http://") + address.host + std::string(path);
}

std::string roomPageUrl(const PageAddress& address) {
  return apiUrl(address, "/room/" + pathEscape(address.room.str()));
}

}  // namespace orbit
