#include "sfu_bridge.hpp"

#include "logger.hpp"

#include <algorithm>
#include <utility>

namespace orbit {

namespace {

const std::string kLost = "the media server is unreachable, so the room is a mesh until it is back";

Json description(const Json& jsep, SfuConnection connection) {
  return {{"type", jsep.value("type", "")}, {"sdp", jsep.value("sdp", "")}, {"connection", toString(connection)}};
}

// Janus's form of a browser candidate; an empty one is the end of candidates.
Json janusCandidate(const Message& message) {
  auto parsed = parseIceCandidate(*message.data);
  if (!parsed || parsed->candidate.empty()) return nullptr;
  Json out{{"candidate", parsed->candidate}};
  if (parsed->sdpMid) out["sdpMid"] = *parsed->sdpMid;
  if (parsed->sdpMLineIndex) out["sdpMLineIndex"] = *parsed->sdpMLineIndex;
  return out;
}

}  // namespace

SfuBridge::SfuBridge(net::io_context& ioc, JanusAddress janus, std::size_t sfuFrom, std::size_t maxRoomSize,
                     std::chrono::milliseconds requestTimeout)
    : ioc_(ioc),
      janus_(ioc, std::move(janus),
             JanusClient::Events{[this] { janusUp(); }, [this](const std::string& why) { janusDown(why); },
                                 [this](std::uint64_t handle, const Json& message) { onJanusEvent(handle, message); }},
             requestTimeout),
      sfuFrom_(sfuFrom),
      maxRoomSize_(maxRoomSize) {}

SfuBridge::~SfuBridge() = default;

void SfuBridge::start(ChatManager& manager) {
  manager_ = &manager;
  janus_.start();
}

std::size_t SfuBridge::forwardingRooms() const {
  return static_cast<std::size_t>(std::count_if(rooms_.begin(), rooms_.end(), [](const auto& r) { return r.second.sfu; }));
}

bool SfuBridge::forwarding(std::string_view room) const {
  auto it = rooms_.find(room);
  return it != rooms_.end() && it->second.sfu;
}

SfuBridge::Room* SfuBridge::findRoom(const std::string& roomId) {
  auto it = rooms_.find(roomId);
  return it == rooms_.end() ? nullptr : &it->second;
}

SfuBridge::Member* SfuBridge::find(const std::string& roomId, const std::string& client, std::uint64_t serial) {
  Room* room = findRoom(roomId);
  if (!room || !room->sfu) return nullptr;
  auto it = room->members.find(client);
  if (it == room->members.end() || it->second.serial != serial) return nullptr;
  return &it->second;
}

// ---- Janus up and down ----

void SfuBridge::janusUp() {
  if (!lostReason_.empty()) log(LogLevel::Info, "sfu: the media server is back");
  lostReason_.clear();
  if (attachingControl_) return;
  attachingControl_ = true;
  janus_.attach([this](Result<std::uint64_t> handle) {
    attachingControl_ = false;
    if (!handle) {
      log(LogLevel::Warn, "sfu: no control handle on Janus: ", handle.error().message);
      return;
    }
    control_ = *handle;
    // Rooms that grew while Janus was away switch now.
    if (!manager_) return;
    std::vector<const ChatRoom*> rooms;
    for (const auto& [id, room] : manager_->rooms()) rooms.push_back(room.get());
    for (const ChatRoom* room : rooms) {
      if (!room->empty()) membersChanged(*room);
    }
  });
}

void SfuBridge::janusDown(const std::string& why) {
  log(LogLevel::Warn, "sfu: lost the media server (", why, "); rooms it served are meshes again");
  lostReason_ = why;
  control_ = 0;
  handles_.clear();  // Janus ended them with the session
  for (auto& [id, room] : rooms_) {
    if (!room.sfu) continue;
    for (auto& [client, member] : room.members) {
      member.publisher = member.subscriber = 0;
    }
    room.janusRoom = 0;
    toMesh(room, kLost);
  }
  rooms_.clear();  // every room is a mesh now, with no member in a call through Janus
}

// ---- Modes ----

void SfuBridge::membersChanged(const ChatRoom& chat) {
  const std::string& id = chat.id().str();
  auto [it, added] = rooms_.try_emplace(id);
  Room& room = it->second;
  room.id = id;
  const std::size_t size = chat.size();
  bool wantSfu = false;
  if (ready() && size > 0) {
    if (sfuFrom_ == 0) {
      wantSfu = true;
    } else if (room.sfu) {
      wantSfu = size + 1 >= sfuFrom_;  // back to a mesh below N - 1
    } else {
      wantSfu = size >= sfuFrom_;
    }
  }
  if (wantSfu && !room.sfu) {
    toSfu(room, chat);
  } else if (!wantSfu && room.sfu) {
    toMesh(room, "");
  } else if (room.sfu) {
    syncMembers(room, chat);
  }
  if (!room.sfu && room.members.empty()) rooms_.erase(id);
}

void SfuBridge::toSfu(Room& room, const ChatRoom& chat) {
  log(LogLevel::Info, "sfu: room ", room.id, " forwards media through Janus (", chat.size(),
      chat.size() == 1 ? " person)" : " people)");
  room.sfu = true;
  room.creating = true;
  Json create{{"request", "create"},       {"publishers", std::max<std::size_t>(maxRoomSize_, 1)},
              {"is_private", true},         {"videocodec", "vp8"},
              {"audiocodec", "opus"},       {"notify_joining", false},
              {"description", "orbit " + room.id}};
  janus_.message(control_, std::move(create), std::nullopt, [this, id = room.id](Result<JanusClient::Reply> reply) {
    Room* room = findRoom(id);
    const bool made = reply && reply->data.contains("room") && reply->data["room"].is_number_unsigned();
    if (!room || !room->sfu || !room->creating) {
      // The room went back to a mesh while Janus made it.
      if (made) janus_.message(control_, {{"request", "destroy"}, {"room", reply->data["room"]}}, std::nullopt, [](auto) {});
      return;
    }
    room->creating = false;
    if (!made && !janus_.up()) return;  // lost with the connection: janusDown says so
    if (!made) {
      const std::string why = reply ? "no room id in Janus's answer" : reply.error().message;
      log(LogLevel::Warn, "sfu: Janus made no VideoRoom for room ", id, ": ", why);
      return toMesh(*room, "the media server could not make the room (" + why + "), so it stays a mesh");
    }
    room->janusRoom = reply->data["room"].get<std::uint64_t>();
    for (auto& [client, member] : room->members) joinAsPublisher(id, client);
  });
  syncMembers(room, chat);
}

void SfuBridge::toMesh(Room& room, const std::string& reason) {
  log(LogLevel::Info, "sfu: room ", room.id, " is a mesh again", reason.empty() ? "" : " (" + reason + ")");
  RoomModeData mesh;
  mesh.reason = reason;
  for (auto& [client, member] : room.members) {
    if (member.publisher) janus_.detach(member.publisher);
    if (member.subscriber) janus_.detach(member.subscriber);
    handles_.erase(member.publisher);
    handles_.erase(member.subscriber);
    if (manager_) manager_->sendFromServer(room.id, member.id, MessageType::RoomMode, toJson(mesh));
  }
  if (room.janusRoom != 0 && control_ != 0) {
    janus_.message(control_, {{"request", "destroy"}, {"room", room.janusRoom}}, std::nullopt, [](auto) {});
  }
  room.members.clear();
  room.warned.clear();
  room.janusRoom = 0;
  room.creating = false;
  room.sfu = false;
}

void SfuBridge::syncMembers(Room& room, const ChatRoom& chat) {
  std::set<std::string> present;
  for (const auto& client : chat.clients()) {
    present.insert(client->id().str());
    if (client->sfuCapable() && !room.members.count(client->id().str())) addMember(room, client->id());
  }
  for (auto it = room.members.begin(); it != room.members.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    dropMember(room, it->second);
    it = room.members.erase(it);
  }
  warnUnable(room, chat);
}

void SfuBridge::warnUnable(Room& room, const ChatRoom& chat) {
  if (!manager_) return;
  for (const auto& client : chat.clients()) {
    // Judged by its first profile (Orbit's says "sfu"), not before.
    if (client->sfuCapable() || client->name().empty() || !room.warned.insert(client->id().str()).second) continue;
    manager_->sendErrorTo(room.id, client->id(), manager_->cannotForward(*client));
  }
}

void SfuBridge::left(const RoomId& roomId, const ClientId& client) {
  Room* room = findRoom(roomId.str());
  if (!room) return;
  room->warned.erase(client.str());
  auto it = room->members.find(client.str());
  if (it == room->members.end()) return;
  dropMember(*room, it->second);
  room->members.erase(it);
}

void SfuBridge::addMember(Room& room, const ClientId& client) {
  Member& member = room.members[client.str()];
  member.id = client;
  member.serial = nextSerial_++;
  // The client starts publishing at once; what it sends waits for the handle.
  sendRoomMode(room, member);
  janus_.attach([this, id = room.id, client = client.str(), serial = member.serial](Result<std::uint64_t> handle) {
    Member* m = find(id, client, serial);
    if (!handle || !m) {
      if (handle) janus_.detach(*handle);
      if (!handle && manager_) manager_->sendErrorTo(id, ClientId(client), "the media server: " + handle.error().message);
      return;
    }
    m->publisher = *handle;
    handles_[*handle] = {id, client};
    joinAsPublisher(id, client);
  });
}

void SfuBridge::dropMember(Room& room, Member& member) {
  // Janus unpublishes the feed and offers the others' subscriptions without it.
  if (member.publisher) janus_.detach(member.publisher);
  if (member.subscriber) janus_.detach(member.subscriber);
  handles_.erase(member.publisher);
  handles_.erase(member.subscriber);
  (void)room;
}

// ---- Publishing ----

void SfuBridge::joinAsPublisher(const std::string& roomId, const std::string& client) {
  Room* room = findRoom(roomId);
  if (!room || room->janusRoom == 0) return;
  auto it = room->members.find(client);
  if (it == room->members.end()) return;
  Member& member = it->second;
  if (member.publisher == 0 || member.feed != 0 || member.publishing) return;
  member.publishing = true;  // until joined
  Json join{{"request", "join"}, {"ptype", "publisher"}, {"room", room->janusRoom}, {"display", client}};
  janus_.message(member.publisher, std::move(join), std::nullopt,
                 [this, roomId, client, serial = member.serial](Result<JanusClient::Reply> reply) {
                   Member* m = find(roomId, client, serial);
                   if (!m) return;
                   m->publishing = false;
                   if (!janus_.up()) return;  // janusDown says so
                   if (!reply || !reply->data.contains("id") || !reply->data["id"].is_number_unsigned()) {
                     const std::string why = reply ? "no feed id" : reply.error().message;
                     log(LogLevel::Warn, "sfu: ", client, " could not join room ", roomId, "'s VideoRoom: ", why);
                     manager_->sendErrorTo(roomId, m->id, "the media server would not take your video: " + why);
                     return;
                   }
                   m->feed = reply->data["id"].get<std::uint64_t>();
                   Room* room = findRoom(roomId);
                   for (Message& waiting : std::exchange(m->waiting, {})) fromClient_(*room, *m, waiting);
                   updateSubscriptions(*room);
                 });
}

void SfuBridge::fromClient(const ChatClient& client, SfuConnection connection, const Message& message) {
  Room* room = findRoom(client.roomId().str());
  auto it = room ? room->members.find(client.id().str()) : decltype(room->members.end()){};
  if (!room || it == room->members.end()) {
    return manager_->sendErrorTo(client.roomId().str(), client.id(), "not part of the room's call through the server yet");
  }
  Member& member = it->second;
  if (connection == SfuConnection::Subscribe) {
    if (message.type == MessageType::Answer) return subscriberAnswer(*room, member, message);
    if (message.type == MessageType::Layer) return chooseLayer(*room, member, message);
    if (message.type == MessageType::IceRestart) return restartSubscription(*room, member);
    if (message.type == MessageType::IceCandidate) return subscriberCandidate(member, message);
    return manager_->sendErrorTo(room->id, member.id, "the server makes the offers on the subscribe connection");
  }
  if (message.type == MessageType::Answer) {
    return manager_->sendErrorTo(room->id, member.id, "the client makes the offers on the publish connection");
  }
  if (message.type == MessageType::IceRestart) {
    return manager_->sendErrorTo(room->id, member.id, "the client restarts the publish connection with an offer");
  }
  fromClient_(*room, member, message);
}

void SfuBridge::fromClient_(Room& room, Member& member, const Message& message) {
  // In order: an offer waits for the one before it, and candidates for their offer.
  if (member.feed == 0 || member.publishing || !member.waiting.empty()) {
    member.waiting.push_back(message);
    if (member.feed != 0 && !member.publishing) drainPublisher(room, member);
    return;
  }
  if (message.type == MessageType::IceCandidate) return janus_.trickle(member.publisher, janusCandidate(message));
  handlePublish(room, member, message);
}

void SfuBridge::drainPublisher(Room& room, Member& member) {
  while (!member.waiting.empty() && !member.publishing) {
    Message next = std::move(member.waiting.front());
    member.waiting.erase(member.waiting.begin());
    if (next.type == MessageType::IceCandidate) {
      janus_.trickle(member.publisher, janusCandidate(next));
    } else {
      handlePublish(room, member, next);
    }
  }
}

void SfuBridge::handlePublish(Room& room, Member& member, const Message& message) {
  auto offer = parseSessionDescription(MessageType::Offer, *message.data);
  if (!offer) return manager_->sendErrorTo(room.id, member.id, offer.error().message);
  const Json& screen = message.data->contains("screen") ? (*message.data)["screen"] : Json();
  if (!screen.is_null() && !screen.is_string()) {
    return manager_->sendErrorTo(room.id, member.id, "offer data field \"screen\" must be the mid of the screen's track");
  }
  member.screenMid = screen.is_string() ? screen.get<std::string>() : "";
  member.publishing = true;
  // The first offer publishes; later ones (a screen added) renegotiate it.
  Json body{{"request", member.published ? "configure" : "publish"}};
  janus_.message(member.publisher, std::move(body), Json{{"type", "offer"}, {"sdp", offer->sdp}},
                 [this, id = room.id, client = member.id.str(), serial = member.serial](Result<JanusClient::Reply> reply) {
                   Member* m = find(id, client, serial);
                   if (!m) return;
                   m->publishing = false;
                   if (!janus_.up()) return;  // janusDown says so
                   Room* room = findRoom(id);
                   if (!reply || !reply->jsep) {
                     const std::string why = reply ? "Janus sent no answer" : reply.error().message;
                     log(LogLevel::Warn, "sfu: ", client, " could not publish in room ", id, ": ", why);
                     manager_->sendErrorTo(id, m->id, "the media server would not take your video: " + why);
                   } else {
                     manager_->sendFromServer(id, m->id, MessageType::Answer,
                                              description(*reply->jsep, SfuConnection::Publish));
                     m->published = true;  // the others subscribe once Janus has its media
                     m->publishedStreams.clear();
                     for (const Json& s : reply->data.value("streams", Json::array())) {
                       const std::string type = s.value("type", "");
                       if ((type == "audio" || type == "video") && !s.value("disabled", false) && s.contains("mid") &&
                           s["mid"].is_string()) {
                         m->publishedStreams.emplace_back(s["mid"].get<std::string>(), type);
                       }
                     }
                     // A stream added to media already up (a screen): the others subscribe to it now.
                     if (m->live) updateSubscriptions(*room);
                   }
                   if (Member* again = find(id, client, serial)) drainPublisher(*room, *again);
                 });
}

// ---- Subscribing ----

void SfuBridge::updateSubscriptions(Room& room) {
  std::vector<std::pair<std::string, std::uint64_t>> members;
  for (auto& [client, member] : room.members) members.emplace_back(client, member.serial);
  for (const auto& [client, serial] : members) {
    if (Member* m = find(room.id, client, serial)) updateSubscription(room, *m);
  }
}

void SfuBridge::updateSubscription(Room& room, Member& member) {
  if (room.janusRoom == 0 || member.subscribing) return;
  if (member.restartWanted) return restartSubscription(room, member);
  std::set<std::pair<std::uint64_t, std::string>> wanted;
  for (const auto& [client, other] : room.members) {
    if (other.serial == member.serial || !other.live || other.feed == 0) continue;
    for (const auto& [mid, type] : other.publishedStreams) wanted.emplace(other.feed, mid);
  }
  std::vector<std::pair<std::uint64_t, std::string>> add;
  std::set_difference(wanted.begin(), wanted.end(), member.carried.begin(), member.carried.end(), std::back_inserter(add));
  // A stream its publisher stopped (a screen share ended) is taken out here; Janus takes out
  // itself those of a publisher that left or hung up, with an offer.
  std::vector<std::pair<std::uint64_t, std::string>> remove;
  for (const auto& [feed, mid] : member.carried) {
    const Member* owner = publisherOf(room, feed);
    if (!owner || !owner->live || wanted.count({feed, mid})) continue;
    remove.emplace_back(feed, mid);
  }
  if (add.empty() && remove.empty()) return;
  const auto answered = [this, id = room.id, client = member.id.str(), serial = member.serial](Result<JanusClient::Reply> reply) {
    Member* m = find(id, client, serial);
    if (!m) return;
    Room* room = findRoom(id);
    if (!reply && !janus_.up()) return;  // janusDown says so
    if (!reply) {
      log(LogLevel::Warn, "sfu: ", client, "'s subscription in room ", id, ": ", reply.error().message);
      m->subscribing = false;
      return retrySubscription(id, client, serial);
    }
    if (!reply->jsep) {  // nothing to renegotiate
      readStreams(*room, *m, reply->data);
      m->subscribing = false;
      return updateSubscription(*room, *m);
    }
    m->subscriberJoined = true;
    subscriberOffer(*room, *m, reply->data, *reply->jsep);
  };
  Json streams = Json::array();
  for (const auto& [feed, mid] : add.empty() ? remove : add) streams.push_back({{"feed", feed}, {"mid", mid}});
  member.subscribing = true;
  if (member.subscriber == 0) {
    janus_.attach([this, id = room.id, client = member.id.str(), serial = member.serial](Result<std::uint64_t> handle) {
      Member* m = find(id, client, serial);
      if (!handle || !m) {
        if (handle) janus_.detach(*handle);
        return;
      }
      m->subscriber = *handle;
      handles_[*handle] = {id, client};
      m->subscribing = false;
      updateSubscription(*findRoom(id), *m);
    });
    return;
  }
  if (!member.subscriberJoined) {
    Json join{{"request", "join"}, {"ptype", "subscriber"}, {"room", room.janusRoom}, {"streams", std::move(streams)}};
    janus_.message(member.subscriber, std::move(join), std::nullopt, answered);
  } else {
    // One change at a time: the streams to add first; what is left is done once it settles.
    janus_.message(member.subscriber, {{"request", add.empty() ? "unsubscribe" : "subscribe"}, {"streams", std::move(streams)}},
                   std::nullopt, answered);
  }
}

void SfuBridge::retrySubscription(const std::string& roomId, const std::string& client, std::uint64_t serial) {
  auto timer = std::make_shared<net::steady_timer>(ioc_, std::chrono::seconds(1));
  timer->async_wait([this, timer, roomId, client, serial](const boost::system::error_code& ec) {
    if (ec) return;
    if (Member* m = find(roomId, client, serial)) updateSubscription(*findRoom(roomId), *m);
  });
}

void SfuBridge::subscriberOffer(Room& room, Member& member, const Json& data, const Json& jsep) {
  readStreams(room, member, data);
  member.subscribing = true;  // until the client's answer has started it
  sendRoomMode(room, member);
  manager_->sendFromServer(room.id, member.id, MessageType::Offer, description(jsep, SfuConnection::Subscribe));
}

void SfuBridge::readStreams(const Room& room, Member& member, const Json& data) {
  // What each media section carries, as Janus says: the publisher's display is its client id.
  // A publisher's stream that is its screen is a "screen" to the client.
  if (data.contains("streams") && data["streams"].is_array()) {
    member.streams.clear();
    member.carried.clear();
    for (const Json& s : data["streams"]) {
      if (!s.value("active", true) || !s.contains("feed_id") || !s["feed_id"].is_number_unsigned()) continue;
      const std::string type = s.value("type", "");
      if (type != "audio" && type != "video") continue;
      const std::uint64_t feed = s["feed_id"].get<std::uint64_t>();
      const std::string feedMid = s.value("feed_mid", "");
      member.carried.emplace(feed, feedMid);
      const Member* owner = publisherOf(room, feed);
      const bool screen = type == "video" && owner && !owner->screenMid.empty() && owner->screenMid == feedMid;
      member.streams.push_back({s.value("mid", ""), s.value("feed_display", ""), screen ? "screen" : type});
    }
  }
}

void SfuBridge::subscriberAnswer(Room& room, Member& member, const Message& message) {
  auto answer = parseSessionDescription(MessageType::Answer, *message.data);
  if (!answer) return manager_->sendErrorTo(room.id, member.id, answer.error().message);
  if (member.subscriber == 0) return;
  janus_.message(member.subscriber, {{"request", "start"}}, Json{{"type", "answer"}, {"sdp", answer->sdp}},
                 [this, id = room.id, client = member.id.str(), serial = member.serial](Result<JanusClient::Reply> reply) {
                   Member* m = find(id, client, serial);
                   if (!m) return;
                   if (!reply) log(LogLevel::Warn, "sfu: ", client, " could not start its subscription: ", reply.error().message);
                   m->subscribing = false;
                   updateSubscription(*findRoom(id), *m);
                 });
}

void SfuBridge::restartSubscription(Room& room, Member& member) {
  if (member.subscriber == 0 || !member.subscriberJoined) return;  // nothing to restart yet
  // Janus holds back a restart asked for while an offer waits for its answer: it is asked for
  // once the exchange under way is done.
  if (member.subscribing) {
    member.restartWanted = true;
    return;
  }
  member.restartWanted = false;
  // Janus offers again with new ICE credentials; the client's answer starts it, as any other.
  member.subscribing = true;
  janus_.message(member.subscriber, {{"request", "configure"}, {"restart", true}}, std::nullopt,
                 [this, id = room.id, client = member.id.str(), serial = member.serial](Result<JanusClient::Reply> reply) {
                   Member* m = find(id, client, serial);
                   if (!m) return;
                   Room* room = findRoom(id);
                   if (!reply || !reply->jsep) {
                     if (!reply && !janus_.up()) return;  // janusDown says so
                     const std::string why = reply ? "Janus made no new offer" : reply.error().message;
                     log(LogLevel::Warn, "sfu: ", client, "'s subscription in room ", id, " could not restart: ", why);
                     m->subscribing = false;
                     manager_->sendErrorTo(id, m->id, "the media server could not restart your connection: " + why);
                     return updateSubscription(*room, *m);
                   }
                   subscriberOffer(*room, *m, reply->data, *reply->jsep);
                 });
}

void SfuBridge::chooseLayer(Room& room, Member& member, const Message& message) {
  auto layer = parseLayer(*message.data);
  if (!layer) return manager_->sendErrorTo(room.id, member.id, layer.error().message);
  const bool known = std::any_of(member.streams.begin(), member.streams.end(),
                                 [&](const SfuStream& s) { return s.mid == layer->mid && s.kind == "video"; });
  if (!known || member.subscriber == 0) {
    return manager_->sendErrorTo(room.id, member.id, "layer: no video with mid \"" + layer->mid + "\" in your subscription");
  }
  member.wantedLayer[layer->mid] = layer->substream;
  configureLayer(room.id, member.id.str(), member.serial, layer->mid, 1);
}

void SfuBridge::configureLayer(const std::string& roomId, const std::string& client, std::uint64_t serial,
                               std::string mid, int attempt) {
  Member* m = find(roomId, client, serial);
  if (!m || m->subscriber == 0) return;
  const auto wanted = m->wantedLayer.find(mid);
  const auto now = m->layer.find(mid);
  if (wanted == m->wantedLayer.end() || (now != m->layer.end() && now->second == wanted->second)) return;
  Json configure{{"request", "configure"}, {"streams", Json::array({{{"mid", mid}, {"substream", wanted->second}}})}};
  janus_.message(m->subscriber, std::move(configure), std::nullopt, [client](Result<JanusClient::Reply> reply) {
    if (!reply) log(LogLevel::Debug, "sfu: ", client, "'s layer: ", reply.error().message);
  });
  if (attempt >= 3) return;  // the publisher may not send that layer at all (a small camera)
  auto timer = std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(1500));
  timer->async_wait([this, timer, roomId, client, serial, mid = std::move(mid), attempt](const boost::system::error_code& ec) {
    if (!ec) configureLayer(roomId, client, serial, mid, attempt + 1);
  });
}

