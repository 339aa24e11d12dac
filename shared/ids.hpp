#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace orbit {

// Ids are strings on the wire; distinct types keep a room id from being used as a client id.
template <class Tag>
struct StrongId {
  std::string value;

  StrongId() = default;
  explicit StrongId(std::string v) : value(std::move(v)) {}
  bool empty() const { return value.empty(); }
  const std::string& str() const { return value; }
  auto operator<=>(const StrongId&) const = default;
};

using ClientId = StrongId<struct ClientIdTag>;
using RoomId = StrongId<struct RoomIdTag>;

// 128 random bits as 32 lowercase hex characters, from the platform's CSPRNG.
std::string randomHexId();

// True for exactly 32 lowercase hex characters.
bool isClientId(std::string_view s);

}  // namespace orbit

template <class Tag>
struct std::hash<orbit::StrongId<Tag>> {
  std::size_t operator()(const orbit::StrongId<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.value);
  }
};
