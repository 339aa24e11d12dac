#include "server.hpp"

#include "auth.hpp"
#include "logger.hpp"
#include "process_metrics.hpp"
#include "static_files.hpp"
#include "version.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace orbit {
namespace {

// Every client is a descriptor: take all the system allows this process (systemd's default
// soft limit, 1024, would run out near a thousand clients). Says what is now in force, for
// the start-up line.
std::string raiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return "unknown";
  const rlim_t before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  std::string said = std::to_string(limit.rlim_cur);
  if (limit.rlim_cur != before) said += " (raised from " + std::to_string(before) + ")";
  return said;
}

// Why `path` cannot be read ("No such file or directory", "Permission denied"), or nothing.
std::optional<std::string> unreadable(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return "it is a folder";
  return std::nullopt;
}

// OpenSSL's reason for `ec` ("no start line": not PEM); Asio's message when it gives none.
std::string opensslReason(const beast::error_code& ec) {
  const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
  return reason ? reason : ec.message();
}

// Loads the certificate chain and key into `tls`; what is wrong, naming the file, when it
// cannot. OpenSSL alone says "asio.ssl error" for a file that is not there.
std::optional<std::string> loadCertificate(ssl::context& tls, const std::string& cert, const std::string& key) {
  if (auto why = unreadable(cert)) return "cannot read --tls-cert (ORBIT_TLS_CERT) " + cert + ": " + *why;
  if (auto why = unreadable(key)) return "cannot read --tls-key (ORBIT_TLS_KEY) " + key + ": " + *why;
  beast::error_code ec;
  tls.use_certificate_chain_file(cert, ec);
  if (ec) return "--tls-cert (ORBIT_TLS_CERT) " + cert + " holds no PEM certificate chain: " + opensslReason(ec);
  tls.use_private_key_file(key, ssl::context::pem, ec);
  if (ec) {
    return "--tls-key (ORBIT_TLS_KEY) " + key + " holds no PEM private key that matches --tls-cert " + cert + ": " +
           opensslReason(ec);
  }
  if (SSL_CTX_check_private_key(tls.native_handle()) != 1) {
    return "--tls-key (ORBIT_TLS_KEY) " + key + " is not the key of --tls-cert " + cert;
  }
  return std::nullopt;
}

// When the certificate in `tls` expires, as OpenSSL prints it ("Dec  1 10:00:00 2027 GMT").
std::string notAfter(ssl::context& tls) {
  const X509* cert = SSL_CTX_get0_certificate(tls.native_handle());
  if (!cert) return "?";
  BIO* out = BIO_new(BIO_s_mem());
  if (!out) return "?";
  std::string text = "?";
  if (ASN1_TIME_print(out, X509_get0_notAfter(cert)) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(out, &data);
    text.assign(data, static_cast<std::size_t>(size));
  }
  BIO_free(out);
  return text;
}

// --host as an IP address, or the address its name resolves to (IPv4 first: "localhost" is
// 127.0.0.1, as in the URLs people type); throws naming the flag when it is neither.
net::ip::address listenAddress(net::io_context& ioc, const std::string& host, const char* flag) {
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (!ec) return address;
  tcp::resolver resolver(ioc);
  const auto found = resolver.resolve(host, "", ec);
  if (ec || found.empty()) {
    throw std::runtime_error(std::string(flag) + " " + host + " is neither an IP address nor a name this machine resolves" +
                             (ec ? ": " + ec.message() : std::string()));
  }
  for (const auto& entry : found) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint().address();
  }
  return found.begin()->endpoint().address();
}

