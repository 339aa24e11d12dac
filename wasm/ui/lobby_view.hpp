#pragma once

#include "api.hpp"
#include "drafts.hpp"
#include "lobby.hpp"
#include "payloads.hpp"

#include <array>

namespace orbit {

// The page at /: a form that creates a room, the public rooms with a Join button each, and a
// field that joins any room by its name. The Lobby does the work; this draws it, its fields
// showing and editing `drafts`.
class LobbyView {
 public:
  LobbyView(Lobby& lobby, Drafts& drafts) : lobby_(lobby), drafts_(drafts) {}

  void draw();

 private:
  // Each in a card `width` wide inside.
  void drawCreate(float width);
  void drawPublicRooms(float width);
  void drawJoinByName(float width);

  Lobby& lobby_;
  Drafts& drafts_;
  // A room's name has a username's limit (docs/protocol.md, "Limits"): 64 characters of up to 4
  // bytes each. Room for twice that, so that a name typed too long is refused with the server's
  // reason rather than cut short without a word.
  std::array<char, kMaxUsernameChars * 4 * 2 + 1> name_{};
  std::array<char, kMaxPasswordBytes + 1> password_{};
  std::array<char, kMaxUsernameChars * 4 * 2 + 1> joinName_{};
  // The cards' heights in the last frame, for their backgrounds.
  float createHeight_ = 0;
  float joinHeight_ = 0;
  float roomsHeight_ = 0;
};

}  // namespace orbit
