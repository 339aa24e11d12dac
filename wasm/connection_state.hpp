#pragma once

#include <string_view>

namespace orbit {

// Where the client's connection to the signaling server stands.
enum class ConnectionState {
  Idle,        // not asked to connect yet
  Connecting,
  Open,
  Closing,     // we asked to close; the server has not confirmed yet
  Closed,
  Failed,      // could not connect, or the connection broke with an error
};

// "idle", "connecting", "open", "closing", "closed", "error": the names the embed API uses.
std::string_view toString(ConnectionState state);

}  // namespace orbit
