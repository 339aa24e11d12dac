#pragma once

#include "net.hpp"
#include "server_context.hpp"

#include <chrono>
#include <cstdint>
#include <memory>

namespace orbit {

// Accepts TCP connections and starts an HTTP session on each (over TLS when configured).
// Out of file descriptors (or kernel memory), it pauses accepting with a timer instead of
// retrying at once, which would spin and flood the log: existing clients keep being served,
// new ones wait in the listen backlog until a descriptor is free. It says so once per pause
// run, with how many attempts failed.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds at once, so a taken port fails at start-up with a clear message.
  Listener(net::io_context& ioc, ssl::context* tls, const tcp::endpoint& endpoint, ServerContext& context);
  tcp::endpoint localEndpoint() const { return acceptor_.local_endpoint(); }
  void run();
  void stop();

 private:
  void doAccept();
  void onAccept(beast::error_code ec, Socket socket);

  net::io_context& ioc_;
  net::steady_timer pause_;
  std::chrono::milliseconds pauseFor_{0};  // 0: not paused
  std::uint64_t failedWhilePaused_ = 0;
  ssl::context* tls_;
  tcp::acceptor acceptor_;
  ServerContext& context_;
};

}  // namespace orbit
