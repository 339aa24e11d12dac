#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// What a client says in its WebSocket upgrade beside the URL (docs/protocol.md, "Join tokens
// in the handshake"). A password room's join token travels as the subprotocol
// "orbit-token.<token>" in Sec-WebSocket-Protocol, offered together with "orbit", rather than
// in the URL's query (?token=), which proxies and servers write to their access logs. The
// server selects "orbit", never the token: RFC 6455 lets it answer only with a subprotocol the
// client offered, and a browser fails a connection that offered some and got none.
inline constexpr std::string_view kOrbitSubprotocol = "orbit";
inline constexpr std::string_view kTokenSubprotocolPrefix = "orbit-token.";

// Whether `text` may be a subprotocol: an RFC 9110 token (letters, digits and
// !#$%&'*+-.^_`|~), which is all the browser's WebSocket constructor accepts.
bool isSubprotocolToken(std::string_view text);

// The subprotocols a client offers for a join token: {"orbit", "orbit-token.<token>"}; none
// without a token, so that a server that selects no subprotocol (the original implementation's)
// still takes an Orbit client into an open room.
std::vector<std::string> joinSubprotocols(std::string_view token);

// What a client offered, from its Sec-WebSocket-Protocol header (the values of every such
// header line, joined with commas).
struct OfferedSubprotocols {
  bool orbit = false;          // "orbit" is among them: the server selects it
  std::optional<std::string> token;  // the first "orbit-token.<token>"
};
OfferedSubprotocols parseSubprotocols(std::string_view header);

}  // namespace orbit
