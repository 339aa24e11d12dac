#pragma once

#include "result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// An IPv4 or IPv6 address; an IPv4 one is held as IPv4-mapped IPv6, so that a peer seen on a
// dual-stack socket compares equal to the same address written plainly.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  static std::optional<IpAddress> parse(std::string_view text);
  bool isV4() const;
  std::string text() const;  // dotted for IPv4, RFC 5952 for IPv6
};

// --trusted-proxy: the reverse proxies whose X-Forwarded-For or Forwarded header says who the
// client is. The one place that decides a request's client address, for the log and for
// anything counted per address.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Each entry an address or a network (ADDRESS/BITS); what is wrong with the first bad one.
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  bool empty() const { return networks_.empty(); }
  bool trusts(const IpAddress& address) const;

  // The address of the client behind a request that came from `peer` (the TCP peer, as text).
  // Only a trusted peer's headers count, and of the chain they give (Forwarded's for=, else
  // X-Forwarded-For; each header's lines joined with commas) the rightmost address that is not
  // a trusted proxy wins: a client can put anything at the left of the chain, never at its
  // right. An entry that is no address ("unknown", an obfuscated name) stops the walk at the
  // proxy that wrote it.
  std::string clientAddress(std::string_view peer, std::string_view forwarded, std::string_view xForwardedFor) const;

 private:
  struct Network {
    IpAddress address;
    int bits = 128;
  };
  std::vector<Network> networks_;
};

}  // namespace orbit
