#include "janus_client.hpp"

#include "logger.hpp"

#include <algorithm>
#include <vector>

namespace orbit {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr std::chrono::seconds kConnectTimeout{5};
// Janus drops a session after 60 s without a request (its session_timeout).
constexpr std::chrono::seconds kKeepAlive{25};

Json failure(const std::string& reason) { return Json{{"janus", "error"}, {"error", {{"code", 0}, {"reason", reason}}}}; }

std::string errorOf(const Json& message) {
  const Json& e = message.contains("error") ? message["error"] : Json::object();
  std::string reason = e.is_object() ? e.value("reason", "") : "";
  if (reason.empty()) reason = "an error without a reason";
  return reason;
}

}  // namespace

// One WebSocket to Janus. It tells its owner what happens until the owner lets go of it
// (close()), after which late completions find no owner and do nothing.
class JanusClient::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, JanusClient& owner) : resolver_(ioc), ws_(ioc), owner_(&owner) {}

  void open(const JanusAddress& address) {
    address_ = address;
    resolver_.async_resolve(address.host, address.port,
                            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->fail("cannot resolve " + self->address_.host + ": " + ec.message());
                              self->connect(results);
                            });
  }

  void write(std::string text) {
    queue_.push_back(std::move(text));
    if (!writing_ && open_) writeNext();
  }

  void close() {
    owner_ = nullptr;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void connect(const tcp::resolver::results_type& results) {
    beast::get_lowest_layer(ws_).expires_after(kConnectTimeout);
    beast::get_lowest_layer(ws_).async_connect(
        results, [self = shared_from_this()](beast::error_code ec, tcp::endpoint) {
          if (ec) return self->fail("cannot connect: " + ec.message());
          self->ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(http::field::sec_websocket_protocol, "janus-protocol");
          }));
          self->ws_.async_handshake(self->address_.host + ":" + self->address_.port, self->address_.path,
                                    [self](beast::error_code ec) {
                                      if (ec) return self->fail("WebSocket handshake failed: " + ec.message());
                                      beast::get_lowest_layer(self->ws_).expires_never();
                                      self->ws_.set_option(
                                          websocket::stream_base::timeout::suggested(beast::role_type::client));
                                      self->open_ = true;
                                      self->ws_.text(true);
                                      self->read();
                                      if (!self->queue_.empty()) self->writeNext();
                                      if (self->owner_) self->owner_->connected();
                                    });
        });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec == websocket::error::closed ? "Janus closed the connection" : ec.message());
      const auto data = self->buffer_.cdata();
      const std::string text(static_cast<const char*>(data.data()), data.size());
      self->buffer_.consume(self->buffer_.size());
      if (self->owner_) self->owner_->onMessage(text);
      self->read();
    });
  }

  void writeNext() {
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->fail("write failed: " + ec.message());
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->writeNext();
    });
  }

  void fail(const std::string& why) {
    if (auto* owner = std::exchange(owner_, nullptr)) owner->lost(why);
  }

  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  JanusAddress address_;
  bool open_ = false;
  bool writing_ = false;
  JanusClient* owner_;
};

JanusClient::JanusClient(net::io_context& ioc, JanusAddress address, Events events,
                         std::chrono::milliseconds requestTimeout)
    : ioc_(ioc),
      address_(std::move(address)),
      events_(std::move(events)),
      requestTimeout_(requestTimeout),
      retry_(ioc),
      keepalive_(ioc),
      expiry_(ioc) {}

JanusClient::~JanusClient() {
  stopping_ = true;
  if (connection_) connection_->close();
}

void JanusClient::start() {
  connect();
  expireRequests();
}

void JanusClient::connect() {
  if (stopping_) return;
  connection_ = std::make_shared<Connection>(ioc_, *this);
  connection_->open(address_);
}

void JanusClient::connected() {
  send({{"janus", "create"}}, [this](const Json& answer) {
    if (answer.value("janus", "") != "success" || !answer.contains("data") || !answer["data"].contains("id") ||
        !answer["data"]["id"].is_number_unsigned()) {
      return lost("Janus refused a session: " + errorOf(answer));
    }
    session_ = answer["data"]["id"].get<std::uint64_t>();
    backoff_ = kFirstBackoff;
    if (std::exchange(down_, false)) log(LogLevel::Info, "janus ", address_.text(), ": connected again");
    keepAlive();
    if (events_.onUp) events_.onUp();
  });
}

void JanusClient::lost(const std::string& why) {
  if (connection_) {
    connection_->close();
    connection_.reset();
  }
  session_ = 0;
  keepalive_.cancel();
  // Every request still waiting fails now: its handle died with the session.
  auto pending = std::exchange(pending_, {});
  for (auto& [transaction, p] : pending) {
    if (p.answered) p.answered(failure("the connection to Janus was lost: " + why));
  }
  if (!std::exchange(down_, true)) {
    log(LogLevel::Warn, "janus ", address_.text(), ": ", why, "; reconnecting");
    if (events_.onDown) events_.onDown(why);
  }
  retryLater();
}

