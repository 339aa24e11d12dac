// What a client of the original implementation (Camus) relies on from orbit-server.
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace orbit::test;

namespace {

// Reads room-info as the original client does. Until the pong to its first ping it does not
// know its own id, so every id a room-info lists is someone else, and it offers to each one
// it has not offered to yet.
class OriginalClient {
 public:
  OriginalClient(unsigned short port, const std::string& target) : ws_(port, target) {}

  void sendPing() {
    ws_.send({{"type", "ping"}, {"receiver", "ground control"}, {"data", "hello"}});
  }

  // Handles frames until `done` holds after one of them; false on timeout or close.
  template <class Done>
  bool runUntil(Done done) {
    return ws_
        .waitFor([&](const Json& m) {
          handle(m);
          return done();
        })
        .has_value();
  }

  const std::string& id() const { return id_; }
  const std::set<std::string>& offeredTo() const { return offeredTo_; }
  int roomInfosBeforePong() const { return roomInfosBeforePong_; }
  int roomInfosAfterPong() const { return roomInfosAfterPong_; }
  std::size_t lastListed() const { return lastListed_; }
  int pongs() const { return pongs_; }
  // Chat lines as it shows them ("from: text"), and what it could not show.
  const std::vector<std::string>& shown() const { return shown_; }
  const std::vector<std::string>& misread() const { return misread_; }
  int linesBeforeRoomInfo() const { return linesBeforeRoomInfo_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  void handle(const Json& m) {
    const std::string type = m.value("type", "");
    if (type == "pong" && m.value("sender", "") == "ground control") {
      ++pongs_;
      id_ = m.value("receiver", "");
    } else if (type == "text") {
      // It reads these three fields of a line and no other.
      const Json data = m.value("data", Json::object());
      const bool readable = data.is_object() && data.value("from", Json()).is_string() &&
                            data.value("text", Json()).is_string() && data.value("time", Json()).is_number();
      if (readable) {
        shown_.push_back(data["from"].get<std::string>() + ": " + data["text"].get<std::string>());
      } else {
        misread_.push_back(m.dump());
      }
      if (roomInfosAfterPong_ == 0) ++linesBeforeRoomInfo_;
    } else if (type == "error") {
      errors_.push_back(m.dump());
    } else if (type == "room-info") {
      ++(id_.empty() ? roomInfosBeforePong_ : roomInfosAfterPong_);
      lastListed_ = m["data"]["clients"].size();
      for (const Json& c : m["data"]["clients"]) {
        const std::string other = c.value("id", "");
        if (other == id_ || offeredTo_.count(other)) continue;
        offeredTo_.insert(other);
        ws_.send({{"type", "offer"},
                  {"receiver", other},
                  {"data", {{"type", "offer"}, {"sdp", "v=0\r\n"}}}});
      }
    }
  }

  WsClient ws_;
  std::string id_;
  std::set<std::string> offeredTo_;
  int roomInfosBeforePong_ = 0;
  int roomInfosAfterPong_ = 0;
  std::size_t lastListed_ = 0;
  int pongs_ = 0;
  std::vector<std::string> shown_;
  std::vector<std::string> misread_;
  int linesBeforeRoomInfo_ = 0;
  std::vector<std::string> errors_;
};

Json line(const std::string& receiver, const std::string& from, const std::string& text) {
  Json data{{"from", from}, {"time", 1700000000000}, {"text", text}};
  if (receiver != "room") data["direct"] = true;
  return {{"type", "text"}, {"sender", ""}, {"receiver", receiver}, {"data", data}};
}

bool listsClients(const Json& m, std::size_t n) {
  return m.value("type", "") == "room-info" && m["data"]["clients"].size() == n;
}

bool names(const Json& roomInfo, const std::string& id, const std::string& name) {
  for (const Json& c : roomInfo["data"]["clients"]) {
    if (c.value("id", "") == id) return c.value("username", "") == name;
  }
  return false;
}

}  // namespace

TEST_CASE(
    "a client like the original, joining while others join and rename, never offers to itself",
    "[integration][room-info][original]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/interop/ws");
  WsClient b(server.port(), "/room/interop/ws");
  const std::string idA = a.learnId();
  const std::string idB = b.learnId();

  OriginalClient camus(server.port(), "/room/interop/ws");
  REQUIRE(a.waitFor([](const Json& m) { return listsClients(m, 3); }));
  // The room changes before the newcomer has pinged: a rename and one more newcomer.
  b.send({{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", "Bea"}}}});
  WsClient c(server.port(), "/room/interop/ws");
  const std::string idC = c.learnId();
  REQUIRE(a.waitFor([&](const Json& m) { return listsClients(m, 4) && names(m, idB, "Bea"); }));

  camus.sendPing();
  REQUIRE(camus.runUntil([&] { return camus.roomInfosAfterPong() > 0; }));
  CHECK(camus.roomInfosBeforePong() == 0);
  CHECK(camus.id().size() == 32);
  CHECK(camus.lastListed() == 4);
  CHECK(camus.offeredTo() == std::set<std::string>{idA, idB, idC});
  CHECK(camus.offeredTo().count(camus.id()) == 0);

  // The offers reach the others, stamped with the newcomer's id.
  for (WsClient* other : {&a, &b, &c}) {
    CHECK(other->waitFor([&](const Json& m) {
      return m.value("type", "") == "offer" && m.value("sender", "") == camus.id();
    }));
  }
}

TEST_CASE("a client like the original, joining after some room lines, shows them as lines and is sent no error",
          "[integration][original][history]") {
  ServerProcess server;
  WsClient a(server.port(), "/room/lines/ws");
  WsClient b(server.port(), "/room/lines/ws");
  a.learnId();
  const std::string idB = b.learnId();
  a.send(line("room", "Ann", "first"));
  a.send(line(idB, "Ann", "only for Bea"));
  a.drain();  // said, and so kept
  b.send(line("room", "Bea", "second"));
  b.drain();

  OriginalClient camus(server.port(), "/room/lines/ws");
  camus.sendPing();
  REQUIRE(camus.runUntil([&] { return camus.shown().size() + camus.misread().size() == 2; }));
  // Ordinary lines, oldest first, after the room-info that tells it who said them.
  CHECK(camus.shown() == std::vector<std::string>{"Ann: first", "Bea: second"});
  CHECK(camus.misread().empty());
  CHECK(camus.linesBeforeRoomInfo() == 0);
  CHECK(camus.offeredTo().size() == 2);
  // And nothing after them: no error, no third line (a round trip reads all the server sent).
  camus.sendPing();
  REQUIRE(camus.runUntil([&] { return camus.pongs() == 2; }));
  CHECK(camus.errors().empty());
  CHECK(camus.shown().size() == 2);
}
