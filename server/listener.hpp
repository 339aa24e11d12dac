#pragma once

#include "net.hpp"
#include "server_context.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace orbit {

// Accepts TCP connections and starts an HTTP session on each (over TLS when configured).
// Out of file descriptors (or kernel memory), it pauses accepting with a timer instead of
// retrying at once, which would spin and flood the log: existing clients keep being served,
// new ones wait in the listen backlog until a descriptor is free. It says so at most once per
// kLogInterval, however often clients come and go at the limit, with how many attempts
// failed in between, and once that it accepts again.
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

  static constexpr std::chrono::seconds kLogInterval{10};

  net::io_context& ioc_;
  net::steady_timer pause_;
  std::chrono::milliseconds pauseFor_{0};  // 0: not paused
  // Failed attempts since the last line about them, and when that line was written.
  std::uint64_t failedSinceLine_ = 0;
  std::uint64_t failedUnanswered_ = 0;  // since the last successful accept
  std::optional<std::chrono::steady_clock::time_point> failureLineAt_;
  bool owesRecoveryLine_ = false;  // a failure was logged, and accepting again was not yet
  ssl::context* tls_;
  tcp::acceptor acceptor_;
  ServerContext& context_;
};

}  // namespace orbit
