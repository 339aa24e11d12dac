#pragma once

#include "chat_manager.hpp"
#include "config.hpp"
#include "http_api.hpp"
#include "listener.hpp"
#include "net.hpp"
#include "server_context.hpp"

#include <memory>
#include <optional>

namespace orbit {

// The orbit-server process: one I/O thread runs every socket and the ChatManager, so the
// logic needs no locks; a small pool runs password hashing, which is slow on purpose.
class Server {
 public:
  // Binds the port; throws with a clear message when it cannot (start-up only).
  explicit Server(ServerConfig config);
  ~Server();

  std::string url() const;  // http(s)://host:port as bound
  // Runs until SIGINT or SIGTERM has been handled; returns the exit code.
  int run();

 private:
  void scheduleTick();
  void beginShutdown(int signal);
  void finishShutdown();

  ServerConfig config_;
  net::io_context ioc_{1};
  net::thread_pool pool_{2};
  std::optional<ssl::context> tls_;
  ChatManager manager_;
  HttpApi api_;
  ServerContext context_;
  std::shared_ptr<Listener> listener_;
  net::steady_timer heartbeat_;
  net::steady_timer deadline_;
  net::signal_set signals_;
  bool stopping_ = false;
};

}  // namespace orbit
