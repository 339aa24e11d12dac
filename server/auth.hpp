#pragma once

#include "ids.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// Slow, salted password hashes (libsodium's Argon2id string format). Hashing takes
// about a tenth of a second and 64 MiB on purpose: callers run it off the I/O thread.
std::string hashPassword(std::string_view password);
bool verifyPassword(const std::string& hash, std::string_view password);

// Join tokens: "<unix-expiry>.<hex HMAC-SHA256(secret, room|expiry)>". Stateless, so any
// server holding the secret can check them; bound to one room and valid for `ttl`.
class TokenIssuer {
 public:
  TokenIssuer(std::string secret, std::chrono::seconds ttl);
  std::string issue(const RoomId& room, std::int64_t unixNow) const;
  bool verify(const RoomId& room, std::string_view token, std::int64_t unixNow) const;
  std::chrono::seconds ttl() const { return ttl_; }

 private:
  std::string mac(const RoomId& room, std::int64_t expiry) const;
  std::string secret_;
  std::chrono::seconds ttl_;
};

// TURN REST credentials as coturn's use-auth-secret expects them.
struct TurnCredential {
  std::string username;    // "<unix-expiry>:<client-id>"
  std::string credential;  // base64(HMAC-SHA1(secret, username))
};
TurnCredential turnCredential(std::string_view secret, const ClientId& client, std::int64_t expiry);

// Random bytes as hex, for secrets generated at start-up.
std::string randomSecret(std::size_t bytes);

}  // namespace orbit
