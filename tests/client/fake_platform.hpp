#pragma once

#include "platform.hpp"

#include <string>
#include <vector>

namespace orbit::test {

// A Platform whose host is the test: it keeps the state source and command sink the app
// hands over, and records the events, state changes and addresses the app tells it of.
class FakePlatform final : public Platform {
 public:
  float pixelRatio() const override { return 1.0f; }
  bool fitSurface() override { return true; }
  void setStateSource(StateSource source) override { stateSource = std::move(source); }
  void setCommandSink(CommandSink sink) override { commandSink = std::move(sink); }
  void setDraftSource(StateSource source) override { draftSource = std::move(source); }
  void publishEvent(std::string_view json) override { events.emplace_back(json); }
  void stateChanged() override { ++stateChanges; }
  void showAddress(std::string_view url) override { addresses.emplace_back(url); }
  void copyText(std::string_view text) override { clipboard = text; }
  std::string clipboardText() override { return clipboard; }
  void setTextInput(bool, float, float) override {}
  void setOnComposedText(std::function<void(std::string_view text)>) override {}
  void setOnResume(std::function<void()> onResume) override { resume = std::move(onResume); }

  StateSource stateSource;
  std::function<void()> resume;  // the host calls it when the network or the page comes back
  CommandSink commandSink;
  StateSource draftSource;
  std::vector<std::string> events;     // every event published, as JSON text
  unsigned stateChanges = 0;
  std::vector<std::string> addresses;  // every address shown
  std::string clipboard;
};

}  // namespace orbit::test
