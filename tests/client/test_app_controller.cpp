// The AppController without a UI: a FakeHttp plays the rooms API and a FakeTransport the
// room's WebSocket, a FakePlatform is the embedding page, on a manual clock. The screens,
// the embed API's commands, events and state, notifications, and token renewal.
#include "app_controller.hpp"
#include "codec.hpp"
#include "fake_http.hpp"
#include "fake_media_sink.hpp"
#include "fake_platform.hpp"
#include "fake_transport.hpp"
#include "manual_scheduler.hpp"
#include "mock_media_backend.hpp"
#include "mock_peer_backend.hpp"
#include "page_address.hpp"
#include "server_frames.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

const std::string kSelf = std::string(32, '5');
const std::string kX = std::string(32, '1');
constexpr std::int64_t kNow = 1700000000000;

std::string described(const std::string& room, bool exists, bool hasPassword, int clients = 0, int capacity = 50) {
  return dumpJson(Json{{"room_id", room},       {"exists", exists},      {"has_password", hasPassword},
                       {"name", "Stand-up"},    {"clients", clients},    {"capacity", capacity}});
}

PageAddress withPassword(const std::string& url, std::string password) {
  PageAddress address = parsePageAddress(url);
  address.password = std::move(password);
  return address;
}

struct AppRig {
  explicit AppRig(const std::string& url, std::string password = {})
      : app(platform, std::make_unique<FakeTransport>(probe), clock, peers, media, sink, http,
            withPassword(url, std::move(password)),
            AppController::Options{{{.random = [] { return 0.5; }}, {}, [] { return kNow; }, {}}, [] { return kNow; }}) {
    app.setHooks({.redraw = [this] { ++redraws; },
                  .statsChanged = [] {},
                  .extendSnapshot = [](Json& state) { state["ui"] = {{"Join", {1, 2, 3, 4}}}; },
                  .preJoinOpened = [this] { preJoinOpenedWith.push_back(app.drafts().name); }});
  }

  // Starts on the room's page with ?name=: the room is looked up, then joined.
  void enterOpenRoom() {
    app.start();
    REQUIRE(http.requests.size() == 1);
    REQUIRE(http.requests[0].url == "http://orbit.test/api/rooms/standup");
    http.reply(200, described("standup", true, false));
    REQUIRE(app.screen() == AppController::Screen::Room);
  }

  // Plays the server's side of the join: open, pong, ICE servers, room-info.
  void serverJoin(const std::vector<std::pair<std::string, std::string>>& members) {
    probe->injectOpen();
    probe->injectText(fromServer("pong", kSelf));
    probe->injectText(fromServer("ice-servers", kSelf, "[]"));
    setRoom(members);
  }

  void setRoom(const std::vector<std::pair<std::string, std::string>>& members) {
    probe->injectText(fromServer("room-info", kSelf, roomInfo(members)));
  }

  std::vector<Json> events() const {
    std::vector<Json> out;
    for (const std::string& text : platform.events) out.push_back(Json::parse(text));
    return out;
  }

  bool published(const Json& event) const {
    const auto all = events();
    return std::find(all.begin(), all.end(), event) != all.end();
  }

  std::vector<std::string> notes() const {
    std::vector<std::string> out;
    for (const Notification& n : app.notifications()) out.push_back(n.kind + ": " + n.text);
    return out;
  }

  std::shared_ptr<FakeTransport::Probe> probe = std::make_shared<FakeTransport::Probe>();
  FakePlatform platform;
  ManualScheduler clock;
  MockPeerBackend peers{clock};
  MockMediaBackend media{clock};
  FakeMediaSink sink;
  FakeHttp http;
  int redraws = 0;
  std::vector<std::string> preJoinOpenedWith;  // the name field's draft, each time
  AppController app;
};

}  // namespace

TEST_CASE("the app goes from the lobby to the pre-join screen to the room, and to left when it hangs up", "[app]") {
  AppRig rig("http://orbit.test/");
  rig.app.start();
  CHECK(rig.app.screen() == AppController::Screen::Lobby);
  CHECK(rig.app.snapshot()["screen"] == "lobby");
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms");
  rig.http.reply(200, "[]");

  rig.app.lobby().create({"Team Sync", "", true, 0});
  rig.http.reply(201, R"({"room_id":"team-sync"})");
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);
  CHECK(rig.app.snapshot()["screen"] == "prejoin");
  CHECK_FALSE(rig.app.lobby().shown());
  // The address bar follows, so the invite link is right.
  CHECK(rig.platform.addresses == std::vector<std::string>{"http://orbit.test/room/team-sync"});
  CHECK(rig.app.inviteUrl() == "http://orbit.test/room/team-sync");
  CHECK(rig.preJoinOpenedWith == std::vector<std::string>{""});
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms/team-sync");
  rig.http.reply(200, described("team-sync", false, false));
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);  // waits for a name
  CHECK(rig.probe->opened.empty());

  rig.app.preJoin().join("Ann");
  CHECK(rig.app.screen() == AppController::Screen::Room);
  CHECK(rig.probe->opened == std::vector<std::string>{"ws://orbit.test/room/team-sync/ws"});
  rig.serverJoin({{kSelf, "Ann"}});
  rig.clock.advance(100ms);
  const Json state = rig.app.snapshot();
  CHECK(state["screen"] == "room");
  CHECK(state["self"]["name"] == "Ann");
  CHECK(state["room"] == "team-sync");
  // The camera and microphone were asked for once, on the pre-join screen.
  CHECK(rig.app.manager().microphone().has_value());
  CHECK(rig.media.liveTracks() == 2);

  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"leave"})"));
  CHECK(rig.app.screen() == AppController::Screen::Left);
  CHECK(rig.app.snapshot()["screen"] == "left");
  CHECK(rig.probe->closeCalls == std::vector<std::uint16_t>{1000});
  CHECK(rig.media.liveTracks() == 0);
}

