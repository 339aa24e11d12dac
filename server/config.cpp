#include "config.hpp"

#include "origin_policy.hpp"
#include "version.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <tuple>
#include <iomanip>
#include <sstream>
#include <arpa/inet.h>
#include <unistd.h>

namespace orbit {
namespace po = boost::program_options;
namespace {

using Flag = ConfigFlag;

// A token secret this long cannot be guessed: as many bytes as the HMAC-SHA256 that signs with it.
constexpr std::size_t kMinTokenSecretBytes = 32;

// A URL's port: 1 to 65535, digits only.
std::optional<std::uint16_t> parsePort(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// A host as --redis and --janus take it: a name or an IPv4 address, no user, query or brackets.
bool plainHost(std::string_view host) { return !host.empty() && host.find_first_of("@?#[]") == std::string_view::npos; }

// Why `url` is not a STUN URL (RFC 7064: stun:HOST[:PORT], stuns:...) or, with `turn`, not a
// TURN one (RFC 7065: turn:HOST[:PORT][?transport=udp|tcp], turns:...); nothing when it is.
// Browsers drop an ICE server they cannot parse without a word, and the calls then fail.
std::optional<std::string> iceUrlProblem(std::string_view url, bool turn) {
  const std::string_view kind = turn ? "turn" : "stun";
  const std::string example = turn ? "turn:turn.example.org:3478?transport=udp" : "stun:stun.example.org:3478";
  const auto colon = url.find(':');
  const std::string_view scheme = url.substr(0, colon == std::string_view::npos ? 0 : colon);
  if (scheme != kind && scheme != std::string(kind) + "s") {
    return "it must start with " + std::string(kind) + ": or " + std::string(kind) + "s:, e.g. " + example;
  }
  std::string_view rest = url.substr(colon + 1);
  if (rest.substr(0, 2) == "//") return "no // after " + std::string(scheme) + ": (e.g. " + example + ")";
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (!turn) return "a STUN URL takes no ?query";
    if (query != "transport=udp" && query != "transport=tcp") {
      return "the only query a TURN URL takes is ?transport=udp or ?transport=tcp";
    }
  }
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    // An IPv6 literal: [ADDRESS][:PORT].
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return "an IPv6 address goes in brackets, e.g. " + std::string(scheme) + ":[2001:db8::1]:3478";
    host = rest.substr(1, close - 1);
    in6_addr address{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &address) != 1) return "\"" + std::string(host) + "\" is no IPv6 address";
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "only :PORT may follow the host";
    if (!rest.empty()) port = rest.substr(1);
  } else {
    if (const auto c = rest.rfind(':'); c != std::string_view::npos) {
      host = rest.substr(0, c);
      port = rest.substr(c + 1);
    }
    const bool nameChars = std::all_of(host.begin(), host.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
    });
    if (host.empty() || !nameChars) return "the host must be a name or an IP address (an IPv6 one in brackets), e.g. " + example;
  }
  if (!port.empty() || rest.find(':') != std::string_view::npos) {
    if (!parsePort(port)) return "the port must be 1 to 65535";
  }
  return std::nullopt;
}

