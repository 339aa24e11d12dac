#pragma once

#include "media_sink.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace orbit::test {

// A MediaSink with nothing on screen: the test sets how many frames each remote track has
// shown, and reads what was last presented.
class FakeMediaSink final : public MediaSink {
 public:
  void present(const std::vector<std::string>& remote, const std::vector<int>& local) override {
    presentedRemote = remote;
    presentedLocal = local;
  }
  std::optional<VideoFrame> remoteFrame(const std::string& trackId) override {
    const auto it = frames.find(trackId);
    if (it == frames.end()) return std::nullopt;
    return VideoFrame{1, 640, 480, it->second};
  }
  std::optional<VideoFrame> localFrame(int) override { return std::nullopt; }
  float remoteLevel(const std::string&) override { return 0; }
  float localLevel(int) override { return 0; }
  bool audioBlocked() const override { return false; }
  void resumeAudio() override {}
  void setOnFrame(std::function<void()> callback) override { onFrame = std::move(callback); }

  std::map<std::string, std::uint64_t> frames;  // by remote track id
  std::vector<std::string> presentedRemote;
  std::vector<int> presentedLocal;
  std::function<void()> onFrame;
};

}  // namespace orbit::test