TEST_CASE("each embed command reaches the call, and a malformed or unknown one is refused with a reason", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  rig.serverJoin({{kSelf, "Ann"}, {kX, "Xena"}});
  rig.clock.advance(100ms);  // the devices are ours
  REQUIRE(rig.platform.commandSink);
  const auto command = [&rig](const std::string& json) { return rig.platform.commandSink(json); };
  const auto lastSent = [&rig] { return decoded(rig.probe->sent.back()); };

  REQUIRE_FALSE(command(R"({"command":"sendText","text":"hello room"})"));
  CHECK(lastSent().type == MessageType::Text);
  CHECK(lastSent().receiver == "room");
  CHECK((*lastSent().data)["text"] == "hello room");
  REQUIRE_FALSE(command(R"({"command":"sendText","text":"psst","to":")" + kX + R"("})"));
  CHECK(lastSent().receiver == kX);
  REQUIRE(rig.app.manager().chat().size() == 1);
  CHECK(rig.app.manager().chat()[0].toId == kX);
  CHECK(command(R"({"command":"sendText","text":"psst","to":")" + std::string(32, 'f') + R"("})"));

  REQUIRE_FALSE(command(R"({"command":"setMuted","muted":true})"));
  CHECK(rig.app.manager().muted());
  CHECK_FALSE(rig.media.enabled(rig.app.manager().microphone()->id));
  REQUIRE_FALSE(command(R"({"command":"setCamera","on":false})"));
  CHECK_FALSE(rig.app.manager().cameraEnabled());
  REQUIRE_FALSE(command(R"({"command":"setCamera","on":true})"));
  CHECK(rig.app.manager().cameraEnabled());
  REQUIRE_FALSE(command(R"({"command":"setScreenShare","on":true})"));
  rig.clock.advance(100ms);
  CHECK(rig.app.manager().screen().has_value());
  REQUIRE_FALSE(command(R"({"command":"setScreenShare","on":false})"));
  CHECK_FALSE(rig.app.manager().screen().has_value());

  const auto refusal = [&command](const std::string& json) {
    auto error = command(json);
    return error ? error->message : std::string("(accepted)");
  };
  CHECK_THAT(refusal("{\"command\":"), Catch::Contains("a command must be JSON"));
  CHECK_THAT(refusal("[\"leave\"]"), Catch::Contains("an object with a \"command\" string"));
  CHECK_THAT(refusal(R"({"command":7})"), Catch::Contains("an object with a \"command\" string"));
  CHECK_THAT(refusal(R"({"command":"dance"})"), Catch::Contains("unknown command \"dance\""));
  CHECK_THAT(refusal(R"({"command":"sendText"})"), Catch::Contains("sendText needs a \"text\" string"));
  CHECK_THAT(refusal(R"({"command":"sendText","text":""})"), Catch::Contains("empty"));
  CHECK_THAT(refusal(R"({"command":"setMuted","muted":"yes"})"), Catch::Contains("setMuted needs"));
  CHECK_THAT(refusal(R"({"command":"setCamera"})"), Catch::Contains("setCamera needs"));
  CHECK_THAT(refusal(R"({"command":"setScreenShare","on":1})"), Catch::Contains("setScreenShare needs"));
  CHECK(rig.app.manager().muted());  // a refused command changes nothing
  CHECK(rig.app.screen() == AppController::Screen::Room);

  REQUIRE_FALSE(command(R"({"command":"leave"})"));
  CHECK(rig.app.screen() == AppController::Screen::Left);
  CHECK_THAT(refusal(R"({"command":"sendText","text":"anyone?"})"), Catch::Contains("left the room"));
}

TEST_CASE("what happens in the call reaches the embedder as JSON events, and the state as the host asks", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.media.refuse(TrackKind::Video, "NotAllowedError: Permission denied");
  rig.enterOpenRoom();
  rig.clock.advance(100ms);
  rig.serverJoin({{kSelf, "Ann"}});
  rig.setRoom({{kSelf, "Ann"}, {kX, "Xena"}});
  rig.probe->injectText(fromPeer(kX, kSelf, MessageType::Text, toJson(TextData{"Xena", kNow, "hi"})));
  rig.probe->injectText(fromPeer(kX, kSelf, MessageType::Bye, nullptr));
  rig.setRoom({{kSelf, "Ann"}});

  CHECK(rig.published({{"event", "media-error"},
                       {"code", "camera-denied"},
                       {"text", "could not use the camera: NotAllowedError: Permission denied"}}));
  CHECK(rig.published({{"event", "joined"}, {"peer", kSelf}, {"name", "Ann"}, {"room", "standup"}}));
  CHECK(rig.published({{"event", "peer-joined"},
                       {"peer", kX},
                       {"name", "Xena"},
                       {"present", false},
                       {"muted", nullptr},
                       {"cameraOff", nullptr},
                       {"sharingScreen", nullptr}}));
  CHECK(rig.published(
      {{"event", "text"}, {"peer", kX}, {"name", "Xena"}, {"text", "hi"}, {"to", nullptr}, {"private", false}}));
  CHECK(rig.published({{"event", "peer-state"}, {"peer", kX}, {"name", "Xena"}, {"state", "closed"}}));
  CHECK(rig.published({{"event", "peer-left"}, {"peer", kX}, {"name", "Xena"}}));

  // The host asks for the state when it wants it, and is told when it changed.
  CHECK(rig.platform.stateChanges > 0);
  const unsigned before = rig.platform.stateChanges;
  rig.setRoom({{kSelf, "Ann"}, {kX, "Xena"}});
  CHECK(rig.platform.stateChanges > before);
  REQUIRE(rig.platform.stateSource);
  const Json state = Json::parse(rig.platform.stateSource());
  CHECK(state == rig.app.snapshot());
  CHECK(state["screen"] == "room");
  CHECK(state["prejoin"]["room"] == "standup");
  CHECK(state["lobby"].contains("rooms"));
  CHECK(state["ui"] == Json{{"Join", {1, 2, 3, 4}}});  // what the UI adds
  REQUIRE(state["peers"].size() == 1);
  CHECK(state["peers"][0]["video"]["frames"] == 0);
  REQUIRE(state["notifications"].size() == 4);
  CHECK(state["notifications"][1] == Json{{"kind", "peer-joined"}, {"text", "Xena joined"}, {"time", kNow}});
}

// A room-info whose members say whether they are muted and their camera is off.
std::string roomWithMedia(const std::vector<std::tuple<std::string, std::string, bool, bool>>& members) {
  Json clients = Json::array();
  for (const auto& [id, name, muted, cameraOff] : members) {
    clients.push_back({{"id", id}, {"username", name}, {"muted", muted}, {"camera_off", cameraOff}});
  }
  return dumpJson(Json{{"room_id", "r"}, {"clients", std::move(clients)}});
}

