// Liveness and readiness, asked of a real orbit-server: /healthz says the process answers;
// /readyz says it can serve: its configured web root readable, Redis and Janus reachable when
// configured, and not shutting down, which it says before it stops listening.
#include "child_process.hpp"
#include "redis_process.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

using namespace orbit::test;

namespace {

// A folder of its own under the system's temporary one, removed with this object.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "orbit-health-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("with a --web-root that has no index.html /healthz says alive and /readyz 503 says why, until the file is "
          "there",
          "[integration][health]") {
  ScratchDir scratch;
  const auto webRoot = scratch.path / "web";
  ServerProcess server({"--web-root", webRoot.string()});
  CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
  HttpResult ready = httpRequest(server.port(), "GET", "/readyz");
  CHECK(ready.status == 503);
  CHECK(ready.json()["status"] == "not ready");
  CHECK_THAT(ready.json()["problems"].dump(), Catch::Contains("--web-root") && Catch::Contains(webRoot.string()));

  std::filesystem::create_directories(webRoot);
  std::ofstream(webRoot / "index.html") << "<!doctype html><title>Orbit</title>\n";
  ready = httpRequest(server.port(), "GET", "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.json()["status"] == "ready");
  CHECK(httpRequest(server.port(), "POST", "/readyz").status == 405);
}

TEST_CASE("without --web-root a missing web client does not make the server unready: the API and WebSockets work",
          "[integration][health]") {
  // The default web root is looked for beside the program and in the working directory; an
  // environment variable would count as given, so only the absent flag is tested here.
  ServerProcess server;
  CHECK(httpRequest(server.port(), "GET", "/readyz").status == 200);
}

TEST_CASE("with --redis /readyz is 503 while Redis cannot be reached and 200 once it is back", "[integration][health][cluster]") {
  RedisProcess redis;
  ServerProcess server({"--redis", redis.url()});
  CHECK(httpRequest(server.port(), "GET", "/readyz").status == 200);
  redis.stop();
  REQUIRE(pollUntil(std::chrono::seconds(5), [&] { return server.log().find("serves its own clients alone") != std::string::npos; }));
  const HttpResult down = httpRequest(server.port(), "GET", "/readyz");
  CHECK(down.status == 503);
  CHECK_THAT(down.body, Catch::Contains("Redis") && Catch::Contains(redis.url()));
  CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
  redis.start();
  REQUIRE(pollUntil(std::chrono::seconds(10), [&] { return server.log().find("connected again") != std::string::npos; }));
  CHECK(httpRequest(server.port(), "GET", "/readyz").status == 200);
}

TEST_CASE("with --janus /readyz is 503 while Janus cannot be reached", "[integration][health][sfu]") {
  const unsigned short nobody = freeLoopbackPort();
  const std::string janus = "ws://127.0.0.1:" + std::to_string(nobody);
  ServerProcess server({"--janus", janus});
  const HttpResult ready = httpRequest(server.port(), "GET", "/readyz");
  CHECK(ready.status == 503);
  CHECK_THAT(ready.body, Catch::Contains("Janus") && Catch::Contains(janus));
  CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("on SIGTERM with --shutdown-delay /readyz says 503 at once while the server still listens and serves, and "
          "the clients get their bye only after the delay (or a second signal)",
          "[integration][health][lifecycle]") {
  ServerProcess server({"--shutdown-delay", "60"});
  WsClient client(server.port(), "/room/draining/ws");
  client.learnId();
  REQUIRE(httpRequest(server.port(), "GET", "/readyz").status == 200);
  server.signal(SIGTERM);
  // The signal is handled on the server's own time: ask until it has been.
  REQUIRE(pollUntil(std::chrono::seconds(5), [&] { return httpRequest(server.port(), "GET", "/readyz").status == 503; }));
  const HttpResult ready = httpRequest(server.port(), "GET", "/readyz");
  CHECK_THAT(ready.body, Catch::Contains("shutting down"));
  // Still listening, still serving: a load balancer has the delay to notice and move away.
  CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
  CHECK(client.learnId().size() == 32);
  WsClient late(server.port(), "/room/draining/ws");
  CHECK(late.learnId().size() == 32);
  // A second signal ends the delay: every client hears bye and the process exits cleanly.
  server.signal(SIGTERM);
  CHECK(client.waitForType("bye", std::chrono::seconds(5)));
  CHECK(server.stop(SIGTERM, std::chrono::seconds(10)) == 0);
}