Duration tickPeriod(const ManagerConfig& m) {
  // Fine enough that a ping or a reap is never late by more than a quarter of its interval.
  const Duration quarter = std::min(m.pingAfter, m.reapAfter) / 4;
  return std::clamp<Duration>(quarter, std::chrono::milliseconds(10), std::chrono::seconds(1));
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(std::move(config)),
      limits_(config_.limits),
      // The store first: it may hold the token secret the manager signs with.
      manager_((openStore(), managerConfig())),
      api_(manager_,
           [this](std::function<void()> work, std::function<void()> then) {
             net::post(pool_, [this, work = std::move(work), then = std::move(then)]() mutable {
               try {
                 work();
               } catch (const std::exception& e) {
                 log(LogLevel::Error, "background work failed: ", e.what());
               }
               net::post(ioc_, std::move(then));
             });
           },
           OriginPolicy(config_.allowedOrigins), keepRoom()),
      context_{manager_,
               api_,
               config_.webRoot,
               cluster_.get(),
               [this] {
                 if (manager_.shuttingDown() && manager_.clientCount() == 0) finishShutdown();
               },
               config_.trustedProxies,
               traffic_,
               config_.metricsListen ? Serves::AllButMetrics : Serves::Everything,
               config_.basePath,
               &limits_},
      metricsContext_{manager_, api_, {}, nullptr, [] {}, config_.trustedProxies, traffic_, Serves::MetricsOnly, {}, nullptr},
      heartbeat_(ioc_),
      deadline_(ioc_),
      signals_(ioc_, SIGINT, SIGTERM),
      reloadSignal_(ioc_, SIGHUP) {
  api_.setReadiness([this] { return readinessProblems(); });
  api_.setExtraMetrics([this] { return processMetricsText() + traffic_.text(); });
  api_.setConnectionGate([this](const std::string& address) { return limits_.peek(address, Clock::now()); });
  if (cluster_) cluster_->attach(manager_);
  if (sfu_) {
    log(LogLevel::Info, "sfu: rooms of ", config_.sfuFrom, " or more forward media through Janus at ", config_.janus->text());
    sfu_->start(manager_);
  }
  restoreRooms();
  if (!config_.tlsCert.empty()) {
    tls_.emplace(ssl::context::tls_server);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (auto problem = loadCertificate(*tls_, config_.tlsCert, config_.tlsKey)) throw std::runtime_error(*problem);
  }
  const net::ip::address address = listenAddress(ioc_, config_.host, "--host (ORBIT_HOST)");
  try {
    listener_ = std::make_shared<Listener>(ioc_, tls_ ? &*tls_ : nullptr, tcp::endpoint(address, config_.port), context_);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " +
                             e.code().message());
  }
  if (config_.metricsListen) {
    // Plain http: a scraper on an internal network, never the public TLS port.
    const auto& m = *config_.metricsListen;
    const auto metricsAddress = listenAddress(ioc_, m.host, "--metrics-listen (ORBIT_METRICS_LISTEN)");
    try {
      metricsListener_ = std::make_shared<Listener>(ioc_, nullptr, tcp::endpoint(metricsAddress, m.port), metricsContext_);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot listen on --metrics-listen (ORBIT_METRICS_LISTEN) " + m.text() + ": " +
                               e.code().message());
    }
  }
}

Server::~Server() { pool_.join(); }

void Server::openStore() {
  if (config_.redis) {
    // The instance's key outlives a missed heartbeat or two, and expires well within the reap
    // window, so a dead instance's clients leave the others' rooms in time.
    const auto ttl = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(config_.manager.reapAfter / 2),
                              std::chrono::milliseconds(500));
    cluster_ = std::make_unique<RedisCluster>(ioc_, *config_.redis, ttl);
    if (config_.manager.tokenSecret.empty()) config_.manager.tokenSecret = cluster_->tokenSecret();
    return;
  }
  if (config_.dataDir.empty()) return;
  auto opened = RoomStore::open(config_.dataDir);
  if (!opened) throw std::runtime_error(opened.error().message);
  store_ = std::move(*opened);
  if (config_.manager.tokenSecret.empty()) {
    auto secret = store_->tokenSecret(randomSecret(32));
    if (!secret) throw std::runtime_error(secret.error().message);
    config_.manager.tokenSecret = std::move(*secret);
  }
}

HttpApi::KeepRoom Server::keepRoom() {
  if (cluster_) {
    return [this](const std::string& id, const RoomSettings& settings, std::function<void(std::optional<Refusal>)> done) {
      cluster_->create(id, settings, manager_.unixNow(), std::move(done));
    };
  }
  if (!store_) return {};
  return [this](const std::string& id, const RoomSettings& settings, std::function<void(std::optional<Refusal>)> done) {
    const std::int64_t now = manager_.unixNow();
    net::post(storeWrites_, [this, store = store_, room = StoredRoom{id, settings, now, now}, done = std::move(done)]() mutable {
      std::optional<Refusal> refused;
      if (auto error = store->add(room)) refused = Refusal{500, "the room could not be stored: " + error->message};
      net::post(ioc_, [refused = std::move(refused), done = std::move(done)] { done(refused); });
    });
  };
}