TEST_CASE("the embedder can mirror the call from events alone: who was there, who mutes, private lines, our own media, leaving", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.media.refuse(TrackKind::Video, "NotAllowedError: Permission denied");
  rig.enterOpenRoom();
  rig.clock.advance(100ms);
  rig.probe->injectOpen();
  rig.probe->injectText(fromServer("pong", kSelf));
  rig.probe->injectText(fromServer("ice-servers", kSelf, "[]"));
  // Xena was there before us, muted: no notification, but a peer-joined marked present.
  rig.probe->injectText(fromServer("room-info", kSelf, roomWithMedia({{kX, "Xena", true, false}, {kSelf, "Ann", false, true}})));
  CHECK(rig.published({{"event", "peer-joined"},
                       {"peer", kX},
                       {"name", "Xena"},
                       {"present", true},
                       {"muted", true},
                       {"cameraOff", false},
                       {"sharingScreen", nullptr}}));
  CHECK(rig.notes() == std::vector<std::string>{"media-error: could not use the camera: NotAllowedError: Permission denied"});
  // She unmutes.
  rig.probe->injectText(fromServer("room-info", kSelf, roomWithMedia({{kX, "Xena", false, false}, {kSelf, "Ann", false, true}})));
  CHECK(rig.published({{"event", "peer-media"},
                       {"peer", kX},
                       {"name", "Xena"},
                       {"muted", false},
                       {"cameraOff", false},
                       {"sharingScreen", nullptr}}));
  // A line for us alone says so.
  rig.probe->injectText(fromPeer(kX, kSelf, MessageType::Text, toJson(TextData{"Xena", kNow, "psst", true})));
  CHECK(rig.published(
      {{"event", "text"}, {"peer", kX}, {"name", "Xena"}, {"text", "psst"}, {"to", kSelf}, {"private", true}}));

  // Our own media, as the others see it: the camera was refused, so it is off; and the state
  // says the same as the UI.
  CHECK(rig.published({{"event", "media"},
                       {"muted", false},
                       {"cameraOff", true},
                       {"sharingScreen", false},
                       {"microphone", true},
                       {"camera", false}}));
  CHECK(rig.app.snapshot()["media"]["cameraEnabled"] == false);
  REQUIRE_FALSE(rig.app.command(R"({"command":"setMuted","muted":true})"));
  CHECK(rig.events().back() == Json{{"event", "media"},
                                    {"muted", true},
                                    {"cameraOff", true},
                                    {"sharingScreen", false},
                                    {"microphone", true},
                                    {"camera", false}});

  REQUIRE_FALSE(rig.app.command(R"({"command":"leave"})"));
  CHECK(rig.published({{"event", "left"}, {"room", "standup"}, {"reason", "leave"}}));
  const auto refused = rig.app.command(R"({"command":"setMuted","muted":false})");
  REQUIRE(refused);
  CHECK_THAT(refused->message, Catch::Contains("you have left the room"));
}

TEST_CASE("the embedder's password takes a name straight into a password room, and a wrong one is an error event", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann", "open sesame");
  rig.app.start();
  rig.http.reply(200, described("standup", true, true));
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms/standup/join");
  CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "open sesame"}});
  rig.http.reply(200, R"({"token":"t0ken"})");
  CHECK(rig.app.screen() == AppController::Screen::Room);
  REQUIRE(rig.probe->opened.size() == 1);
  CHECK(rig.probe->opened[0] == "ws://orbit.test/room/standup/ws");
  CHECK(rig.probe->offered[0] == std::vector<std::string>{"orbit", "orbit-token.t0ken"});
  const auto all = rig.events();
  CHECK(std::none_of(all.begin(), all.end(), [](const Json& e) { return e["event"] == "error"; }));

  AppRig wrong("http://orbit.test/room/standup?name=Ann", "guess");
  wrong.app.start();
  wrong.http.reply(200, described("standup", true, true));
  wrong.http.reply(401, R"({"error":"wrong password"})");
  CHECK(wrong.app.screen() == AppController::Screen::PreJoin);
  CHECK(wrong.events().back() == Json{{"event", "error"}, {"code", "wrong-password"}, {"message", "Wrong password: try again."}});
}

TEST_CASE("a room we cannot get into is an error event with a code: full, password, unreachable", "[app]") {
  SECTION("full") {
    AppRig rig("http://orbit.test/room/standup?name=Ann");
    rig.app.start();
    rig.http.reply(200, described("standup", true, false, 5, 5));
    CHECK(rig.published({{"event", "error"},
                         {"code", "room-full"},
                         {"message", "This room is full (5 of 5 people). Wait for a place, or try again later."}}));
  }
  SECTION("a password room, then a wrong password") {
    AppRig rig("http://orbit.test/room/standup?name=Ann");
    rig.app.start();
    rig.http.reply(200, described("standup", true, true));
    CHECK(rig.published({{"event", "error"}, {"code", "password-required"}, {"message", "This room needs a password."}}));
    rig.app.preJoin().join("Ann", "guess");
    rig.http.reply(401, R"({"error":"wrong password"})");
    CHECK(rig.events().back() ==
          Json{{"event", "error"}, {"code", "wrong-password"}, {"message", "Wrong password: try again."}});
  }
  SECTION("a name in the address that the server would refuse") {
    AppRig rig("http://orbit.test/room/standup?name=" + std::string(65, 'x'));
    rig.app.start();
    rig.http.reply(200, described("standup", true, false));
    CHECK(rig.app.screen() == AppController::Screen::PreJoin);
    CHECK(rig.probe->opened.empty());
    REQUIRE_FALSE(rig.events().empty());
    CHECK(rig.events().back()["code"] == "bad-name");
    CHECK_THAT(rig.events().back()["message"].get<std::string>(), Catch::Contains("64"));
  }
  SECTION("the server cannot be reached, told once however often the client retries") {
    AppRig rig("http://orbit.test/room/standup?name=Ann");
    rig.enterOpenRoom();
    const auto told = [&rig] {
      const auto all = rig.events();
      return std::count_if(all.begin(), all.end(), [](const Json& e) { return e.value("code", "") == "unreachable"; });
    };
    rig.probe->injectError("connection refused");
    rig.probe->injectClose(1006);
    // The client asks whether the room is full (a browser is not told why a WebSocket failed).
    REQUIRE(rig.http.requests.size() == 1);
    rig.http.reply(200, described("standup", true, false));
    CHECK(told() == 1);
    for (int i = 0; i < 3; ++i) {
      rig.clock.advance(Signaler::Options{}.maxBackoff);
      rig.probe->injectError("connection refused");
      rig.probe->injectClose(1006);
    }
    CHECK(told() == 1);
  }
}

