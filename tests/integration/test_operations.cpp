// What an operator meets running orbit-server: the open-file limit, flags refused at start,
// the version, messages, signals. Each test runs the real program.
#include "child_process.hpp"
#include "run_until.hpp"
#include "server_process.hpp"
#include "tls_certificate.hpp"
#include "ws_client.hpp"

#include <utility>  // before Asio: see server/net.hpp

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace orbit::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A TCP connection to 127.0.0.1:port that has sent `request` (its reads give up after 10 s);
// -1 when it failed.
int connectAndSend(unsigned short port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const timeval patience{10, 0};  // no read waits longer than this
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Waits until one of `fds` can be read, or `deadline` passes: its index, or -1.
int firstReadable(const std::vector<int>& fds, Clock::time_point deadline) {
  std::vector<pollfd> polled;
  for (int fd : fds) polled.push_back({fd, POLLIN, 0});
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (::poll(polled.data(), polled.size(), static_cast<int>(std::max<long long>(left, 0))) <= 0) return -1;
  for (std::size_t i = 0; i < polled.size(); ++i) {
    if (polled[i].revents != 0) return static_cast<int>(i);
  }
  return -1;
}

// The server's CPU time so far (utime + stime), in seconds.
double cpuSeconds(pid_t pid) {
  const Ran stat = runToEnd({"cat", "/proc/" + std::to_string(pid) + "/stat"});
  std::istringstream fields(stat.output.substr(stat.output.rfind(')') + 2));
  std::string field;
  long long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stoll(field);
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// orbit-server under `prlimit --nofile=LIMITS`, and its port once it listens.
struct LimitedServer {
  ChildProcess process;
  unsigned short port = 0;
  explicit LimitedServer(const std::string& limits)
      : process({"prlimit", "--nofile=" + limits, ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", "0",
                 "--ephemeral", "--log-level", "info"}) {
    const auto line = process.nextLine(Clock::now() + std::chrono::seconds(20));
    REQUIRE(line);
    REQUIRE(line->rfind("listening http://127.0.0.1:", 0) == 0);
    port = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));
  }
};

}  // namespace

