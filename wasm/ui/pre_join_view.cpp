#include "ui/pre_join_view.hpp"

#include "ui/glyph_cache.hpp"
#include "ui/style.hpp"
#include "ui/ui_items.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace orbit {

using namespace ui;

PreJoinView::PreJoinView(PreJoin& preJoin, Drafts& drafts, Manager& manager, MediaBackend& media, MediaSink& sink,
                         std::function<void()> changed)
    : preJoin_(preJoin),
      drafts_(drafts),
      manager_(manager),
      media_(media),
      sink_(sink),
      changed_(std::move(changed)) {}

PreJoinView::~PreJoinView() = default;

void PreJoinView::opened() {
  focusName_ = true;
  listDevices();
}

void PreJoinView::chose(TrackKind kind, const std::string& deviceId) {
  (kind == TrackKind::Audio ? chosenMicrophone_ : chosenCamera_) = deviceId;
}

void PreJoinView::listDevices() {
  listedForCamera_ = manager_.camera() ? manager_.camera()->id : 0;
  listedForMicrophone_ = manager_.microphone() ? manager_.microphone()->id : 0;
  media_.enumerateDevices(
      alive_.guard([this](Result<std::vector<MediaDevice>> devices) {
        if (!devices) {
          devicesError_ = "Cannot list the devices: " + devices.error().message;
        } else {
          devicesError_.clear();
          cameras_.clear();
          microphones_.clear();
          for (MediaDevice& device : devices.value()) {
            if (device.kind == DeviceKind::VideoInput) cameras_.push_back(std::move(device));
            if (device.kind == DeviceKind::AudioInput) microphones_.push_back(std::move(device));
          }
        }
        if (changed_) changed_();
      }));
}

void PreJoinView::draw() {
  // Device names stay empty until a capture was allowed, so list again once it was.
  const int camera = manager_.camera() ? manager_.camera()->id : 0;
  const int microphone = manager_.microphone() ? manager_.microphone()->id : 0;
  if (camera != listedForCamera_ || microphone != listedForMicrophone_) listDevices();

  std::vector<int> local;
  if (manager_.camera()) local.push_back(manager_.camera()->id);
  // Our own microphone is never played back; presenting it gives the level meter.
  if (manager_.microphone()) local.push_back(manager_.microphone()->id);
  sink_.present({}, local);

  if (beginPage("PreJoin")) {
    ImGui::TextColored(kAccent, "Orbit");
    ImGui::SameLine();
    // A name too long for the line ends in "…" within its quotes.
    const float quoted = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("- joining \"\"").x;
    ImGui::Text("- joining \"%s\"", shownWithin(preJoin_.roomName(), quoted));
    ImGui::Separator();
    ImGui::Spacing();

    const float avail = ImGui::GetContentRegionAvail().x;
    const float previewWidth = std::min(avail * 0.5f, ImGui::GetFontSize() * 32);
    drawPreview(previewWidth);
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushItemWidth(std::min(avail - previewWidth - ImGui::GetStyle().ItemSpacing.x * 2,
                                  ImGui::GetFontSize() * 22));

    ImGui::TextUnformatted("Your name");
    if (std::exchange(focusName_, false)) ImGui::SetKeyboardFocusHere();
    takeDraft("##name", drafts_.name, name_.data(), name_.size());
    bool submit =
        textField("##name", "name others see", name_.data(), name_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::IsItemEdited()) {
      drafts_.name = name_.data();
      preJoin_.nameChanged(drafts_.name);
    }
    noteItem("Your name");
    if (const std::size_t length = utf8Length(name_.data()); length > kMaxUsernameChars) {
      ImGui::TextColored(kBad, "%zu characters: a name has at most %zu", length, kMaxUsernameChars);
      noteItem("Name length");
    }

    ImGui::Spacing();
    drawDeviceCombo("Camera", "Camera", TrackKind::Video, cameras_, manager_.camera(),
                    chosenCamera_);
    drawDeviceCombo("Microphone", "Microphone", TrackKind::Audio, microphones_,
                    manager_.microphone(), chosenMicrophone_);
    if (!devicesError_.empty()) ImGui::TextColored(kBad, "%s", shown(devicesError_));
    if (!manager_.mediaError().empty()) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(kBad, "%s", shown(manager_.mediaError()));
      ImGui::PopTextWrapPos();
    }

    ImGui::Spacing();
    switch (preJoin_.access()) {
      case PreJoin::Access::Checking:
        ImGui::TextColored(kQuiet, "Looking the room up...");
        break;
      case PreJoin::Access::Password:
        ImGui::TextColored(kWaiting, "This room is protected by a password.");
        takeDraft("##password", drafts_.password, password_.data(), password_.size());
        submit |= ImGui::InputTextWithHint(
            "##password", "password", password_.data(), password_.size(),
            ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
        if (ImGui::IsItemEdited()) drafts_.password = password_.data();
        noteItem("Password");
        break;
      case PreJoin::Access::Open:
      case PreJoin::Access::Unknown:
        break;
    }

    ImGui::Spacing();
    if (preJoin_.waiting()) {
      // Asking every few seconds; the room opens by itself once someone leaves.
      const RoomStatus& status = preJoin_.status();
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(kWaiting, "The room is full (%zu of %zu). Waiting for a place: you join as soon as "
                                   "someone leaves.",
                         status.clients, status.capacity);
      ImGui::PopTextWrapPos();
      noteItem("Waiting for a place");
      if (ImGui::Button("Stop waiting")) preJoin_.stopWaiting();
      noteItem("Stop waiting");
    } else {
      ImGui::BeginDisabled(preJoin_.busy());
      submit |= ImGui::Button(preJoin_.busy() && preJoin_.access() != PreJoin::Access::Checking
                                  ? "Joining..."
                                  : "Join the room");
      noteItem("Join");
      ImGui::EndDisabled();
      if (preJoin_.full()) {
        ImGui::SameLine();
        if (ImGui::Button("Wait for a place")) preJoin_.waitForPlace(name_.data(), password_.data());
        noteItem("Wait for a place");
      }
      if (submit && !preJoin_.busy()) preJoin_.join(name_.data(), password_.data());
    }
    if (!preJoin_.waiting() && !preJoin_.error().empty()) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(kBad, "%s", shown(preJoin_.error()));
      ImGui::PopTextWrapPos();
      noteItem("Pre-join error");
    }
    ImGui::PopItemWidth();
    ImGui::EndGroup();
  }
  ImGui::End();
}