TEST_CASE("notifications tell who came and went and which device failed, and each is redrawn away", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.media.refuse(TrackKind::Audio, "NotFoundError: no microphone");
  rig.enterOpenRoom();
  rig.clock.advance(100ms);
  rig.serverJoin({{kSelf, "Ann"}});
  rig.setRoom({{kSelf, "Ann"}, {kX, "Xena"}});
  rig.setRoom({{kSelf, "Ann"}});
  CHECK(rig.notes() == std::vector<std::string>{"media-error: could not use the microphone: NotFoundError: no microphone",
                                                "peer-joined: Xena joined", "peer-left: Xena left"});
  const int redraws = rig.redraws;
  rig.clock.advance(AppController::kNotificationTime);
  CHECK(rig.redraws > redraws);  // the ones due to disappear are drawn away

  for (int i = 0; i < 30; ++i) {
    rig.setRoom({{kSelf, "Ann"}, {kX, "Xena"}});
    rig.setRoom({{kSelf, "Ann"}});
  }
  CHECK(rig.app.notifications().size() == AppController::kMaxNotifications);
  CHECK(rig.app.notifications().back().text == "Xena left");
}

TEST_CASE("a lost server is told once, its return once, and nothing after leaving", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  rig.serverJoin({{kSelf, "Ann"}});
  CHECK(rig.notes().empty());  // the first connection is not news

  rig.probe->injectClose(1006);
  CHECK(rig.notes() == std::vector<std::string>{"connection: Lost the server; reconnecting. Calls in progress go on."});
  CHECK(rig.http.requests.empty());  // an open room has no token to renew
  // Every retry fails for a while: one notification says so, not one per retry.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::size_t opened = rig.probe->opened.size();
    rig.clock.advance(20s);
    REQUIRE(rig.probe->opened.size() == opened + 1);
    rig.probe->injectClose(1006);
  }
  REQUIRE(rig.notes().size() == 2);
  CHECK_THAT(rig.notes()[1], Catch::StartsWith("connection: Cannot reach the server: "));
  rig.clock.advance(20s);
  rig.serverJoin({{kSelf, "Ann"}});
  CHECK(rig.notes().back() == "connection: Reconnected to the server");
  CHECK(rig.notes().size() == 3);
  // The embedder heard: disconnected (once), reconnected; the failed retries are no error.
  std::vector<std::string> heard;
  for (const Json& event : rig.events()) {
    const std::string name = event["event"];
    if (name == "disconnected" || name == "reconnected" || name == "error") heard.push_back(name);
  }
  CHECK(heard == std::vector<std::string>{"disconnected", "reconnected"});

  // Lost again after the return: told again.
  rig.probe->injectClose(1006);
  CHECK(rig.notes().size() == 4);
  rig.clock.advance(20s);
  rig.probe->injectClose(1006);
  CHECK(rig.notes().size() == 5);
  rig.clock.advance(20s);
  rig.serverJoin({{kSelf, "Ann"}});
  CHECK(rig.notes().size() == 6);

  const std::size_t opened = rig.probe->opened.size();
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"leave"})"));
  rig.probe->injectClose(1000);
  rig.clock.advance(60s);
  CHECK(rig.notes().size() == 6);
  CHECK(rig.probe->opened.size() == opened);  // and no reconnect
}

TEST_CASE("a server that cannot be reached from the start is told once, not at every retry", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  for (int attempt = 0; attempt < 5; ++attempt) {
    rig.probe->injectError("connection refused");
    rig.probe->injectClose(1006);
    if (attempt == 0) {
      // The first refusal asks whether the room is full; the server cannot be reached at all.
      REQUIRE(rig.http.requests.size() == 1);
      CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms/standup");
      rig.http.fail("connection refused");
    }
    CHECK(rig.http.requests.empty());
    rig.clock.advance(20s);
  }
  CHECK(rig.probe->opened.size() == 6);
  REQUIRE(rig.notes().size() == 1);
  CHECK_THAT(rig.notes()[0], Catch::StartsWith("connection: Cannot reach the server: "));
  rig.serverJoin({{kSelf, "Ann"}});
  CHECK(rig.notes().size() == 1);  // the first connection is not a return
}

TEST_CASE("a reconnect to a password room offers a fresh token, traded for the password that got us in", "[app]") {
  AppRig rig("https://orbit.test/room/vault?name=Ann");
  rig.app.start();
  CHECK(rig.preJoinOpenedWith == std::vector<std::string>{"Ann"});
  rig.http.reply(200, described("vault", true, true));
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);  // the name alone is not enough
  rig.app.preJoin().join("Ann", "sesame");
  REQUIRE(rig.http.requests.size() == 1);
  rig.http.reply(200, R"({"token":"1.aa"})");
  CHECK(rig.app.screen() == AppController::Screen::Room);
  CHECK(rig.probe->opened == std::vector<std::string>{"wss://orbit.test/room/vault/ws"});
  CHECK(rig.probe->offered.back() == std::vector<std::string>{"orbit", "orbit-token.1.aa"});
  rig.serverJoin({{kSelf, "Ann"}});

  rig.probe->injectClose(1006);
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].method == "POST");
  CHECK(rig.http.requests[0].url == "https://orbit.test/api/rooms/vault/join");
  CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "sesame"}});
  rig.http.reply(200, R"({"token":"2.bb"})");
  rig.clock.advance(20s);
  CHECK(rig.probe->opened.back() == "wss://orbit.test/room/vault/ws");
  CHECK(rig.probe->offered.back() == std::vector<std::string>{"orbit", "orbit-token.2.bb"});

  // Each loss asks again: the next reconnect may come after this token expired too.
  rig.probe->injectClose(1006);
  REQUIRE(rig.http.requests.size() == 1);
  rig.http.reply(200, R"({"token":"3.cc"})");
  rig.clock.advance(20s);
  CHECK(rig.probe->opened.back() == "wss://orbit.test/room/vault/ws");
  CHECK(rig.probe->offered.back() == std::vector<std::string>{"orbit", "orbit-token.3.cc"});
}

