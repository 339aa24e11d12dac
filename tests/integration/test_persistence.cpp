// Rooms that outlive a restart (--data-dir, SQLite): a real orbit-server stopped with SIGTERM
// or killed with SIGKILL, and started again on the same data directory.
#include "child_process.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace orbit::test;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

// A data directory of the test's own, removed afterwards.
struct DataDir {
  explicit DataDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("orbit-data-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path);
  }
  ~DataDir() { std::filesystem::remove_all(path); }
  std::vector<std::string> args() const { return {"--data-dir", path.string()}; }
  std::filesystem::path path;
};

HttpResult post(const ServerProcess& server, const std::string& target, const Json& body) {
  return httpRequest(server.port(), "POST", target, body.dump());
}

}  // namespace

TEST_CASE("rooms made through the API, their passwords and tokens outlive a restart", "[integration][store]") {
  DataDir data("restart");
  std::string tokenBefore;
  {
    ServerProcess server(data.args());
    REQUIRE(post(server, "/api/rooms", {{"name", "Book Club"}, {"password", "hunter2"}, {"public", true},
                                        {"guest_limit", 4}})
                .status == 201);
    REQUIRE(post(server, "/api/rooms", {{"name", "Back Office"}}).status == 201);  // private, open
    const HttpResult joined = post(server, "/api/rooms/book-club/join", {{"password", "hunter2"}});
    REQUIRE(joined.status == 200);
    tokenBefore = joined.json()["token"];
    REQUIRE(server.stop(SIGTERM) == 0);
  }

  ServerProcess again(data.args());
  // Still protected: no way in without the password, and a wrong one is refused.
  CHECK(post(again, "/api/rooms/book-club/join", Json::object()).status == 401);
  CHECK(post(again, "/api/rooms/book-club/join", {{"password", "guess"}}).status == 401);
  const HttpResult joined = post(again, "/api/rooms/book-club/join", {{"password", "hunter2"}});
  CHECK(joined.status == 200);
  CHECK(joined.json().contains("token"));
  // A bare WebSocket is refused as before the restart; a token from before it still works.
  CHECK(httpRequest(again.port(), "GET", "/room/book-club/ws").status != 101);
  WsClient withOldToken(again.port(), "/room/book-club/ws?token=" + tokenBefore);
  withOldToken.sendText(R"({"type":"ping","receiver":"ground control"})");
  const auto pong = withOldToken.next();
  REQUIRE(pong);
  CHECK((*pong)["type"] == "pong");

  // The lobby lists the public one with its settings; the private one opens by its address.
  const Json rooms = httpRequest(again.port(), "GET", "/api/rooms").json();
  REQUIRE(rooms.size() == 1);
  CHECK(rooms[0]["room_id"] == "book-club");
  CHECK(rooms[0]["name"] == "Book Club");
  CHECK(rooms[0]["guest_limit"] == 4);
  CHECK(rooms[0]["has_password"] == true);
  const Json office = httpRequest(again.port(), "GET", "/api/rooms/back-office").json();
  CHECK(office["exists"] == true);
  CHECK(office["has_password"] == false);
  CHECK(office["name"] == "Back Office");
  // And its name stays taken.
  CHECK(post(again, "/api/rooms", {{"name", "Back Office"}}).status == 409);
}

TEST_CASE("kill -9 in the middle of creating rooms loses none that was acknowledged", "[integration][store]") {
  DataDir data("kill");
  std::vector<std::string> acknowledged;  // the creator's until it is joined
  {
    ServerProcess server(data.args());
    std::atomic<bool> stop = false;
    std::atomic<std::size_t> count = 0;  // what the main thread may read meanwhile
    std::atomic<bool> gaveUp = false;
    std::thread creator([&] {
      for (int i = 0; !stop; ++i) {
        const HttpResult made = post(server, "/api/rooms", {{"name", "room " + std::to_string(i)},
                                                            {"password", i % 2 ? "pw" : ""}});
        if (made.status != 201) break;  // the server is gone
        acknowledged.push_back(made.json()["room_id"]);
        ++count;
      }
      gaveUp = true;
    });
    // Kill it while creates keep coming.
    while (count < 20 && !gaveUp) std::this_thread::yield();
    const bool refusedBeforeKill = gaveUp;
    server.stop(SIGKILL);
    stop = true;
    creator.join();
    REQUIRE_FALSE(refusedBeforeKill);
  }
  INFO(acknowledged.size() << " rooms acknowledged");
  ServerProcess again(data.args());
  for (const std::string& id : acknowledged) {
    INFO(id);
    CHECK(httpRequest(again.port(), "GET", "/api/rooms/" + id).json()["exists"] == true);
  }
}