void PreJoinView::drawPreview(float width) {
  const float height = width * 9.0f / 16.0f;
  const std::optional<LocalTrack>& camera = manager_.camera();
  std::optional<VideoFrame> frame;
  if (camera) frame = sink_.localFrame(camera->id);
  ImGui::BeginGroup();
  if (frame && frame->width > 0 && frame->height > 0) {
    // Fit the frame into the box, keeping its shape.
    const float scale = std::min(width / frame->width, height / frame->height);
    const ImVec2 size(frame->width * scale, frame->height * scale);
    // Mirrored, as people expect to see themselves.
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(frame->texture)), size,
                 ImVec2(1, 0), ImVec2(0, 1));
    noteItem("Preview");
  } else {
    ImGui::BeginChild("no-preview", ImVec2(width, height), true);
    ImGui::TextColored(kQuiet, camera ? "Starting the camera..." : "No camera");
    ImGui::EndChild();
  }
  ImGui::EndGroup();
}

void PreJoinView::drawDeviceCombo(const char* label, const char* item, TrackKind kind,
                                  const std::vector<MediaDevice>& devices,
                                  const std::optional<LocalTrack>& track, std::string& chosen) {
  // What is in use: the device picked here, else the one whose name the track carries.
  std::string current = track ? track->label : std::string("none");
  for (const MediaDevice& device : devices) {
    if (!chosen.empty() && device.deviceId == chosen) current = device.label;
  }
  if (current.empty()) current = "default";
  ImGui::TextUnformatted(label);
  ImGui::PushID(label);
  const bool open = ImGui::BeginCombo("##device", shown(current));
  noteItem(item);
  if (open) {
    int index = 0;
    for (const MediaDevice& device : devices) {
      ImGui::PushID(index);
      const std::string name = device.label.empty()
                                   ? std::string(label) + " " + std::to_string(index + 1)
                                   : device.label;
      const bool selected =
          chosen.empty() ? (track && device.label == track->label) : device.deviceId == chosen;
      if (ui::listItem(shown(name), selected) && device.deviceId != chosen) {
        chosen = device.deviceId;
        manager_.switchDevice(kind, device.deviceId);
      }
      noteItem(std::string(item) + " " + std::to_string(index + 1));
      ImGui::PopID();
      ++index;
    }
    ImGui::EndCombo();
  }
  ImGui::PopID();
}

Json PreJoinView::snapshot() const {
  Json cameras = Json::array();
  for (const MediaDevice& d : cameras_)
    cameras.push_back({{"deviceId", d.deviceId}, {"label", d.label}});
  Json microphones = Json::array();
  for (const MediaDevice& d : microphones_)
    microphones.push_back({{"deviceId", d.deviceId}, {"label", d.label}});
  return {{"cameras", std::move(cameras)},
          {"microphones", std::move(microphones)},
          {"camera", chosenCamera_},
          {"microphone", chosenMicrophone_}};
}

}  // namespace orbit
