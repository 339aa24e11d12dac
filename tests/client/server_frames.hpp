#pragma once

#include "codec.hpp"
#include "message.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

namespace orbit::test {

// Frames as orbit-server writes them, for tests that play the server over a FakeTransport.

inline std::string fromServer(const std::string& type, const std::string& receiver, const std::string& dataJson = "") {
  std::string frame = R"({"sender":"ground control","receiver":")" + receiver + R"(","type":")" + type + '"';
  if (!dataJson.empty()) frame += R"(,"data":)" + dataJson;
  return frame + "}";
}

// A relayed frame: the server has stamped the sender.
inline std::string fromPeer(const std::string& sender, const std::string& receiver, MessageType type, Json data) {
  return encode(Message{sender, receiver, type, std::move(data)});
}

// room-info data for members given as {id, name}.
inline std::string roomInfo(const std::vector<std::pair<std::string, std::string>>& members) {
  Json clients = Json::array();
  for (const auto& [id, name] : members) clients.push_back({{"id", id}, {"username", name}});
  return dumpJson(Json{{"room_id", "r"}, {"clients", std::move(clients)}});
}

inline std::string roomInfo(const std::string& id, const std::string& name) { return roomInfo({{id, name}}); }

inline Message decoded(const std::string& frame) {
  auto message = decode(frame);
  REQUIRE(message.ok());
  return *message;
}

}  // namespace orbit::test
