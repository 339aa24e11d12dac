// BeastTransport and AsioScheduler against a real orbit-server: the transport on its own,
// two Signalers talking through the server, and a Manager that rejoins by itself after the
// server is stopped and started again on the same port.
#include "asio_scheduler.hpp"
#include "beast_transport.hpp"
#include "codec.hpp"
#include "handshake.hpp"
#include "manager.hpp"
#include "mock_media_backend.hpp"
#include "mock_peer_backend.hpp"
#include "payloads.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "signaler.hpp"
#include "tls_certificate.hpp"
#include "ws_client.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

std::string wsUrl(const ServerProcess& server, const std::string& room) {
  return "ws://127.0.0.1:" + std::to_string(server.port()) + "/room/" + room + "/ws";
}

struct Events {
  std::vector<std::string> log;  // "open", "text", "error", "close <code>"
  std::vector<std::string> texts;
  Transport::Handlers handlers() {
    return {
        .onOpen = [this] { log.push_back("open"); },
        .onText = [this](std::string_view text) {
          log.push_back("text");
          texts.emplace_back(text);
        },
        .onClose = [this](std::uint16_t code, std::string_view) { log.push_back("close " + std::to_string(code)); },
        .onError = [this](std::string_view) { log.push_back("error"); },
    };
  }
  bool closed() const { return !log.empty() && log.back().rfind("close", 0) == 0; }
};

}  // namespace

TEST_CASE("a Beast transport opens, exchanges text and closes with the code it asked for", "[transport]") {
  ServerProcess server;
  net::io_context io;
  BeastTransport transport(io);
  Events events;
  transport.setHandlers(events.handlers());
  REQUIRE_FALSE(transport.open(wsUrl(server, "beast")));
  CHECK(events.log.empty());  // nothing from inside open()
  REQUIRE(runUntil(io, [&] { return !events.log.empty(); }));
  REQUIRE(events.log.front() == "open");

  CHECK_FALSE(transport.send(R"({"receiver":"ground control","type":"ping","data":7})"));
  REQUIRE(runUntil(io, [&] {
    for (const auto& text : events.texts) {
      auto message = decode(text);
      if (message && message->type == MessageType::Pong && message->data == Json(7)) return true;
    }
    return false;
  }));

  transport.close(1000, "done");
  REQUIRE(runUntil(io, [&] { return events.closed(); }));
  CHECK(events.log.back() == "close 1000");
  CHECK(transport.send("{}"));  // closed: refused
}

TEST_CASE("a Beast transport offers a join token as a subprotocol: a password room opens without it in the URL",
          "[transport][password]") {
  ServerProcess server;
  const auto created = httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"vault","password":"sesame"})");
  REQUIRE(created.status == 201);
  const std::string token = created.json()["token"];
  net::io_context io;

  BeastTransport transport(io);
  Events events;
  transport.setHandlers(events.handlers());
  REQUIRE_FALSE(transport.open(WebSocketTarget{wsUrl(server, "vault"), joinSubprotocols(token)}));
  REQUIRE(runUntil(io, [&] { return !events.log.empty(); }));
  CHECK(events.log.front() == "open");
  transport.close(1000, "done");
  REQUIRE(runUntil(io, [&] { return events.closed(); }));

  // A wrong token: refused (401) as before, so an error and a close, never an open.
  BeastTransport refused(io);
  Events refusal;
  refused.setHandlers(refusal.handlers());
  REQUIRE_FALSE(refused.open(WebSocketTarget{wsUrl(server, "vault"), joinSubprotocols("123.abc")}));
  REQUIRE(runUntil(io, [&] { return refusal.closed(); }));
  CHECK(refusal.log == std::vector<std::string>{"error", "close 1006"});

  // Something a header cannot carry is refused before anything is sent.
  CHECK(refused.open(WebSocketTarget{wsUrl(server, "vault"), {"orbit", "orbit-token.a\r\nX-Evil: 1"}}));
}

TEST_CASE("a refused connection reports an error and then a close, never an open", "[transport]") {
  unsigned short port = 0;
  {
    ServerProcess gone;
    port = gone.port();
    gone.stop(SIGTERM);
  }
  net::io_context io;
  BeastTransport transport(io);
  Events events;
  transport.setHandlers(events.handlers());
  REQUIRE_FALSE(transport.open("ws://127.0.0.1:" + std::to_string(port) + "/room/x/ws"));
  REQUIRE(runUntil(io, [&] { return events.closed(); }));
  CHECK(events.log == std::vector<std::string>{"error", "close 1006"});
}

TEST_CASE("a URL that is not ws or wss is refused at once", "[transport]") {
  net::io_context io;
  BeastTransport transport(io);
  Events events;
  transport.setHandlers(events.handlers());
  CHECK(transport.open("http://127.0.0.1/room/x/ws"));
  CHECK(transport.open("ws://:80/x"));
  CHECK(transport.open("ws://host:port/x"));
  io.run();
  CHECK(events.log.empty());
}

TEST_CASE("a transport destroyed while connecting calls no handler", "[transport]") {
  ServerProcess server;
  net::io_context io;
  Events events;
  {
    BeastTransport transport(io);
    transport.setHandlers(events.handlers());
    REQUIRE_FALSE(transport.open(wsUrl(server, "gone")));
  }
  io.run();  // returns once the aborted operations have finished
  CHECK(events.log.empty());
}

