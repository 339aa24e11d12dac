#pragma once

#include "lobby.hpp"

#include <array>

namespace orbit {

// The page at /: a form that creates a room, the public rooms with a Join button each, and a
// field that joins any room by its name. The Lobby does the work; this draws it and keeps
// what is being typed.
class LobbyView {
 public:
  explicit LobbyView(Lobby& lobby) : lobby_(lobby) {}

  void draw();

 private:
  void drawCreate();
  void drawPublicRooms();
  void drawJoinByName();

  Lobby& lobby_;
  std::array<char, 65> name_{};
  std::array<char, 129> password_{};
  bool isPublic_ = true;
  int guestLimit_ = 0;
  std::array<char, 65> joinName_{};
};

}  // namespace orbit