TEST_CASE("when the network or the page comes back, a lost server is tried again at once", "[app]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  rig.serverJoin({{kSelf, "Ann"}});
  REQUIRE(rig.platform.resume);
  rig.platform.resume();  // nothing lost: nothing to retry
  CHECK(rig.probe->opened.size() == 1);
  rig.probe->injectClose(1006);
  REQUIRE(rig.app.manager().signaler().reconnectPending());
  rig.platform.resume();
  CHECK(rig.probe->opened.size() == 2);
  CHECK(rig.app.manager().signaler().state() == ConnectionState::Reconnecting);
}

TEST_CASE("a room that filled up before our WebSocket opened brings back the pre-join screen saying so, "
          "never a connection failure",
          "[app][full]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();  // one place left when looked up
  REQUIRE(rig.probe->opened.size() == 1);
  // Someone took the last place; a browser is not told why an upgrade was refused.
  rig.probe->injectError("the WebSocket connection failed");
  rig.probe->injectClose(1006);
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms/standup");
  rig.http.reply(200, described("standup", true, false, 2, 2));
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);
  CHECK(rig.app.preJoin().full());
  CHECK(rig.app.preJoin().error() == "This room is full (2 of 2 people). Wait for a place, or try again later.");
  CHECK(rig.notes().empty());  // no "Cannot reach the server"
  // It stops trying: no knocking on a full room's door every few seconds.
  rig.clock.advance(60s);
  CHECK(rig.probe->opened.size() == 1);
  CHECK(rig.app.snapshot()["prejoin"]["full"] == true);
  // The self-view is back for the pre-join screen.
  CHECK(rig.media.liveTracks() == 2);

  // Waiting: asked every few seconds, and in as soon as a place is free.
  rig.app.preJoin().waitForPlace("Ann");
  CHECK(rig.app.preJoin().waiting());
  REQUIRE(rig.http.requests.size() == 1);
  rig.http.reply(200, described("standup", true, false, 2, 2));
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);
  rig.clock.advance(PreJoin::kWaitPoll);
  REQUIRE(rig.http.requests.size() == 1);
  rig.http.reply(200, described("standup", true, false, 1, 2));
  CHECK(rig.app.screen() == AppController::Screen::Room);
  CHECK_FALSE(rig.app.preJoin().waiting());
  REQUIRE(rig.probe->opened.size() == 2);
  rig.serverJoin({{kX, "Xena"}, {kSelf, "Ann"}});
  CHECK(rig.app.snapshot()["connection"] == "open");
  CHECK(rig.notes().empty());
}

TEST_CASE("a WebSocket refused by a connection limit brings back the pre-join screen with the server's words and "
          "when to try again, never a connection failure",
          "[app][limits]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  REQUIRE(rig.probe->opened.size() == 1);
  // Too many tabs from this address: a browser is not told why the upgrade was refused, and the
  // look-up answers with the refusal the WebSocket got (server/http_api.cpp, describeRoom).
  rig.probe->injectError("the WebSocket connection failed");
  rig.probe->injectClose(1006);
  REQUIRE(rig.http.requests.size() == 1);
  rig.http.reply(429, R"({"error":"too many new connections from your address: at most 10 a second","retry_after":3})");
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);
  const std::string said = "Too many new connections from your address: at most 10 a second; try again in 3 s.";
  CHECK(rig.app.preJoin().error() == said);
  CHECK(rig.app.preJoin().errorCode() == "refused");
  CHECK(rig.published({{"event", "error"}, {"code", "refused"}, {"message", said}}));
  CHECK(rig.notes().empty());  // no "Cannot reach the server"
  rig.clock.advance(60s);
  CHECK(rig.probe->opened.size() == 1);  // no retries that would only be refused again
}

TEST_CASE("a refused WebSocket to a room with room to spare is a connection problem, and told so", "[app][full]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  rig.probe->injectError("the WebSocket connection failed");
  rig.probe->injectClose(1006);
  rig.http.reply(200, described("standup", true, false, 1, 2));
  CHECK(rig.app.screen() == AppController::Screen::Room);
  REQUIRE(rig.notes().size() == 1);
  CHECK_THAT(rig.notes()[0], Catch::StartsWith("connection: Cannot reach the server: "));
  rig.clock.advance(20s);
  CHECK(rig.probe->opened.size() == 2);  // still trying
}

TEST_CASE("after Leave nothing of the call is live, Rejoin goes back in as the same person, and Back to the "
          "lobby shows the lobby",
          "[app][left]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  rig.serverJoin({{kSelf, "Ann"}, {kX, "Xena"}});
  rig.clock.advance(100ms);
  CHECK(rig.app.preJoin().roomName() == "Stand-up");
  rig.app.leave();
  CHECK(rig.app.screen() == AppController::Screen::Left);
  CHECK(rig.media.liveTracks() == 0);
  CHECK_FALSE(rig.platform.commandSink(R"({"command":"leave"})"));  // twice is once
  CHECK(rig.app.screen() == AppController::Screen::Left);

  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"rejoin"})"));
  // Looked up again (the room may have filled meanwhile), then straight in under the same name.
  REQUIRE(rig.http.requests.size() == 1);
  rig.http.reply(200, described("standup", true, false, 1, 50));
  CHECK(rig.app.screen() == AppController::Screen::Room);
  REQUIRE(rig.probe->opened.size() == 2);
  CHECK(rig.probe->opened.back() == "ws://orbit.test/room/standup/ws");
  rig.probe->injectOpen();
  CHECK(rig.app.snapshot()["self"]["name"] == "Ann");
  rig.clock.advance(100ms);
  CHECK(rig.media.liveTracks() == 2);  // the camera and microphone again
  CHECK(rig.notes().empty());          // a rejoin is no "Reconnected"

  rig.app.leave();
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"rejoin"})"));
  rig.http.reply(200, described("standup", true, false, 1, 50));
  rig.app.leave();
  rig.app.backToLobby();
  CHECK(rig.app.screen() == AppController::Screen::Lobby);
  CHECK(rig.platform.addresses.back() == "http://orbit.test/");
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms");
  CHECK_THAT(rig.platform.commandSink(R"({"command":"rejoin"})")->message, Catch::Contains("not left"));
  CHECK_THAT(rig.platform.commandSink(R"({"command":"leave"})")->message, Catch::Contains("not in a room"));
}