TEST_CASE("over wss a self-signed server is refused when verifying and reached when not", "[transport]") {
  const TlsCertificate certificate;
  ServerProcess server(certificate.serverArgs());
  const std::string url = "wss://localhost:" + std::to_string(server.port()) + "/room/secure/ws";

  net::io_context io;
  Events strict;
  BeastTransport verifying(io);
  verifying.setHandlers(strict.handlers());
  REQUIRE_FALSE(verifying.open(url));
  REQUIRE(runUntil(io, [&] { return strict.closed(); }));
  CHECK(strict.log == std::vector<std::string>{"error", "close 1006"});

  Events lax;
  BeastTransport::Options trustAll;
  trustAll.verifyPeer = false;
  BeastTransport trusting(io, trustAll);
  trusting.setHandlers(lax.handlers());
  REQUIRE_FALSE(trusting.open(url));
  REQUIRE(runUntil(io, [&] { return !lax.log.empty(); }));
  CHECK(lax.log.front() == "open");
  CHECK_FALSE(trusting.send(R"({"receiver":"ground control","type":"ping"})"));
  REQUIRE(runUntil(io, [&] { return !lax.texts.empty(); }));
}

TEST_CASE("two signalers over Beast learn their ids and exchange text", "[signaler][transport]") {
  ServerProcess server;
  net::io_context io;
  AsioScheduler scheduler(io);
  Signaler ann(std::make_unique<BeastTransport>(io), scheduler);
  Signaler bob(std::make_unique<BeastTransport>(io), scheduler);
  std::vector<Message> bobGot;
  Signaler::Handlers bobHandlers;
  bobHandlers.onMessage = [&](const Message& message) { bobGot.push_back(message); };
  bob.setHandlers(std::move(bobHandlers));
  ann.connect(wsUrl(server, "pair"));
  bob.connect(wsUrl(server, "pair"));
  REQUIRE(runUntil(io, [&] { return !ann.selfId().empty() && !bob.selfId().empty(); }));
  CHECK(ann.selfId() != bob.selfId());
  CHECK(ann.state() == ConnectionState::Open);

  Message text;
  text.receiver = bob.selfId().str();
  text.type = MessageType::Text;
  text.data = toJson(TextData{"Ann", 1, "hello Bob"});
  REQUIRE_FALSE(ann.send(text));
  REQUIRE(runUntil(io, [&] {
    for (const auto& m : bobGot) {
      if (m.type == MessageType::Text) return true;
    }
    return false;
  }));
  const auto& got = *std::find_if(bobGot.begin(), bobGot.end(), [](const Message& m) { return m.type == MessageType::Text; });
  CHECK(got.sender == ann.selfId().str());
  CHECK(got.data->at("text") == "hello Bob");

  std::optional<Result<Message>> info;
  REQUIRE_FALSE(ann.request(MessageType::GetRoomInfo, std::nullopt, 5000ms, [&](Result<Message> r) { info = std::move(r); }));
  REQUIRE(runUntil(io, [&] { return info.has_value(); }));
  REQUIRE(info->ok());
  CHECK((*info)->data->at("clients").size() == 2);

  ann.close(1000, "bye");
  REQUIRE(runUntil(io, [&] { return ann.state() == ConnectionState::Closed; }));
  CHECK_FALSE(ann.reconnectPending());
}

TEST_CASE("a manager reconnects on its own after the server restarts, with a new id and room-info", "[signaler][transport]") {
  auto server = std::make_unique<ServerProcess>();
  const unsigned short port = server->port();
  net::io_context io;
  AsioScheduler scheduler(io);
  Signaler::Options options;
  options.firstBackoff = 100ms;
  options.maxBackoff = 1000ms;
  MockPeerBackend peers(scheduler);
  MockMediaBackend media(scheduler);
  Manager manager(std::make_unique<BeastTransport>(io), scheduler, peers, media, Manager::Options{options, {}, {}, {}});
  manager.join(wsUrl(*server, "phoenix"), RoomId("phoenix"), "Ann");

  const auto joinedAs = [&](const ClientId& notId) {
    return [&manager, notId] {
      if (manager.selfId().empty() || manager.selfId() == notId || !manager.roomInfo()) return false;
      for (const auto& client : manager.roomInfo()->clients) {
        if (client.id == manager.selfId().str() && client.username == "Ann") return true;
      }
      return false;
    };
  };
  REQUIRE(runUntil(io, joinedAs(ClientId())));
  const ClientId firstId = manager.selfId();
  CHECK(manager.joins() == 1);

  server->stop(SIGTERM);
  REQUIRE(runUntil(io, [&] { return manager.signaler().state() != ConnectionState::Open; }));
  CHECK(manager.signaler().reconnectPending());
  CHECK(manager.selfId().empty());
  // Let an attempt or two fail against the stopped server.
  REQUIRE(runUntil(io, [&] { return manager.signaler().reconnectAttempts() >= 2; }));

  server = std::make_unique<ServerProcess>(std::vector<std::string>{}, std::chrono::seconds(20), port);
  INFO(server->log());
  REQUIRE(runUntil(io, joinedAs(firstId), 15s));
  CHECK(manager.selfId() != firstId);
  CHECK(manager.joins() == 2);
  CHECK(manager.signaler().state() == ConnectionState::Open);
  CHECK(manager.lastProblem().empty());
}
