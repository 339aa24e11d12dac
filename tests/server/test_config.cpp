#include "config.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using orbit::ConfigOutcome;

namespace {

using Env = std::map<std::string, std::string>;

// Runs parseConfig on `args` (without the program name) with a fake environment.
ConfigOutcome parse(std::vector<std::string> args, const Env& env = {}) {
  std::vector<const char*> argv{"orbit-server"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return orbit::parseConfig(static_cast<int>(argv.size()), argv.data(), [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

// The configuration `args` produce; fails the test when they are refused.
orbit::ServerConfig accepted(std::vector<std::string> args, const Env& env = {}) {
  const ConfigOutcome out = parse(std::move(args), env);
  INFO(out.message);
  REQUIRE(out.config);
  return *out.config;
}

// The message for arguments that must be refused with exit code 2.
std::string refused(std::vector<std::string> args, const Env& env = {}) {
  const ConfigOutcome out = parse(std::move(args), env);
  REQUIRE_FALSE(out.config);
  CHECK(out.exitCode == 2);
  CHECK_FALSE(out.message.empty());
  return out.message;
}

}  // namespace

TEST_CASE("with no flags and no environment the defaults apply", "[config]") {
  const auto c = accepted({});
  CHECK(c.host == "127.0.0.1");
  CHECK(c.port == 8080);
  CHECK(c.logLevel == orbit::LogLevel::Info);
  CHECK(c.tlsCert.empty());
  CHECK(c.tlsKey.empty());
  CHECK_FALSE(c.webRoot.empty());
  CHECK(c.manager.pingAfter == 10s);
  CHECK(c.manager.reapAfter == 30s);
  CHECK(c.manager.roomIdleTimeout == 24h);
  CHECK(c.manager.maxRoomSize == 50);
  CHECK(c.manager.stunUrls.empty());
  CHECK(c.manager.turnUrls.empty());
  CHECK(c.manager.turnSecret.empty());
  CHECK(c.manager.turnTtl == 24h);
  CHECK(c.manager.tokenSecret.empty());
  CHECK(c.manager.tokenTtl == 600s);
  CHECK(c.manager.clientLimits.messagesPerSecond == 100);
  CHECK(c.manager.clientLimits.burst == 200);
  CHECK(c.allowedOrigins.empty());  // every origin may embed
  CHECK(c.dataDir == "orbit-data");  // rooms outlive a restart unless --ephemeral
  CHECK(c.manager.historyLines == 50);
}

TEST_CASE("the --data-dir flag names where rooms are kept, and --ephemeral keeps them in memory only", "[config][store]") {
  CHECK(accepted({"--data-dir", "/var/lib/orbit"}).dataDir == "/var/lib/orbit");
  CHECK(accepted({}, {{"ORBIT_DATA_DIR", "/srv/orbit"}}).dataDir == "/srv/orbit");
  CHECK(accepted({"--ephemeral"}).dataDir.empty());
  CHECK(accepted({}, {{"ORBIT_EPHEMERAL", "1"}}).dataDir.empty());
  CHECK(accepted({"--ephemeral", "--data-dir", "/var/lib/orbit"}).dataDir.empty());
  CHECK_THAT(refused({"--data-dir", ""}), Contains("--data-dir"));
  CHECK_THAT(refused({}, {{"ORBIT_EPHEMERAL", "maybe"}}), Contains("ephemeral"));
}

TEST_CASE("the --history flag says how many room lines a newcomer gets, 0 for none", "[config][history]") {
  CHECK(accepted({"--history", "0"}).manager.historyLines == 0);
  CHECK(accepted({}, {{"ORBIT_HISTORY", "200"}}).manager.historyLines == 200);
  CHECK_THAT(refused({"--history", "5000"}), Contains("--history"));
  CHECK_THAT(refused({"--history", "-1"}), Contains("history"));
}

TEST_CASE("flags override the defaults", "[config]") {
  const auto c = accepted({"--host", "0.0.0.0", "--port", "9000", "--web-root", "/srv/orbit/web",
                           "--stun", "stun:stun.example.org:3478", "--turn", "turn:turn.example.org:3478",
                           "--turn-secret", "s3cret", "--turn-ttl", "120", "--tls-cert", "cert.pem",
                           "--tls-key", "key.pem", "--log-level", "debug", "--ping-interval", "5",
                           "--reap-timeout", "15", "--room-idle-timeout", "0", "--max-room-size", "8",
                           "--rate-limit", "10", "--token-secret", "tok", "--token-ttl", "30"});
  CHECK(c.host == "0.0.0.0");
  CHECK(c.port == 9000);
  CHECK(c.webRoot == "/srv/orbit/web");
  CHECK(c.manager.stunUrls == std::vector<std::string>{"stun:stun.example.org:3478"});
  CHECK(c.manager.turnUrls == std::vector<std::string>{"turn:turn.example.org:3478"});
  CHECK(c.manager.turnSecret == "s3cret");
  CHECK(c.manager.turnTtl == 120s);
  CHECK(c.tlsCert == "cert.pem");
  CHECK(c.tlsKey == "key.pem");
  CHECK(c.logLevel == orbit::LogLevel::Debug);
  CHECK(c.manager.pingAfter == 5s);
  CHECK(c.manager.reapAfter == 15s);
  CHECK(c.manager.roomIdleTimeout == 0s);
  CHECK(c.manager.maxRoomSize == 8);
  CHECK(c.manager.clientLimits.messagesPerSecond == 10);
  CHECK(c.manager.clientLimits.burst == 20);
  CHECK(c.manager.tokenSecret == "tok");
  CHECK(c.manager.tokenTtl == 30s);
  CHECK(accepted({"--port", "0"}).port == 0);
  CHECK(accepted({"--port=65535"}).port == 65535);
}

TEST_CASE("ORBIT_* variables apply when their flag is absent", "[config][env]") {
  const auto c = accepted({}, {{"ORBIT_HOST", "::"},
                               {"ORBIT_PORT", "9100"},
                               {"ORBIT_WEB_ROOT", "/var/www/orbit"},
                               {"ORBIT_STUN", "stun:a.example.org,stun:b.example.org:3478"},
                               {"ORBIT_TURN", "turn:t.example.org"},
                               {"ORBIT_TURN_SECRET", "env-secret"},
                               {"ORBIT_TLS_CERT", "c.pem"},
                               {"ORBIT_TLS_KEY", "k.pem"},
                               {"ORBIT_LOG_LEVEL", "warn"},
                               {"ORBIT_PING_INTERVAL", "7"},
                               {"ORBIT_REAP_TIMEOUT", "21"},
                               {"ORBIT_MAX_ROOM_SIZE", "4"},
                               {"ORBIT_TOKEN_SECRET", "env-token"}});
  CHECK(c.host == "::");
  CHECK(c.port == 9100);
  CHECK(c.webRoot == "/var/www/orbit");
  CHECK(c.manager.stunUrls == std::vector<std::string>{"stun:a.example.org", "stun:b.example.org:3478"});
  CHECK(c.manager.turnUrls == std::vector<std::string>{"turn:t.example.org"});
  CHECK(c.manager.turnSecret == "env-secret");
  CHECK(c.tlsCert == "c.pem");
  CHECK(c.tlsKey == "k.pem");
  CHECK(c.logLevel == orbit::LogLevel::Warn);
  CHECK(c.manager.pingAfter == 7s);
  CHECK(c.manager.reapAfter == 21s);
  CHECK(c.manager.maxRoomSize == 4);
  CHECK(c.manager.tokenSecret == "env-token");
}

TEST_CASE("an empty ORBIT_* variable counts as unset", "[config][env]") {
  const auto c = accepted({}, {{"ORBIT_PORT", ""}, {"ORBIT_STUN", ""}, {"ORBIT_HOST", ""}});
  CHECK(c.port == 8080);
  CHECK(c.host == "127.0.0.1");
  CHECK(c.manager.stunUrls.empty());
}

TEST_CASE("the flag wins over its ORBIT_* twin", "[config][env]") {
  const Env env{{"ORBIT_PORT", "9100"},
                {"ORBIT_HOST", "::"},
                {"ORBIT_LOG_LEVEL", "error"},
                {"ORBIT_PING_INTERVAL", "7"},
                {"ORBIT_STUN", "stun:env-a.example.org,stun:env-b.example.org"},
                {"ORBIT_TURN", "turn:env.example.org"},
                {"ORBIT_TURN_SECRET", "env-secret"}};
  const auto c = accepted({"--port", "9000", "--host", "10.0.0.1", "--log-level", "debug", "--ping-interval",
                           "3", "--stun", "stun:flag.example.org", "--turn", "turn:flag.example.org"},
                          env);
  CHECK(c.port == 9000);
  CHECK(c.host == "10.0.0.1");
  CHECK(c.logLevel == orbit::LogLevel::Debug);
  CHECK(c.manager.pingAfter == 3s);
  // Repeatable flags too: the command line's list replaces the variable's, it does not add to it.
  CHECK(c.manager.stunUrls == std::vector<std::string>{"stun:flag.example.org"});
  CHECK(c.manager.turnUrls == std::vector<std::string>{"turn:flag.example.org"});
  CHECK(c.manager.turnSecret == "env-secret");  // no --turn-secret given: the variable applies

  // A bad variable is not an error when its flag overrides it.
  CHECK(accepted({"--port", "9000"}, {{"ORBIT_PORT", "not-a-port"}}).port == 9000);
}

TEST_CASE("repeated --stun and --turn accumulate, commas split", "[config]") {
  const auto c = accepted({"--stun", "stun:a", "--stun", "stun:b,stun:c", "--turn", "turn:x", "--turn",
                           "turns:y", "--turn-secret", "s"});
  CHECK(c.manager.stunUrls == std::vector<std::string>{"stun:a", "stun:b", "stun:c"});
  CHECK(c.manager.turnUrls == std::vector<std::string>{"turn:x", "turns:y"});
  CHECK(accepted({}, {{"ORBIT_STUN", "stun:a,,stun:b,"}}).manager.stunUrls ==
        std::vector<std::string>{"stun:a", "stun:b"});
}

TEST_CASE("fractional seconds are accepted for the heartbeat", "[config]") {
  const auto c = accepted({"--ping-interval", "0.2", "--reap-timeout", "1.5"});
  CHECK(c.manager.pingAfter == 200ms);
  CHECK(c.manager.reapAfter == 1500ms);
}

TEST_CASE("the --help output prints every flag with its ORBIT_ twin and exits 0", "[config][help]") {
  const std::string flag = GENERATE(as<std::string>{}, "--help", "-h");
  const ConfigOutcome out = parse({flag});
  CHECK_FALSE(out.config);
  CHECK(out.exitCode == 0);
  for (const char* name : {"host", "port", "web-root", "stun", "turn", "turn-secret", "turn-ttl", "tls-cert",
                           "tls-key", "log-level", "log-format", "trusted-proxy", "shutdown-delay", "metrics-listen", "turn-secret-file", "token-secret-file", "ping-interval", "reap-timeout", "room-idle-timeout",
                           "max-room-size", "rate-limit", "token-secret", "token-ttl", "allowed-origin", "janus", "sfu-from",
                           "max-connections-per-ip", "connection-rate-per-ip", "max-connections", "password-backoff"}) {
    std::string env = std::string("ORBIT_") + name;
    for (auto& ch : env) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    INFO(name);
    CHECK_THAT(out.message, Contains(std::string("--") + name + " "));
    CHECK_THAT(out.message, Contains(env));
  }
  // --help wins over everything else on the line, even a bad value.
  const ConfigOutcome withBad = parse({"--port", "70000", "--help"});
  CHECK(withBad.exitCode == 0);
  CHECK_THAT(withBad.message, Contains("--reap-timeout"));
}

TEST_CASE("bad flags and values exit 2 with a message saying what is wrong", "[config][errors]") {
  CHECK_THAT(refused({"--bogus"}), Contains("bogus"));
  CHECK_THAT(refused({"--port"}), Contains("port"));
  CHECK_THAT(refused({"--port", "70000"}), Contains("--port"));
  CHECK_THAT(refused({"--port", "65536"}), Contains("--port"));
  CHECK_THAT(refused({"--port=-1"}), Contains("port"));
  CHECK_THAT(refused({"--port", "eighty"}), Contains("port"));
  CHECK_THAT(refused({"--log-level", "loud"}), Contains("--log-level"));
  CHECK_THAT(refused({"--turn", "turn:t.example.org"}), Contains("--turn-secret"));
  CHECK_THAT(refused({"--tls-cert", "cert.pem"}), Contains("--tls-key"));
  CHECK_THAT(refused({"--tls-key", "key.pem"}), Contains("--tls-cert"));
  CHECK_THAT(refused({"--reap-timeout", "10"}), Contains("--reap-timeout"));  // equal to the ping interval
  CHECK_THAT(refused({"--ping-interval", "30", "--reap-timeout", "10"}), Contains("--reap-timeout"));
  CHECK_THAT(refused({"--reap-timeout", "5"}), Contains("--ping-interval"));
  CHECK_THAT(refused({"--ping-interval", "0"}), Contains("--ping-interval (ORBIT_PING_INTERVAL) must be 0.05 to 3600 seconds"));
  CHECK_THAT(refused({"--ping-interval=-3"}), Contains("--ping-interval"));
  CHECK_THAT(refused({"--ping-interval", "nan"}), Contains("--ping-interval"));
  CHECK_THAT(refused({"--reap-timeout", "inf"}), Contains("--reap-timeout (ORBIT_REAP_TIMEOUT) must be 0.1 to 86400 seconds"));
  CHECK_THAT(refused({"--token-ttl", "0"}), Contains("--token-ttl"));
  CHECK_THAT(refused({"--rate-limit", "0.5"}), Contains("--rate-limit"));
  CHECK_THAT(refused({"--max-room-size", "0"}), Contains("--max-room-size"));
  CHECK_THAT(refused({"--room-idle-timeout=-1"}), Contains("--room-idle-timeout"));
  CHECK_THAT(refused({"--port", "1", "--port", "2"}), Contains("port"));
  // Huge numbers are refused, never converted: they used to wrap round to "now" (a reap
  // timeout of 1e10 dropped every client at once) or to a negative token expiry.
  CHECK_THAT(refused({"--reap-timeout", "1e10"}), Contains("--reap-timeout (ORBIT_REAP_TIMEOUT)"));
  CHECK_THAT(refused({"--room-idle-timeout", "1e10"}),
             Contains("--room-idle-timeout (ORBIT_ROOM_IDLE_TIMEOUT) must be 0 to 31536000 seconds"));
  CHECK_THAT(refused({"--room-idle-timeout", "inf"}), Contains("--room-idle-timeout"));
  CHECK_THAT(refused({"--token-ttl", "1e300"}), Contains("--token-ttl (ORBIT_TOKEN_TTL)"));
  CHECK_THAT(refused({"--turn-ttl", "1e300"}), Contains("--turn-ttl (ORBIT_TURN_TTL)"));
  CHECK_THAT(refused({"--max-room-size", "-1"}), Contains("--max-room-size (ORBIT_MAX_ROOM_SIZE) must be 1 to 10000"));
  CHECK_THAT(refused({"--max-room-size", "1e9"}), Contains("max-room-size"));
  CHECK_THAT(refused({"--rate-limit", "inf"}), Contains("--rate-limit (ORBIT_RATE_LIMIT) must be 1 to 1000000"));
  CHECK_THAT(refused({}, {{"ORBIT_REAP_TIMEOUT", "1e10"}}), Contains("ORBIT_REAP_TIMEOUT"));
  CHECK_THAT(refused({"stray-positional"}), Contains("positional"));
  for (const auto& msg : {refused({"--bogus"}), refused({"--port", "70000"})}) {
    CHECK_THAT(msg, Contains("--help"));
  }
}

TEST_CASE("a negative number for a port or a count is refused, never wrapped round to a small one", "[config][errors]") {
  // Boost's conversion to an unsigned type reads "-4294967295" as 1: the port would have been 1.
  CHECK_THAT(refused({"--port", "-4294967295"}), Contains("--port (ORBIT_PORT) must be 0 to 65535"));
  // Too wide for the signed reading: refused as no number at all.
  CHECK_THAT(refused({"--history", "-18446744073709551615"}), Contains("--history"));
  CHECK_THAT(refused({"--history", "-4294967295"}), Contains("--history (ORBIT_HISTORY) must be 0 to 1000"));
  CHECK_THAT(refused({"--history", "-1"}), Contains("--history (ORBIT_HISTORY)"));
  CHECK_THAT(refused({"--history", "1001"}), Contains("--history (ORBIT_HISTORY)"));
  CHECK_THAT(refused({}, {{"ORBIT_PORT", "-65535"}}), Contains("--port (ORBIT_PORT)"));
  CHECK(accepted({"--port", "0", "--history", "0"}).manager.historyLines == 0);
  CHECK(accepted({"--port", "65535", "--history", "1000"}).port == 65535);
}

TEST_CASE("bad ORBIT_* values are refused like bad flags", "[config][errors][env]") {
  CHECK_THAT(refused({}, {{"ORBIT_PORT", "70000"}}), Contains("--port"));
  CHECK_THAT(refused({}, {{"ORBIT_PORT", "eighty"}}), Contains("port"));
  CHECK_THAT(refused({}, {{"ORBIT_LOG_LEVEL", "loud"}}), Contains("--log-level"));
  CHECK_THAT(refused({}, {{"ORBIT_TURN", "turn:t.example.org"}}), Contains("--turn-secret"));
  CHECK_THAT(refused({}, {{"ORBIT_TLS_CERT", "c.pem"}}), Contains("--tls-key"));
  CHECK_THAT(refused({"--ping-interval", "60"}, {{"ORBIT_REAP_TIMEOUT", "30"}}), Contains("--reap-timeout"));
}

TEST_CASE("an ORBIT_* value that does not convert is reported under the variable's name and its flag's",
          "[config][errors][env]") {
  CHECK_THAT(refused({}, {{"ORBIT_PORT", "abc"}}), Contains("ORBIT_PORT=abc") && Contains("--port"));
  CHECK_THAT(refused({}, {{"ORBIT_RATE_LIMIT", "lots"}}), Contains("ORBIT_RATE_LIMIT=lots") && Contains("rate-limit"));
  // On the command line it is the flag alone.
  CHECK_THAT(refused({"--port", "abc"}), Contains("--port") && !Contains("ORBIT_PORT"));
}

TEST_CASE("a --token-secret shorter than 32 bytes is used, with a warning", "[config][auth]") {
  const ConfigOutcome shortOne = parse({"--token-secret", "hunter2"});
  REQUIRE(shortOne.config);
  CHECK(shortOne.config->manager.tokenSecret == "hunter2");
  REQUIRE(shortOne.warnings.size() == 1);
  CHECK_THAT(shortOne.warnings[0], Contains("--token-secret (ORBIT_TOKEN_SECRET) is only 7 bytes"));
  CHECK(parse({}, {{"ORBIT_TOKEN_SECRET", "short"}}).warnings.size() == 1);
  CHECK(parse({"--token-secret", std::string(32, 'k')}).warnings.empty());
  CHECK(parse({}).warnings.empty());  // no secret given: a random one of full length
}

TEST_CASE("the --allowed-origin flag repeats and takes comma lists, normalised, and refuses what is not an origin",
          "[config][origins]") {
  CHECK(accepted({"--allowed-origin", "https://Intranet.Example", "--allowed-origin",
                  "http://127.0.0.1:5173,http://[::1]:8080"})
            .allowedOrigins == std::vector<std::string>{"https://intranet.example", "http://127.0.0.1:5173",
                                                        "http://[::1]:8080"});
  CHECK(accepted({}, {{"ORBIT_ALLOWED_ORIGIN", "https://a.example,https://b.example:8443"}}).allowedOrigins ==
        std::vector<std::string>{"https://a.example", "https://b.example:8443"});
  CHECK(accepted({"--allowed-origin", "https://flag.example"}, {{"ORBIT_ALLOWED_ORIGIN", "https://env.example"}})
            .allowedOrigins == std::vector<std::string>{"https://flag.example"});
  for (const char* bad : {"intranet.example", "https://intranet.example/", "https://intranet.example/embed",
                          "ftp://intranet.example", "https://intranet.example:99999", "*"}) {
    INFO(bad);
    CHECK_THAT(refused({"--allowed-origin", bad}), Contains("--allowed-origin") && Contains(bad));
    CHECK_THAT(refused({}, {{"ORBIT_ALLOWED_ORIGIN", std::string("https://ok.example,") + bad}}),
               Contains("--allowed-origin") && Contains(bad));
  }
}

TEST_CASE("STUN and TURN URLs are checked at start against RFC 7064 and 7065, and a bad one is refused naming its flag",
          "[config][ice]") {
  const auto good = accepted({"--stun", "stun:stun.example.org:3478,stuns:stun.example.org,stun:192.0.2.1,stun:[2001:db8::1]:3478",
                              "--turn", "turn:turn.example.org:3478?transport=udp,turn:turn.example.org?transport=tcp,"
                                        "turns:turn.example.org:5349,turn:[2001:db8::2]",
                              "--turn-secret", "s"});
  CHECK(good.manager.stunUrls.size() == 4);
  CHECK(good.manager.turnUrls.size() == 4);
  for (const char* bad : {"stun.example.org:3478", "stun://stun.example.org", "stun:", "stun::3478", "stun:host:0",
                          "stun:host:99999", "stun:host:34a8", "stun:host:", "stun:host?transport=udp", "turn:turn.example.org",
                          "stun:exa mple.org", "stun:user@host", "stun:[2001:db8::1", "stun:[not-v6]:3478", "STUN:host",
                          "http://stun.example.org"}) {
    INFO(bad);
    CHECK_THAT(refused({"--stun", bad}), Contains("--stun (ORBIT_STUN) ") && Contains(bad));
  }
  for (const char* bad : {"turn.example.org:3478", "turn:turn.example.org:3478?transport=sctp", "turn:host?foo=bar",
                          "turns://turn.example.org", "stun:turn.example.org", "turn:host:70000?transport=udp"}) {
    INFO(bad);
    CHECK_THAT(refused({"--turn", bad, "--turn-secret", "s"}), Contains("--turn (ORBIT_TURN) ") && Contains(bad));
  }
  CHECK_THAT(refused({"--stun", "stun.example.org:3478"}), Contains("must start with stun: or stuns:"));
  CHECK_THAT(refused({}, {{"ORBIT_STUN", "stun:ok.example.org,stun.example.org"}}), Contains("--stun (ORBIT_STUN) stun.example.org"));
}

TEST_CASE("the --janus flag names Janus's WebSocket API and --sfu-from the room size that uses it", "[config][sfu]") {
  const auto none = accepted({});
  CHECK_FALSE(none.janus);  // a mesh everywhere unless asked
  CHECK(none.sfuFrom == 5);

  const auto given = accepted({"--janus", "ws://127.0.0.1:8188", "--sfu-from", "0"});
  REQUIRE(given.janus);
  CHECK(given.janus->host == "127.0.0.1");
  CHECK(given.janus->port == "8188");
  CHECK(given.janus->path == "/");
  CHECK(given.sfuFrom == 0);
  const auto env = accepted({}, {{"ORBIT_JANUS", "ws://janus.internal:8188/janus"}, {"ORBIT_SFU_FROM", "8"}});
  REQUIRE(env.janus);
  CHECK(env.janus->text() == "ws://janus.internal:8188/janus");
  CHECK(env.sfuFrom == 8);

  for (const char* bad : {"http://127.0.0.1:8188", "ws://127.0.0.1", "ws://:8188", "ws://127.0.0.1:0", "ws://127.0.0.1:99999",
                          "ws://127.0.0.1:81a8", "ws://user@host:8188"}) {
    CAPTURE(bad);
    CHECK_THAT(refused({"--janus", bad}), Catch::Matchers::Contains("--janus must look like ws://HOST:PORT"));
  }
  CHECK_THAT(refused({"--sfu-from", "-1"}), Catch::Matchers::Contains("--sfu-from (ORBIT_SFU_FROM) must be 0 to 10000"));
  CHECK_THAT(refused({"--janus", "ws://127.0.0.1:8188", "--redis", "redis://127.0.0.1:6379"}),
             Catch::Matchers::Contains("--janus does not work with --redis yet"));
}

TEST_CASE("the --log-format flag takes text or json, and its variable too", "[config][log]") {
  CHECK(accepted({}).logFormat == orbit::LogFormat::Text);
  CHECK(accepted({"--log-format", "json"}).logFormat == orbit::LogFormat::Json);
  CHECK(accepted({}, {{"ORBIT_LOG_FORMAT", "json"}}).logFormat == orbit::LogFormat::Json);
  CHECK_THAT(refused({"--log-format", "xml"}), Contains("--log-format (ORBIT_LOG_FORMAT) must be text or json"));
}

TEST_CASE("the --trusted-proxy flag repeats and takes comma lists of addresses and networks, and refuses anything else",
          "[config][proxy]") {
  using orbit::IpAddress;
  const auto config = accepted({"--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.0.0.0/8,::1"});
  CHECK(config.trustedProxies.trusts(*IpAddress::parse("127.0.0.1")));
  CHECK(config.trustedProxies.trusts(*IpAddress::parse("10.200.3.4")));
  CHECK(config.trustedProxies.trusts(*IpAddress::parse("::1")));
  CHECK_FALSE(config.trustedProxies.trusts(*IpAddress::parse("11.0.0.1")));
  const auto fromEnv = accepted({}, {{"ORBIT_TRUSTED_PROXY", "192.0.2.0/24, 2001:db8::/32"}});
  CHECK(fromEnv.trustedProxies.trusts(*IpAddress::parse("192.0.2.77")));
  CHECK(fromEnv.trustedProxies.trusts(*IpAddress::parse("2001:db8:1::5")));
  CHECK(accepted({}).trustedProxies.empty());
  for (const char* bad : {"nginx.local", "10.0.0.0/33", "10.0.0.0/", "::1/129", "1.2.3.4/x"}) {
    INFO(bad);
    CHECK_THAT(refused({"--trusted-proxy", bad}), Contains("--trusted-proxy (ORBIT_TRUSTED_PROXY) " + std::string(bad)));
  }
}

TEST_CASE("the --shutdown-delay flag takes 0 to 300 seconds, and --web-root given is told apart from the default",
          "[config][health]") {
  CHECK(accepted({}).shutdownDelay == orbit::Duration::zero());
  CHECK(accepted({"--shutdown-delay", "15"}).shutdownDelay == std::chrono::seconds(15));
  CHECK(accepted({}, {{"ORBIT_SHUTDOWN_DELAY", "2.5"}}).shutdownDelay == std::chrono::milliseconds(2500));
  CHECK_THAT(refused({"--shutdown-delay", "301"}), Contains("--shutdown-delay (ORBIT_SHUTDOWN_DELAY) must be 0 to 300"));
  CHECK_THAT(refused({"--shutdown-delay", "-1"}), Contains("--shutdown-delay (ORBIT_SHUTDOWN_DELAY) must be 0 to 300"));
  CHECK_FALSE(accepted({}).webRootGiven);
  CHECK(accepted({"--web-root", "/srv/orbit"}).webRootGiven);
  CHECK(accepted({}, {{"ORBIT_WEB_ROOT", "/srv/orbit"}}).webRootGiven);
}

TEST_CASE("the connection limits and the password back-off take their flags and variables, 0 turning a cap off, "
          "and refuse what is out of range naming the flag",
          "[config][limits]") {
  const auto defaults = accepted({});
  CHECK(defaults.limits.perAddress == 20);
  CHECK(defaults.limits.perAddressRate == 10);
  CHECK(defaults.limits.total == 0);
  CHECK(defaults.manager.passwordBackoff.first == std::chrono::seconds(2));
  const auto set = accepted({"--max-connections-per-ip", "0", "--connection-rate-per-ip", "2.5", "--max-connections",
                             "5000", "--password-backoff", "0.25"});
  CHECK(set.limits.perAddress == 0);
  CHECK(set.limits.perAddressRate == 2.5);
  CHECK(set.limits.total == 5000);
  CHECK(set.manager.passwordBackoff.first == std::chrono::milliseconds(250));
  const auto env = accepted({}, {{"ORBIT_MAX_CONNECTIONS_PER_IP", "100"}, {"ORBIT_CONNECTION_RATE_PER_IP", "0"},
                                 {"ORBIT_MAX_CONNECTIONS", "7"}, {"ORBIT_PASSWORD_BACKOFF", "60"}});
  CHECK(env.limits.perAddress == 100);
  CHECK(env.limits.perAddressRate == 0);
  CHECK(env.limits.total == 7);
  CHECK(env.manager.passwordBackoff.first == std::chrono::seconds(60));
  CHECK_THAT(refused({"--max-connections-per-ip", "-1"}),
             Contains("--max-connections-per-ip (ORBIT_MAX_CONNECTIONS_PER_IP) must be 0 to 1000000"));
  CHECK_THAT(refused({"--connection-rate-per-ip", "nan"}), Contains("--connection-rate-per-ip (ORBIT_CONNECTION_RATE_PER_IP)"));
  CHECK_THAT(refused({"--max-connections", "100000000"}), Contains("--max-connections (ORBIT_MAX_CONNECTIONS) must be 0 to 10000000"));
  CHECK_THAT(refused({"--password-backoff", "0"}), Contains("--password-backoff (ORBIT_PASSWORD_BACKOFF) must be 0.01 to 3600"));
  CHECK_THAT(refused({}, {{"ORBIT_MAX_CONNECTIONS", "lots"}}), Contains("ORBIT_MAX_CONNECTIONS=lots"));
}

TEST_CASE("the --metrics-listen flag takes HOST:PORT or [IPv6]:PORT, and refuses anything else naming itself",
          "[config][metrics]") {
  CHECK_FALSE(accepted({}).metricsListen);
  const auto v4 = accepted({"--metrics-listen", "127.0.0.1:9464"}).metricsListen;
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 9464);
  const auto v6 = accepted({}, {{"ORBIT_METRICS_LISTEN", "[::1]:0"}}).metricsListen;
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 0);
  CHECK(v6->text() == "[::1]:0");
  CHECK(accepted({"--metrics-listen", "localhost:9464"}).metricsListen->host == "localhost");
  for (const char* bad : {"9464", "127.0.0.1", "127.0.0.1:", ":9464", "127.0.0.1:65536", "127.0.0.1:-1", "::1:9464",
                          "[::1]9464", "user@host:1"}) {
    INFO(bad);
    CHECK_THAT(refused({"--metrics-listen", bad}), Contains("--metrics-listen (ORBIT_METRICS_LISTEN) " + std::string(bad)));
  }
}

namespace {

// A file in the system's temporary folder holding `content`, removed with this object.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/orbit-secret-XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
    path = name;
  }
  ~TempFile() { ::unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("the --turn-secret-file and --token-secret-file flags read the secret from a file, without its trailing line break",
          "[config][secrets]") {
  const TempFile turn("coturn-shared-secret\n"), token(std::string(40, 'k') + "\r\n");
  const auto config = accepted({"--turn", "turn:turn.example.org:3478", "--turn-secret-file", turn.path,
                                "--token-secret-file", token.path});
  CHECK(config.manager.turnSecret == "coturn-shared-secret");
  CHECK(config.manager.tokenSecret == std::string(40, 'k'));
  const auto fromEnv = accepted({}, {{"ORBIT_TOKEN_SECRET_FILE", token.path}});
  CHECK(fromEnv.manager.tokenSecret == std::string(40, 'k'));

  CHECK_THAT(refused({"--token-secret-file", "/nonexistent/secret"}),
             Contains("cannot read --token-secret-file (ORBIT_TOKEN_SECRET_FILE) /nonexistent/secret: No such file"));
  CHECK_THAT(refused({"--turn-secret-file", "/tmp"}), Contains("--turn-secret-file (ORBIT_TURN_SECRET_FILE) /tmp: it is a folder"));
  const TempFile empty("\n");
  CHECK_THAT(refused({"--token-secret-file", empty.path}), Contains(empty.path + " is empty"));
  CHECK_THAT(refused({"--token-secret-file", token.path, "--token-secret", "x"}),
             Contains("--token-secret-file and --token-secret both give the secret"));
  // A short secret from a file warns like one on the command line.
  const TempFile shortSecret("hunter2\n");
  const ConfigOutcome warned = parse({"--token-secret-file", shortSecret.path});
  REQUIRE(warned.config);
  REQUIRE(warned.warnings.size() == 1);
  CHECK_THAT(warned.warnings[0], Contains("is only 7 bytes"));
}

TEST_CASE("the base path names where a proxy serves Orbit, and a bad one is refused naming flag and variable",
          "[config][base-path]") {
  CHECK(accepted({}).basePath.empty());
  CHECK(accepted({"--base-path", "/orbit"}).basePath == "/orbit");
  CHECK(accepted({"--base-path", "/orbit/"}).basePath == "/orbit");  // one trailing slash is the same path
  CHECK(accepted({"--base-path", "/"}).basePath.empty());
  CHECK(accepted({"--base-path", "/apps/video-chat_2.0~x"}).basePath == "/apps/video-chat_2.0~x");
  CHECK(accepted({}, {{"ORBIT_BASE_PATH", "/orbit"}}).basePath == "/orbit");
  CHECK(accepted({"--base-path", "/cli"}, {{"ORBIT_BASE_PATH", "/env"}}).basePath == "/cli");

  for (const auto& [value, why] : std::vector<std::pair<std::string, std::string>>{
           {"orbit", "must start with /"},
           {"/orbit//", "empty segment"},
           {"//orbit", "empty segment"},
           {"/a//b", "empty segment"},
           {"/orbit/../etc", ". or .. segments"},
           {"/..", ". or .. segments"},
           {"/./orbit", ". or .. segments"},
           {"/or bit", "letters, digits"},
           {"/orbit?x=1", "letters, digits"},
           {"/orbit%2F", "letters, digits"},
           {"/" + std::string(300, 'a'), "at most 200"}}) {
    CAPTURE(value);
    const std::string message = refused({"--base-path", value});
    CHECK_THAT(message, Catch::Contains("--base-path (ORBIT_BASE_PATH)") && Catch::Contains(why));
    CHECK_THAT(refused({}, {{"ORBIT_BASE_PATH", value}}), Catch::Contains("ORBIT_BASE_PATH") && Catch::Contains(why));
  }
}
