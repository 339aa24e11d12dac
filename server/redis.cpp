#include "redis.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <algorithm>
#include <charconv>

namespace orbit {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{1000};
constexpr std::chrono::seconds kConnectTimeout{3};

RedisReply copyReply(const redisReply* r) {
  RedisReply out;
  if (!r) {
    out.type = RedisReply::Type::Error;
    out.text = "the connection to Redis was lost";
    return out;
  }
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::String; break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::Status; break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::Error; break;
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::Integer; break;
    case REDIS_REPLY_ARRAY: out.type = RedisReply::Type::Array; break;
    default: out.type = RedisReply::Type::Nil; break;
  }
  if (r->str) out.text.assign(r->str, r->len);
  out.integer = r->integer;
  out.elements.reserve(r->elements);
  for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copyReply(r->element[i]));
  return out;
}

RedisReply errorReply(std::string text) {
  RedisReply out;
  out.type = RedisReply::Type::Error;
  out.text = std::move(text);
  return out;
}

}  // namespace

// Tells hiredis when its socket can be read or written, through Asio. hiredis owns the
// socket: the descriptor is released, never closed, when hiredis lets go of the context.
struct RedisConnection::Watcher : std::enable_shared_from_this<Watcher> {
  Watcher(net::io_context& ioc, redisAsyncContext* context) : fd(ioc, context->c.fd), ac(context) {}

  net::posix::stream_descriptor fd;
  redisAsyncContext* ac;  // nullptr once hiredis has freed it
  bool wantRead = false;
  bool wantWrite = false;
  bool readWaiting = false;
  bool writeWaiting = false;

  void arm() {
    if (!ac) return;
    if (wantRead && !readWaiting) {
      readWaiting = true;
      fd.async_wait(net::posix::stream_descriptor::wait_read, [self = shared_from_this()](beast::error_code ec) {
        self->readWaiting = false;
        if (ec || !self->ac) return;
        if (self->wantRead) redisAsyncHandleRead(self->ac);
        self->arm();
      });
    }
    if (wantWrite && !writeWaiting) {
      writeWaiting = true;
      fd.async_wait(net::posix::stream_descriptor::wait_write, [self = shared_from_this()](beast::error_code ec) {
        self->writeWaiting = false;
        if (ec || !self->ac) return;
        if (self->wantWrite) redisAsyncHandleWrite(self->ac);
        self->arm();
      });
    }
  }

  void stop() {
    ac = nullptr;
    beast::error_code ec;
    fd.cancel(ec);
    fd.release();
  }

  static Watcher* of(void* data) { return static_cast<Watcher*>(data); }
  static void addRead(void* data) {
    of(data)->wantRead = true;
    of(data)->arm();
  }
  static void delRead(void* data) { of(data)->wantRead = false; }
  static void addWrite(void* data) {
    of(data)->wantWrite = true;
    of(data)->arm();
  }
  static void delWrite(void* data) { of(data)->wantWrite = false; }
  static void cleanup(void* data) { of(data)->stop(); }
};

struct RedisConnection::Pending {
  Callback done;
};

RedisConnection::RedisConnection(net::io_context& ioc, RedisAddress address, Events events)
    : ioc_(ioc),
      address_(std::move(address)),
      events_(std::move(events)),
      retry_(ioc),
      connectDeadline_(ioc) {}

RedisConnection::~RedisConnection() {
  stopping_ = true;
  retry_.cancel();
  connectDeadline_.cancel();
  if (ac_) redisAsyncFree(ac_);  // runs what is pending with no reply; stopping_ drops it
}

void RedisConnection::start() { connect(); }