constexpr Flag kFlags[] = {
    {"host", "ORBIT_HOST"},
    {"port", "ORBIT_PORT"},
    {"web-root", "ORBIT_WEB_ROOT"},
    {"base-path", "ORBIT_BASE_PATH"},
    {"stun", "ORBIT_STUN"},
    {"turn", "ORBIT_TURN"},
    {"turn-secret", "ORBIT_TURN_SECRET"},
    {"turn-secret-file", "ORBIT_TURN_SECRET_FILE"},
    {"turn-ttl", "ORBIT_TURN_TTL"},
    {"tls-cert", "ORBIT_TLS_CERT"},
    {"tls-key", "ORBIT_TLS_KEY"},
    {"log-level", "ORBIT_LOG_LEVEL"},
    {"log-format", "ORBIT_LOG_FORMAT"},
    {"trusted-proxy", "ORBIT_TRUSTED_PROXY"},
    {"ping-interval", "ORBIT_PING_INTERVAL"},
    {"reap-timeout", "ORBIT_REAP_TIMEOUT"},
    {"room-idle-timeout", "ORBIT_ROOM_IDLE_TIMEOUT"},
    {"max-room-size", "ORBIT_MAX_ROOM_SIZE"},
    {"rate-limit", "ORBIT_RATE_LIMIT"},
    {"token-secret", "ORBIT_TOKEN_SECRET"},
    {"token-secret-file", "ORBIT_TOKEN_SECRET_FILE"},
    {"token-ttl", "ORBIT_TOKEN_TTL"},
    {"allowed-origin", "ORBIT_ALLOWED_ORIGIN"},
    {"data-dir", "ORBIT_DATA_DIR"},
    {"ephemeral", "ORBIT_EPHEMERAL"},
    {"history", "ORBIT_HISTORY"},
    {"redis", "ORBIT_REDIS"},
    {"janus", "ORBIT_JANUS"},
    {"sfu-from", "ORBIT_SFU_FROM"},
    {"shutdown-delay", "ORBIT_SHUTDOWN_DELAY"},
    {"metrics-listen", "ORBIT_METRICS_LISTEN"},
    {"max-connections-per-ip", "ORBIT_MAX_CONNECTIONS_PER_IP"},
    {"connection-rate-per-ip", "ORBIT_CONNECTION_RATE_PER_IP"},
    {"max-connections", "ORBIT_MAX_CONNECTIONS"},
    {"password-backoff", "ORBIT_PASSWORD_BACKOFF"},
};

std::vector<std::string> splitCommas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::stringstream in(v);
    std::string item;
    while (std::getline(in, item, ',')) {
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

const char* envOf(std::string_view flag) {
  for (const Flag& f : kFlags) {
    if (f.name == flag) return f.env;
  }
  return "";
}

// A secret kept in a file (a systemd credential, a Kubernetes secret): its content without
// the line break editors and `echo` add at the end. What is wrong, naming the flag, if unusable.
Result<std::string> readSecretFile(const std::string& path, const char* flag) {
  const std::string name = std::string("--") + flag + " (" + envOf(flag) + ") " + path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{"cannot read " + name + ": it is a folder"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + name + ": " + std::strerror(errno)};
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (secret.size() > 4096) return Error{name + " holds more than 4096 bytes: not a secret"};
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Error{name + " is empty"};
  return secret;
}

Duration secondsToDuration(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace

std::filesystem::path defaultWebRoot() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    const fs::path dir = exe.parent_path();
    candidates.push_back(dir / "../../build-web/web");  // <repo>/build/server/orbit-server
    candidates.push_back(dir / "../share/orbit/web");   // an installed layout
  }
  candidates.push_back(fs::current_path(ec) / "build-web/web");
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c / "index.html", ec)) return fs::weakly_canonical(c, ec);
  }
  return candidates.front();
}

