#pragma once

#include "chat_manager.hpp"
#include "clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

namespace orbit {

// How many WebSockets the server takes: from one client address at once, from one address
// per second, and in all (--max-connections-per-ip, --connection-rate-per-ip,
// --max-connections). 0 leaves a limit off.
struct ConnectionLimitsConfig {
  std::size_t perAddress = 20;
  double perAddressRate = 10;  // new WebSockets per second; bursts of kBurstSeconds times that pass
  std::size_t total = 0;
  // Addresses whose rate is followed at once; past it, an address that sent nothing for a
  // while is forgotten, and when none is, a new one goes unfollowed (a flood from so many
  // addresses meets the other two limits instead).
  std::size_t maxTracked = 100000;
  static constexpr double kBurstSeconds = 5;
};

// Why a WebSocket is not let in, as the upgrade answers it: 429 for what the address did
// itself, 503 when the server as a whole is full (the client did nothing wrong: any other
// time may do). `retryAfter`: when trying again can work, where the server knows it.
struct LimitRefusal {
  UpgradeRefusal kind;
  int status;
  std::string reason;
  std::optional<std::chrono::seconds> retryAfter;
};

// The per-address and total caps on WebSockets, checked before the upgrade; knows no socket.
// An address is TrustedProxies::clientAddress's answer; an IPv6 address counts by its /64,
// which is what one subscriber gets, so a client cannot pick a fresh address per connection.
// Runs on the I/O thread.
class ConnectionLimits {
 public:
  // A WebSocket's place, given back when it is destroyed. Its ConnectionLimits must outlive it.
  class Slot {
   public:
    Slot() = default;
    Slot(ConnectionLimits* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)) {}
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        key_ = std::move(other.key_);
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }

   private:
    void release() {
      if (owner_) std::exchange(owner_, nullptr)->release(key_);
    }
    ConnectionLimits* owner_ = nullptr;
    std::string key_;
  };

  explicit ConnectionLimits(ConnectionLimitsConfig config = {});
  ConnectionLimits(const ConnectionLimits&) = delete;
  ConnectionLimits& operator=(const ConnectionLimits&) = delete;

  // A place for a new WebSocket from `address`, or why not. An attempt that gets past the
  // per-address and total caps costs one of the address's tokens, refused or not.
  std::variant<Slot, LimitRefusal> admit(std::string_view address, TimePoint now);
  // What admit() would answer now, without taking anything: GET /api/rooms/<id> says it, so
  // that a page whose WebSocket was refused (a browser is not told why) can tell the person.
  std::optional<LimitRefusal> peek(std::string_view address, TimePoint now) const;

  const ConnectionLimitsConfig& config() const { return config_; }
  bool perAddressLimited() const { return config_.perAddress > 0 || config_.perAddressRate > 0; }
  std::size_t open() const { return open_; }
  std::size_t openFrom(std::string_view address) const;
  std::size_t tracked() const { return buckets_.size(); }

  // True the first time only: a peer that is no trusted proxy named a client in a forwarding
  // header, which the start of the log should say once (nginx without --trusted-proxy).
  bool firstUntrustedForwarder() { return !std::exchange(untrustedForwarderSaid_, true); }

  // What the limits count an address as: itself, or an IPv6 address's /64.
  static std::string keyOf(std::string_view address);

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint at{};
  };
  void release(const std::string& key);
  // Why `key` may not open another connection now, if it may not: the caps, then the rate.
  std::optional<LimitRefusal> refusalFor(const std::string& key, TimePoint now) const;
  // The address's tokens as of `now` (a full bucket for one not followed).
  double tokensAt(const std::string& key, TimePoint now) const;
  std::chrono::seconds untilToken(double tokens) const;
  void forgetFullBuckets(TimePoint now);

  ConnectionLimitsConfig config_;
  double burst_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> openByKey_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::optional<TimePoint> lastSweep_;
  bool untrustedForwarderSaid_ = false;
};

}  // namespace orbit