ManagerConfig Server::managerConfig() {
  ManagerConfig m = config_.manager;
  m.cluster = cluster_.get();
  if (config_.janus) sfu_ = std::make_unique<SfuBridge>(ioc_, *config_.janus, config_.sfuFrom, config_.manager.maxRoomSize);
  m.sfu = sfu_.get();
  if (!store_) return m;
  m.roomEmptied = [this](const RoomId& room, std::int64_t unixTime) {
    inBackground([store = store_, id = room.str(), unixTime] { return store->touch(id, unixTime); });
  };
  m.roomClosed = [this](const RoomId& room) {
    inBackground([store = store_, id = room.str()] { return store->remove(id); });
  };
  return m;
}

void Server::restoreRooms() {
  if (!store_) return;
  auto rooms = store_->rooms();
  if (!rooms) throw std::runtime_error(rooms.error().message);
  const std::int64_t unixNow = manager_.unixNow();
  const TimePoint now = Clock::now();
  for (StoredRoom& room : *rooms) {
    // Empty since it was last used, on this process's clock.
    const auto idle = std::chrono::seconds(std::max<std::int64_t>(0, unixNow - room.lastUsed));
    manager_.restoreRoom(RoomId(std::move(room.id)), std::move(room.settings), now - idle);
  }
  log(LogLevel::Info, "data ", store_->file().string(), ": ", rooms->size(), " rooms");
}

void Server::inBackground(std::function<std::optional<Error>()> work) {
  net::post(storeWrites_, [work = std::move(work)] {
    if (auto error = work()) log(LogLevel::Error, error->message);
  });
}

std::string Server::metricsUrl() const {
  if (!metricsListener_) return {};
  const auto ep = metricsListener_->localEndpoint();
  const std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  return "http://" + host + ":" + std::to_string(ep.port()) + "/metrics";
}

std::string Server::url() const {
  const auto ep = listener_->localEndpoint();
  const std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(ep.port());
}

int Server::run() {
  const std::string openFiles = raiseOpenFileLimit();  // before the first accept
  listener_->run();
  if (metricsListener_) metricsListener_->run();
  scheduleTick();
  awaitSignal();
  awaitReload();
  if (!std::filesystem::is_regular_file(config_.webRoot / "index.html")) {
    log(LogLevel::Warn, "no web client at ", config_.webRoot.string(),
        " (build it, or pass --web-root); the API and WebSockets work without it");
  } else if (!config_.basePath.empty() &&
             !pageUnderBasePath(StaticFile{config_.webRoot / "index.html", "text/html"}, config_.basePath)) {
    log(LogLevel::Warn, "--base-path ", config_.basePath, ": ", (config_.webRoot / "index.html").string(),
        " has no <base href=\"/\"> (a web client older than --base-path): its page would load its scripts "
        "from the site's root");
  }
  log(LogLevel::Info, "orbit-server ", buildVersion(), " (", buildCommit(), ") ", url(), " web-root=", config_.webRoot.string(),
      config_.basePath.empty() ? std::string() : " base-path=" + config_.basePath,
      " open-files=", openFiles, metricsListener_ ? " metrics=" + metricsUrl() : std::string());
  const auto cap = [](auto n) { return n > 0 ? std::to_string(n) : std::string("off"); };
  std::ostringstream rate;
  rate << config_.limits.perAddressRate;
  log(LogLevel::Info, "limits: websockets per ip ", cap(config_.limits.perAddress), ", new per ip per second ",
      config_.limits.perAddressRate > 0 ? rate.str() : std::string("off"), ", in all ", cap(config_.limits.total),
      config_.trustedProxies.empty() ? "; client addresses are the TCP peers' (no --trusted-proxy)" : "");
  ioc_.run();
  log(LogLevel::Info, "orbit-server stopped");
  return 0;
}

void Server::scheduleTick() {
  heartbeat_.expires_after(tickPeriod(config_.manager));
  heartbeat_.async_wait([this](beast::error_code ec) {
    if (ec || stopping_) return;
    manager_.tick(Clock::now());
    scheduleTick();
  });
}