TEST_CASE("a page under a base path keeps the lobby, the API, the address bar and the WebSocket under it", "[app][base-path]") {
  AppRig rig("https://example.org/orbit/");
  rig.app.start();
  CHECK(rig.app.screen() == AppController::Screen::Lobby);
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "https://example.org/orbit/api/rooms");
  rig.http.reply(200, "[]");

  rig.app.lobby().create({"Team Sync", "", true, 0});
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "https://example.org/orbit/api/rooms");
  rig.http.reply(201, R"({"room_id":"team-sync"})");
  CHECK(rig.platform.addresses == std::vector<std::string>{"https://example.org/orbit/room/team-sync"});
  CHECK(rig.app.inviteUrl() == "https://example.org/orbit/room/team-sync");
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "https://example.org/orbit/api/rooms/team-sync");
  rig.http.reply(200, described("team-sync", true, false));
  rig.app.preJoin().join("Ann", "");
  CHECK(rig.app.screen() == AppController::Screen::Room);
  CHECK(rig.probe->opened == std::vector<std::string>{"wss://example.org/orbit/room/team-sync/ws"});

  rig.app.leave();
  rig.app.backToLobby();
  CHECK(rig.platform.addresses.back() == "https://example.org/orbit/");
}

TEST_CASE("?relay=1 makes every connection relay-only, and one the relay refuses is told in plain words, on screen and to the embedder",
          "[app][turn]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann&relay=1");
  rig.peers.setTurnRefuses(true);
  rig.enterOpenRoom();
  rig.probe->injectOpen();
  rig.probe->injectText(fromServer("pong", kSelf));
  rig.probe->injectText(
      fromServer("ice-servers", kSelf, R"([{"urls":["turn:turn.example:3478?transport=udp"],"username":"u","credential":"c"}])"));
  // Xena was there first: we offer at once, and gather for it.
  rig.setRoom({{kX, "Xena"}, {kSelf, "Ann"}});
  rig.clock.advance(1000ms);

  const std::string text =
      "Could not connect to Xena: the relay server (TURN) refused our credentials (401 Unauthorized). Relay-only is on, so "
      "only connections through the relay server are allowed.";
  CHECK(rig.app.snapshot()["iceTransportPolicy"] == "relay");
  const std::vector<std::string> notes = rig.notes();
  CHECK(std::count(notes.begin(), notes.end(), "peer-failed: " + text) == 1);
  CHECK(rig.published({{"event", "peer-failed"}, {"peer", kX}, {"name", "Xena"}, {"text", text}}));
}

// The commands behind the page elements that mirror the lobby, the pre-join and the Left screens
// for screen readers (library_orbit_a11y.js): each does what the canvas's button does.
namespace {

std::string refusalOf(AppRig& rig, const std::string& json) {
  auto error = rig.platform.commandSink(json);
  return error ? error->message : std::string("(accepted)");
}

}  // namespace

TEST_CASE("createRoom creates the room as the lobby's form does, and a refusal is the form's error",
          "[app][a11y]") {
  AppRig rig("http://orbit.test/");
  rig.app.start();
  rig.http.reply(200, "[]");

  // What the canvas's form refuses is the form's error, in the state; the command itself went through.
  CHECK(refusalOf(rig, R"({"command":"createRoom","name":"!!!"})") == "(accepted)");
  CHECK(rig.app.snapshot()["lobby"]["createError"] == "Give the room a name with some letters or digits.");
  CHECK(refusalOf(rig, R"({"command":"createRoom","name":"Den","guestLimit":-2})") == "(accepted)");
  CHECK_THAT(rig.app.lobby().createError(), Catch::Contains("guest limit"));
  CHECK(rig.http.requests.empty());
  // A malformed command is refused, and nothing is asked.
  CHECK_THAT(refusalOf(rig, R"({"command":"createRoom"})"), Catch::Contains("createRoom needs a \"name\" string"));
  CHECK_THAT(refusalOf(rig, R"({"command":"createRoom","name":"Den","public":"yes"})"), Catch::Contains("\"public\""));
  CHECK_THAT(refusalOf(rig, R"({"command":"createRoom","name":"Den","guestLimit":1.5})"),
             Catch::Contains("\"guestLimit\""));
  CHECK_THAT(refusalOf(rig, R"({"command":"createRoom","name":"Den","guestLimit":99999999999})"),
             Catch::Contains("\"guestLimit\""));
  CHECK(rig.http.requests.empty());

  const std::string create =
      R"({"command":"createRoom","name":"Team Sync","password":"pw","public":false,"guestLimit":3})";
  CHECK(refusalOf(rig, create) == "(accepted)");
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].method == "POST");
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms");
  CHECK(Json::parse(*rig.http.requests[0].body) ==
        Json{{"name", "Team Sync"}, {"public", false}, {"guest_limit", 3}, {"password", "pw"}});
  CHECK(rig.app.snapshot()["lobby"]["creating"] == true);
  // Pressed again while the first is on its way (the canvas's button is disabled then).
  CHECK_THAT(refusalOf(rig, R"({"command":"createRoom","name":"Team Sync"})"), Catch::Contains("being created"));
  CHECK(rig.http.requests.size() == 1);

  // Its creator is not asked for the password she chose: the token comes with the room.
  rig.http.reply(201, R"({"room_id":"team-sync","token":"t0ken"})");
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);
  CHECK(rig.platform.addresses.back() == "http://orbit.test/room/team-sync");
  CHECK_THAT(refusalOf(rig, R"({"command":"createRoom","name":"Again"})"), Catch::Contains("not on the lobby"));

  // The defaults are the canvas's form's: public, no guest limit of its own.
  AppRig other("http://orbit.test/");
  other.app.start();
  other.http.reply(200, "[]");
  REQUIRE_FALSE(other.platform.commandSink(R"({"command":"createRoom","name":"Open Plan"})"));
  CHECK(Json::parse(*other.http.requests[0].body) ==
        Json{{"name", "Open Plan"}, {"public", true}, {"guest_limit", 0}});
  other.http.reply(409, R"({"error":"taken"})");
  CHECK(other.app.screen() == AppController::Screen::Lobby);
  CHECK_THAT(other.app.snapshot()["lobby"]["createError"].get<std::string>(), Catch::Contains("exists already"));
}