void SfuBridge::subscriberCandidate(Member& member, const Message& message) {
  if (member.subscriber != 0) janus_.trickle(member.subscriber, janusCandidate(message));
}

const SfuBridge::Member* SfuBridge::publisherOf(const Room& room, std::uint64_t feed) const {
  for (const auto& [client, member] : room.members) {
    if (member.feed == feed) return &member;
  }
  return nullptr;
}

void SfuBridge::sendRoomMode(const Room& room, const Member& member) {
  RoomModeData mode;
  mode.sfu = true;
  mode.streams = member.streams;
  manager_->sendFromServer(room.id, member.id, MessageType::RoomMode, toJson(mode));
}

// ---- What Janus says unasked ----

void SfuBridge::onJanusEvent(std::uint64_t handle, const Json& message) {
  auto owner = handles_.find(handle);
  if (owner == handles_.end()) return;
  const auto [roomId, client] = owner->second;
  Room* room = findRoom(roomId);
  auto it = room ? room->members.find(client) : decltype(room->members.end()){};
  if (!room || it == room->members.end()) return;
  Member& member = it->second;
  const std::string kind = message.value("janus", "");
  if (kind == "hangup" || kind == "webrtcup") {
    log(LogLevel::Debug, "sfu: ", kind, " on ", handle == member.publisher ? "publisher" : "subscriber", " of ", client);
    if (handle == member.publisher) {
      member.live = kind == "webrtcup";
      // Janus unpublished the feed: the client's next offer publishes it again.
      if (!member.live) member.published = false;
      if (member.live) updateSubscriptions(*room);
    }
    return;
  }
  if (kind != "event" || !message.contains("plugindata")) return;
  const Json& data = message["plugindata"].value("data", Json::object());
  // A layer switch done.
  if (handle == member.subscriber && data.contains("substream") && data["substream"].is_number_integer() &&
      data.contains("mid") && data["mid"].is_string()) {
    member.layer[data["mid"].get<std::string>()] = data["substream"].get<int>();
  }
  // A publisher left or stopped: Janus took its streams out of this subscription.
  if (handle == member.subscriber && data.value("videoroom", "") == "updated" && message.contains("jsep")) {
    subscriberOffer(*room, member, data, message["jsep"]);
  }
}

}  // namespace orbit
