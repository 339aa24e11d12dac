#pragma once

#include "config.hpp"
#include "net.hpp"
#include "result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisAsyncContext;

namespace orbit {

// One reply, copied out of hiredis's.
struct RedisReply {
  enum class Type { Nil, Integer, String, Status, Error, Array };
  Type type = Type::Nil;
  long long integer = 0;
  std::string text;  // String, Status, Error
  std::vector<RedisReply> elements;

  bool isError() const { return type == Type::Error; }
};

// One connection to Redis through hiredis's asynchronous API, driven by the server's Asio
// loop: hiredis parses and writes RESP, Asio tells it when the socket is ready. No thread of
// its own, all callbacks on the loop's thread.
//
// It connects, and reconnects with backoff whenever the connection is lost; each time it is
// (again) up it calls `onUp` first, so the owner can subscribe and republish what Redis may
// have lost. A command sent while it is down fails at once (an Error reply): nothing is
// queued for later, so nothing is ever done twice.
class RedisConnection {
 public:
  struct Events {
    std::function<void()> onUp;
    // `why`: the error; called once per outage, not per failed attempt (nothing is logged
    // here: the owner says what an outage means).
    std::function<void(const std::string& why)> onDown;
    // Redis confirmed a subscription (after each reconnection too).
    std::function<void(std::string_view channel)> onSubscribed;
    // A message on a subscribed channel (subscriber connections only).
    std::function<void(std::string_view channel, std::string_view payload)> onMessage;
  };
  using Callback = std::function<void(const RedisReply&)>;

  RedisConnection(net::io_context& ioc, RedisAddress address, Events events);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  void start();
  bool up() const { return up_; }
  // Sends a command (its arguments as they are, binary-safe); `done` may be empty.
  void command(const std::vector<std::string>& args, Callback done = {});
  // Subscribes, again after each reconnection. (Nothing unsubscribes: hiredis 0.14 loses a
  // channel subscribed again while its unsubscription is under way, so channels are fixed.)
  void subscribe(const std::string& channel);

 private:
  struct Watcher;
  struct Pending;
  static void onConnect(const redisAsyncContext* ac, int status);
  static void onDisconnect(const redisAsyncContext* ac, int status);
  static void onReply(redisAsyncContext* ac, void* reply, void* privdata);
  static void onSubscription(redisAsyncContext* ac, void* reply, void* privdata);
  void connect();
  void lost(const std::string& why);
  void retryLater();
  void send(const std::vector<std::string>& args, void (*callback)(redisAsyncContext*, void*, void*),
            void* privdata);

  net::io_context& ioc_;
  RedisAddress address_;
  Events events_;
  redisAsyncContext* ac_ = nullptr;
  std::shared_ptr<Watcher> watcher_;
  net::steady_timer retry_;
  net::steady_timer connectDeadline_;
  std::chrono::milliseconds backoff_{100};
  bool up_ = false;
  bool down_ = false;     // an outage was reported and has not ended
  bool stopping_ = false;
  std::set<std::string> channels_;
};

}  // namespace orbit
