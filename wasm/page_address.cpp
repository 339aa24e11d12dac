#include "page_address.hpp"

#include "slug.hpp"
#include "url.hpp"

#include <charconv>

namespace orbit {
namespace {

// The part of `text` before the first of `stops`; `text` keeps the rest.
std::string_view takeUntil(std::string_view& text, std::string_view stops) {
  auto end = text.find_first_of(stops);
  std::string_view head = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  return head;
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
  if (auto uplink = queryParam(query, "uplink")) {
    int kbps = 0;
    auto [end, ec] = std::from_chars(uplink->data(), uplink->data() + uplink->size(), kbps);
    if (ec == std::errc() && end == uplink->data() + uplink->size() && kbps >= 100 && kbps <= 100000) {
      address.uplinkKbps = kbps;
    }
  }
  if (auto relay = queryParam(query, "relay")) address.relayOnly = *relay == "1" || *relay == "true";
  return address;
}

std::string webSocketUrl(const PageAddress& address) {
  std::string url = std::string(address.secure ? "wss://" : "ws://") + address.host + "/room/" +
                    percentEncode(address.room.str()) + "/ws";
  if (!address.token.empty()) url += "?token=" + percentEncode(address.token);
  return url;
}

std::string apiUrl(const PageAddress& address, std::string_view path) {
  if (address.host.empty()) return std::string(path);
  return std::string(address.secure ? "https://" : "http://") + address.host + std::string(path);
}

std::string roomPageUrl(const PageAddress& address) {
  return apiUrl(address, "/room/" + percentEncode(address.room.str()));
}

}  // namespace orbit
