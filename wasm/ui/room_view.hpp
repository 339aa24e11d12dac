#pragma once

#include "manager.hpp"

namespace orbit {

// The room page: connection state, our id and name, and who is in the room.
void drawRoomView(const Manager& manager);

// The page at /, until the lobby lists public rooms.
void drawLobbyView();

}  // namespace orbit
