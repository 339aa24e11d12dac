// Manager::snapshot(): the embed API's view of the call, as plain JSON.
#include "manager.hpp"

namespace orbit {
namespace {

Json trackJson(const std::optional<LocalTrack>& track) {
  if (!track) return nullptr;
  return {{"id", track->id}, {"label", track->label}};
}

}  // namespace

Json Manager::snapshot() const {
  Json self = {{"id", selfId().empty() ? Json(nullptr) : Json(selfId().str())}, {"name", selfName()}};
  const std::vector<std::string> ids = others();
  Json peers = Json::array();
  for (const std::string& id : ids) {
    Json item = {{"id", id}, {"name", nameOf(id)}, {"muted", nullptr}, {"cameraOff", nullptr},
                 {"sharingScreen", nullptr}};
    if (const RoomClient* member = memberOf(id)) {
      // null: an older client that does not say.
      if (member->indicators.muted) item["muted"] = *member->indicators.muted;
      if (member->indicators.cameraOff) item["cameraOff"] = *member->indicators.cameraOff;
      if (member->indicators.sharingScreen) item["sharingScreen"] = *member->indicators.sharingScreen;
    }
    if (sfu_) {
      // Through the server: what the subscribe connection carries of this member.
      bool audio = false;
      bool video = false;
      for (const RemoteTrack& track : sfu_->tracksOf(id)) {
        audio = audio || track.kind == "audio";
        video = video || track.kind == "video";
      }
      item["connection"] = toString(connectionOf(id));
      item["ice"] = item["connection"];
      item["audio"] = audio;
      item["video"] = {{"received", video}, {"width", 0}, {"height", 0}};
      peers.push_back(std::move(item));
      continue;
    }
    const auto it = peers_.find(id);
    if (it == peers_.end()) {
      // Not connected (yet, or since it hung up on us).
      item["connection"] = session_.hungUp.count(id) ? "closed" : "new";
      item["ice"] = item["connection"];
      item["audio"] = false;
      item["video"] = {{"received", false}, {"width", 0}, {"height", 0}};
      peers.push_back(std::move(item));
      continue;
    }
    const VideoPeer& peer = *it->second.peer;
    bool audio = false;
    bool video = false;
    for (const RemoteTrack& track : peer.remoteTracks()) {
      audio = audio || track.kind == "audio";
      video = video || track.kind == "video";
    }
    item["connection"] = toString(peer.connectionState());
    item["ice"] = toString(peer.iceConnectionState());
    item["signaling"] = toString(peer.signalingState());
    item["polite"] = peer.polite();
    item["audio"] = audio;
    item["video"] = {{"received", video}, {"width", 0}, {"height", 0}};
    item["iceRestarts"] = peer.iceRestarts();
    item["failure"] = peer.failure().empty() ? Json(nullptr) : Json(peer.failure());
    if (const auto& stats = peer.stats()) {
      item["video"]["width"] = stats->frameWidth;
      item["video"]["height"] = stats->frameHeight;
      item["stats"] = {
          {"sendKbps", stats->sendKbps},
          {"receiveKbps", stats->receiveKbps},
          {"rttMs", stats->rttMs},
          {"packetLoss", stats->packetLoss},
          {"fps", stats->framesPerSecond},
          {"localCandidate", toString(stats->localCandidateType)},
          {"remoteCandidate", toString(stats->remoteCandidateType)},
      };
    }
    peers.push_back(std::move(item));
  }
  Json messages = Json::array();
  for (const ChatEntry& entry : chat_) {
    messages.push_back({{"from", entry.fromName},
                        {"fromId", entry.fromId},
                        {"to", entry.toId.empty() ? Json(nullptr) : Json(entry.toId)},
                        {"text", entry.text},
                        {"time", entry.time},
                        {"self", entry.self},
                        {"history", entry.history}});
  }
  Json unsent = Json::array();
  for (const UnsentLine& line : unsent_) {
    unsent.push_back({{"id", line.id},
                        {"text", line.text},
                        {"to", line.toId.empty() ? Json(nullptr) : Json(line.toId)},
                        {"state", toString(line.state)},
                        {"why", line.why}});
  }
  Json out = {
      {"self", std::move(self)},
      {"room", room_.empty() ? Json(nullptr) : Json(room_.str())},
      {"connection", toString(signaler_.state())},
      {"reason", signaler_.reason()},
      {"reconnect", {{"attempts", signaler_.reconnectAttempts()}, {"pending", signaler_.reconnectPending()}}},
      {"joins", joins()},
      {"peers", std::move(peers)},
      {"messages", std::move(messages)},
      {"unsent", std::move(unsent)},
      {"media",
       {{"microphone", trackJson(localMedia_.microphone())},
        {"camera", trackJson(localMedia_.camera())},
        {"screen", trackJson(localMedia_.screen())},
        {"muted", localMedia_.muted()},
        {"cameraEnabled", localMedia_.cameraEnabled()},
        {"error", localMedia_.error().empty() ? Json(nullptr) : Json(localMedia_.error())}}},
      {"roomInfo", session_.roomInfoJson},
  };
  out["mode"] = sfu_ ? "sfu" : "mesh";
  out["iceTransportPolicy"] = toString(options_.iceTransportPolicy);
  if (sfu_) {
    auto statsJson = [](const std::optional<PeerStats>& s) -> Json {
      if (!s) return nullptr;
      return {{"sendKbps", s->sendKbps}, {"receiveKbps", s->receiveKbps}, {"rttMs", s->rttMs}};
    };
    out["sfu"] = {{"publish", toString(sfu_->publishState())},
                  {"subscribe", toString(sfu_->subscribeState())},
                  {"streams", sfu_->streams().size()},
                  {"answeredOffers", sfu_->answeredOffers()},
                  {"publishStats", statsJson(sfu_->publishStats())},
                  {"subscribeStats", statsJson(sfu_->subscribeStats())}};
  }
  if (signaler_.closeCode() != 0) {
    out["close"] = {{"code", signaler_.closeCode()}, {"reason", signaler_.closeReason()}};
  }
  if (!signaler_.failure().empty()) out["error"] = signaler_.failure();
  if (!lastProblem_.empty()) out["problem"] = lastProblem_;
  return out;
}

}  // namespace orbit
