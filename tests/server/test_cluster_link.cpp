// ChatManager in cluster mode, without Redis: a recording ClusterLink stands in for the
// other instances, and the test plays what they did through the manager's remote*() calls.
#include "recording_connection.hpp"

#include "cluster_link.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::testing;
using namespace std::chrono_literals;

namespace {

struct RecordingLink : ClusterLink {
  struct Relayed {
    std::string room, receiver, frame;
  };
  std::string self = "here";
  std::vector<Relayed> relayed;
  std::vector<std::string> kept;
  std::vector<std::pair<std::string, std::uint64_t>> updates;  // client, version
  std::vector<std::string> departures;
  std::vector<std::string> closeRequests;
  std::vector<std::string> emptiedRooms;

  const std::string& instance() const override { return self; }
  void updated(const RoomId&, const ChatClient& c) override { updates.emplace_back(c.id().str(), c.version()); }
  void left(const RoomId&, const ClientId& c) override { departures.push_back(c.str()); }
  void relay(const RoomId& room, const std::string& receiver, const SharedFrame& frame) override {
    relayed.push_back({room.str(), receiver, *frame});
  }
  void keep(const RoomId&, std::string line, std::size_t) override { kept.push_back(std::move(line)); }
  void history(const RoomId&, std::function<void(std::vector<std::string>)> done) override { done(kept); }
  void emptied(const RoomId& room, std::int64_t) override { emptiedRooms.push_back(room.str()); }
  void closeIfIdle(const RoomId& room, std::int64_t) override { closeRequests.push_back(room.str()); }
};

RemoteMember remote(const std::string& hexDigit, const std::string& name, std::uint64_t order,
                    const std::string& instance = "there", std::uint64_t version = 0) {
  RemoteMember m;
  m.id = ClientId(std::string(32, hexDigit[0]));
  m.instance = instance;
  m.name = name;
  m.order = order;
  m.version = version;
  return m;
}

std::vector<std::string> namesIn(const Message& roomInfo) {
  REQUIRE(roomInfo.type == MessageType::RoomInfo);
  auto info = parseRoomInfo(*roomInfo.data);
  REQUIRE(info.ok());
  std::vector<std::string> names;
  for (const auto& c : info->clients) names.push_back(c.username);
  return names;
}

ManagerConfig clustered(RecordingLink& link) {
  ManagerConfig config;
  config.cluster = &link;
  return config;
}

}  // namespace