TEST_CASE("openRoom opens a room by its typed name or from the public list, as the lobby's Join buttons do",
          "[app][a11y]") {
  AppRig rig("http://orbit.test/");
  rig.app.start();
  CHECK(rig.app.snapshot()["lobby"]["listed"] == false);  // "Loading...", not "no rooms"
  rig.http.reply(200, R"([{"room_id":"standup","name":"Stand-up","clients":1,"guest_limit":50,"has_password":false}])");
  CHECK(rig.app.snapshot()["lobby"]["listed"] == true);

  CHECK(refusalOf(rig, R"({"command":"openRoom","name":"  !!  "})") == "(accepted)");
  CHECK(rig.app.snapshot()["lobby"]["joinError"] == "Type the room's name: some letters or digits.");
  CHECK(rig.app.screen() == AppController::Screen::Lobby);
  CHECK_THAT(refusalOf(rig, R"({"command":"openRoom"})"), Catch::Contains("openRoom needs a \"name\""));
  CHECK_THAT(refusalOf(rig, R"({"command":"openRoom","room":"Stand Up"})"), Catch::Contains("is no room's id"));
  CHECK(rig.app.screen() == AppController::Screen::Lobby);

  // By its name as typed: the slug of it.
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"openRoom","name":"Team Sync"})"));
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);
  CHECK(rig.app.snapshot()["prejoin"]["room"] == "team-sync");
  CHECK(rig.platform.addresses.back() == "http://orbit.test/room/team-sync");
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms/team-sync");
  CHECK_THAT(refusalOf(rig, R"({"command":"openRoom","room":"standup"})"), Catch::Contains("not on the lobby"));

  // From the list: the room's id.
  AppRig listed("http://orbit.test/");
  listed.app.start();
  listed.http.reply(200, "[]");
  REQUIRE_FALSE(listed.platform.commandSink(R"({"command":"openRoom","room":"standup"})"));
  CHECK(listed.app.screen() == AppController::Screen::PreJoin);
  CHECK(listed.app.snapshot()["prejoin"]["room"] == "standup");
}

TEST_CASE("join on the pre-join screen lets in with the typed name and password, and says why not as the screen does",
          "[app][a11y]") {
  AppRig rig("http://orbit.test/room/standup");
  rig.app.start();
  CHECK(rig.app.snapshot()["prejoin"]["username"] == "");
  // Still looking the room up: Join is disabled on the canvas, and refused here.
  CHECK_THAT(refusalOf(rig, R"({"command":"join","name":"Ann"})"), Catch::Contains("waiting for the server's answer"));
  rig.http.reply(200, described("standup", true, true));
  CHECK(rig.app.snapshot()["prejoin"]["access"] == "password");
  CHECK_THAT(refusalOf(rig, R"({"command":"join"})"), Catch::Contains("join needs a \"name\" string"));
  CHECK_THAT(refusalOf(rig, R"({"command":"leave"})"), Catch::Contains("not in a room"));

  // A name the server would refuse, then the name mended: the error goes, as when typed in the canvas.
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"join","name":"   ","password":"x"})"));
  CHECK(rig.app.preJoin().errorCode() == "bad-name");
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"draft","name":"Ann"})"));
  CHECK(rig.app.preJoin().error().empty());
  CHECK(rig.http.requests.empty());

  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"join","name":"Ann"})"));
  CHECK(rig.app.preJoin().errorCode() == "password-required");
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"join","name":"Ann","password":"guess"})"));
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms/standup/join");
  CHECK(Json::parse(*rig.http.requests[0].body) == Json{{"password", "guess"}});
  rig.http.reply(401, R"({"error":"wrong password"})");
  CHECK(rig.app.snapshot()["prejoin"]["errorCode"] == "wrong-password");
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);

  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"join","name":"Ann","password":"sesame"})"));
  rig.http.reply(200, R"({"token":"t0ken"})");
  CHECK(rig.app.screen() == AppController::Screen::Room);
  CHECK(rig.probe->offered.back() == std::vector<std::string>{"orbit", "orbit-token.t0ken"});
  rig.serverJoin({{kSelf, "Ann"}});
  CHECK(rig.app.snapshot()["self"]["name"] == "Ann");
  CHECK(rig.app.snapshot()["prejoin"]["username"] == "Ann");  // the name a rejoin starts with
  CHECK_THAT(refusalOf(rig, R"({"command":"join","name":"Ann"})"), Catch::Contains("not on the pre-join screen"));
}

TEST_CASE("the fields' drafts: the page's edits reach the canvas, never the state, and a pre-join screen starts afresh",
          "[app][a11y]") {
  // The canvas and the page's copy of each screen (library_orbit_a11y.js) show the same drafts.
  AppRig rig("http://orbit.test/");
  rig.app.start();
  rig.http.reply(200, "[]");
  REQUIRE(rig.platform.draftSource);
  const int redraws = rig.redraws;
  REQUIRE_FALSE(rig.platform.commandSink(
      R"({"command":"draft","roomName":"Hall","roomPassword":"sesame","guestLimit":5,"isPublic":false})"));
  CHECK(rig.redraws > redraws);  // the canvas's fields take it
  const Drafts& drafts = rig.app.drafts();
  CHECK(drafts.roomName == "Hall");
  CHECK(drafts.roomPassword == "sesame");
  CHECK(drafts.guestLimit == 5);
  CHECK_FALSE(drafts.isPublic);
  CHECK(Json::parse(rig.platform.draftSource())["roomPassword"] == "sesame");
  // What the embedding page (or an iframe's parent) reads has no password typed.
  CHECK(rig.platform.stateSource().find("sesame") == std::string::npos);

  // One field of the wrong type: nothing is taken.
  CHECK(refusalOf(rig, R"({"command":"draft","joinName":"Yard","guestLimit":"5"})") ==
        "draft: \"guestLimit\" is a whole number");
  CHECK_THAT(refusalOf(rig, R"({"command":"draft","chatText":1})"), Catch::Contains("\"chatText\" is a string"));
  CHECK(drafts.joinName.empty());
  CHECK(drafts.guestLimit == 5);

  // The pre-join screen opens with the name we go by, and no password.
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"draft","name":"Old","password":"old"})"));
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"openRoom","name":"Hall"})"));
  CHECK(rig.app.screen() == AppController::Screen::PreJoin);
  CHECK(drafts.name.empty());
  CHECK(drafts.password.empty());
  CHECK(drafts.roomName == "Hall");  // the lobby's stay for the way back
  AppRig named("http://orbit.test/room/standup?name=Ann");
  named.app.start();
  CHECK(named.app.drafts().name == "Ann");
  CHECK(named.preJoinOpenedWith == std::vector<std::string>{"Ann"});
  // A call starts with its lines to everyone: an id chosen before is of another call.
  REQUIRE_FALSE(named.platform.commandSink(R"({"command":"draft","chatTo":"0123","chatText":"hi"})"));
  named.http.reply(200, described("standup", true, false));
  CHECK(named.app.screen() == AppController::Screen::Room);
  CHECK(named.app.drafts().chatTo.empty());
  CHECK(named.app.drafts().chatText == "hi");
}

