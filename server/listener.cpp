#include "listener.hpp"

#include "http_session.hpp"
#include "logger.hpp"

#include <sys/resource.h>

#include <utility>

namespace orbit {
Listener::Listener(net::io_context& ioc, ssl::context* tls, const tcp::endpoint& endpoint,
                   ServerContext& context)
    : ioc_(ioc), pause_(ioc), tls_(tls), acceptor_(ioc), context_(context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::run() { doAccept(); }

void Listener::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
  pause_.cancel();
}

void Listener::doAccept() {
  acceptor_.async_accept(ioc_, beast::bind_front_handler(&Listener::onAccept, shared_from_this()));
}

void Listener::onAccept(beast::error_code ec, Socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  const bool exhausted = ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
                         ec == net::error::no_buffer_space || ec == net::error::no_memory;
  if (exhausted) {
    // Retrying at once fails at once: pause, 10 ms doubling to 1 s. At the limit, every client
    // that leaves lets one in and the next attempt fails again, so the lines are counted per
    // interval, never per attempt.
    ++failedSinceLine_;
    ++failedUnanswered_;
    const auto now = std::chrono::steady_clock::now();
    if (!failureLineAt_ || now - *failureLineAt_ >= kLogInterval) {
      rlimit limit{};
      getrlimit(RLIMIT_NOFILE, &limit);
      log(LogLevel::Warn, "accept failed: ", ec.message(), " (open-files=", limit.rlim_cur,
          "); new connections wait until a descriptor is free",
          failureLineAt_ ? "; " + std::to_string(failedSinceLine_) + " failed attempts since the last such line" : std::string());
      failureLineAt_ = now;
      failedSinceLine_ = 0;
      owesRecoveryLine_ = true;
    }
    pauseFor_ = pauseFor_.count() == 0 ? std::chrono::milliseconds(10)
                                       : std::min(pauseFor_ * 2, std::chrono::milliseconds(std::chrono::seconds(1)));
    pause_.expires_after(pauseFor_);
    pause_.async_wait([self = shared_from_this()](beast::error_code wait) {
      if (!wait) self->doAccept();
    });
    return;
  }
  if (!ec) {
    pauseFor_ = std::chrono::milliseconds(0);
    if (std::exchange(owesRecoveryLine_, false)) {
      log(LogLevel::Info, "accepting again, after ", failedUnanswered_, " failed attempts");
    }
    failedUnanswered_ = 0;
  }
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