TEST_CASE("members on other instances are listed in join order and count toward the room's limit", "[cluster]") {
  RecordingLink link;
  ManagerConfig config = clustered(link);
  config.maxRoomSize = 3;
  Harness h(config);
  Peer& ann = h.joinIntroduced("mixed");
  h.send(ann, Json{{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", "Ann"}}}});
  (void)ann.inbox();

  // Bea joined elsewhere before Ann (a lower order), Cy after.
  h.manager.remoteMember("mixed", remote("c", "Cy", 9), TimePoint{});
  CHECK(namesIn(ann.only()) == std::vector<std::string>{"Ann", "Cy"});
  h.manager.remoteMember("mixed", remote("b", "Bea", 0), TimePoint{});
  CHECK(namesIn(ann.only()) == std::vector<std::string>{"Bea", "Ann", "Cy"});
  CHECK(h.manager.describe("mixed").clients == 3);

  const auto refusal = h.manager.admit("mixed", "");
  REQUIRE(refusal);
  CHECK(refusal->status == 403);
  CHECK(refusal->reason == "the room is full (3 participants)");
}

TEST_CASE("frames for other instances go to the link, and frames from them reach this instance's clients", "[cluster]") {
  RecordingLink link;
  Harness h(clustered(link));
  Peer& ann = h.joinIntroduced("talk");
  h.manager.remoteMember("talk", remote("b", "Bea", 5), TimePoint{});
  h.drainAll();
  const std::string bea(32, 'b');

  h.send(ann, Json{{"type", "text"}, {"receiver", "room"}, {"data", textData("hello all")}});
  REQUIRE(link.relayed.size() == 1);
  CHECK(link.relayed[0].receiver == "room");
  CHECK(link.relayed[0].frame.find("hello all") != std::string::npos);
  // Kept for later joiners through the link (Redis), marked as history, not in memory here.
  REQUIRE(link.kept.size() == 1);
  CHECK(decode(link.kept[0])->data->at("history") == true);
  CHECK(h.manager.room("talk")->history().empty());

  h.send(ann, Json{{"type", "offer"}, {"receiver", bea}, {"data", {{"type", "offer"}, {"sdp", "v=0"}}}});
  REQUIRE(link.relayed.size() == 2);
  CHECK(link.relayed[1].receiver == bea);
  CHECK(ann.inbox().size() == 1);  // only her own room line: no error for a member elsewhere

  h.send(ann, Json{{"type", "offer"}, {"receiver", std::string(32, 'e')}, {"data", {{"type", "offer"}, {"sdp", "v=0"}}}});
  CHECK(ann.onlyError().find("not delivered") != std::string::npos);
  CHECK(link.relayed.size() == 2);

  // From Bea's instance: a room line and a direct one.
  const std::string line = encode(Message{bea, "room", MessageType::Text, textData("hi from there")});
  h.manager.remoteFrame("talk", "room", std::make_shared<const std::string>(line));
  h.manager.remoteFrame("talk", ann.id(), std::make_shared<const std::string>(line));
  h.manager.remoteFrame("talk", std::string(32, 'f'), std::make_shared<const std::string>(line));  // no one
  CHECK(ann.rawInbox() == std::vector<std::string>{line, line});

  // A room with no one elsewhere publishes nothing.
  Peer& solo = h.joinIntroduced("alone");
  h.send(solo, Json{{"type", "text"}, {"receiver", "room"}, {"data", textData("anyone?")}});
  CHECK(link.relayed.size() == 2);
}

TEST_CASE("a member that left never returns from an older copy, and an instance's sync replaces its members",
          "[cluster]") {
  RecordingLink link;
  Harness h(clustered(link));
  Peer& ann = h.joinIntroduced("r");
  h.manager.remoteMember("r", remote("b", "Bea", 2, "there", 1), TimePoint{});
  h.manager.remoteMember("r", remote("b", "Bea (old name)", 2, "there", 0), TimePoint{});  // older: ignored
  h.manager.remoteMember("r", remote("c", "Cy", 3, "there"), TimePoint{});
  h.manager.remoteMember("r", remote("d", "Dee", 4, "yonder"), TimePoint{});
  h.drainAll();
  CHECK(h.manager.describe("r").clients == 4);

  h.manager.remoteLeft("r", ClientId(std::string(32, 'c')), TimePoint{});
  CHECK(namesIn(ann.only()) == std::vector<std::string>{"", "Bea", "Dee"});
  h.manager.remoteMember("r", remote("c", "Cy", 3, "there"), TimePoint{});  // a stale snapshot
  CHECK(ann.inbox().empty());

  // "there" now has no one in "r" but someone in another room.
  h.manager.remoteInstance("there", {{"s", {remote("e", "Eli", 7, "there")}}}, TimePoint{});
  CHECK(namesIn(ann.only()) == std::vector<std::string>{"", "Dee"});
  CHECK(h.manager.describe("s").clients == 1);
  // "yonder" is gone altogether.
  h.manager.remoteInstance("yonder", {}, TimePoint{});
  CHECK(namesIn(ann.only()) == std::vector<std::string>{""});
  // An implicit room whose last member elsewhere leaves is gone, as it is here.
  h.manager.remoteInstance("there", {}, TimePoint{});
  CHECK(h.manager.room("s") == nullptr);
}

TEST_CASE("a client reaches the link once it has joined, and so do its changes", "[cluster]") {
  RecordingLink link;
  Harness h(clustered(link));
  Peer& ann = h.joinIntroduced("r");
  // Announced as a member (version 0) when it can take the offers others will send it.
  REQUIRE(link.updates.size() == 1);
  CHECK(link.updates[0] == std::pair<std::string, std::uint64_t>{ann.id(), 0});
  link.updates.clear();
  h.send(ann, Json{{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", "Ann"}}}});
  h.send(ann, Json{{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", "Ann"}, {"muted", true}}}});
  h.send(ann, Json{{"type", "profile"}, {"receiver", "ground control"}, {"data", {{"username", "Ann"}, {"muted", true}}}});
  REQUIRE(link.updates.size() == 2);  // the same profile twice is no change
  CHECK(link.updates[0] == std::pair<std::string, std::uint64_t>{ann.id(), 1});
  CHECK(link.updates[1] == std::pair<std::string, std::uint64_t>{ann.id(), 2});
  h.manager.leave(*ann.client, "closed", TimePoint{});
  CHECK(link.departures == std::vector<std::string>{ann.id()});
}

TEST_CASE("an idle API room is closed by the cluster, not by one instance alone", "[cluster]") {
  RecordingLink link;
  ManagerConfig config = clustered(link);
  config.roomIdleTimeout = 1min;
  Harness h(config);
  REQUIRE(std::holds_alternative<std::string>(h.manager.createRoom(CreateRoomRequest{"Kept"}, std::nullopt, TimePoint{})));
  Peer& ann = h.joinIntroduced("kept");
  h.manager.leave(*ann.client, "closed", TimePoint{});
  CHECK(link.emptiedRooms == std::vector<std::string>{"kept"});

  h.manager.tick(TimePoint{} + 2min);
  CHECK(link.closeRequests == std::vector<std::string>{"kept"});
  CHECK(h.manager.room("kept") != nullptr);  // until the cluster says so
  h.manager.tick(TimePoint{} + 2min + 1s);
  CHECK(link.closeRequests.size() == 1);  // asked once per idle timeout, not every tick
  h.manager.remoteRoomClosed("kept");
  CHECK(h.manager.room("kept") == nullptr);
}
