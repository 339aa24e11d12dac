#include "chat_room.hpp"

#include <algorithm>

namespace orbit {

ChatRoom::ChatRoom(RoomId id, RoomSettings settings, TimePoint now)
    : id_(std::move(id)), settings_(std::move(settings)), emptySince_(now) {}

std::size_t ChatRoom::capacity(std::size_t serverMax) const {
  if (settings_.guestLimit == 0) return serverMax;
  return std::min(settings_.guestLimit, serverMax);
}

void ChatRoom::add(std::shared_ptr<ChatClient> client) {
  lastOrder_ = std::max(lastOrder_, client->order());
  clients_.push_back(std::move(client));
}

std::shared_ptr<ChatClient> ChatRoom::remove(const ClientId& id, TimePoint now) {
  auto it = std::find_if(clients_.begin(), clients_.end(), [&](const auto& c) { return c->id() == id; });
  if (it == clients_.end()) return nullptr;
  auto removed = std::move(*it);
  clients_.erase(it);
  if (empty()) emptySince_ = now;
  return removed;
}

ChatClient* ChatRoom::find(const ClientId& id) const {
  for (const auto& c : clients_) {
    if (c->id() == id) return c.get();
  }
  return nullptr;
}

bool ChatRoom::upsertRemote(RemoteMember member) {
  if (std::find(departed_.begin(), departed_.end(), member.id) != departed_.end()) return false;
  auto [it, added] = remote_.try_emplace(member.id, member);
  if (added) {
    lastOrder_ = std::max(lastOrder_, member.order);
    return true;
  }
  if (member.version <= it->second.version) return false;
  it->second = std::move(member);
  return true;
}

bool ChatRoom::removeRemote(const ClientId& id, TimePoint now) {
  // Remembered, so that a stale copy of the member (an older snapshot) cannot bring it back.
  constexpr std::size_t kDepartedKept = 1024;
  if (std::find(departed_.begin(), departed_.end(), id) == departed_.end()) {
    departed_.push_back(id);
    if (departed_.size() > kDepartedKept) departed_.erase(departed_.begin());
  }
  if (remote_.erase(id) == 0) return false;
  if (empty()) emptySince_ = now;
  return true;
}

RoomInfoData ChatRoom::info() const {
  RoomInfoData out;
  out.roomId = id_.str();
  out.clients.reserve(size());
  // Both lists are short; merged by join order so that every instance lists the room alike.
  std::vector<std::pair<std::uint64_t, RoomClient>> all;
  all.reserve(size());
  for (const auto& c : clients_) all.push_back({c->order(), {c->id().str(), c->name(), c->indicators()}});
  for (const auto& [id, m] : remote_) all.push_back({m.order, {id.str(), m.name, m.indicators}});
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, client] : all) out.clients.push_back(std::move(client));
  return out;
}

void ChatRoom::remember(SharedFrame line, std::size_t keep) {
  if (keep == 0) return;
  history_.push_back(std::move(line));
  // At most `keep` (50) lines, shifted once per room line: cheap next to relaying it.
  if (history_.size() > keep) history_.erase(history_.begin(), history_.end() - static_cast<std::ptrdiff_t>(keep));
}

}  // namespace orbit