TEST_CASE("waitForPlace and stopWaiting wait for a place in a full room, as the pre-join screen's buttons do",
          "[app][a11y]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.app.start();
  CHECK(rig.app.snapshot()["prejoin"]["username"] == "Ann");
  rig.http.reply(200, described("standup", true, false, 5, 5));
  CHECK(rig.app.preJoin().errorCode() == "room-full");
  CHECK_THAT(refusalOf(rig, R"({"command":"waitForPlace"})"), Catch::Contains("waitForPlace needs a \"name\""));

  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"waitForPlace","name":"Ann"})"));
  CHECK(rig.app.snapshot()["prejoin"]["waiting"] == true);
  CHECK_THAT(refusalOf(rig, R"({"command":"join","name":"Ann"})"), Catch::Contains("waiting for a place"));
  CHECK_THAT(refusalOf(rig, R"({"command":"waitForPlace","name":"Ann"})"), Catch::Contains("waiting for a place"));
  REQUIRE(rig.http.requests.size() == 1);
  rig.http.reply(200, described("standup", true, false, 5, 5));
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"stopWaiting"})"));
  CHECK(rig.app.snapshot()["prejoin"]["waiting"] == false);
  rig.clock.advance(PreJoin::kWaitPoll);
  CHECK(rig.http.requests.empty());  // no more asking

  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"waitForPlace","name":"Ann"})"));
  rig.http.reply(200, described("standup", true, false, 4, 5));
  CHECK(rig.app.screen() == AppController::Screen::Room);
  CHECK_THAT(refusalOf(rig, R"({"command":"stopWaiting"})"), Catch::Contains("not on the pre-join screen"));

  // A room with room to spare: there is nothing to wait for.
  AppRig roomy("http://orbit.test/room/standup");
  roomy.app.start();
  roomy.http.reply(200, described("standup", true, false, 1, 5));
  CHECK_THAT(refusalOf(roomy, R"({"command":"waitForPlace","name":"Ann"})"), Catch::Contains("not full"));
}

TEST_CASE("backToLobby goes from the Left screen to the lobby, as its button does, and only from there",
          "[app][a11y]") {
  AppRig rig("http://orbit.test/room/standup?name=Ann");
  rig.enterOpenRoom();
  rig.serverJoin({{kSelf, "Ann"}});
  CHECK_THAT(refusalOf(rig, R"({"command":"backToLobby"})"), Catch::Contains("not on the Left screen"));
  CHECK(rig.app.screen() == AppController::Screen::Room);
  rig.app.leave();
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"backToLobby"})"));
  CHECK(rig.app.screen() == AppController::Screen::Lobby);
  CHECK(rig.platform.addresses.back() == "http://orbit.test/");
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].url == "http://orbit.test/api/rooms");
  CHECK_THAT(refusalOf(rig, R"({"command":"backToLobby"})"), Catch::Contains("not on the Left screen"));
}

TEST_CASE("switchDevice takes the camera or microphone from the device named, as the Devices menus do", "[app][a11y]") {
  AppRig lobby("http://orbit.test/");
  lobby.app.start();
  CHECK_THAT(refusalOf(lobby, R"({"command":"switchDevice","kind":"microphone","deviceId":"mic-2"})"),
             Catch::Contains("no camera or microphone is in use on the lobby screen"));

  AppRig rig("http://orbit.test/room/standup");
  rig.app.start();
  rig.http.reply(200, described("standup", true, false));
  REQUIRE(rig.app.screen() == AppController::Screen::PreJoin);
  rig.clock.advance(100ms);  // the pre-join screen's capture, then the devices' names
  const Json devices = rig.app.snapshot()["media"]["devices"];
  // Cameras and microphones, not the speaker.
  CHECK(devices == Json::parse(R"([
      {"kind":"microphone","deviceId":"mic-1","label":"Mock microphone"},
      {"kind":"microphone","deviceId":"mic-2","label":"Mock microphone mic-2"},
      {"kind":"camera","deviceId":"cam-1","label":"Mock camera"},
      {"kind":"camera","deviceId":"cam-2","label":"Mock camera cam-2"}])"));
  REQUIRE(rig.app.snapshot()["media"]["microphone"]["label"] == "Mock microphone");

  std::vector<std::pair<TrackKind, std::string>> chosen;
  rig.app.setHooks({.redraw = [] {},
                    .statsChanged = [] {},
                    .extendSnapshot = [](Json&) {},
                    .preJoinOpened = [] {},
                    .deviceChosen = [&chosen](TrackKind kind, const std::string& id) { chosen.emplace_back(kind, id); }});
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"switchDevice","kind":"microphone","deviceId":"mic-2"})"));
  rig.clock.advance(100ms);
  CHECK(rig.app.snapshot()["media"]["microphone"]["label"] == "Mock microphone mic-2");
  CHECK(chosen == std::vector<std::pair<TrackKind, std::string>>{{TrackKind::Audio, "mic-2"}});

  // Said why, and nothing switched: a kind that is not one, a device not listed, or one of the other kind.
  CHECK_THAT(refusalOf(rig, R"({"command":"switchDevice","kind":"speaker","deviceId":"out-1"})"),
             Catch::Contains("\"kind\": \"camera\" or \"microphone\""));
  CHECK_THAT(refusalOf(rig, R"({"command":"switchDevice","kind":"camera"})"), Catch::Contains("\"deviceId\" string"));
  CHECK_THAT(refusalOf(rig, R"({"command":"switchDevice","kind":"camera","deviceId":"mic-1"})"),
             Catch::Contains("no camera \"mic-1\""));
  rig.clock.advance(100ms);
  CHECK(rig.app.snapshot()["media"]["camera"]["label"] == "Mock camera");
  CHECK(chosen.size() == 1);

  // In the call too.
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"join","name":"Ann"})"));  // an open room: no token
  REQUIRE(rig.app.screen() == AppController::Screen::Room);
  REQUIRE_FALSE(rig.platform.commandSink(R"({"command":"switchDevice","kind":"camera","deviceId":"cam-2"})"));
  rig.clock.advance(100ms);
  CHECK(rig.app.snapshot()["media"]["camera"]["label"] == "Mock camera cam-2");
}
