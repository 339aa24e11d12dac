#include "page_address.hpp"

#include "slug.hpp"

namespace orbit {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The part of `text` before the first of `stops`; `text` keeps the rest.
std::string_view takeUntil(std::string_view& text, std::string_view stops) {
  auto end = text.find_first_of(stops);
  std::string_view head = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  return head;
}

}  // namespace

std::string percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

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
    if (path.find('/') == std::string_view::npos) address.room = RoomId(slugify(percentDecode(path)));
  }

  while (!query.empty()) {
    std::string_view pair = takeUntil(query, "&");
    if (!query.empty()) query.remove_prefix(1);
    std::string_view key = takeUntil(pair, "=");
    if (key == "name" && !pair.empty()) address.username = percentDecode(pair.substr(1));
  }
  return address;
}

std::string webSocketUrl(const PageAddress& address) {
  return std::string(address.secure ? "wss://" : "ws://") + address.host + "/room/" + address.room.str() +
         "/ws";
}

}  // namespace orbit
