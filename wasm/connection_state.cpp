#include "connection_state.hpp"

namespace orbit {

std::string_view toString(ConnectionState state) {
  switch (state) {
    case ConnectionState::Idle: return "idle";
    case ConnectionState::Connecting: return "connecting";
    case ConnectionState::Open: return "open";
    case ConnectionState::Reconnecting: return "reconnecting";
    case ConnectionState::Closing: return "closing";
    case ConnectionState::Closed: return "closed";
    case ConnectionState::Failed: return "error";
  }
  return "unknown";
}

}  // namespace orbit
