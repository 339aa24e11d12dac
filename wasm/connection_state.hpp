#pragma once

#include <string_view>

namespace orbit {

// Where the client's connection to the signaling server stands.
enum class ConnectionState {
  Idle,          // not asked to connect yet
  Connecting,    // the first attempt after connect()
  Open,
  Reconnecting,  // an automatic attempt after the connection was lost
  Closing,       // we asked to close; the server has not confirmed yet
  Closed,        // no connection; Signaler::reconnectPending() says whether one will follow
  Failed,        // could not connect, or the connection broke with an error; likewise
};

// "idle", "connecting", "open", "reconnecting", "closing", "closed", "error": the names the
// embed API uses.
std::string_view toString(ConnectionState state);

}  // namespace orbit
