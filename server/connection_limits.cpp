#include "connection_limits.hpp"

#include "client_address.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace orbit {
namespace {

std::string rateReason(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", rate);
  return "too many new connections from your address: at most " + std::string(text) + " a second";
}

}  // namespace

ConnectionLimits::ConnectionLimits(ConnectionLimitsConfig config)
    : config_(config), burst_(std::max(1.0, config.perAddressRate * ConnectionLimitsConfig::kBurstSeconds)) {}

std::string ConnectionLimits::keyOf(std::string_view address) {
  auto parsed = IpAddress::parse(address);
  if (!parsed || parsed->isV4()) return std::string(address);
  std::fill(parsed->bytes.begin() + 8, parsed->bytes.end(), std::uint8_t{0});
  return parsed->text() + "/64";
}

std::size_t ConnectionLimits::openFrom(std::string_view address) const {
  auto it = openByKey_.find(keyOf(address));
  return it == openByKey_.end() ? 0 : it->second;
}

std::optional<LimitRefusal> ConnectionLimits::refusalFor(const std::string& key, TimePoint now) const {
  if (config_.perAddress > 0) {
    auto it = openByKey_.find(key);
    if (it != openByKey_.end() && it->second >= config_.perAddress) {
      // No Retry-After: a place comes free when one of this address's own connections closes.
      return LimitRefusal{UpgradeRefusal::AddressConnections, 429,
                          "too many connections from your address: at most " + std::to_string(config_.perAddress) +
                              " at once; close another tab or call first",
                          std::nullopt};
    }
  }
  if (config_.total > 0 && open_ >= config_.total) {
    return LimitRefusal{UpgradeRefusal::ServerFull, 503,
                        "the server is full (" + std::to_string(config_.total) + " connections); try again later",
                        std::nullopt};
  }
  if (config_.perAddressRate > 0) {
    if (const double tokens = tokensAt(key, now); tokens < 1) {
      return LimitRefusal{UpgradeRefusal::AddressRate, 429, rateReason(config_.perAddressRate), untilToken(tokens)};
    }
  }
  return std::nullopt;
}

double ConnectionLimits::tokensAt(const std::string& key, TimePoint now) const {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return burst_;
  const double elapsed = std::chrono::duration<double>(now - it->second.at).count();
  return std::min(burst_, it->second.tokens + std::max(0.0, elapsed) * config_.perAddressRate);
}

std::chrono::seconds ConnectionLimits::untilToken(double tokens) const {
  const double wait = (1 - tokens) / config_.perAddressRate;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

std::variant<ConnectionLimits::Slot, LimitRefusal> ConnectionLimits::admit(std::string_view address, TimePoint now) {
  std::string key = keyOf(address);
  if (auto refusal = refusalFor(key, now)) return std::move(*refusal);
  if (config_.perAddressRate > 0) {
    const double tokens = tokensAt(key, now);
    auto it = buckets_.find(key);
    if (it == buckets_.end() && buckets_.size() >= config_.maxTracked) forgetFullBuckets(now);
    if (it != buckets_.end()) {
      it->second = Bucket{tokens - 1, now};
    } else if (buckets_.size() < config_.maxTracked) {
      buckets_.emplace(key, Bucket{tokens - 1, now});
    }
  }
  ++open_;
  ++openByKey_[key];
  return Slot(this, std::move(key));
}

std::optional<LimitRefusal> ConnectionLimits::peek(std::string_view address, TimePoint now) const {
  return refusalFor(keyOf(address), now);
}

void ConnectionLimits::release(const std::string& key) {
  if (open_ > 0) --open_;
  auto it = openByKey_.find(key);
  if (it == openByKey_.end()) return;
  if (--it->second == 0) openByKey_.erase(it);
}

void ConnectionLimits::forgetFullBuckets(TimePoint now) {
  // At most once a second: under a flood from many addresses, not once per attempt.
  if (lastSweep_ && now - *lastSweep_ < std::chrono::seconds(1)) return;
  lastSweep_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    it = tokensAt(it->first, now) >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace orbit
