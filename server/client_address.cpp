#include "client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace orbit {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char by) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0;;) {
    const auto next = s.find(by, at);
    out.push_back(trim(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at)));
    if (next == std::string_view::npos) return out;
    at = next + 1;
  }
}

// One hop of a forwarded chain: "192.0.2.1", "192.0.2.1:4711", "[2001:db8::1]:4711" or
// "2001:db8::1"; nothing when it names no address.
std::optional<IpAddress> hopAddress(std::string_view hop) {
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"') hop = hop.substr(1, hop.size() - 2);
  if (!hop.empty() && hop.front() == '[') {
    const auto close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return IpAddress::parse(hop.substr(1, close - 1));
  }
  if (auto plain = IpAddress::parse(hop)) return plain;
  const auto colon = hop.find(':');
  if (colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos) {
    return IpAddress::parse(hop.substr(0, colon));  // IPv4 with a port
  }
  return std::nullopt;
}

// The for= of each element of a Forwarded header (RFC 7239), in order; an element without
// one gives an empty hop.
std::vector<std::string_view> forwardedFor(std::string_view header) {
  std::vector<std::string_view> hops;
  for (std::string_view element : split(header, ',')) {
    std::string_view hop;
    for (std::string_view pair : split(element, ';')) {
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(trim(pair.substr(0, eq)));
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      if (name == "for") hop = trim(pair.substr(eq + 1));
    }
    hops.push_back(hop);
  }
  return hops;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const std::string s(text);
  IpAddress out;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out.bytes[10] = out.bytes[11] = 0xFF;
    std::copy_n(reinterpret_cast<const std::uint8_t*>(&v4), 4, out.bytes.begin() + 12);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::copy_n(reinterpret_cast<const std::uint8_t*>(&v6), 16, out.bytes.begin());
    return out;
  }
  return std::nullopt;
}

bool IpAddress::isV4() const {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) && bytes[10] == 0xFF &&
         bytes[11] == 0xFF;
}

std::string IpAddress::text() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (isV4()) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const std::string& given : entries) {
    const std::string entry(trim(given));  // "a, b" is a list too
    const Error bad{"--trusted-proxy (ORBIT_TRUSTED_PROXY) " + entry.substr(0, 100) +
                    ": give an IP address or a network, e.g. 127.0.0.1, ::1 or 10.0.0.0/8"};
    const auto slash = entry.find('/');
    auto address = IpAddress::parse(std::string_view(entry).substr(0, slash));
    if (!address) return bad;
    Network network{*address, 128};
    if (slash != std::string::npos) {
      const std::string_view bits = std::string_view(entry).substr(slash + 1);
      int n = -1;
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
      const int most = address->isV4() ? 32 : 128;
      if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || n < 0 || n > most) return bad;
      network.bits = address->isV4() ? n + 96 : n;
    }
    out.networks_.push_back(network);
  }
  return out;
}

bool TrustedProxies::trusts(const IpAddress& address) const {
  return std::any_of(networks_.begin(), networks_.end(), [&](const Network& n) {
    for (int bit = 0; bit < n.bits; ++bit) {
      const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
      if ((address.bytes[bit / 8] & mask) != (n.address.bytes[bit / 8] & mask)) return false;
    }
    return true;
  });
}

std::string TrustedProxies::clientAddress(std::string_view peer, std::string_view forwarded,
                                          std::string_view xForwardedFor) const {
  const auto direct = IpAddress::parse(peer);
  if (!direct) return std::string(peer);
  if (!trusts(*direct)) return direct->text();
  std::vector<std::string_view> chain;
  if (!trim(forwarded).empty()) {
    chain = forwardedFor(forwarded);
  } else if (!trim(xForwardedFor).empty()) {
    chain = split(xForwardedFor, ',');
  }
  IpAddress client = *direct;
  for (auto hop = chain.rbegin(); hop != chain.rend(); ++hop) {
    const auto address = hopAddress(*hop);
    if (!address) break;
    client = *address;
    if (!trusts(client)) break;
  }
  return client.text();
}

}  // namespace orbit
