#pragma once

#include <functional>
#include <string>

namespace orbit {

// The screen after Leave: says which room was left, and offers to rejoin it or to go back to
// the lobby. Nothing of the call (mute, camera) is left to press.
class LeftView {
 public:
  struct Hooks {
    std::function<void()> rejoin;
    std::function<void()> backToLobby;
  };

  explicit LeftView(Hooks hooks) : hooks_(std::move(hooks)) {}

  void draw(const std::string& roomName);

 private:
  Hooks hooks_;
};

}  // namespace orbit