TEST_CASE("the server raises its soft open-file limit to the hard one and says so at start",
          "[integration][limits]") {
  LimitedServer server("40:1000");
  // Once it answers, the start-up line is written.
  CHECK(httpRequest(server.port, "GET", "/healthz").status == 200);
  CHECK_THAT(server.process.errors(), Catch::Contains("open-files=1000 (raised from 40)"));
  server.process.signal(SIGTERM);
  CHECK(server.process.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("at the open-file limit clients that come and go do not flood the log, and each waiting request is answered "
          "as a descriptor frees",
          "[integration][limits]") {
  LimitedServer server("48:48");
  // Twice as many connections as descriptors, each asking for /healthz: the server answers
  // those it can accept; the others wait in the listen backlog.
  const std::string ask = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::vector<int> waiting, answered;
  for (int i = 0; i < 96; ++i) {
    const int fd = connectAndSend(server.port, ask);
    REQUIRE(fd >= 0);
    waiting.push_back(fd);
  }
  const double cpuBefore = cpuSeconds(server.process.pid());
  // Moves the requests answered by `deadline` (at least one) and any answered with them.
  auto collect = [&](Clock::time_point deadline) {
    std::size_t n = 0;
    for (int ready; (ready = firstReadable(waiting, n == 0 ? deadline : Clock::now())) >= 0; ++n) {
      char reply[512] = {};
      const ssize_t got = ::recv(waiting[ready], reply, sizeof reply - 1, 0);
      REQUIRE(got > 0);
      CHECK_THAT(std::string(reply), Catch::StartsWith("HTTP/1.1 200"));
      answered.push_back(waiting[ready]);
      waiting.erase(waiting.begin() + ready);
    }
    return n;
  };
  REQUIRE(collect(Clock::now() + std::chrono::seconds(10)) > 0);
  // Every client that leaves frees one descriptor, which lets one waiting request in, after
  // which the server is at its limit again: a failed accept per departure.
  std::size_t departures = 0;
  while (!waiting.empty()) {
    ::close(answered.front());
    answered.erase(answered.begin());
    ++departures;
    REQUIRE(collect(Clock::now() + std::chrono::seconds(10)) > 0);
  }
  CHECK(departures >= 30);
  const double burnt = cpuSeconds(server.process.pid()) - cpuBefore;
  CHECK(burnt < 1.0);

  const std::string log = server.process.errors();
  INFO(log.substr(0, 4000));
  CHECK(occurrences(log, "accept failed") >= 1);
  CHECK(occurrences(log, "accept failed") <= 2);     // one per 10 s
  CHECK(occurrences(log, "accepting again") <= 2);  // one per line above
  for (int fd : answered) ::close(fd);
  CHECK(httpRequest(server.port, "GET", "/healthz").status == 200);
  server.process.signal(SIGTERM);
  CHECK(server.process.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("a number outside its range stops start-up naming the flag and its variable, never wrapping round",
          "[integration][cli]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--reap-timeout", "1e10"}, "--reap-timeout (ORBIT_REAP_TIMEOUT) must be 0.1 to 86400 seconds"},
      {{"--room-idle-timeout", "inf"}, "--room-idle-timeout (ORBIT_ROOM_IDLE_TIMEOUT) must be 0 to 31536000"},
      {{"--token-ttl", "1e300"}, "--token-ttl (ORBIT_TOKEN_TTL) must be 1 to 31536000"},
      {{"--max-room-size", "-1"}, "--max-room-size (ORBIT_MAX_ROOM_SIZE) must be 1 to 10000"},
      {{"--rate-limit", "inf"}, "--rate-limit (ORBIT_RATE_LIMIT) must be 1 to 1000000"},
      {{"--ping-interval", "nan"}, "--ping-interval (ORBIT_PING_INTERVAL) must be 0.05 to 3600"},
      {{"--port", "-4294967295"}, "--port (ORBIT_PORT) must be 0 to 65535"},
      {{"--history", "-18446744073709551615"}, "for option '--history' is invalid"},
      {{"--history", "-4294967295"}, "--history (ORBIT_HISTORY) must be 0 to 1000"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> args{ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--ephemeral"};
    args.insert(args.end(), flags.begin(), flags.end());
    const Ran ran = runToEnd(args, std::chrono::seconds(10));
    INFO(flags[0] << ' ' << flags[1] << ": " << ran.output << ran.errors);
    CHECK(ran.code == 2);
    CHECK_THAT(ran.errors, Catch::Contains(message));
  }
  const Ran fromEnv = runToEnd({"env", "ORBIT_REAP_TIMEOUT=1e10", ORBIT_SERVER_BIN, "--ephemeral"}, std::chrono::seconds(10));
  CHECK(fromEnv.code == 2);
  CHECK_THAT(fromEnv.errors, Catch::Contains("--reap-timeout (ORBIT_REAP_TIMEOUT)"));
}

TEST_CASE("a mistyped STUN or TURN URL stops start-up naming the flag, instead of failing every call later",
          "[integration][cli]") {
  Ran ran = runToEnd({ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", "0", "--ephemeral", "--stun", "stun.example.org:3478"},
                     std::chrono::seconds(10));
  CHECK(ran.code == 2);
  CHECK_THAT(ran.errors, Catch::Contains("--stun (ORBIT_STUN) stun.example.org:3478: it must start with stun: or stuns:"));
  ran = runToEnd({"env", "ORBIT_TURN=turn:turn.example.org:3478?transport=sctp", "ORBIT_TURN_SECRET=s", ORBIT_SERVER_BIN,
                  "--host", "127.0.0.1", "--port", "0", "--ephemeral"},
                 std::chrono::seconds(10));
  CHECK(ran.code == 2);
  CHECK_THAT(ran.errors, Catch::Contains("--turn (ORBIT_TURN) turn:turn.example.org:3478?transport=sctp"));
}

namespace {

// What promtool's lint checks of the text format that a reader would trip over: every sample
// is NAME[{LABEL="VALUE",...}] NUMBER, comes after its family's TYPE line, and counters end
// in _total.
void checkPrometheusText(const std::string& text) {
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*)");
  static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|[-+]Inf))");
  std::map<std::string, std::string> types;
  std::istringstream lines(text);
  std::string line;
  REQUIRE_FALSE(text.empty());
  CHECK(text.back() == '\n');
  while (std::getline(lines, line)) {
    INFO(line);
    std::smatch m;
    if (std::regex_match(line, m, help)) continue;
    if (std::regex_match(line, m, type)) {
      CHECK(types.emplace(m[1], m[2]).second);  // one TYPE per family
      if (m[2] == "counter") CHECK_THAT(std::string(m[1]), Catch::EndsWith("_total"));
      continue;
    }
    REQUIRE(std::regex_match(line, m, sample));
    CHECK(types.count(m[1]) == 1);
  }
}

}  // namespace

TEST_CASE("the version shows in --version, the start-up line, the Server header and orbit_build_info",
          "[integration][version]") {
  const Ran asked = runToEnd({ORBIT_SERVER_BIN, "--version"}, std::chrono::seconds(10));
  CHECK(asked.code == 0);
  std::smatch said;
  const std::string line = asked.output.substr(0, asked.output.find('\n'));
  REQUIRE(std::regex_match(line, said, std::regex(R"(orbit-server ([0-9]+\.[0-9]+\.[0-9]+) \(commit ([0-9a-zA-Z._-]+)\))")));
  const std::string version = said[1], commit = said[2];

  ServerProcess server;
  const HttpResult metrics = httpRequest(server.port(), "GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK_THAT(metrics.body, Catch::Contains("# TYPE orbit_build_info gauge\norbit_build_info{version=\"" + version +
                                           "\",commit=\"" + commit + "\"} 1\n"));
  checkPrometheusText(metrics.body);

  const int fd = connectAndSend(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  REQUIRE(fd >= 0);
  std::string reply;
  char chunk[1024];
  for (ssize_t got; (got = ::recv(fd, chunk, sizeof chunk, 0)) > 0;) reply.append(chunk, static_cast<std::size_t>(got));
  ::close(fd);
  CHECK_THAT(reply, Catch::Contains("\r\nServer: orbit-server/" + version + "\r\n"));

  // Answered, so the start-up line is written.
  CHECK_THAT(server.log(), Catch::Contains("orbit-server " + version + " (" + commit + ") http://127.0.0.1:"));
}

TEST_CASE("a certificate or key that cannot be used stops start-up naming the file and the reason",
          "[integration][cli][tls]") {
  const TlsCertificate certificate, other;
  auto start = [](const std::string& cert, const std::string& key) {
    return runToEnd({ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", "0", "--ephemeral", "--tls-cert", cert,
                     "--tls-key", key},
                    std::chrono::seconds(10));
  };
  Ran ran = start("/nonexistent/fullchain.pem", certificate.keyPath());
  CHECK(ran.code == 1);
  CHECK_THAT(ran.errors, Catch::Contains("cannot read --tls-cert (ORBIT_TLS_CERT) /nonexistent/fullchain.pem: "
                                         "No such file or directory"));
  ran = start(certificate.certPath(), "/nonexistent/privkey.pem");
  CHECK(ran.code == 1);
  CHECK_THAT(ran.errors, Catch::Contains("cannot read --tls-key (ORBIT_TLS_KEY) /nonexistent/privkey.pem: "
                                         "No such file or directory"));
  // A key file given as the certificate: readable, but no certificate in it.
  ran = start(certificate.keyPath(), certificate.keyPath());
  CHECK(ran.code == 1);
  CHECK_THAT(ran.errors, Catch::Contains("--tls-cert (ORBIT_TLS_CERT) " + certificate.keyPath() +
                                         " holds no PEM certificate chain"));
  ran = start(certificate.certPath(), other.keyPath());
  CHECK(ran.code == 1);
  CHECK_THAT(ran.errors, Catch::Contains("--tls-key (ORBIT_TLS_KEY) " + other.keyPath()));
  CHECK_THAT(ran.errors, !Catch::Contains("asio.ssl error"));
}

TEST_CASE("an environment value that does not convert is reported under the variable's name", "[integration][cli]") {
  const Ran ran = runToEnd({"env", "ORBIT_PORT=abc", ORBIT_SERVER_BIN, "--ephemeral"}, std::chrono::seconds(10));
  CHECK(ran.code == 2);
  CHECK_THAT(ran.errors, Catch::Contains("ORBIT_PORT=abc") && Catch::Contains("--port"));
}

TEST_CASE("a host name such as localhost is accepted for --host and resolved, IPv4 first", "[integration][cli]") {
  ChildProcess server({ORBIT_SERVER_BIN, "--host", "localhost", "--port", "0", "--ephemeral"});
  const auto line = server.nextLine(Clock::now() + std::chrono::seconds(20));
  INFO(server.errors());
  REQUIRE(line);
  REQUIRE(line->rfind("listening http://127.0.0.1:", 0) == 0);
  const auto port = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));
  CHECK(httpRequest(port, "GET", "/healthz").status == 200);
  server.signal(SIGTERM);
  CHECK(server.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("a short --token-secret is used with a warning in the log", "[integration][cli]") {
  {
    ServerProcess server({"--token-secret", "hunter2"});
    CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
    CHECK_THAT(server.log(), Catch::Contains("warn") && Catch::Contains("--token-secret (ORBIT_TOKEN_SECRET) is only 7 bytes"));
  }
  ServerProcess server({"--token-secret", std::string(64, 'f')});
  CHECK(httpRequest(server.port(), "GET", "/healthz").status == 200);
  CHECK_THAT(server.log(), !Catch::Contains("--token-secret"));
}

namespace {

// Whether the server on 127.0.0.1:port presents the certificate in the PEM file `certPath`.
bool presents(unsigned short port, const std::string& certPath) {
  namespace net = boost::asio;
  namespace ssl = boost::asio::ssl;
  net::io_context ioc;
  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_none);  // self-signed: which certificate, not whether trusted
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(ioc, tls);
  boost::beast::get_lowest_layer(stream).connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  stream.handshake(ssl::stream_base::client);
  X509* presented = SSL_get1_peer_certificate(stream.native_handle());
  BIO* file = BIO_new_file(certPath.c_str(), "r");
  X509* expected = file ? PEM_read_bio_X509(file, nullptr, nullptr, nullptr) : nullptr;
  const bool same = presented && expected && X509_cmp(presented, expected) == 0;
  X509_free(expected);
  if (file) BIO_free(file);
  X509_free(presented);
  return same;
}

// A WebSocket over TLS to 127.0.0.1:port, opened at once.
class TlsWebSocket {
 public:
  TlsWebSocket(unsigned short port, const std::string& target) : ws_(ioc_, tls_) {
    tls_.set_verify_mode(boost::asio::ssl::verify_none);
    auto& tcp = boost::beast::get_lowest_layer(ws_);
    tcp.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.next_layer().handshake(boost::asio::ssl::stream_base::client);
    ws_.handshake("localhost:" + std::to_string(port), target);
  }
  // Whether the server answers a ping carrying `text` with its pong.
  bool echoes(const std::string& text) {
    ws_.write(boost::asio::buffer(Json{{"type", "ping"}, {"receiver", "ground control"}, {"data", text}}.dump()));
    for (int frames = 0; frames < 20; ++frames) {
      boost::beast::flat_buffer buffer;
      ws_.read(buffer);
      const Json m = Json::parse(boost::beast::buffers_to_string(buffer.data()), nullptr, false);
      if (m.is_object() && m.value("type", "") == "pong" && m.value("data", Json()) == text) return true;
    }
    return false;
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
  boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>> ws_;
};

}  // namespace

TEST_CASE("SIGHUP reloads the TLS certificate for new connections, keeps open ones, and never stops the server",
          "[integration][tls][signals]") {
  namespace fs = std::filesystem;
  const TlsCertificate inUse, renewed;
  ServerProcess server(inUse.serverArgs());
  CHECK(presents(server.port(), inUse.certPath()));
  const std::string original = inUse.certPath() + ".original";
  fs::copy_file(inUse.certPath(), original);
  TlsWebSocket early(server.port(), "/room/renewal/ws");

  // A certificate that does not load is refused, and the one in use stays.
  fs::copy_file(renewed.keyPath(), inUse.certPath(), fs::copy_options::overwrite_existing);
  server.signal(SIGHUP);
  CHECK(pollUntil(10s, [&] { return server.log().find("SIGHUP: kept the certificate in use") != std::string::npos; }));
  CHECK(presents(server.port(), original));

  // The renewal, as certbot leaves it: both files replaced, then the signal.
  fs::copy_file(renewed.certPath(), inUse.certPath(), fs::copy_options::overwrite_existing);
  fs::copy_file(renewed.keyPath(), inUse.keyPath(), fs::copy_options::overwrite_existing);
  server.signal(SIGHUP);
  CHECK(pollUntil(10s, [&] { return server.log().find("SIGHUP: reloaded --tls-cert") != std::string::npos; }));
  CHECK(presents(server.port(), renewed.certPath()));
  CHECK(early.echoes("still here"));  // the connection from before the renewal carries on

  // A server without TLS says there was nothing to do, and carries on too.
  ServerProcess plain;
  plain.signal(SIGHUP);
  CHECK(pollUntil(10s, [&] { return plain.log().find("SIGHUP: nothing to reload") != std::string::npos; }));
  CHECK(httpRequest(plain.port(), "GET", "/healthz").status == 200);
  CHECK(plain.stop(SIGTERM) == 0);
  CHECK(server.stop(SIGTERM) == 0);
}

namespace {

// The value of the sample `series` (NAME or NAME{LABELS}) in Prometheus text; -1 when absent.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

// `promtool check metrics`, Debian's prometheus package's linter, on `text`: what it says;
// nothing when it is not installed.
std::optional<Ran> promtool(const std::string& text) {
  if (runToEnd({"sh", "-c", "command -v promtool"}).code != 0) return std::nullopt;
  char path[] = "/tmp/orbit-metrics-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  Ran ran = runToEnd({"sh", "-c", std::string("promtool check metrics < ") + path});
  ::unlink(path);
  return ran;
}

}  // namespace

TEST_CASE("/metrics has the process's figures, refused upgrades, failed authentication, leaves, HTTP requests by route "
          "and status, and bytes, in bounded series that promtool accepts",
          "[integration][metrics]") {
  ServerProcess server;
  const auto started = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  REQUIRE(httpRequest(server.port(), "POST", "/api/rooms", R"({"name":"vault","password":"open sesame"})").status == 201);
  CHECK(upgradeStatus(server.port(), "/room/vault/ws") == 401);
  CHECK(upgradeStatus(server.port(), "/room/vault/ws?token=forged") == 401);
  CHECK(upgradeStatus(server.port(), "/room/Not%20A%20Slug/ws") == 400);
  CHECK(upgradeStatus(server.port(), "/elsewhere") == 404);
  CHECK(httpRequest(server.port(), "POST", "/api/rooms/vault/join", R"({"password":"guess"})").status == 401);
  // Paths made up by clients all count under one route.
  for (int i = 0; i < 20; ++i) CHECK(httpRequest(server.port(), "GET", "/made-up-" + std::to_string(i)).status == 404);
  {
    WsClient polite(server.port(), "/room/metrics/ws");
    WsClient abrupt(server.port(), "/room/metrics/ws");
    polite.learnId();
    abrupt.learnId();
    polite.send({{"type", "bye"}, {"receiver", "ground control"}});
    CHECK(polite.waitClosed());
    abrupt.close();
  }
  std::string text;
  REQUIRE(pollUntil(std::chrono::seconds(5), [&] {
    text = httpRequest(server.port(), "GET", "/metrics").body;
    return sample(text, "orbit_connected_clients") == 0 && sample(text, "orbit_clients_joined_total") == 2;
  }));
  INFO(text);
  checkPrometheusText(text);

  CHECK(sample(text, "process_resident_memory_bytes") > 1e6);
  CHECK(sample(text, "process_cpu_seconds_total") > 0);
  CHECK(sample(text, "process_open_fds") >= 4);  // std streams and the listener at least
  CHECK(sample(text, "process_max_fds") >= sample(text, "process_open_fds"));
  CHECK(sample(text, "process_start_time_seconds") >= static_cast<double>(started - 60));
  CHECK(sample(text, "process_start_time_seconds") <= static_cast<double>(started + 1));

  CHECK(sample(text, R"(orbit_websocket_refused_total{reason="password_required"})") == 1);
  CHECK(sample(text, R"(orbit_websocket_refused_total{reason="bad_token"})") == 1);
  CHECK(sample(text, R"(orbit_websocket_refused_total{reason="invalid_room"})") == 1);
  CHECK(sample(text, R"(orbit_websocket_refused_total{reason="not_found"})") == 1);
  CHECK(sample(text, R"(orbit_websocket_refused_total{reason="room_full"})") == 0);
  CHECK(sample(text, R"(orbit_auth_failures_total{reason="missing_token"})") == 1);
  CHECK(sample(text, R"(orbit_auth_failures_total{reason="bad_token"})") == 1);
  CHECK(sample(text, R"(orbit_auth_failures_total{reason="wrong_password"})") == 1);
  CHECK(sample(text, R"(orbit_clients_left_total{reason="bye"})") == 1);
  CHECK(sample(text, R"(orbit_clients_left_total{reason="closed"})") == 1);
  CHECK(sample(text, R"(orbit_clients_left_total{reason="timed_out"})") == 0);

  CHECK(sample(text, R"(orbit_http_requests_total{route="/api/rooms",code="201"})") == 1);
  CHECK(sample(text, R"(orbit_http_requests_total{route="/api/rooms/:id/join",code="401"})") == 1);
  CHECK(sample(text, R"(orbit_http_requests_total{route="/room/:id/ws",code="101"})") == 2);
  CHECK(sample(text, R"(orbit_http_requests_total{route="/room/:id/ws",code="401"})") == 2);
  CHECK(sample(text, R"(orbit_http_requests_total{route="static",code="404"})") == 20);
  CHECK(occurrences(text, "orbit_http_requests_total{route=\"static\"") == 1);
  CHECK(sample(text, R"(orbit_received_bytes_total{protocol="websocket"})") > 0);
  CHECK(sample(text, R"(orbit_sent_bytes_total{protocol="websocket"})") > 0);
  CHECK(sample(text, R"(orbit_received_bytes_total{protocol="http"})") > 100);
  CHECK(sample(text, R"(orbit_sent_bytes_total{protocol="http"})") > 100);

  if (const auto linted = promtool(text)) {
    INFO(linted->output << linted->errors);
    CHECK(linted->code == 0);
    CHECK(linted->output + linted->errors == "");
  } else {
    WARN("promtool is not installed (Debian: apt-get install prometheus): only the format check ran");
  }
}

TEST_CASE("with --metrics-listen /metrics is served on that address alone, and no longer on the app's port",
          "[integration][metrics]") {
  ChildProcess server({ORBIT_SERVER_BIN, "--host", "127.0.0.1", "--port", "0", "--ephemeral", "--metrics-listen",
                       "127.0.0.1:0"});
  const auto listening = server.nextLine(Clock::now() + std::chrono::seconds(20));
  const auto metricsLine = server.nextLine(Clock::now() + std::chrono::seconds(5));
  INFO(server.errors());
  REQUIRE(listening);
  REQUIRE(metricsLine);
  const auto portOf = [](const std::string& line, const std::string& prefix, const std::string& suffix) {
    REQUIRE(line.rfind(prefix, 0) == 0);
    REQUIRE(line.size() > suffix.size());
    REQUIRE(line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0);
    const std::string hostPort = line.substr(0, line.size() - suffix.size());
    return static_cast<unsigned short>(std::stoi(hostPort.substr(hostPort.rfind(':') + 1)));
  };
  const unsigned short app = portOf(*listening, "listening http://127.0.0.1:", "");
  const unsigned short metrics = portOf(*metricsLine, "metrics http://127.0.0.1:", "/metrics");
  CHECK(metrics != app);

  const HttpResult scraped = httpRequest(metrics, "GET", "/metrics");
  CHECK(scraped.status == 200);
  CHECK_THAT(scraped.body, Catch::Contains("orbit_build_info{"));
  CHECK(httpRequest(metrics, "GET", "/healthz").status == 200);
  CHECK(httpRequest(metrics, "GET", "/readyz").status == 200);
  CHECK(httpRequest(metrics, "GET", "/api/rooms").status == 404);
  CHECK(httpRequest(metrics, "GET", "/").status == 404);
  CHECK(upgradeStatus(metrics, "/room/lobby/ws") == 404);

  const HttpResult public_ = httpRequest(app, "GET", "/metrics");
  CHECK(public_.status == 404);
  CHECK_THAT(public_.body, !Catch::Contains("orbit_build_info"));
  CHECK(httpRequest(app, "GET", "/api/rooms").status == 200);
  server.signal(SIGTERM);
  CHECK(server.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("cmake --install --strip puts a stripped orbit-server in bin/ that finds the web client in share/orbit/web "
          "without --web-root",
          "[integration][install]") {
  namespace fs = std::filesystem;
  std::string pattern = (fs::temp_directory_path() / "orbit-install-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  const fs::path prefix = pattern;
  const Ran installed = runToEnd({ORBIT_CMAKE_COMMAND, "--install", ORBIT_BUILD_DIR, "--prefix", prefix.string(), "--strip"},
                                 std::chrono::seconds(120));
  INFO(installed.output << installed.errors);
  REQUIRE(installed.code == 0);
  const fs::path binary = prefix / "bin" / "orbit-server";
  REQUIRE(fs::is_regular_file(binary));
  // Stripped: the RelWithDebInfo build is well over 100 MB, its code a few.
  CHECK(fs::file_size(binary) < 20u * 1024 * 1024);
  CHECK(runToEnd({binary.string(), "--version"}).code == 0);
  const fs::path web = prefix / "share" / "orbit" / "web";
  if (!fs::is_regular_file(web / "index.html")) {
    // No browser build in this tree (scripts/build.sh web): stand in for its install.
    WARN("no build-web/web to install: an index.html stands in for the web client");
    fs::create_directories(web);
    std::ofstream(web / "index.html") << "<!doctype html><title>Orbit</title>\n";
  }
  {
    ChildProcess server({binary.string(), "--host", "127.0.0.1", "--port", "0", "--ephemeral"});
    const auto line = server.nextLine(Clock::now() + std::chrono::seconds(20));
    REQUIRE(line);
    const auto port = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));
    const HttpResult page = httpRequest(port, "GET", "/");
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("<title>Orbit"));
    CHECK_THAT(server.errors(), Catch::Contains("web-root=" + fs::weakly_canonical(web).string()));
    server.signal(SIGTERM);
    CHECK(server.wait(std::chrono::seconds(10)) == 0);
  }
  fs::remove_all(prefix);
}