void RedisConnection::connect() {
  if (stopping_) return;
  ac_ = redisAsyncConnect(address_.host.c_str(), address_.port);
  if (!ac_ || ac_->err) {
    const std::string why = ac_ ? ac_->errstr : "out of memory";
    if (ac_) redisAsyncFree(ac_);
    ac_ = nullptr;
    lost(why);
    return retryLater();
  }
  ac_->data = this;
  watcher_ = std::make_shared<Watcher>(ioc_, ac_);
  ac_->ev.data = watcher_.get();
  ac_->ev.addRead = &Watcher::addRead;
  ac_->ev.delRead = &Watcher::delRead;
  ac_->ev.addWrite = &Watcher::addWrite;
  ac_->ev.delWrite = &Watcher::delWrite;
  ac_->ev.cleanup = &Watcher::cleanup;
  // After the event hooks: setting the connect callback asks for the first write event.
  redisAsyncSetConnectCallback(ac_, &RedisConnection::onConnect);
  redisAsyncSetDisconnectCallback(ac_, &RedisConnection::onDisconnect);
  connectDeadline_.expires_after(kConnectTimeout);
  connectDeadline_.async_wait([this](beast::error_code ec) {
    if (ec || up_ || !ac_) return;
    redisAsyncFree(std::exchange(ac_, nullptr));  // not connected: no disconnect callback
    lost("no answer from " + address_.text() + " within " + std::to_string(kConnectTimeout.count()) + " s");
    retryLater();
  });
}

void RedisConnection::onConnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  self->connectDeadline_.cancel();
  if (status != REDIS_OK) {
    // hiredis frees the context after this callback.
    const std::string why = ac->errstr;
    self->ac_ = nullptr;
    self->lost(why);
    return self->retryLater();
  }
  self->up_ = true;
  self->backoff_ = kFirstBackoff;
  if (self->address_.db != 0) self->command({"SELECT", std::to_string(self->address_.db)});
  for (const std::string& channel : self->channels_) {
    self->send({"SUBSCRIBE", channel}, &RedisConnection::onSubscription, nullptr);
  }
  self->down_ = false;
  if (self->events_.onUp) self->events_.onUp();
}

void RedisConnection::onDisconnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  // hiredis frees the context after this callback.
  self->ac_ = nullptr;
  self->up_ = false;
  if (self->stopping_) return;
  self->lost(status == REDIS_OK ? "closed" : (ac->errstr[0] ? ac->errstr : "connection lost"));
  self->retryLater();
}

void RedisConnection::lost(const std::string& why) {
  up_ = false;
  if (down_) return;
  down_ = true;
  if (events_.onDown) events_.onDown(why);
}

void RedisConnection::retryLater() {
  if (stopping_) return;
  retry_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  retry_.async_wait([this](beast::error_code ec) {
    if (!ec) connect();
  });
}

void RedisConnection::send(const std::vector<std::string>& args,
                           void (*callback)(redisAsyncContext*, void*, void*), void* privdata) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  if (!ac_ || redisAsyncCommandArgv(ac_, callback, privdata, static_cast<int>(argv.size()), argv.data(),
                                    lengths.data()) != REDIS_OK) {
    if (callback == &RedisConnection::onReply) onReply(nullptr, nullptr, privdata);
  }
}

void RedisConnection::command(const std::vector<std::string>& args, Callback done) {
  if (!up_) {
    if (done) {
      net::post(ioc_, [done = std::move(done)] { done(errorReply("Redis is unreachable")); });
    }
    return;
  }
  send(args, &RedisConnection::onReply, new Pending{std::move(done)});
}

void RedisConnection::onReply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  auto* self = ac ? static_cast<RedisConnection*>(ac->data) : nullptr;
  if ((self && self->stopping_) || !pending->done) return;
  pending->done(copyReply(static_cast<redisReply*>(reply)));
}

void RedisConnection::subscribe(const std::string& channel) {
  if (channels_.insert(channel).second && up_) send({"SUBSCRIBE", channel}, &RedisConnection::onSubscription, nullptr);
}

void RedisConnection::onSubscription(redisAsyncContext* ac, void* reply, void*) {
  auto* r = static_cast<redisReply*>(reply);
  if (!ac || !r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
  auto* self = static_cast<RedisConnection*>(ac->data);
  if (self->stopping_) return;
  const redisReply* kind = r->element[0];
  if (kind->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_STRING) return;
  const std::string_view what(kind->str, kind->len);
  if (what == "subscribe" && self->events_.onSubscribed) {
    self->events_.onSubscribed(std::string_view(r->element[1]->str, r->element[1]->len));
  }
  if (what != "message" || !self->events_.onMessage || r->element[2]->type != REDIS_REPLY_STRING) return;
  self->events_.onMessage(std::string_view(r->element[1]->str, r->element[1]->len),
                          std::string_view(r->element[2]->str, r->element[2]->len));
}

}  // namespace orbit
