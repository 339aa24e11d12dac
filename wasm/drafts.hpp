#pragma once

#include "message.hpp"
#include "result.hpp"

#include <string>

namespace orbit {

// What is being typed into the screens' fields, one value per field. The canvas draws each
// field, and so does the page's copy of the screen (library_orbit_a11y.js); both show the value
// here, each taking it while it is not being typed into. So Tab from one to the other finds what
// was typed, and either one's button sends the same thing. Not in the state (AppController::
// snapshot), which the embedding page and an iframe's parent read: it holds passwords.
struct Drafts {
  // The lobby: "Create a room", and "Join a room by its name".
  std::string roomName;
  std::string roomPassword;
  int guestLimit = 0;
  bool isPublic = true;
  std::string joinName;
  // The pre-join screen.
  std::string name;
  std::string password;
  // The call's chat line, and whom it goes to: "" everyone, else a client id.
  std::string chatText;
  std::string chatTo;

  bool operator==(const Drafts&) const = default;

  // {"roomName", "roomPassword", "guestLimit", "isPublic", "joinName", "name", "password",
  //  "chatText", "chatTo"}
  Json toJson() const;
  // Takes the fields `json` has (the keys of toJson(), others ignored); refuses all of them if
  // one has the wrong type.
  std::optional<Error> update(const Json& json);
};

}  // namespace orbit
