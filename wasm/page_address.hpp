#pragma once

#include "ids.hpp"
#include "transport.hpp"

#include <string>
#include <string_view>

namespace orbit {

// What the URL the client was opened at asks for: which room, under which name, and the
// server that the room's WebSocket lives on.
struct PageAddress {
  bool secure = false;    // https, so the WebSocket must be wss
  std::string host;       // host[:port] as the URL spells it
  // The path the server lives under, as the URL spells it: "" at the site's root, "/orbit"
  // for a server behind a proxy at /orbit/ (orbit-server --base-path). Read from the page's
  // path, which is <basePath>/ for the lobby and <basePath>/room/<id> for a room.
  std::string basePath;
  RoomId room;            // from /room/<id>, as a slug; empty when the URL names no room
  std::string username;   // from ?name=, percent-decoded; empty when absent
  // From ?uplink=: the mesh's upload budget in kbit/s, 100 to 100000; 0 (absent or out of
  // range): the client's default.
  int uplinkKbps = 0;
  // From ?relay=1 (or ?relay=true): relay-only ICE, every connection through the TURN server
  // the signaling server names (iceTransportPolicy "relay"); for checking a TURN deployment,
  // or for a person who would rather not show their address to the others.
  bool relayOnly = false;
  // A join token from POST /api/rooms/<id>/join, for a password room; never read from the
  // page's URL, so an invite link cannot carry one by accident.
  std::string token;
  // The room's password, when the embedder gave one (the embed API's `password`); never read
  // from the URL either. With a name, a password room is then joined without its prompt.
  std::string password;
};

// Reads http(s)://host[/base]/room/<id>?name=<name>&uplink=<kbit/s>&relay=1. Anything it does not
// recognise leaves the matching field empty rather than failing: a page at / is simply not in a
// room. The base path is what comes before /room/<id>, or, for any other page, its folder
// (/orbit/ and /orbit/index.html: "/orbit").
PageAddress parsePageAddress(std::string_view url);

// ws(s)://<host><base>/room/<id>/ws, the room's WebSocket on the server that served the page.
std::string webSocketUrl(const PageAddress& address);

// That URL, and the join token the address carries offered as the subprotocols of
// shared/handshake.hpp, so that it stays out of every URL and access log. A token that cannot
// be a subprotocol (none that orbit-server makes) goes in the URL as ?token=, as it used to.
WebSocketTarget webSocketTarget(const PageAddress& address);

// http(s)://<host><base><path>: the server's HTTP API, e.g. apiUrl(address, "/api/rooms").
// Just <base><path> when the host is unknown, so that a page fetches from its own origin.
std::string apiUrl(const PageAddress& address, std::string_view path);

// http(s)://<host><base>/room/<id>: the room's invite link (no name, no token).
std::string roomPageUrl(const PageAddress& address);

}  // namespace orbit
