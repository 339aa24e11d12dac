// The HTTP API's bodies: what the server writes, the client reads back unchanged, and
// every field of the wrong JSON type is refused with words, never an exception.
#include "api.hpp"
#include "codec.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using Catch::Matchers::Contains;
using namespace orbit;

namespace {

std::string body(const Json& j) { return dumpJson(j); }

template <class T>
std::string errorOf(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("every API body survives toJson and parse unchanged", "[api]") {
  const std::vector<PublicRoom> rooms{{RoomId("standup"), "Standup", 2, 50, false},
                                      {RoomId("vault"), "Vault \xC3\xA9", 1, 4, true}};
  auto parsedRooms = parsePublicRooms(body(toJson(rooms)));
  REQUIRE(parsedRooms.ok());
  CHECK(*parsedRooms == rooms);
  CHECK(parsePublicRooms(body(toJson(std::vector<PublicRoom>{})))->empty());

  for (const CreateRoomRequest& create : {CreateRoomRequest{"Team Sync!", true, 5, "hunter2"},
                                          CreateRoomRequest{"Open", false, 0, ""}}) {
    auto parsed = parseCreateRoomRequest(body(toJson(create)));
    REQUIRE(parsed.ok());
    CHECK(*parsed == create);
  }
  for (const CreateRoomReply& reply : {CreateRoomReply{RoomId("team-sync"), std::string("9.ab")},
                                       CreateRoomReply{RoomId("open"), std::nullopt}}) {
    auto parsed = parseCreateRoomReply(body(toJson(reply)));
    REQUIRE(parsed.ok());
    CHECK(*parsed == reply);
  }
  for (const JoinRequest& join : {JoinRequest{"sesame"}, JoinRequest{""}}) {
    auto parsed = parseJoinRequest(body(toJson(join)));
    REQUIRE(parsed.ok());
    CHECK(*parsed == join);
  }
  CHECK(*parseTokenReply(body(toJson(TokenReply{"1.aa"}))) == TokenReply{"1.aa"});
  for (const RoomStatus& status : {RoomStatus{RoomId("vault"), true, true, "Vault", 2, 2},
                                    RoomStatus{RoomId("fresh"), false, false, "", 0, 50}}) {
    auto parsed = parseRoomStatus(body(toJson(status)));
    REQUIRE(parsed.ok());
    CHECK(*parsed == status);
  }
  CHECK(*parseErrorReply(body(toJson(ErrorReply{"wrong password"}))) == ErrorReply{"wrong password"});
}

TEST_CASE("the API's JSON has the wire's field names", "[api]") {
  CHECK(toJson(PublicRoom{RoomId("standup"), "Standup", 2, 4, true}) ==
        Json{{"room_id", "standup"}, {"name", "Standup"}, {"clients", 2}, {"guest_limit", 4}, {"has_password", true}});
  CHECK(toJson(CreateRoomRequest{"A", true, 3, "pw"}) ==
        Json{{"name", "A"}, {"public", true}, {"guest_limit", 3}, {"password", "pw"}});
  CHECK_FALSE(toJson(CreateRoomRequest{"A", false, 0, ""}).contains("password"));
  CHECK(toJson(CreateRoomReply{RoomId("a"), std::string("t")}) == Json{{"room_id", "a"}, {"token", "t"}});
  CHECK(toJson(CreateRoomReply{RoomId("a"), std::nullopt}) == Json{{"room_id", "a"}});
  CHECK(toJson(JoinRequest{"pw"}) == Json{{"password", "pw"}});
  CHECK(toJson(JoinRequest{""}) == Json::object());
  CHECK(toJson(TokenReply{"t"}) == Json{{"token", "t"}});
  CHECK(toJson(RoomStatus{RoomId("a"), true, false, "A", 1, 4}) ==
        Json{{"room_id", "a"}, {"exists", true}, {"has_password", false}, {"name", "A"}, {"clients", 1}, {"capacity", 4}});
  CHECK(toJson(ErrorReply{"no"}) == Json{{"error", "no"}});
}

TEST_CASE("a create request leaves out what it may, takes null for left out, and refuses wrong types",
          "[api]") {
  auto minimal = parseCreateRoomRequest(R"({"name":"Standup"})");
  REQUIRE(minimal.ok());
  CHECK(*minimal == CreateRoomRequest{"Standup", false, 0, ""});
  auto nulls = parseCreateRoomRequest(R"({"name":"A","public":null,"guest_limit":null,"password":null,"extra":[1]})");
  REQUIRE(nulls.ok());
  CHECK(*nulls == CreateRoomRequest{"A", false, 0, ""});

  CHECK_THAT(errorOf(parseCreateRoomRequest("{\"name\":")), Contains("invalid JSON"));
  CHECK_THAT(errorOf(parseCreateRoomRequest("[]")), Contains("JSON object"));
  CHECK_THAT(errorOf(parseCreateRoomRequest("{}")), Contains("\"name\" must be a string"));
  CHECK_THAT(errorOf(parseCreateRoomRequest(R"({"name":7})")), Contains("\"name\" must be a string"));
  CHECK_THAT(errorOf(parseCreateRoomRequest(R"({"name":"A","public":"yes"})")), Contains("\"public\""));
  for (const char* limit : {"-1", "1.5", "\"4\"", "100001", "true"}) {
    INFO(limit);
    CHECK_THAT(errorOf(parseCreateRoomRequest(std::string(R"({"name":"A","guest_limit":)") + limit + "}")),
               Contains("\"guest_limit\""));
  }
  CHECK(parseCreateRoomRequest(R"({"name":"A","guest_limit":100000})")->guestLimit == 100000);
  CHECK_THAT(errorOf(parseCreateRoomRequest(R"({"name":"A","password":5})")), Contains("\"password\" must be a string"));
  const std::string longest(kMaxPasswordBytes, 'p');
  CHECK(parseCreateRoomRequest(body(Json{{"name", "A"}, {"password", longest}}))->password == longest);
  CHECK_THAT(errorOf(parseCreateRoomRequest(body(Json{{"name", "A"}, {"password", longest + "p"}}))),
             Contains("too long"));
}

TEST_CASE("a join request may be empty or hold a password, nothing else", "[api]") {
  CHECK(parseJoinRequest("")->password.empty());
  CHECK(parseJoinRequest("{}")->password.empty());
  CHECK(parseJoinRequest(R"({"password":null})")->password.empty());
  CHECK_THAT(errorOf(parseJoinRequest(R"({"password":["x"]})")), Contains("\"password\" must be a string"));
  CHECK_THAT(errorOf(parseJoinRequest("\"sesame\"")), Contains("JSON object"));
  CHECK_THAT(errorOf(parseJoinRequest("{")), Contains("invalid JSON"));
}

TEST_CASE("a room status from a server before name, clients and capacity is never full", "[api]") {
  auto old = parseRoomStatus(R"({"room_id":"a","exists":true,"has_password":false})");
  REQUIRE(old.ok());
  CHECK(*old == RoomStatus{RoomId("a"), true, false, "", 0, 0});
  CHECK_FALSE(old->full());
  CHECK(RoomStatus{RoomId("a"), true, false, "A", 2, 2}.full());
  CHECK_FALSE(RoomStatus{RoomId("a"), true, false, "A", 1, 2}.full());
}

TEST_CASE("replies with a missing field, a field of the wrong type or a bad room id are refused",
          "[api]") {
  const Json room{{"room_id", "standup"}, {"name", "Standup"}, {"clients", 2}, {"guest_limit", 0}, {"has_password", false}};
  REQUIRE(parsePublicRooms(body(Json::array({room}))).ok());
  for (const auto& [field, value] : std::vector<std::pair<std::string, Json>>{
           {"room_id", Json("Not A Slug")}, {"room_id", Json(5)}, {"name", Json(nullptr)},
           {"clients", Json(-1)}, {"clients", Json(1.5)}, {"guest_limit", Json("4")},
           {"has_password", Json(1)}}) {
    Json odd = room;
    odd[field] = value;
    INFO(odd.dump());
    CHECK_THAT(errorOf(parsePublicRooms(body(Json::array({room, odd})))), Contains("room 1") && Contains(field));
    odd.erase(field);
    CHECK_THAT(errorOf(parsePublicRooms(body(Json::array({odd})))), Contains(field));
  }
  CHECK_THAT(errorOf(parsePublicRooms(body(Json::array({"standup"})))), Contains("object"));
  CHECK_THAT(errorOf(parsePublicRooms(body(Json::object()))), Contains("array"));
  CHECK_THAT(errorOf(parsePublicRooms("[not json")), Contains("invalid JSON"));

  CHECK_THAT(errorOf(parseCreateRoomReply(R"({"token":"1.a"})")), Contains("room_id"));
  CHECK_THAT(errorOf(parseCreateRoomReply(R"({"room_id":"../x"})")), Contains("room_id"));
  CHECK_THAT(errorOf(parseCreateRoomReply(R"({"room_id":"a","token":1})")), Contains("token"));
  CHECK_THAT(errorOf(parseTokenReply("{}")), Contains("token"));
  CHECK_THAT(errorOf(parseTokenReply(R"({"token":null})")), Contains("token"));
  CHECK_THAT(errorOf(parseRoomStatus(R"({"room_id":"a","exists":true})")), Contains("has_password"));
  CHECK_THAT(errorOf(parseRoomStatus(R"({"room_id":"a","exists":"yes","has_password":false})")), Contains("exists"));
  CHECK_THAT(errorOf(parseRoomStatus(R"({"room_id":"a","exists":true,"has_password":false,"clients":-1})")),
             Contains("clients"));
  CHECK_THAT(errorOf(parseErrorReply(R"({"error":{"text":"x"}})")), Contains("error"));
  CHECK_THAT(errorOf(parseErrorReply("<html>Bad Gateway</html>")), Contains("invalid JSON"));
}
