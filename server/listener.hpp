#pragma once

#include "net.hpp"
#include "server_context.hpp"

#include <memory>

namespace orbit {

// Accepts TCP connections and starts an HTTP session on each (over TLS when configured).
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds at once, so a taken port fails at start-up with a clear message.
  Listener(net::io_context& ioc, ssl::context* tls, const tcp::endpoint& endpoint, ServerContext& context);
  tcp::endpoint localEndpoint() const { return acceptor_.local_endpoint(); }
  void run();
  void stop();

 private:
  void doAccept();
  void onAccept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  ssl::context* tls_;
  tcp::acceptor acceptor_;
  ServerContext& context_;
};

}  // namespace orbit
