#include "listener.hpp"

#include "http_session.hpp"
#include "logger.hpp"
#include "version.hpp"

#include <sys/resource.h>
#include <sys/socket.h>

#include <array>
#include <string>
#include <utility>

namespace orbit {
namespace {

// A new connection to the TLS port, before its TLS session: a browser or curl sent to
// http://host:port by mistake would get a closed connection and an empty reply, so it is told
// in plain HTTP to use https. A TLS client's first byte is 0x16 (a handshake record), an HTTP
// request's a method's capital letter; the byte is peeked at, so the TLS session still
// reads it.
class TlsDoor : public std::enable_shared_from_this<TlsDoor> {
 public:
  TlsDoor(Socket socket, ssl::context& tls, ServerContext& context)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), tls_(tls), context_(context) {}

  void run() {
    // As long as the TLS handshake may take: a client that sends nothing is closed.
    timer_.expires_after(std::chrono::seconds(15));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->socket_.close(ec);
    });
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](beast::error_code ec) { self->onReadable(ec); });
  }

 private:
  void onReadable(beast::error_code ec) {
    if (ec) {
      timer_.cancel();
      return;
    }
    unsigned char first = 0;
    if (::recv(socket_.native_handle(), &first, 1, MSG_PEEK) == 1 && first >= 'A' && first <= 'Z') {
      return refusePlainHttp();
    }
    timer_.cancel();
    std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket_), tls_), context_)->run();
  }

  void refusePlainHttp() {
    log(LogLevel::Debug, "plain HTTP on the TLS port: answered 400");
    static const std::string body = "This port speaks HTTPS: use an https:// address (wss:// for WebSockets).\n";
    static const std::string reply = "HTTP/1.1 400 Bad Request\r\nServer: orbit-server/" + std::string(buildVersion()) +
                                     "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                                     std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    net::async_write(socket_, net::buffer(reply), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->timer_.cancel();
        return;
      }
      // Closing with the request unread would reset the connection, and the client might lose
      // the answer: say we are done, and read until the client closes (or the timer does).
      self->socket_.shutdown(tcp::socket::shutdown_send, ec);
      self->drain();
    });
  }

  void drain() {
    socket_.async_read_some(net::buffer(sink_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->timer_.cancel();
        return;
      }
      self->drain();
    });
  }

  Socket socket_;
  net::steady_timer timer_;
  ssl::context& tls_;
  ServerContext& context_;
  std::array<char, 512> sink_;
};

}  // namespace

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
      std::make_shared<TlsDoor>(std::move(socket), *tls_, context_)->run();
    } else {
      std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), context_)->run();
    }
  }
  doAccept();
}

}  // namespace orbit