ConfigOutcome parseConfig(int argc, const char* const* argv,
                          const std::function<const char*(const char*)>& getenv) {
  ServerConfig c;
  double pingInterval = 10, reapTimeout = 30, roomIdle = 24 * 3600, tokenTtl = 600, turnTtl = 86400, shutdownDelay = 0;
  double rateLimit = c.manager.clientLimits.messagesPerSecond;
  long long maxRoomSize = static_cast<long long>(c.manager.maxRoomSize);
  long long sfuFrom = static_cast<long long>(c.sfuFrom);
  long long perIp = static_cast<long long>(c.limits.perAddress), maxConnections = static_cast<long long>(c.limits.total);
  double ratePerIp = c.limits.perAddressRate;
  double passwordBackoff = std::chrono::duration<double>(c.manager.passwordBackoff.first).count();
  // Read signed and wide: Boost's conversion to an unsigned type takes "-4294967295" for 1.
  long long port = c.port, history = static_cast<long long>(c.manager.historyLines);
  std::string logLevel = "info", logFormat = "text", metricsListen, basePath, turnSecretFile, tokenSecretFile, webRoot, dataDir = c.dataDir.string(), redis, janus;
  bool ephemeral = false, dataDirGiven = false;
  std::vector<std::string> stun, turn, origins, proxies;

  po::options_description desc(
      "orbit-server: rooms and signaling for Orbit video chat\n\n"
      "Usage: orbit-server [options]\n"
      "Every option can also be set with the environment variable named after it\n"
      "(--web-root: ORBIT_WEB_ROOT; lists: comma-separated). The command line wins.\n\nOptions");
  desc.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and the commit it was built from, and exit")
      ("host", po::value(&c.host)->default_value(c.host), "IP address or host name to listen on; a name is resolved at start, "
                                                         "IPv4 first: localhost is 127.0.0.1 (ORBIT_HOST)")
      ("port", po::value(&port)->default_value(port), "TCP port, 0 to 65535; 0 picks a free one (ORBIT_PORT)")
      ("web-root", po::value(&webRoot), "folder with the web client's index.html, orbit.js and orbit.wasm "
                                        "(ORBIT_WEB_ROOT; default: the web build beside this program)")
      ("base-path", po::value(&basePath),
       "the path a reverse proxy serves Orbit under, e.g. /orbit for https://example.org/orbit/: the proxy "
       "passes /orbit/... unchanged and the server serves the page, the API, the WebSockets and the files there "
       "(/healthz, /readyz and /metrics also at the root); default: the site's root (ORBIT_BASE_PATH)")
      ("stun", po::value(&stun)->composing(), "STUN server URL, stun:HOST[:PORT] or stuns:HOST[:PORT] (RFC 7064), "
                                              "e.g. stun:stun.example.org:3478; repeatable; checked at start (ORBIT_STUN)")
      ("turn", po::value(&turn)->composing(), "TURN server URL, turn:HOST[:PORT][?transport=udp|tcp] or turns:... "
                                              "(RFC 7065), e.g. turn:turn.example.org:3478?transport=udp; "
                                              "repeatable; checked at start; needs --turn-secret (ORBIT_TURN)")
      ("turn-secret", po::value(&c.manager.turnSecret), "shared secret for TURN REST credentials, as coturn's "
                                                        "static-auth-secret (ORBIT_TURN_SECRET)")
      ("turn-secret-file", po::value(&turnSecretFile),
       "file holding --turn-secret (one trailing line break ignored), e.g. a systemd credential; "
       "not with --turn-secret (ORBIT_TURN_SECRET_FILE)")
      ("turn-ttl", po::value(&turnTtl)->default_value(turnTtl), "seconds a TURN credential stays valid, 1 to 31536000 (ORBIT_TURN_TTL)")
      ("tls-cert", po::value(&c.tlsCert), "PEM certificate chain: serve https and wss (ORBIT_TLS_CERT)")
      ("tls-key", po::value(&c.tlsKey), "PEM private key for --tls-cert (ORBIT_TLS_KEY)")
      ("log-level", po::value(&logLevel)->default_value(logLevel), "debug, info, warn, error or off (ORBIT_LOG_LEVEL)")
      ("log-format", po::value(&logFormat)->default_value(logFormat),
       "text (TIME LEVEL message key=value..., a value that needs it in quotes with \\-escapes) or json "
       "(one object per line: time, level, msg and the fields) (ORBIT_LOG_FORMAT)")
      ("trusted-proxy", po::value(&proxies)->composing(),
       "address (or network, e.g. 10.0.0.0/8) of a reverse proxy whose X-Forwarded-For or Forwarded header names "
       "the client: the log and per-address counts use the rightmost address in the chain that is not a "
       "trusted proxy; a header from any other peer is ignored; repeatable (ORBIT_TRUSTED_PROXY)")
      ("ping-interval", po::value(&pingInterval)->default_value(pingInterval),
       "seconds of silence before the server pings a client, 0.05 to 3600 (ORBIT_PING_INTERVAL)")
      ("reap-timeout", po::value(&reapTimeout)->default_value(reapTimeout),
       "seconds of silence before the server drops a client, more than --ping-interval and at most 86400 "
       "(ORBIT_REAP_TIMEOUT)")
      ("room-idle-timeout", po::value(&roomIdle)->default_value(roomIdle),
       "seconds a room created through the API lives on while empty, 0 to 31536000 (a year) "
       "(ORBIT_ROOM_IDLE_TIMEOUT)")
      ("max-room-size", po::value(&maxRoomSize)->default_value(maxRoomSize),
       "most clients in any room, 1 to 10000 (ORBIT_MAX_ROOM_SIZE)")
      ("rate-limit", po::value(&rateLimit)->default_value(rateLimit),
       "messages per second one client may send, 1 to 1000000 (benchmarks lift it); bursts of twice that pass (ORBIT_RATE_LIMIT)")
      ("token-secret", po::value(&c.manager.tokenSecret),
       "secret that signs join tokens, 32 bytes or more (a shorter one is used, with a warning); "
       "default: random, kept in --data-dir or Redis (ORBIT_TOKEN_SECRET)")
      ("token-secret-file", po::value(&tokenSecretFile),
       "file holding --token-secret (one trailing line break ignored); not with --token-secret "
       "(ORBIT_TOKEN_SECRET_FILE)")
      ("token-ttl", po::value(&tokenTtl)->default_value(tokenTtl),
       "seconds a join token for a password-protected room stays valid, 1 to 31536000 (ORBIT_TOKEN_TTL)")
      ("allowed-origin", po::value(&origins)->composing(),
       "origin whose pages may embed Orbit and use its API and WebSockets, e.g. https://intranet.example; "
       "repeatable; default: every origin (ORBIT_ALLOWED_ORIGIN)")
      ("data-dir", po::value(&dataDir)->default_value(dataDir),
       "folder where rooms made through the API and the token secret outlive a restart, in an SQLite "
       "database (ORBIT_DATA_DIR)")
      ("history", po::value(&history)->default_value(history),
       "room lines replayed to whoever joins, marked as history, 0 to 1000; 0 keeps none (ORBIT_HISTORY)")
      ("ephemeral", po::bool_switch(&ephemeral),
       "keep everything in memory only: rooms and tokens die with the process (ORBIT_EPHEMERAL=1)")
      ("redis", po::value(&redis),
       "cluster mode: serve the same rooms as every other instance using this Redis, e.g. "
       "redis://127.0.0.1:6379/0; Redis then keeps the rooms, the token secret and the history, in "
       "place of --data-dir (ORBIT_REDIS)")
      ("janus", po::value(&janus),
       "forward media through this Janus (its WebSocket API, e.g. ws://127.0.0.1:8188) in rooms of "
       "--sfu-from people or more; without it every room is a mesh (ORBIT_JANUS)")
      ("sfu-from", po::value(&sfuFrom)->default_value(sfuFrom),
       "with --janus: the room size from which media goes through Janus, 0 to 10000; 0: every room. "
       "A room goes back to a mesh below one less (ORBIT_SFU_FROM)")
      ("metrics-listen", po::value(&metricsListen),
       "serve /metrics (with /healthz and /readyz) on this HOST:PORT, e.g. 127.0.0.1:9464, and no longer on "
       "the app's port; port 0 picks a free one, named on stdout (ORBIT_METRICS_LISTEN)")
      ("max-connections-per-ip", po::value(&perIp)->default_value(perIp),
       "WebSockets one client address may have open at once, 0 to 1000000 (0: no cap); over it the upgrade is "
       "refused with 429. The address is --trusted-proxy's client address; an IPv6 one counts by its /64 "
       "(ORBIT_MAX_CONNECTIONS_PER_IP)")
      ("connection-rate-per-ip", po::value(&ratePerIp)->default_value(ratePerIp),
       "new WebSockets per second one client address may open, 0 to 1000000 (0: no cap); bursts of five "
       "times that pass; over it: 429 with Retry-After (ORBIT_CONNECTION_RATE_PER_IP)")
      ("max-connections", po::value(&maxConnections)->default_value(maxConnections),
       "WebSockets the server takes in all, 0 to 10000000 (0: no cap but the open-file limit); over it the "
       "upgrade is refused with 503 (ORBIT_MAX_CONNECTIONS)")
      ("password-backoff", po::value(&passwordBackoff)->default_value(passwordBackoff),
       "seconds one client address waits after 5 wrong passwords for a room before it may try that room "
       "again, 0.01 to 3600; doubled after each further wrong one, up to 15 minutes; meanwhile 429 with "
       "Retry-After (ORBIT_PASSWORD_BACKOFF)")
      ("shutdown-delay", po::value(&shutdownDelay)->default_value(shutdownDelay),
       "seconds between SIGTERM and the server's stop, 0 to 300: meanwhile /readyz answers 503 while the server "
       "still listens and serves, so a load balancer moves new clients away first; a second signal ends the "
       "wait (ORBIT_SHUTDOWN_DELAY)");

  ConfigOutcome out;
  try {
    po::variables_map vm;
    // No positional arguments: a stray word (a second URL after --stun) is an error, not ignored.
    const po::positional_options_description none;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(none).run(), vm);
    if (vm.count("help")) {
      std::ostringstream help;
      help << desc;
      out.message = help.str();
      return out;
    }
    if (vm.count("version")) {
      out.message = "orbit-server " + std::string(buildVersion()) + " (commit " + std::string(buildCommit()) + ")";
      return out;
    }
    // Environment twins: stored after the command line, so the command line wins. A
    // repeatable (composing) flag would merge both lists, so skip variables whose flag was given.
    // One at a time, so that a value that does not convert is reported under its variable's
    // name: the operator wrote ORBIT_PORT=abc, not --port abc.
    for (const Flag& f : kFlags) {
      if (vm.count(f.name) && !vm[f.name].defaulted()) continue;
      const char* v = getenv(f.env);
      if (!v || !*v) continue;
      po::parsed_options fromEnv(&desc);
      fromEnv.options.emplace_back(f.name, std::vector<std::string>{v});
      try {
        po::store(fromEnv, vm);
      } catch (const po::error& e) {
        throw po::error(std::string(f.env) + "=" + std::string(v).substr(0, 100) + " (the variable of --" + f.name +
                        "): " + e.what());
      }
    }
    po::notify(vm);
    dataDirGiven = vm.count("data-dir") && !vm["data-dir"].defaulted();
  } catch (const po::error& e) {
    out.message = std::string("orbit-server: ") + e.what() + "\nTry 'orbit-server --help'.";
    out.exitCode = 2;
    return out;
  }

  auto bad = [&](std::string what) {
    out.message = "orbit-server: " + what + "\nTry 'orbit-server --help'.";
    out.exitCode = 2;
    return out;
  };
  if (!parseLogLevel(logLevel, c.logLevel)) return bad("--log-level must be debug, info, warn, error or off");
  if (!parseLogFormat(logFormat, c.logFormat)) return bad("--log-format (ORBIT_LOG_FORMAT) must be text or json");
  auto trusted = TrustedProxies::parse(splitCommas(proxies));
  if (!trusted) return bad(trusted.error().message);
  c.trustedProxies = std::move(*trusted);
  // Every number within a stated range, so that no conversion (to a clock's ticks, to a size)
  // can overflow: a huge timeout must not wrap round to "now".
  struct Bounded {
    const char* flag;
    double value, min, max;
    const char* unit;
  };
  constexpr double kYear = 365 * 24 * 3600;
  for (const Bounded& b : {Bounded{"port", static_cast<double>(port), 0, 65535, "(0: any free port)"},
                           Bounded{"history", static_cast<double>(history), 0, 1000, "lines"},
                           Bounded{"ping-interval", pingInterval, 0.05, 3600, "seconds"},
                           Bounded{"reap-timeout", reapTimeout, 0.1, 86400, "seconds"},
                           Bounded{"room-idle-timeout", roomIdle, 0, kYear, "seconds"},
                           Bounded{"token-ttl", tokenTtl, 1, kYear, "seconds"},
                           Bounded{"turn-ttl", turnTtl, 1, kYear, "seconds"},
                           Bounded{"rate-limit", rateLimit, 1, 1e6, "messages per second"},
                           Bounded{"max-room-size", static_cast<double>(maxRoomSize), 1, 10000, "clients"},
                           Bounded{"sfu-from", static_cast<double>(sfuFrom), 0, 10000, "clients"},
                           Bounded{"shutdown-delay", shutdownDelay, 0, 300, "seconds"},
                           Bounded{"max-connections-per-ip", static_cast<double>(perIp), 0, 1e6, "connections (0: no cap)"},
                           Bounded{"connection-rate-per-ip", ratePerIp, 0, 1e6, "connections per second (0: no cap)"},
                           Bounded{"max-connections", static_cast<double>(maxConnections), 0, 1e7, "connections (0: no cap)"},
                           Bounded{"password-backoff", passwordBackoff, 0.01, 3600, "seconds"}}) {
    if (!std::isfinite(b.value) || b.value < b.min || b.value > b.max) {
      std::ostringstream range;
      range << std::setprecision(10) << "--" << b.flag << " (" << envOf(b.flag) << ") must be " << b.min << " to " << b.max << ' ' << b.unit;
      return bad(range.str());
    }
  }
  if (reapTimeout <= pingInterval) return bad("--reap-timeout must be longer than --ping-interval");
  c.port = static_cast<std::uint16_t>(port);
  c.manager.historyLines = static_cast<std::size_t>(history);
  c.manager.maxRoomSize = static_cast<std::size_t>(maxRoomSize);
  if (c.tlsCert.empty() != c.tlsKey.empty()) return bad("--tls-cert and --tls-key go together");
  c.manager.stunUrls = splitCommas(stun);
  c.manager.turnUrls = splitCommas(turn);
  for (const bool isTurn : {false, true}) {
    for (const auto& url : isTurn ? c.manager.turnUrls : c.manager.stunUrls) {
      if (auto problem = iceUrlProblem(url, isTurn)) {
        return bad(std::string(isTurn ? "--turn (ORBIT_TURN) " : "--stun (ORBIT_STUN) ") + url.substr(0, 200) + ": " + *problem);
      }
    }
  }
  // Kept out of the command line and the environment, where ps and /proc show them.
  for (auto [file, flag, secret] : {std::tuple{&turnSecretFile, "turn-secret", &c.manager.turnSecret},
                                    std::tuple{&tokenSecretFile, "token-secret", &c.manager.tokenSecret}}) {
    if (file->empty()) continue;
    const std::string fileFlag = std::string(flag) + "-file";
    if (!secret->empty()) return bad("--" + fileFlag + " and --" + flag + " both give the secret: keep one");
    auto read = readSecretFile(*file, fileFlag.c_str());
    if (!read) return bad(read.error().message);
    *secret = std::move(*read);
  }
  if (!c.manager.turnUrls.empty() && c.manager.turnSecret.empty()) {
    return bad("--turn needs --turn-secret or --turn-secret-file (TURN REST credentials, coturn's use-auth-secret)");
  }
  for (const auto& origin : splitCommas(origins)) {
    auto normal = OriginPolicy::normalizeOrigin(origin);
    if (!normal) return bad("--allowed-origin " + normal.error().message);
    c.allowedOrigins.push_back(std::move(*normal));
  }
  c.manager.pingAfter = secondsToDuration(pingInterval);
  c.manager.reapAfter = secondsToDuration(reapTimeout);
  c.manager.roomIdleTimeout = secondsToDuration(roomIdle);
  c.manager.tokenTtl = std::chrono::seconds(static_cast<long long>(std::ceil(tokenTtl)));
  c.manager.turnTtl = std::chrono::seconds(static_cast<long long>(std::ceil(turnTtl)));
  c.manager.clientLimits.messagesPerSecond = rateLimit;
  c.manager.clientLimits.burst = 2 * rateLimit;
  c.webRoot = webRoot.empty() ? defaultWebRoot() : std::filesystem::path(webRoot);
  c.webRootGiven = !webRoot.empty();
  auto base = parseBasePath(basePath);
  if (!base) return bad(base.error().message);
  c.basePath = std::move(*base);
  if (!metricsListen.empty()) {
    auto address = parseListenAddress(metricsListen);
    if (!address) return bad(address.error().message);
    c.metricsListen = std::move(*address);
  }
  c.shutdownDelay = secondsToDuration(shutdownDelay);
  c.limits.perAddress = static_cast<std::size_t>(perIp);
  c.limits.perAddressRate = ratePerIp;
  c.limits.total = static_cast<std::size_t>(maxConnections);
  c.manager.passwordBackoff.first = secondsToDuration(passwordBackoff);
  // A first wait longer than the longest would never double.
  c.manager.passwordBackoff.longest = std::max(c.manager.passwordBackoff.longest, c.manager.passwordBackoff.first);
  if (dataDir.empty() && !ephemeral) return bad("--data-dir must name a folder (or pass --ephemeral)");
  c.dataDir = ephemeral ? std::filesystem::path() : std::filesystem::path(dataDir);
  if (!redis.empty()) {
    auto address = parseRedisAddress(redis);
    if (!address) return bad(address.error().message);
    if (dataDirGiven || ephemeral) return bad("--redis keeps the rooms in Redis: leave out --data-dir and --ephemeral");
    c.redis = std::move(*address);
    c.dataDir.clear();
  }
  c.sfuFrom = static_cast<std::size_t>(sfuFrom);
  if (!janus.empty()) {
    auto address = parseJanusAddress(janus);
    if (!address) return bad(address.error().message);
    if (c.redis) return bad("--janus does not work with --redis yet: one instance forwards a room's media");
    c.janus = std::move(*address);
  }
  if (!c.manager.tokenSecret.empty() && c.manager.tokenSecret.size() < kMinTokenSecretBytes) {
    out.warnings.push_back("--token-secret (ORBIT_TOKEN_SECRET) is only " + std::to_string(c.manager.tokenSecret.size()) +
                           " bytes: whoever guesses it can forge join tokens for every password-protected room; "
                           "use " + std::to_string(kMinTokenSecretBytes) + " or more random bytes (openssl rand -hex 32)");
  }
  out.config = std::move(c);
  return out;
}

