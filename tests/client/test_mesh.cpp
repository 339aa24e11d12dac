// Whole client cores against a real orbit-server: 2 to 6 Managers, each with its own Beast
// WebSocket and mock peer backend, mesh with each other; after the server is killed and
// started again on the same port they reconnect and mesh again by themselves.
#include "asio_scheduler.hpp"
#include "beast_transport.hpp"
#include "codec.hpp"
#include "manager.hpp"
#include "mock_media_backend.hpp"
#include "mock_peer_backend.hpp"
#include "run_until.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace orbit;
using namespace orbit::test;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

struct Client {
  Client(net::io_context& io, AsioScheduler& scheduler, Manager::Options options)
      : peers(scheduler), media(scheduler), manager(std::make_unique<BeastTransport>(io), scheduler, peers, media, options) {}

  MockPeerBackend peers;
  MockMediaBackend media;
  Manager manager;
};

struct Mesh {
  explicit Mesh(int size) {
    Manager::Options options;
    // A restarted server is found quickly; the defaults would wait up to 5 s.
    options.signaler.firstBackoff = 100ms;
    options.signaler.maxBackoff = 1000ms;
    for (int i = 0; i < size; ++i) clients.push_back(std::make_unique<Client>(io, scheduler, options));
  }

  void joinAll(const ServerProcess& server) {
    const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/room/mesh/ws";
    for (std::size_t i = 0; i < clients.size(); ++i) {
      clients[i]->manager.startMedia({});
      clients[i]->manager.join(url, RoomId("mesh"), "client-" + std::to_string(i));
    }
  }

  // Every client is connected to every other one under their current ids, and to nobody else.
  bool allPairsConnected() const {
    std::set<std::string> ids;
    for (const auto& client : clients) {
      if (client->manager.selfId().empty()) return false;
      ids.insert(client->manager.selfId().str());
    }
    for (const auto& client : clients) {
      const Manager& m = client->manager;
      const std::vector<ClientId> peerIds = m.peerIds();
      if (peerIds.size() != clients.size() - 1) return false;
      for (const ClientId& id : peerIds) {
        if (!ids.count(id.str()) || m.peer(id)->connectionState() != PeerConnectionState::Connected) return false;
      }
    }
    return true;
  }

  std::string describe() const {
    std::string out;
    for (const auto& client : clients) out += dumpJson(client->manager.snapshot()["peers"]) + "\n";
    return out;
  }

  net::io_context io;
  AsioScheduler scheduler{io};
  std::vector<std::unique_ptr<Client>> clients;
};

}  // namespace

TEST_CASE("2 to 6 native clients in one room reach all-pairs connected", "[mesh][integration]") {
  const int size = GENERATE(2, 3, 4, 6);
  ServerProcess server;
  Mesh mesh(size);
  mesh.joinAll(server);
  INFO(size << " clients");
  const bool meshed = runUntil(mesh.io, [&] { return mesh.allPairsConnected(); }, 20s);
  INFO(mesh.describe());
  REQUIRE(meshed);
  for (const auto& client : mesh.clients) {
    CHECK(client->peers.openConnections() == static_cast<std::size_t>(size - 1));
    INFO(client->manager.lastProblem());
    CHECK(client->manager.lastProblem().empty());
  }
}

TEST_CASE("after the server is killed and restarted, the clients reconnect and mesh again", "[mesh][integration]") {
  auto server = std::make_unique<ServerProcess>();
  const unsigned short port = server->port();
  Mesh mesh(3);
  mesh.joinAll(*server);
  REQUIRE(runUntil(mesh.io, [&] { return mesh.allPairsConnected(); }, 20s));
  std::set<std::string> firstIds;
  for (const auto& client : mesh.clients) firstIds.insert(client->manager.selfId().str());

  // No goodbye: the process just dies.
  server->stop(SIGKILL);
  REQUIRE(runUntil(mesh.io, [&] {
    for (const auto& client : mesh.clients) {
      if (client->manager.signaler().state() == ConnectionState::Open) return false;
    }
    return true;
  }, 10s));
  // The peer connections do not need the server: they are still up.
  for (const auto& client : mesh.clients) CHECK(client->manager.peerIds().size() == 2);

  server = std::make_unique<ServerProcess>(std::vector<std::string>{}, std::chrono::seconds(20), port);
  const bool meshed = runUntil(mesh.io, [&] {
    for (const auto& client : mesh.clients) {
      if (firstIds.count(client->manager.selfId().str())) return false;  // still the old id, or none
    }
    return mesh.allPairsConnected();
  }, 30s);
  INFO(mesh.describe());
  REQUIRE(meshed);
  for (const auto& client : mesh.clients) {
    CHECK(client->manager.joins() == 2);
    // The connections of before were closed, not leaked.
    CHECK(client->peers.openConnections() == 2);
  }
}
