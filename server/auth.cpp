#include "auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace orbit {
namespace {

std::string toHex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xF]);
  }
  return out;
}

void ensureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string hashPassword(std::string_view password) {
  ensureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verifyPassword(const std::string& hash, std::string_view password) {
  ensureSodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

TokenIssuer::TokenIssuer(std::string secret, std::chrono::seconds ttl)
    : secret_(std::move(secret)), ttl_(ttl) {}

std::string TokenIssuer::mac(const RoomId& room, std::int64_t expiry) const {
  const std::string payload = room.str() + "|" + std::to_string(expiry);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest, &len);
  return toHex(digest, len);
}

std::string TokenIssuer::issue(const RoomId& room, std::int64_t unixNow) const {
  const std::int64_t expiry = unixNow + ttl_.count();
  return std::to_string(expiry) + "." + mac(room, expiry);
}

bool TokenIssuer::verify(const RoomId& room, std::string_view token, std::int64_t unixNow) const {
  const auto dot = token.find('.');
  // At most 18 digits: 19 nines would overflow int64 below.
  if (dot == std::string_view::npos || dot == 0 || dot > 18) return false;
  std::int64_t expiry = 0;
  for (char c : token.substr(0, dot)) {
    if (c < '0' || c > '9') return false;
    expiry = expiry * 10 + (c - '0');
  }
  if (expiry < unixNow) return false;
  const std::string expected = mac(room, expiry);
  const std::string_view given = token.substr(dot + 1);
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

TurnCredential turnCredential(std::string_view secret, const ClientId& client, std::int64_t expiry) {
  TurnCredential out;
  out.username = std::to_string(expiry) + ":" + client.str();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(out.username.data()), out.username.size(), digest, &len);
  std::vector<unsigned char> b64(4 * ((len + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(b64.data(), digest, static_cast<int>(len));
  out.credential.assign(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(n));
  return out;
}

std::string randomSecret(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    throw std::runtime_error("no randomness for a secret");
  }
  return toHex(buf.data(), buf.size());
}

}  // namespace orbit