void Server::awaitReload() {
  reloadSignal_.async_wait([this](beast::error_code ec, int) {
    if (ec) return;
    reload();
    awaitReload();
  });
}

void Server::reload() {
  if (!tls_) {
    log(LogLevel::Info, "SIGHUP: nothing to reload (no --tls-cert; the log goes to stderr, which is never reopened)");
    return;
  }
  // Tried on a scratch context first: a half-loaded pair would fail every new handshake.
  ssl::context scratch(ssl::context::tls_server);
  if (auto problem = loadCertificate(scratch, config_.tlsCert, config_.tlsKey)) {
    log(LogLevel::Error, "SIGHUP: kept the certificate in use: ", *problem);
    return;
  }
  if (auto problem = loadCertificate(*tls_, config_.tlsCert, config_.tlsKey)) {
    log(LogLevel::Error, "SIGHUP: ", *problem);  // changed between the two reads
    return;
  }
  log(LogLevel::Info, "SIGHUP: reloaded --tls-cert ", config_.tlsCert, " and --tls-key ", config_.tlsKey,
      "; the certificate is valid until ", notAfter(*tls_));
}

std::vector<std::string> Server::readinessProblems() const {
  std::vector<std::string> problems;
  if (draining_) problems.push_back("the server is shutting down");
  if (config_.webRootGiven) {
    if (auto why = unreadable((config_.webRoot / "index.html").string())) {
      problems.push_back("--web-root " + config_.webRoot.string() + ": cannot read index.html: " + *why);
    }
  }
  if (cluster_ && !cluster_->reachable()) problems.push_back("Redis at " + config_.redis->text() + " cannot be reached");
  if (sfu_ && !sfu_->ready()) problems.push_back("Janus at " + config_.janus->text() + " cannot be reached");
  return problems;
}

void Server::awaitSignal() {
  signals_.async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;  // finishShutdown() cancelled it
    onSignal(signal);
    awaitSignal();
  });
}

void Server::onSignal(int signal) {
  if (!draining_) return beginShutdown(signal);
  // A second signal: clients that never finish their close handshake, or an operator who
  // will not wait for the delay, end it at once.
  if (!stopping_) return stopServing(signal);
  finishShutdown();
}

void Server::beginShutdown(int signal) {
  draining_ = true;
  if (config_.shutdownDelay <= Duration::zero()) return stopServing(signal);
  log(LogLevel::Info, "signal ", signal, ": /readyz says 503 from now; the server stops in ",
      std::chrono::duration<double>(config_.shutdownDelay).count(), " s (--shutdown-delay), or at another signal");
  deadline_.expires_after(config_.shutdownDelay);
  deadline_.async_wait([this, signal](beast::error_code ec) {
    if (!ec) stopServing(signal);
  });
}

void Server::stopServing(int signal) {
  if (std::exchange(stopping_, true)) return;
  log(LogLevel::Info, "signal ", signal, ": shutting down");
  listener_->stop();
  if (metricsListener_) metricsListener_->stop();
  heartbeat_.cancel();
  manager_.shutdown();
  // The other instances drop this one's clients now, not once they have closed, nor after its
  // key expires.
  if (cluster_) {
    cluster_->leaveCluster([this] {
      leftCluster_ = true;
      if (finishing_) ioc_.stop();
    });
  }
  // Clients that never finish their close handshake end it after 5 s (a signal, at once).
  deadline_.expires_after(std::chrono::seconds(5));
  deadline_.async_wait([this](beast::error_code ec) {
    if (!ec) {
      log(LogLevel::Warn, manager_.clientCount(), " clients did not close in time");
      finishShutdown();
    }
  });
  if (manager_.clientCount() == 0) finishShutdown();
}

void Server::finishShutdown() {
  signals_.cancel();
  reloadSignal_.cancel();
  if (cluster_ && !leftCluster_ && !std::exchange(finishing_, true)) {
    // Redis has not confirmed the leaving yet: wait for it, but not more than a second.
    deadline_.expires_after(std::chrono::seconds(1));
    deadline_.async_wait([this](beast::error_code ec) {
      if (!ec) ioc_.stop();
    });
    return;
  }
  deadline_.cancel();
  ioc_.stop();
}

}  // namespace orbit
