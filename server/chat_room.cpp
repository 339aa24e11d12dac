#include "chat_room.hpp"

#include <algorithm>

namespace orbit {

ChatRoom::ChatRoom(RoomId id, RoomSettings settings, TimePoint now)
    : id_(std::move(id)), settings_(std::move(settings)), emptySince_(now) {}

std::size_t ChatRoom::capacity(std::size_t serverMax) const {
  if (settings_.guestLimit == 0) return serverMax;
  return std::min(settings_.guestLimit, serverMax);
}

void ChatRoom::add(std::shared_ptr<ChatClient> client) { clients_.push_back(std::move(client)); }

std::shared_ptr<ChatClient> ChatRoom::remove(const ClientId& id, TimePoint now) {
  auto it = std::find_if(clients_.begin(), clients_.end(), [&](const auto& c) { return c->id() == id; });
  if (it == clients_.end()) return nullptr;
  auto removed = std::move(*it);
  clients_.erase(it);
  if (clients_.empty()) emptySince_ = now;
  return removed;
}

ChatClient* ChatRoom::find(const ClientId& id) const {
  for (const auto& c : clients_) {
    if (c->id() == id) return c.get();
  }
  return nullptr;
}

RoomInfoData ChatRoom::info() const {
  RoomInfoData out;
  out.roomId = id_.str();
  out.clients.reserve(clients_.size());
  for (const auto& c : clients_) out.clients.push_back({c->id().str(), c->name(), c->indicators()});
  return out;
}

void ChatRoom::remember(const Message& line, std::size_t keep) {
  if (keep == 0) return;
  Message kept = line;
  (*kept.data)["history"] = true;
  history_.push_back(std::move(kept));
  while (history_.size() > keep) history_.pop_front();
}

}  // namespace orbit
