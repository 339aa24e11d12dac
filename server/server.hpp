#pragma once

#include "chat_manager.hpp"
#include "config.hpp"
#include "http_api.hpp"
#include "listener.hpp"
#include "net.hpp"
#include "redis_cluster.hpp"
#include "room_store.hpp"
#include "sfu_bridge.hpp"
#include "server_context.hpp"

#include <memory>
#include <optional>

namespace orbit {

// The orbit-server process: one I/O thread runs every socket, the ChatManager and, in
// cluster mode, the Redis connections, so the logic needs no locks; a small pool runs
// password hashing, which is slow on purpose, and the RoomStore's disk writes, so that no
// fsync ever holds up the I/O thread.
class Server {
 public:
  // Binds the port; throws with a clear message when it cannot (start-up only).
  explicit Server(ServerConfig config);
  ~Server();

  std::string url() const;  // http(s)://host:port as bound
  // http://host:port/metrics as bound with --metrics-listen; empty without.
  std::string metricsUrl() const;
  // Runs until SIGINT or SIGTERM has been handled; returns the exit code. SIGHUP reloads
  // the TLS certificate and key (reload()).
  int run();

 private:
  // Opens the store: Redis with --redis, else the SQLite file of --data-dir (throws, naming
  // what failed, when it cannot), and takes the token secret from it unless one was configured.
  void openStore();
  HttpApi::KeepRoom keepRoom();
  // The manager's settings, with the hooks that keep the store in step.
  ManagerConfig managerConfig();
  void restoreRooms();
  // Runs the store write `work` on the pool, after every write handed over before it, logging
  // what fails; nothing waits for it.
  void inBackground(std::function<std::optional<Error>()> work);
  void scheduleTick();
  // SIGHUP: the certificate and key are read again (a renewal takes effect without a
  // restart: new connections get the new one, open ones keep theirs). A file that does not
  // load leaves the one in use in place. Logs what it did; the process carries on.
  void reload();
  void awaitReload();
  // Signals, in order: the first begins the shutdown, a second during --shutdown-delay ends
  // the delay, and one after that stops at once.
  void awaitSignal();
  void onSignal(int signal);
  // Not ready from now on (/readyz 503); after --shutdown-delay, stopServing().
  void beginShutdown(int signal);
  // Stops listening and says bye to every client; the process ends once they have gone.
  void stopServing(int signal);
  void finishShutdown();
  // Why the server cannot serve now, for /readyz; none when it can.
  std::vector<std::string> readinessProblems() const;

  ServerConfig config_;
  std::shared_ptr<RoomStore> store_;  // none with --ephemeral
  // Before ioc_: a session that the io_context's handlers still hold when it is destroyed gives
  // its place back into this.
  ConnectionLimits limits_;
  net::io_context ioc_{1};
  net::thread_pool pool_{2};
  // Store writes run one at a time, in the order the I/O thread made them: an idle room's
  // delete must not be overtaken by the insert of a room made again under its name.
  net::strand<net::thread_pool::executor_type> storeWrites_{pool_.get_executor()};
  std::unique_ptr<RedisCluster> cluster_;  // --redis only
  std::unique_ptr<SfuBridge> sfu_;         // --janus only
  std::optional<ssl::context> tls_;
  ChatManager manager_;
  HttpApi api_;
  TrafficMetrics traffic_;
  ServerContext context_;
  ServerContext metricsContext_;  // --metrics-listen's port
  std::shared_ptr<Listener> listener_;
  std::shared_ptr<Listener> metricsListener_;  // --metrics-listen only
  net::steady_timer heartbeat_;
  net::steady_timer deadline_;
  net::signal_set signals_;
  net::signal_set reloadSignal_;  // apart from signals_, which shutdown re-arms for a second signal
  bool draining_ = false;  // a stop signal came: /readyz says 503
  bool stopping_ = false;  // the listener is closed and the clients told
  bool leftCluster_ = false;  // Redis confirmed this instance's leaving
  bool finishing_ = false;    // waiting for that confirmation to stop
};

}  // namespace orbit