void JanusClient::retryLater() {
  if (stopping_) return;
  retry_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  retry_.async_wait([this](beast::error_code ec) {
    if (!ec) connect();
  });
}

void JanusClient::send(Json request, std::function<void(const Json&)> answered, bool waitsPastAck) {
  if (!connection_ || (session_ == 0 && request.value("janus", "") != "create")) {
    if (answered) net::post(ioc_, [answered = std::move(answered)] { answered(failure("Janus is unreachable")); });
    return;
  }
  const std::string transaction = "t" + std::to_string(nextTransaction_++);
  request["transaction"] = transaction;
  if (session_ != 0) request["session_id"] = session_;
  pending_[transaction] = Pending{std::move(answered), std::chrono::steady_clock::now() + requestTimeout_, waitsPastAck};
  connection_->write(dumpJson(request));
}

void JanusClient::onMessage(std::string_view text) {
  auto parsed = parseJson(text);
  if (!parsed || !parsed->is_object()) {
    log(LogLevel::Warn, "janus: a message that is not JSON");
    return;
  }
  const Json& message = *parsed;
  const std::string kind = message.value("janus", "");
  if (kind == "timeout") return lost("Janus ended the session (it heard nothing for too long)");

  // An answer to a request. An ack only answers a keepalive or a trickle; a plugin message
  // is answered by its event, which may even come before the ack.
  const std::string transaction = message.value("transaction", "");
  if (auto it = pending_.find(transaction); it != pending_.end() && !transaction.empty()) {
    if (kind == "ack" && it->second.waitsPastAck) return;
    auto answered = std::move(it->second.answered);
    pending_.erase(it);
    if (answered) answered(message);
    return;
  }
  if (kind == "ack" || kind == "success") return;
  const std::uint64_t sender = message.contains("sender") && message["sender"].is_number_unsigned()
                                   ? message["sender"].get<std::uint64_t>()
                                   : 0;
  if (events_.onEvent) events_.onEvent(sender, message);
}

void JanusClient::keepAlive() {
  keepalive_.expires_after(kKeepAlive);
  keepalive_.async_wait([this](beast::error_code ec) {
    if (ec || session_ == 0) return;
    send({{"janus", "keepalive"}}, {});
    keepAlive();
  });
}

void JanusClient::expireRequests() {
  expiry_.expires_after(std::chrono::seconds(1));
  expiry_.async_wait([this](beast::error_code ec) {
    if (ec || stopping_) return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::function<void(const Json&)>> late;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline <= now) {
        late.push_back(std::move(it->second.answered));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    const std::string why = "Janus did not answer within " +
                            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(requestTimeout_).count()) +
                            " s";
    for (auto& answered : late) {
      if (answered) answered(failure(why));
    }
    expireRequests();
  });
}

void JanusClient::attach(Attached done) {
  send({{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}}, [done = std::move(done)](const Json& answer) {
    if (answer.value("janus", "") == "success" && answer.contains("data") && answer["data"].contains("id") &&
        answer["data"]["id"].is_number_unsigned()) {
      return done(answer["data"]["id"].get<std::uint64_t>());
    }
    done(Error{"Janus: " + errorOf(answer)});
  });
}

void JanusClient::detach(std::uint64_t handle) { send({{"janus", "detach"}, {"handle_id", handle}}, {}); }

void JanusClient::message(std::uint64_t handle, Json body, std::optional<Json> jsep, Answered done) {
  Json request{{"janus", "message"}, {"handle_id", handle}, {"body", std::move(body)}};
  if (jsep) request["jsep"] = std::move(*jsep);
  // A plugin message is answered by its event; its ack says only that Janus has it.
  send(std::move(request), [done = std::move(done)](const Json& answer) {
    const std::string kind = answer.value("janus", "");
    if (kind == "error") return done(Error{"Janus: " + errorOf(answer)});
    const Json* data = answer.contains("plugindata") && answer["plugindata"].contains("data")
                           ? &answer["plugindata"]["data"]
                           : nullptr;
    if (!data) return done(Error{"Janus answered without the plugin's data"});
    if (data->contains("error_code")) return done(Error{"Janus VideoRoom: " + data->value("error", std::string("error"))});
    Reply reply{*data, std::nullopt};
    if (answer.contains("jsep")) reply.jsep = answer["jsep"];
    done(std::move(reply));
  }, true);
}

void JanusClient::trickle(std::uint64_t handle, const Json& candidate) {
  send({{"janus", "trickle"}, {"handle_id", handle}, {"candidate", candidate.is_null() ? Json{{"completed", true}} : candidate}},
       {});
}

}  // namespace orbit