Result<std::string> parseBasePath(std::string_view text) {
  const auto bad = [&](std::string why) {
    return Error{"--base-path (ORBIT_BASE_PATH) " + std::string(text.substr(0, 100)) + ": " + why};
  };
  if (text.empty() || text == "/") return std::string();
  if (text.front() != '/') return bad("it must start with /, e.g. /orbit");
  if (text.size() > 200) return bad("at most 200 characters");
  std::string_view path = text;
  if (path.back() == '/') path.remove_suffix(1);
  // Each segment plain: no empty one (//), no . or .., nothing a URL would have to escape.
  for (std::size_t start = 1; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) return bad("it has an empty segment (//)");
    if (segment == "." || segment == "..") return bad("it may not have . or .. segments");
    for (const char c : segment) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '.' || c == '_' || c == '~';
      if (!plain) return bad("use letters, digits, -, ., _ and ~ between the slashes");
    }
  }
  return std::string(path);
}

std::string RedisAddress::text() const {
  return "redis://" + host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

Result<RedisAddress> parseRedisAddress(std::string_view url) {
  const Error bad{"--redis must look like redis://HOST:PORT[/DB], e.g. redis://127.0.0.1:6379/0"};
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) return bad;
  url.remove_prefix(scheme.size());
  RedisAddress out;
  std::string_view hostPort = url.substr(0, url.find('/'));
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    const std::string_view db = url.substr(slash + 1);
    if (!db.empty()) {
      auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), out.db);
      if (ec != std::errc() || end != db.data() + db.size() || out.db < 0 || out.db > 1000) return bad;
    }
  }
  if (const auto colon = hostPort.rfind(':'); colon != std::string_view::npos) {
    const auto port = parsePort(hostPort.substr(colon + 1));
    if (!port) return bad;
    out.port = *port;
    hostPort = hostPort.substr(0, colon);
  }
  if (!plainHost(hostPort)) return bad;
  out.host = std::string(hostPort);
  return out;
}

std::string ListenAddress::text() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> parseListenAddress(std::string_view text) {
  const Error bad{"--metrics-listen (ORBIT_METRICS_LISTEN) " + std::string(text.substr(0, 100)) +
                  ": give HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464 (port 0 to 65535)"};
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad;
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad;  // an IPv6 address goes in brackets
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) return bad;
  if (!plainHost(host)) return bad;
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

Result<JanusAddress> parseJanusAddress(std::string_view url) {
  const Error bad{"--janus must look like ws://HOST:PORT[/PATH], e.g. ws://127.0.0.1:8188"};
  constexpr std::string_view scheme = "ws://";
  if (url.substr(0, scheme.size()) != scheme) return bad;
  url.remove_prefix(scheme.size());
  JanusAddress out;
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    out.path = std::string(url.substr(slash));
    url = url.substr(0, slash);
  }
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || !parsePort(url.substr(colon + 1)) || !plainHost(url.substr(0, colon))) return bad;
  out.host = std::string(url.substr(0, colon));
  out.port = std::string(url.substr(colon + 1));
  return out;
}

std::span<const ConfigFlag> configFlags() { return kFlags; }

}  // namespace orbit
