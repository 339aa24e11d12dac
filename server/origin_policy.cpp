#include "origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace orbit {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool isHostChar(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '[' || c == ']' || c == ':';
}

}  // namespace

OriginPolicy::OriginPolicy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {}

Result<std::string> OriginPolicy::normalizeOrigin(std::string_view text) {
  const std::string quoted = "\"" + std::string(text.substr(0, 200)) + "\"";
  const auto bad = [&](const std::string& why) {
    return Error{quoted + " is not an origin: " + why + " (an origin looks like https://example.org or http://localhost:8080)"};
  };
  const std::string origin = lower(text);
  std::string_view rest(origin);
  if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else if (rest.rfind("https://", 0) == 0) {
    rest.remove_prefix(8);
  } else {
    return bad("the scheme must be http or https");
  }
  if (rest.empty()) return bad("it has no host");
  if (rest.find_first_of("/?#") != std::string_view::npos) return bad("an origin has no path, query or fragment");
  if (rest.find('@') != std::string_view::npos) return bad("an origin has no user name");
  // The port is what follows the last ':' outside an IPv6 literal's brackets.
  const std::size_t bracket = rest.rfind(']');
  const std::size_t colon = rest.rfind(':');
  std::string_view host = rest;
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = rest.substr(colon + 1);
    host = rest.substr(0, colon);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
      return bad("the port must be a number from 1 to 65535");
    }
  }
  if (host.empty() || !std::all_of(host.begin(), host.end(), isHostChar)) return bad("the host is not a host name or address");
  if (host.front() == '[' ? host.back() != ']' : host.find_first_of("[]:") != std::string_view::npos) {
    return bad("the host is not a host name or address");
  }
  return origin;
}

bool OriginPolicy::admits(std::string_view origin, std::string_view host) const {
  if (origin.empty() || allowed_.empty()) return true;
  const std::string o = lower(origin);
  if (std::find(allowed_.begin(), allowed_.end(), o) != allowed_.end()) return true;
  // The server's own page: its origin names the host the browser asked for. The scheme is
  // not compared, because a proxy in front may end TLS and talk plain HTTP to this server.
  const std::size_t authority = o.find("://");
  return authority != std::string::npos && !host.empty() && o.substr(authority + 3) == lower(host);
}

std::string OriginPolicy::refusal(std::string_view origin) {
  return "pages from " + std::string(origin.substr(0, 100)) +
         " may not use this server: it serves only the origins given with --allowed-origin";
}

HeaderList OriginPolicy::corsHeaders(std::string_view origin, std::string_view host) const {
  if (allowed_.empty()) return {{"Access-Control-Allow-Origin", "*"}};
  // The answer depends on the Origin header, so caches must keep one per origin.
  HeaderList out{{"Vary", "Origin"}};
  if (!origin.empty() && admits(origin, host)) out.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  return out;
}

HeaderList OriginPolicy::preflightHeaders(std::string_view origin, std::string_view host) const {
  HeaderList out = corsHeaders(origin, host);
  out.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
  out.emplace_back("Access-Control-Allow-Headers", "Content-Type");
  out.emplace_back("Access-Control-Max-Age", "600");
  return out;
}

}  // namespace orbit
