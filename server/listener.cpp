#include "listener.hpp"

#include "http_session.hpp"
#include "logger.hpp"

namespace orbit {

Listener::Listener(net::io_context& ioc, ssl::context* tls, const tcp::endpoint& endpoint,
                   ServerContext& context)
    : ioc_(ioc), tls_(tls), acceptor_(ioc), context_(context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::run() { doAccept(); }

void Listener::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void Listener::doAccept() {
  acceptor_.async_accept(ioc_, beast::bind_front_handler(&Listener::onAccept, shared_from_this()));
}

void Listener::onAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    log(LogLevel::Warn, "accept failed: ", ec.message());
  } else {
    // Signaling is many small messages: never let Nagle hold one back.
    socket.set_option(tcp::no_delay(true), ec);
    if (tls_) {
      std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *tls_), context_)->run();
    } else {
      std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), context_)->run();
    }
  }
  doAccept();
}

}  // namespace orbit
