#include "auth.hpp"
#include "ids.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::Matches;
using orbit::ClientId;
using orbit::RoomId;
using orbit::TokenIssuer;

TEST_CASE("a password verifies against its own hash and no other password", "[auth][password]") {
  const std::string hash = orbit::hashPassword("correct horse battery staple");
  CHECK(orbit::verifyPassword(hash, "correct horse battery staple"));
  CHECK_FALSE(orbit::verifyPassword(hash, "correct horse battery stapl"));
  CHECK_FALSE(orbit::verifyPassword(hash, "Correct horse battery staple"));
  CHECK_FALSE(orbit::verifyPassword(hash, ""));

  // Stored as a slow salted hash, never as the password.
  CHECK_THAT(hash, !Contains("correct horse"));
  CHECK_THAT(hash, Contains("argon2id"));
  const std::string again = orbit::hashPassword("correct horse battery staple");
  CHECK(again != hash);  // a fresh salt each time
  CHECK(orbit::verifyPassword(again, "correct horse battery staple"));
}

TEST_CASE("passwords with any bytes round-trip, and garbage hashes verify nothing", "[auth][password]") {
  const std::string odd("p\0ss\xff w\xC3\xB6rd", 11);
  const std::string hash = orbit::hashPassword(odd);
  CHECK(orbit::verifyPassword(hash, odd));
  CHECK_FALSE(orbit::verifyPassword(hash, "p"));  // not cut at the NUL

  CHECK_FALSE(orbit::verifyPassword("", ""));
  CHECK_FALSE(orbit::verifyPassword("not a hash", "not a hash"));
  CHECK_FALSE(orbit::verifyPassword("$argon2id$v=19$m=65536,t=2,p=1$", "x"));
}

TEST_CASE("a join token is valid for its room until it expires", "[auth][token]") {
  const TokenIssuer issuer("server-secret", 600s);
  const RoomId room("team-sync");
  const std::string token = issuer.issue(room, 1'000'000);
  CHECK_THAT(token, Matches("1000600\\.[0-9a-f]{64}"));

  CHECK(issuer.verify(room, token, 1'000'000));
  CHECK(issuer.verify(room, token, 1'000'599));
  CHECK(issuer.verify(room, token, 1'000'600));  // the expiry second itself still counts
  CHECK_FALSE(issuer.verify(room, token, 1'000'601));
  CHECK_FALSE(issuer.verify(room, token, 2'000'000'000));

  SECTION("not for another room") {
    CHECK_FALSE(issuer.verify(RoomId("team-sync-2"), token, 1'000'000));
    CHECK_FALSE(issuer.verify(RoomId("team"), token, 1'000'000));
  }
  SECTION("not from a server with another secret") {
    const TokenIssuer other("another-secret", 600s);
    CHECK_FALSE(other.verify(room, token, 1'000'000));
  }
  SECTION("not with a longer life written into it") {
    std::string extended = token;
    extended.replace(0, 7, "9000600");
    CHECK_FALSE(issuer.verify(room, extended, 1'000'000));
  }
  SECTION("not with any character of the mac changed") {
    const auto dot = token.find('.');
    for (std::size_t i = dot + 1; i < token.size(); ++i) {
      std::string tampered = token;
      tampered[i] = tampered[i] == '0' ? '1' : '0';
      INFO(tampered);
      CHECK_FALSE(issuer.verify(room, tampered, 1'000'000));
    }
    CHECK_FALSE(issuer.verify(room, token.substr(0, token.size() - 1), 1'000'000));
    CHECK_FALSE(issuer.verify(room, token + "0", 1'000'000));
  }
}

TEST_CASE("garbage tokens are refused without crashing", "[auth][token]") {
  const TokenIssuer issuer("server-secret", 600s);
  const RoomId room("team-sync");
  const std::string token = issuer.issue(room, 0);
  const std::string mac = token.substr(token.find('.'));  // ".<hex>" of a real token
  const std::string garbage = GENERATE_COPY(values<std::string>({
      "",
      ".",
      "..",
      "abc.def",
      "600",
      "600.",
      ".abc",
      "-600" + mac,
      "+600" + mac,
      " 600" + mac,
      "6 00" + mac,
      "0x258" + mac,
      "9999999999999999999" + mac,
      "99999999999999999999999" + mac,
      std::string(10000, '9') + mac,
      std::string(10000, '.'),
      std::string("600\0", 4) + mac,
  }));
  INFO("token: " << garbage.substr(0, 80));
  CHECK_FALSE(issuer.verify(room, garbage, 0));
  CHECK(issuer.verify(room, "600" + mac, 0));  // the genuine one, for contrast
}

TEST_CASE("TURN credentials match coturn's REST convention (known answer)", "[auth][turn]") {
  // Expected value computed independently:
  //   printf %s '1700000000:0123456789abcdef0123456789abcdef' |
  //     openssl dgst -sha1 -hmac orbit-secret -binary | base64
  const auto cred = orbit::turnCredential("orbit-secret", ClientId("0123456789abcdef0123456789abcdef"),
                                          1'700'000'000);
  CHECK(cred.username == "1700000000:0123456789abcdef0123456789abcdef");
  CHECK(cred.credential == "rceJrgpCIRAwLv8a2WPx9BrF6AI=");

  const auto otherSecret = orbit::turnCredential("other-secret", ClientId("0123456789abcdef0123456789abcdef"),
                                                 1'700'000'000);
  CHECK(otherSecret.username == cred.username);
  CHECK(otherSecret.credential != cred.credential);
  CHECK(otherSecret.credential.size() == 28);  // base64 of a 20-byte SHA-1 digest
}

TEST_CASE("random secrets are hex of the asked length and never repeat", "[auth]") {
  const std::string a = orbit::randomSecret(32);
  const std::string b = orbit::randomSecret(32);
  CHECK_THAT(a, Matches("[0-9a-f]{64}"));
  CHECK_THAT(b, Matches("[0-9a-f]{64}"));
  CHECK(a != b);
}
