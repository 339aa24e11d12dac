#include "page_address.hpp"

#include "handshake.hpp"
#include "slug.hpp"
#include "url.hpp"

#include <algorithm>
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

  // <base>/room/<id>, a trailing slash allowed; any other page is the lobby, in its folder.
  constexpr std::string_view kRoomPrefix = "/room/";
  std::string_view id = path;
  if (!id.empty() && id.back() == '/') id.remove_suffix(1);
  const auto room = id.rfind(kRoomPrefix);
  if (room != std::string_view::npos && id.find('/', room + kRoomPrefix.size()) == std::string_view::npos &&
      room + kRoomPrefix.size() < id.size()) {
    address.basePath = path.substr(0, room);
    id.remove_prefix(room + kRoomPrefix.size());
    address.room = RoomId(slugify(percentDecode(id).value_or(std::string(id))));
  } else if (const auto folder = path.rfind('/'); folder != std::string_view::npos) {
    address.basePath = path.substr(0, folder);
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
  return std::string(address.secure ? "wss://" : "ws://") + address.host + address.basePath + "/room/" +
         percentEncode(address.room.str()) + "/ws";
}

WebSocketTarget webSocketTarget(const PageAddress& address) {
  WebSocketTarget target{webSocketUrl(address), {}};
  if (address.token.empty()) return target;
  const auto protocols = joinSubprotocols(address.token);
  if (std::all_of(protocols.begin(), protocols.end(), [](const std::string& p) { return isSubprotocolToken(p); })) {
    target.protocols = protocols;
  } else {
    target.url += "?token=" + percentEncode(address.token);
  }
  return target;
}

std::string apiUrl(const PageAddress& address, std::string_view path) {
  if (address.host.empty()) return address.basePath + std::string(path);
  return std::string(address.secure ? "https://" : "http://") + address.host + address.basePath + std::string(path);
}

std::string roomPageUrl(const PageAddress& address) {
  return apiUrl(address, "/room/" + percentEncode(address.room.str()));
}

}  // namespace orbit
