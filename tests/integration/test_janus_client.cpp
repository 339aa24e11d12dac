// The server's Janus client against a real Janus (Debian's, configured by scripts/janus.sh)
// on 127.0.0.1 and a free port: sessions, handles, VideoRoom requests, Janus's refusals, and
// a Janus that stalls or dies and comes back.
#include "janus_client.hpp"

#include "janus_process.hpp"
#include "run_until.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <optional>
#include <string>

using namespace orbit;
using namespace orbit::test;
using Catch::Matchers::Contains;

namespace {

// A JanusClient on its own io_context, counting what it reports.
struct Client {
  explicit Client(const JanusProcess& janus, std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : janus(io, *parseJanusAddress(janus.url()),
              JanusClient::Events{[this] { ++ups; }, [this](const std::string& why) {
                                    ++downs;
                                    lastDown = why;
                                  },
                                  [this](std::uint64_t, const Json& message) { events.push_back(message); }},
              timeout) {}

  template <class T>
  std::optional<T> await(const std::function<void(std::function<void(T)>)>& call) {
    std::optional<T> out;
    call([&](T value) { out.emplace(std::move(value)); });
    runUntil(io, [&] { return out.has_value(); }, std::chrono::seconds(15));
    return out;
  }
  Result<std::uint64_t> attach() {
    auto r = await<Result<std::uint64_t>>([&](auto done) { janus.attach(done); });
    REQUIRE(r);
    return *r;
  }
  Result<JanusClient::Reply> message(std::uint64_t handle, Json body) {
    auto r = await<Result<JanusClient::Reply>>([&](auto done) { janus.message(handle, body, std::nullopt, done); });
    REQUIRE(r);
    return *r;
  }

  boost::asio::io_context io;
  int ups = 0;
  int downs = 0;
  std::string lastDown;
  std::vector<Json> events;
  JanusClient janus;
};

}  // namespace

TEST_CASE("the Janus client holds a session, makes a VideoRoom and joins it, and reports Janus's refusals",
          "[integration][janus]") {
  JanusProcess janus;
  Client c(janus);
  c.janus.start();
  REQUIRE(runUntil(c.io, [&] { return c.ups == 1; }));
  CHECK(c.janus.up());

  auto handle = c.attach();
  REQUIRE(handle);
  auto created = c.message(*handle, {{"request", "create"}, {"publishers", 6}, {"is_private", true}});
  REQUIRE(created);
  CHECK(created->data["videoroom"] == "created");
  const std::uint64_t room = created->data["room"].get<std::uint64_t>();

  // Asynchronous: answered by its event, not its ack.
  auto joined = c.message(*handle, {{"request", "join"}, {"ptype", "publisher"}, {"room", room}, {"display", "Ann"}});
  REQUIRE(joined);
  CHECK(joined->data["videoroom"] == "joined");
  CHECK(joined->data["room"] == room);

  // Another participant's handle sees Ann's room; a room that does not exist is refused.
  auto other = c.attach();
  REQUIRE(other);
  auto nowhere = c.message(*other, {{"request", "join"}, {"ptype", "publisher"}, {"room", 1234}});
  REQUIRE_FALSE(nowhere);
  CHECK_THAT(nowhere.error().message, Contains("No such room"));
  auto bad = c.message(*other, {{"request", "no-such-request"}});
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Contains("Janus VideoRoom"));
  CHECK(c.downs == 0);
}

TEST_CASE("a Janus that stalls fails requests in time, and one that dies is reported once and rejoined when back",
          "[integration][janus]") {
  JanusProcess janus;
  Client c(janus, std::chrono::seconds(1));
  c.janus.start();
  REQUIRE(runUntil(c.io, [&] { return c.ups == 1; }));
  auto handle = c.attach();
  REQUIRE(handle);

  // Stalled (SIGSTOP): no answer, so an error after the request timeout, not a hang.
  janus.signal(SIGSTOP);
  auto stalled = c.message(*handle, {{"request", "list"}});
  janus.signal(SIGCONT);
  REQUIRE_FALSE(stalled);
  CHECK_THAT(stalled.error().message, Contains("did not answer within 1 s"));

  // Dead: every handle is gone with the session; the client says so once and tries again.
  janus.kill();
  REQUIRE(runUntil(c.io, [&] { return c.downs == 1; }));
  CHECK_FALSE(c.janus.up());
  auto meanwhile = c.message(*handle, {{"request", "list"}});
  REQUIRE_FALSE(meanwhile);
  CHECK_THAT(meanwhile.error().message, Contains("Janus is unreachable"));

  janus.start();
  REQUIRE(runUntil(c.io, [&] { return c.ups == 2; }, std::chrono::seconds(15)));
  CHECK(c.downs == 1);  // retries while it was away are not new outages
  auto again = c.attach();
  REQUIRE(again);
  auto listed = c.message(*again, {{"request", "list"}});
  REQUIRE(listed);
  CHECK(listed->data["videoroom"] == "success");
}