TEST_CASE("a room closed for being idle is gone from the store too", "[integration][store]") {
  DataDir data("idle");
  {
    ServerProcess server([&] {
      auto args = data.args();
      args.insert(args.end(), {"--room-idle-timeout", "0.3"});
      return args;
    }());
    REQUIRE(post(server, "/api/rooms", {{"name", "Brief"}}).status == 201);
    REQUIRE(pollUntil(std::chrono::seconds(10), [&] {
      return httpRequest(server.port(), "GET", "/api/rooms/brief").json()["exists"] == false;
    }));
    REQUIRE(server.stop(SIGTERM) == 0);
  }
  ServerProcess again(data.args());
  CHECK(httpRequest(again.port(), "GET", "/api/rooms/brief").json()["exists"] == false);
  CHECK(post(again, "/api/rooms", {{"name", "Brief"}}).status == 201);  // the name is free again
}

TEST_CASE("a name made again right after its room closed idle is stored after the close, not before it",
          "[integration][store]") {
  DataDir data("reuse");
  ServerProcess server([&] {
    auto args = data.args();
    // Closed 0.3 s after their last use, looked at every 100 ms (a quarter of the ping interval).
    args.insert(args.end(), {"--room-idle-timeout", "0.3", "--ping-interval", "0.4"});
    return args;
  }());
  auto exists = [&](const std::string& id) {
    return httpRequest(server.port(), "GET", "/api/rooms/" + id).json()["exists"] == true;
  };
  // Another writer on the file holds the server's writes back, so that they queue up: first
  // an unrelated create, then the idle close's delete, then the insert of the same name. Each
  // must wait for the one before; an insert that overtook the delete would find the name
  // still stored (a 500), and the delete would then take the new room away.
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open((data.path / "orbit.db").c_str(), &holder) == SQLITE_OK);
  sqlite3_busy_timeout(holder, 5000);
  for (int round = 0; round < 6; ++round) {
    const std::string name = "Brief " + std::to_string(round);
    const std::string id = "brief-" + std::to_string(round);
    const std::string other = "other-" + std::to_string(round);
    INFO(name);
    REQUIRE(post(server, "/api/rooms", {{"name", name}}).status == 201);
    REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    int otherStatus = 0;
    std::thread first([&] { otherStatus = post(server, "/api/rooms", {{"name", other}}).status; });
    // The unrelated create is under way long before the room closes.
    const bool closed = pollUntil(std::chrono::seconds(10), [&] { return !exists(id); });
    int status = 0;
    std::thread again([&] { status = post(server, "/api/rooms", {{"name", name}}).status; });
    // Nothing the server says shows the insert queued: give its request a moment to arrive.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const int released = sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    first.join();
    again.join();
    REQUIRE(closed);
    REQUIRE(released == SQLITE_OK);
    CHECK(otherStatus == 201);
    CHECK(status == 201);
    // Both close idle in turn before the next round, with nothing holding the file.
    REQUIRE(pollUntil(std::chrono::seconds(10), [&] { return !exists(id) && !exists(other); }));
  }
  sqlite3_close(holder);
}

TEST_CASE("a damaged or unreadable database stops start-up with an error naming the file", "[integration][store]") {
  DataDir data("corrupt");
  std::filesystem::create_directories(data.path);
  const std::filesystem::path file = data.path / "orbit.db";
  std::ofstream(file) << std::string(4096, 'x');
  const Ran damaged = runToEnd({ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", "0", "--data-dir", data.path.string()});
  CHECK(damaged.code == 1);
  CHECK_THAT(damaged.errors, Contains(file.string()) && Contains("not a database"));
  CHECK_THAT(damaged.output, !Contains("listening"));

  // A data directory that is a file.
  DataDir notADirectory("file");
  std::ofstream(notADirectory.path) << "x";
  const Ran blocked = runToEnd({ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", "0", "--data-dir",
                                notADirectory.path.string()});
  CHECK(blocked.code == 1);
  CHECK_THAT(blocked.errors, Contains(notADirectory.path.string()));
}
