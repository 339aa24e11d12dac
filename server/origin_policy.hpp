#pragma once

#include "result.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orbit {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Who may use this server from a page of another origin (docs/protocol.md, "Who may embed").
// Without an allow-list, anyone: the client's files and the API carry
// `Access-Control-Allow-Origin: *`. With one, only the listed origins and the server's own
// page: a request whose Origin header names anyone else gets no CORS headers, and the API
// and the WebSocket refuse it. A request without an Origin header (curl, a bot) is not a
// page of another origin and is never refused.
class OriginPolicy {
 public:
  // `allowed` holds origins as normalizeOrigin() returns them; empty: every origin.
  explicit OriginPolicy(std::vector<std::string> allowed = {});

  // "scheme://host[:port]" with scheme http or https, lowercased, or what is wrong with it.
  static Result<std::string> normalizeOrigin(std::string_view text);

  bool restricted() const { return !allowed_.empty(); }
  // Whether a request with Origin `origin` ("" when it had none) and Host `host` may go on.
  bool admits(std::string_view origin, std::string_view host) const;
  // Why a request from `origin` was refused, for the 403's JSON reason.
  static std::string refusal(std::string_view origin);
  // The CORS headers for an answer to that request.
  HeaderList corsHeaders(std::string_view origin, std::string_view host) const;
  // The CORS headers for an answer to a preflight (OPTIONS) the policy admits.
  HeaderList preflightHeaders(std::string_view origin, std::string_view host) const;

 private:
  std::vector<std::string> allowed_;
};

}  // namespace orbit
