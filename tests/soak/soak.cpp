// orbit-soak: many clients churning against a real orbit-server for a set time, then checks
// that the server is back where it started (issue 11, soak; run by tests/soak/soak.sh).
//
//   orbit-soak --url ws://127.0.0.1:PORT --server-pid PID [options]
//
// Each of --clients slots (1000) lives in a room of its own group (rooms of 2 to 20) and
// loops: connect from its source address, join (ping, profile, get-ice-servers,
// get-room-info, as Orbit's client does), chat and change its profile for a few seconds,
// then end the session one of four ways, chosen when it connects:
//   bye      `bye` to the server, which closes (1000);
//   close    a WebSocket close without `bye`;
//   vanish   the TCP socket dropped without a WebSocket close (half of them with a reset);
//   zombie   stops reading and writing with the socket left open, as a client whose
//            network went away: the server's reaper must drop it. It watches its socket's
//            TCP state and counts the server's drop; still open past --reap-timeout +
//            --drop-within, it is "stuck", a failure.
// then pauses and comes back with a new connection. Slots are spread over source addresses
// 127.0.0.2, .3, ... (--per-source each), bound before connect, so that the server's
// per-address limits see realistic counts. A refused upgrade (429, 503) is counted and
// retried after a pause.
//
// With --server-pid it samples the server's VmRSS and open file descriptors every second
// (to --samples FILE: "seconds rss_kb fds clients rooms phase"). After --warmup seconds of
// churn (half the run, at most 120 s) the RSS baseline is taken; at --seconds every slot ends its session and stops. Then, with
// deadlines (--settle), it waits for /metrics to say orbit_connected_clients 0 and
// orbit_rooms 0, and for the fd count to come back to its count before the first client.
// It fails (exit 1, a "FAIL:" line for each) when:
//   - a client failed (an unexpected error, drop, or `bye` from the server to a live client),
//     the server sent an `error`, or a zombie was stuck;
//   - clients or rooms are not back to 0, or the fds not back to their start;
//   - RSS at the end of the churn, or after everyone left, exceeds the baseline by more than
//     --rss-tolerance (0.10);
//   - the server's counters disagree: clients joined must equal the upgrades made, and the
//     clients reaped the zombies;
//   - more than 1% of upgrades were refused, or a slot never joined.
// --keep K leaves K clients connected (answering pings) through the checks: they must fail.
#include "codec.hpp"
#include "load_tools.hpp"
#include "message.hpp"

#include <utility>  // before Asio: see server/net.hpp

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using orbit::Json;
using orbit::load::Counter;
using orbit::load::processFds;
using orbit::load::processRssKb;
using orbit::load::raiseOpenFileLimit;
using orbit::load::randomTag;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  int clients = 1000;
  double seconds = 60;
  double warmup = -1;  // -1: half of --seconds, at most 120
  int threads = 2;
  int perSource = 8;
  long serverPid = 0;
  double reapTimeout = 6;
  double dropWithin = 10;
  double settle = 20;
  double rssTolerance = 0.10;
  double meanSession = 8;  // seconds a session lasts on average (uniform over half to 1.5 times)
  int keep = 0;
  std::string samples;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "orbit-soak: %s\n"
               "usage: orbit-soak --url ws://HOST:PORT [--server-pid PID] [--clients N=1000] [--seconds S=60]\n"
               "  [--warmup S=min(120,S/2)] [--threads N=2] [--per-source N=8] [--reap-timeout S=6]\n"
               "  [--drop-within S=10] [--settle S=20] [--rss-tolerance F=0.10] [--session S=8]\n"
               "  [--samples FILE] [--keep K=0]\n",
               why.c_str());
  std::exit(2);
}

Options parseOptions(int argc, char** argv) {
  Options o;
  std::string url;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string value = argv[++i];
    const double number = std::atof(value.c_str());
    if (flag == "--url") url = value;
    else if (flag == "--server-pid") o.serverPid = std::atol(value.c_str());
    else if (flag == "--clients") o.clients = static_cast<int>(number);
    else if (flag == "--seconds") o.seconds = number;
    else if (flag == "--warmup") o.warmup = number;
    else if (flag == "--threads") o.threads = static_cast<int>(number);
    else if (flag == "--per-source") o.perSource = static_cast<int>(number);
    else if (flag == "--reap-timeout") o.reapTimeout = number;
    else if (flag == "--drop-within") o.dropWithin = number;
    else if (flag == "--settle") o.settle = number;
    else if (flag == "--rss-tolerance") o.rssTolerance = number;
    else if (flag == "--session") o.meanSession = number;
    else if (flag == "--samples") o.samples = value;
    else if (flag == "--keep") o.keep = static_cast<int>(number);
    else usage("unknown option " + flag);
  }
  const auto colon = url.rfind(':');
  if (url.rfind("ws://", 0) != 0 || colon == std::string::npos || colon < 5) usage("--url must be ws://HOST:PORT");
  o.host = url.substr(5, colon - 5);
  o.port = static_cast<unsigned short>(std::atoi(url.c_str() + colon + 1));
  // The heap reaches its working set once every way of leaving has come round a few times
  // (about 30 s with the default sessions): half of a short run, two minutes of a long one.
  if (o.warmup < 0) o.warmup = std::min(120.0, o.seconds / 2);
  if (o.clients < 1 || o.threads < 1 || o.perSource < 1 || o.keep < 0 || o.keep > o.clients) usage("bad counts");
  if (o.seconds <= o.warmup) usage("--seconds must be longer than --warmup");
  return o;
}

// The server's /metrics as name (with labels) -> value; empty when it cannot be fetched.
std::vector<std::pair<std::string, double>> fetchMetrics(const Options& o) {
  std::vector<std::pair<std::string, double>> out;
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint(net::ip::make_address(o.host), o.port));
    http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, o.host + ":" + std::to_string(o.port));
    req.set(http::field::connection, "close");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    std::istringstream lines(res.body());
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto space = line.rfind(' ');
      if (space == std::string::npos) continue;
      out.emplace_back(line.substr(0, space), std::atof(line.c_str() + space + 1));
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

double metric(const std::vector<std::pair<std::string, double>>& metrics, std::string_view name) {
  for (const auto& [n, v] : metrics) {
    if (n == name) return v;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------
// Counts

struct Counts {
  std::atomic<std::uint64_t> attempts{0}, upgrades{0}, joins{0}, refused{0}, textsSent{0}, textsReceived{0},
      echoes{0}, profiles{0}, cutShort{0}, byes{0}, closes{0}, vanished{0}, resets{0}, zombies{0}, zombiesDropped{0}, stuck{0},
      failures{0}, serverErrors{0};
  std::atomic<std::int64_t> zombieDropMsMax{0};
};
Counts gCounts;
std::atomic<bool> gStopping{false};

std::atomic<int> gReports{0};
void report(const std::string& what) {
  if (gReports.fetch_add(1) < 10) std::fprintf(stderr, "orbit-soak: %s\n", what.c_str());
}

// ---------------------------------------------------------------------------------------
// A slot: one simulated person, who joins, chats, leaves and comes back, one session at a
// time. Everything of a slot runs on its worker's single thread.

enum class Fate { Bye, Close, Vanish, Zombie };

class Slot;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Slot& slot, net::io_context& ioc, Fate fate);
  void start();
  void end();  // the session's time is up (or the run's): leave by its fate

 private:
  void onOpen();
  void read();
  void onFrame(std::string_view frame);
  void send(std::string frame);
  void writeNext();
  void scheduleChat();
  void closeWebSocket();
  void becomeZombie();
  void watchZombie();
  void fail(const std::string& what);
  void finish();

  Slot& slot_;
  Fate fate_;
  websocket::stream<tcp::socket> ws_;
  http::response<http::string_body> upgradeReply_;
  beast::flat_buffer buffer_;
  std::vector<std::string> queue_;
  std::size_t queueHead_ = 0;
  bool writing_ = false;
  net::steady_timer chatTimer_, endTimer_;
  std::string id_;
  bool open_ = false, ending_ = false, finished_ = false, muted_ = false;
  Clock::time_point silentSince_;
  std::uint64_t sequence_ = 0;
};

class Slot {
 public:
  Slot(const Options& o, net::io_context& ioc, int index, std::string room, int source, Counter& stopped)
      : o_(o), ioc_(ioc), index_(index), room_(std::move(room)), source_(source), stopped_(stopped),
        pause_(ioc), stop_(ioc), rng_(static_cast<std::uint32_t>(index) * 2654435761u + 17) {}

  // The first connection comes after a random delay, so that the slots do not all connect at once.
  void start(double within) { pauseThen(uniform(0, within)); }

  // People leave over a few seconds, not in the same millisecond: the server's burst of
  // room-info for a thousand departures at once would set its RSS at a peak of its own.
  void stop(double within) {
    stop_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(uniform(0, within))));
    stop_.async_wait([this](beast::error_code ec) {
      if (!ec) stopNow();
    });
  }

  void stopNow() {
    if (!session_) {
      pause_.cancel();
      done();
    } else if (!keeping()) {
      session_->end();
    }
  }

  void sessionEnded(bool refused) {
    session_.reset();
    if (gStopping.load()) return done();
    // Back after a pause; after a refusal, a longer one.
    pauseThen(refused ? uniform(1, 3) : uniform(0.2, 2));
  }

  double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
  const Options& options() const { return o_; }
  const std::string& room() const { return room_; }
  int index() const { return index_; }
  int source() const { return source_; }
  bool keeping() const { return index_ < o_.keep; }
  bool joinedOnce = false;

 private:
  void pauseThen(double seconds) {
    pause_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
    pause_.async_wait([this](beast::error_code ec) {
      if (ec || gStopping.load()) return;
      // The mix of endings: 55% bye, 15% close, 20% vanish, 10% zombie; kept clients stay.
      const double r = uniform(0, 1);
      const Fate fate = keeping() ? Fate::Bye : r < 0.55 ? Fate::Bye : r < 0.70 ? Fate::Close : r < 0.90 ? Fate::Vanish : Fate::Zombie;
      session_ = std::make_shared<Session>(*this, ioc_, fate);
      session_->start();
    });
  }

  void done() {
    if (stoppedCounted_) return;
    stoppedCounted_ = true;
    stopped_.add();
  }

  const Options& o_;
  net::io_context& ioc_;
  int index_;
  std::string room_;
  int source_;
  Counter& stopped_;
  net::steady_timer pause_, stop_;
  std::mt19937 rng_;
  std::shared_ptr<Session> session_;
  bool stoppedCounted_ = false;
};

Session::Session(Slot& slot, net::io_context& ioc, Fate fate)
    : slot_(slot), fate_(fate), ws_(ioc), chatTimer_(ioc), endTimer_(ioc) {}

void Session::start() {
  const Options& o = slot_.options();
  auto& socket = ws_.next_layer();
  socket.open(tcp::v4());
  if (fate_ == Fate::Zombie) {
    // A small receive window, so that the server's writes to it stall once it stops reading.
    int bytes = 4096;
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  int one = 1;
  setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  beast::error_code ec;
  socket.bind(tcp::endpoint(net::ip::address_v4(0x7f000001u + static_cast<unsigned>(slot_.source())), 0), ec);
  if (ec) return fail("bind: " + ec.message());
  ++gCounts.attempts;
  socket.async_connect(tcp::endpoint(net::ip::make_address(o.host), o.port),
                       [self = shared_from_this()](beast::error_code ec) {
                         if (self->finished_) return;
                         if (ec) return self->fail("connect: " + ec.message());
                         self->ws_.next_layer().set_option(tcp::no_delay(true));
                         const Options& o = self->slot_.options();
                         self->ws_.async_handshake(self->upgradeReply_, o.host + ":" + std::to_string(o.port),
                                                   "/room/" + self->slot_.room() + "/ws",
                                                   [self](beast::error_code ec) {
                                                     if (self->finished_) return;
                                                     if (!ec) return self->onOpen();
                                                     const unsigned status = self->upgradeReply_.result_int();
                                                     if (status == 429 || status == 503) {
                                                       ++gCounts.refused;
                                                       self->finished_ = true;
                                                       return self->slot_.sessionEnded(true);
                                                     }
                                                     self->fail("upgrade: " + ec.message() + " (HTTP " +
                                                                std::to_string(status) + ")");
                                                   });
                       });
}

void Session::onOpen() {
  ++gCounts.upgrades;
  open_ = true;
  ws_.text(true);
  const std::string name = "soak " + std::to_string(slot_.index());
  send(R"({"type":"ping","receiver":"ground control"})");
  send(orbit::encode(orbit::Message{std::string(), std::string(orbit::kGroundControl), orbit::MessageType::Profile,
                                    Json{{"username", name}, {"muted", false}, {"camera_off", false}}}));
  send(R"({"type":"get-ice-servers","receiver":"ground control"})");
  send(R"({"type":"get-room-info","receiver":"ground control"})");
  ++gCounts.profiles;
  read();
  const double mean = slot_.options().meanSession;
  if (!gStopping.load() && !slot_.keeping()) {
    endTimer_.expires_after(std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(slot_.uniform(mean * 0.5, mean * 1.5))));
    endTimer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->end();
    });
  }
  if (gStopping.load() && !slot_.keeping()) end();  // the run stopped during the upgrade
  scheduleChat();
}

void Session::scheduleChat() {
  chatTimer_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(slot_.uniform(0.5, 4))));
  chatTimer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->ending_) return;
    if (self->slot_.uniform(0, 1) < 0.1) {
      // Now and then a mute toggled: a profile and a room-info to everyone.
      self->muted_ = !self->muted_;
      self->send(orbit::encode(orbit::Message{std::string(), std::string(orbit::kGroundControl),
                                              orbit::MessageType::Profile,
                                              Json{{"username", "soak " + std::to_string(self->slot_.index())},
                                                   {"muted", self->muted_}}}));
      ++gCounts.profiles;
    } else {
      const auto epochMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
      self->send(orbit::encode(orbit::Message{
          std::string(), std::string("room"), orbit::MessageType::Text,
          Json{{"from", "soak " + std::to_string(self->slot_.index())},
               {"time", epochMs},
               {"text", "line " + std::to_string(self->sequence_++) + " of a soak that goes on and on"}}}));
      ++gCounts.textsSent;
    }
    self->scheduleChat();
  });
}

void Session::read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (self->finished_ || (self->fate_ == Fate::Zombie && self->ending_)) return;
    if (ec) {
      // The server closes after our bye, answers our close, or both end at once.
      if (self->ending_ && (self->fate_ == Fate::Bye || self->fate_ == Fate::Close) &&
          (ec == websocket::error::closed || ec == net::error::eof || ec == net::error::connection_reset)) {
        return self->finish();
      }
      if (self->ending_ && self->fate_ == Fate::Close) return;  // async_close finishes it
      return self->fail("read: " + ec.message());
    }
    const auto data = self->buffer_.cdata();
    self->onFrame(std::string_view(static_cast<const char*>(data.data()), data.size()));
    self->buffer_.consume(self->buffer_.size());
    if (!self->finished_) self->read();
  });
}

void Session::onFrame(std::string_view frame) {
  auto message = orbit::decode(frame);
  if (!message) return fail("undecodable frame: " + message.error().message);
  switch (message->type) {
    case orbit::MessageType::Pong:
      if (message->sender == orbit::kGroundControl && id_.empty()) {
        id_ = message->receiver;
        ++gCounts.joins;
        slot_.joinedOnce = true;
      }
      break;
    case orbit::MessageType::Ping:
      if (message->sender == orbit::kGroundControl) {
        orbit::Message pong;
        pong.receiver = std::string(orbit::kGroundControl);
        pong.type = orbit::MessageType::Pong;
        pong.data = message->data;
        send(orbit::encode(pong));
      }
      break;
    case orbit::MessageType::Text:
      ++gCounts.textsReceived;
      if (message->sender == id_) ++gCounts.echoes;
      break;
    case orbit::MessageType::Error:
      ++gCounts.serverErrors;
      report("server error: " + message->data.value_or(Json()).dump());
      break;
    case orbit::MessageType::Bye:
      // A client that answers every ping is never reaped.
      if (message->sender == orbit::kGroundControl) fail("the server dropped a live client: " + message->data.value_or(Json()).dump());
      break;
    default:
      break;
  }
}

void Session::send(std::string frame) {
  if (ending_ && fate_ != Fate::Bye) return;
  queue_.push_back(std::move(frame));
  if (!writing_) writeNext();
}

void Session::writeNext() {
  if (queueHead_ == queue_.size()) {
    queue_.clear();
    queueHead_ = 0;
    if (ending_ && fate_ == Fate::Close) closeWebSocket();
    return;
  }
  writing_ = true;
  ws_.async_write(net::buffer(queue_[queueHead_]), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    if (self->finished_ || (self->fate_ == Fate::Zombie && self->ending_)) return;
    if (ec) {
      if (self->ending_ && self->fate_ == Fate::Bye) return;  // the server closed first; the read says so
      return self->fail("write: " + ec.message());
    }
    ++self->queueHead_;
    self->writeNext();
  });
}

void Session::end() {
  if (ending_ || finished_) return;
  if (!open_) {
    // Still connecting: the run is stopping; drop it. The server may have taken the upgrade.
    finished_ = true;
    ++gCounts.cutShort;
    beast::error_code ec;
    ws_.next_layer().close(ec);
    return slot_.sessionEnded(false);
  }
  chatTimer_.cancel();
  endTimer_.cancel();
  switch (fate_) {
    case Fate::Bye:
      send(R"({"type":"bye","receiver":"ground control","data":"soak"})");
      ending_ = true;
      ++gCounts.byes;
      // The server closes the socket after it: a deadline makes a missing close a failure.
      endTimer_.expires_after(std::chrono::seconds(10));
      endTimer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec && !self->finished_) self->fail("no close within 10 s of bye");
      });
      break;
    case Fate::Close:
      ending_ = true;
      ++gCounts.closes;
      if (!writing_) closeWebSocket();
      break;
    case Fate::Vanish: {
      ending_ = true;
      ++gCounts.vanished;
      auto& socket = ws_.next_layer();
      if (slot_.uniform(0, 1) < 0.5) {
        linger reset{1, 0};  // close() then sends a reset rather than a FIN
        setsockopt(socket.native_handle(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        ++gCounts.resets;
      }
      finish();
      break;
    }
    case Fate::Zombie:
      becomeZombie();
      break;
  }
}

void Session::closeWebSocket() {
  ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code ec) {
    if (self->finished_) return;
    if (ec && ec != net::error::eof && ec != net::error::connection_reset && ec != net::error::operation_aborted) {
      return self->fail("close: " + ec.message());
    }
    self->finish();
  });
}

void Session::becomeZombie() {
  ending_ = true;
  ++gCounts.zombies;
  silentSince_ = Clock::now();
  // Not a byte more in or out; the socket stays open. Cancelling leaves the descriptor as it is.
  beast::error_code ec;
  ws_.next_layer().cancel(ec);
  watchZombie();
}

// The server's drop shows in the socket's TCP state: a FIN (CLOSE_WAIT) or a reset (CLOSE).
void Session::watchZombie() {
  tcp_info info{};
  socklen_t size = sizeof info;
  const int fd = ws_.next_layer().native_handle();
  const bool open = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) == 0 && info.tcpi_state == TCP_ESTABLISHED;
  const auto silent = Clock::now() - silentSince_;
  if (!open) {
    ++gCounts.zombiesDropped;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(silent).count();
    auto seen = gCounts.zombieDropMsMax.load();
    while (ms > seen && !gCounts.zombieDropMsMax.compare_exchange_weak(seen, ms)) {
    }
    return finish();
  }
  const Options& o = slot_.options();
  if (silent > std::chrono::duration<double>(o.reapTimeout + o.dropWithin)) {
    ++gCounts.stuck;
    report("a silent client was not dropped within " + std::to_string(o.reapTimeout + o.dropWithin) + " s");
    return finish();
  }
  endTimer_.expires_after(std::chrono::milliseconds(100));
  endTimer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->finished_) self->watchZombie();
  });
}

void Session::fail(const std::string& what) {
  if (finished_) return;
  ++gCounts.failures;
  report("client " + std::to_string(slot_.index()) + ": " + what);
  finish();
}

void Session::finish() {
  if (finished_) return;
  finished_ = true;
  chatTimer_.cancel();
  endTimer_.cancel();
  beast::error_code ec;
  ws_.next_layer().close(ec);
  slot_.sessionEnded(false);
}

// ---------------------------------------------------------------------------------------

struct Sampler {
  const Options& o;
  Clock::time_point start = Clock::now();
  std::FILE* file = nullptr;
  std::vector<long> rss;  // one a second

  explicit Sampler(const Options& options) : o(options) {
    if (!o.samples.empty()) {
      file = std::fopen(o.samples.c_str(), "w");
      if (file) std::fprintf(file, "# seconds rss_kb fds clients rooms phase\n");
    }
  }
  ~Sampler() {
    if (file) std::fclose(file);
  }
  void sample(const char* phase) {
    const long r = processRssKb(o.serverPid);
    const long fds = processFds(o.serverPid);
    const auto m = fetchMetrics(o);
    rss.push_back(r);
    if (file) {
      std::fprintf(file, "%.1f %ld %ld %.0f %.0f %s\n", std::chrono::duration<double>(Clock::now() - start).count(), r,
                   fds, metric(m, "orbit_connected_clients"), metric(m, "orbit_rooms"), phase);
      std::fflush(file);
    }
  }
  // The mean of the last three samples: one second's RSS moves with what is in flight.
  long recentRss() const {
    const std::size_t n = std::min<std::size_t>(3, rss.size());
    if (n == 0) return -1;
    long sum = 0;
    for (std::size_t i = rss.size() - n; i < rss.size(); ++i) sum += rss[i];
    return sum / static_cast<long>(n);
  }
};

// Samples once a second until `until`, or until `done` says so (checked every 100 ms).
bool sampleUntil(Sampler& sampler, Clock::time_point until, const char* phase, const std::function<bool()>& done,
                 Clock::time_point& nextSample) {
  for (;;) {
    if (done && done()) return true;
    const auto now = Clock::now();
    if (now >= until) return false;
    if (now >= nextSample) {
      sampler.sample(phase);
      // After a stall (a loaded machine), one sample now rather than a burst of catching up.
      nextSample = std::max(nextSample + std::chrono::seconds(1), now);
    }
    // A poll of the server's figures with a deadline; nothing here has an event to wait on.
    std::this_thread::sleep_for(std::min<Clock::duration>({std::chrono::milliseconds(100), until - now}));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parseOptions(argc, argv);
  raiseOpenFileLimit(static_cast<rlim_t>(o.clients) * 3 + 1024, "orbit-soak");
  const bool watching = o.serverPid > 0;

  struct Worker {
    net::io_context ioc{1};
    net::executor_work_guard<net::io_context::executor_type> guard = net::make_work_guard(ioc);
    std::thread thread;
  };
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < o.threads; ++i) workers.push_back(std::make_unique<Worker>());

  // Rooms of 2 to 20 people, most of them small, as calls are.
  const int sizes[] = {2, 2, 2, 3, 3, 4, 5, 6, 8, 12, 20};
  const std::string tag = randomTag();
  Counter stopped;
  std::vector<std::unique_ptr<Slot>> slots;
  int room = 0, inRoom = 0;
  for (int i = 0; i < o.clients; ++i) {
    if (inRoom == sizes[room % std::size(sizes)]) ++room, inRoom = 0;
    ++inRoom;
    Worker& w = *workers[static_cast<std::size_t>(i) % workers.size()];
    slots.push_back(std::make_unique<Slot>(o, w.ioc, i, "soak-" + tag + "-" + std::to_string(room),
                                           1 + i / o.perSource, stopped));
  }
  const int rooms = room + 1, sources = (o.clients + o.perSource - 1) / o.perSource;

  Sampler sampler(o);
  const long fdsStart = watching ? processFds(o.serverPid) : -1;
  const long rssStart = watching ? processRssKb(o.serverPid) : -1;
  std::printf("# orbit-soak: %d clients in %d rooms from %d source addresses (127.0.0.2-%d), %.0f s (warm-up %.0f s); "
              "server fds %ld, RSS %ld KiB\n",
              o.clients, rooms, sources, 1 + sources, o.seconds, o.warmup, fdsStart, rssStart);
  std::fflush(stdout);

  for (auto& w : workers) w->thread = std::thread([&w] { w->ioc.run(); });
  const double rampUp = std::min(5.0, o.warmup);
  for (auto& s : slots) {
    net::post(workers[static_cast<std::size_t>(s->index()) % workers.size()]->ioc, [slot = s.get(), rampUp] { slot->start(rampUp); });
  }

  const auto t0 = Clock::now();
  auto nextSample = t0;
  const auto at = [&](double s) { return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
  long rssBaseline = -1, rssLoaded = -1;
  if (watching) {
    sampleUntil(sampler, at(o.warmup), "warmup", nullptr, nextSample);
    rssBaseline = sampler.recentRss();
    sampleUntil(sampler, at(o.seconds), "churn", nullptr, nextSample);
    rssLoaded = sampler.recentRss();
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));  // nothing to watch: just the load
  }

  // Everyone leaves by their session's fate; zombies wait for the server's reaper.
  gStopping = true;
  for (auto& s : slots) {
    net::post(workers[static_cast<std::size_t>(s->index()) % workers.size()]->ioc, [slot = s.get()] { slot->stop(3); });
  }
  const long toStop = o.clients - o.keep;
  const auto stopDeadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(3 + o.reapTimeout + o.dropWithin + 10));
  bool allStopped = true;
  if (watching) {
    allStopped = sampleUntil(sampler, stopDeadline, "leaving", [&] { return stopped.value() >= toStop; }, nextSample);
  } else {
    allStopped = stopped.waitFor(toStop, stopDeadline - Clock::now());
  }

  std::vector<std::string> failures;
  const auto check = [&](bool ok, const std::string& what) {
    if (!ok) failures.push_back(what);
  };
  check(allStopped, std::to_string(toStop - stopped.value()) + " clients did not finish leaving");

  double clientsEnd = -1, roomsEnd = -1, joinedTotal = -1, reapedTotal = -1, slowTotal = -1;
  long fdsEnd = -1, rssEnd = -1;
  if (watching) {
    // The server notices the vanished and the silent: wait on its metrics, with a deadline.
    std::vector<std::pair<std::string, double>> m;
    const auto settleBy = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.settle));
    sampleUntil(sampler, settleBy, "settling", [&] {
      m = fetchMetrics(o);
      return metric(m, "orbit_connected_clients") == 0 && metric(m, "orbit_rooms") == 0;
    }, nextSample);
    clientsEnd = metric(m, "orbit_connected_clients");
    roomsEnd = metric(m, "orbit_rooms");
    joinedTotal = metric(m, "orbit_clients_joined_total");
    reapedTotal = metric(m, "orbit_clients_reaped_total");
    slowTotal = metric(m, "orbit_clients_dropped_slow_total");
    check(clientsEnd == 0, "orbit_connected_clients is " + std::to_string(clientsEnd) + ", not 0");
    check(roomsEnd == 0, "orbit_rooms is " + std::to_string(roomsEnd) + ", not 0");
    // Sockets close after the logic lets go of them: wait for the count too.
    sampleUntil(sampler, Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.settle)),
                "settling", [&] { return (fdsEnd = processFds(o.serverPid)) == fdsStart; }, nextSample);
    check(fdsEnd == fdsStart, "the server has " + std::to_string(fdsEnd) + " open fds, " + std::to_string(fdsStart) + " at the start");
    sampler.sample("end");
    rssEnd = processRssKb(o.serverPid);
    const double limit = static_cast<double>(rssBaseline) * (1 + o.rssTolerance);
    check(static_cast<double>(rssLoaded) <= limit, "RSS at the end of the churn is " + std::to_string(rssLoaded) +
                                                       " KiB, over " + std::to_string(rssBaseline) + " KiB (the baseline) + " +
                                                       std::to_string(static_cast<int>(o.rssTolerance * 100)) + "%");
    check(static_cast<double>(rssEnd) <= limit, "RSS after everyone left is " + std::to_string(rssEnd) + " KiB, over " +
                                                    std::to_string(rssBaseline) + " KiB (the baseline) + " +
                                                    std::to_string(static_cast<int>(o.rssTolerance * 100)) + "%");
    // A connection dropped at the stop while its upgrade was under way may have joined.
    const auto upgrades = static_cast<double>(gCounts.upgrades.load());
    check(joinedTotal >= upgrades && joinedTotal <= upgrades + static_cast<double>(gCounts.cutShort.load()),
          "the server counts " + std::to_string(joinedTotal) + " clients joined, the clients " +
              std::to_string(gCounts.upgrades.load()) + " upgrades (and " + std::to_string(gCounts.cutShort.load()) +
              " cut short at the stop)");
    check(reapedTotal == static_cast<double>(gCounts.zombies.load()),
          "the server reaped " + std::to_string(reapedTotal) + " clients, " + std::to_string(gCounts.zombies.load()) +
              " went silent");
  }
  check(gCounts.failures == 0, std::to_string(gCounts.failures.load()) + " client failures (above)");
  check(gCounts.serverErrors == 0, std::to_string(gCounts.serverErrors.load()) + " errors from the server");
  check(gCounts.stuck == 0, std::to_string(gCounts.stuck.load()) + " silent clients were never dropped");
  check(gCounts.refused * 100 <= gCounts.attempts, std::to_string(gCounts.refused.load()) + " of " +
                                                        std::to_string(gCounts.attempts.load()) + " upgrades refused");
  const auto never = std::count_if(slots.begin(), slots.end(), [](const auto& s) { return !s->joinedOnce; });
  check(never == 0, std::to_string(never) + " clients never joined");
  const bool churned = gCounts.zombies > 0 && gCounts.vanished > 0 && gCounts.byes > 0 && gCounts.closes > 0;
  check(churned, "the run was too short for every way of leaving to happen");

  const auto u = [](const std::atomic<std::uint64_t>& v) { return static_cast<unsigned long long>(v.load()); };
  std::printf("result clients=%d rooms=%d sources=%d seconds=%.0f upgrades=%llu joins=%llu refused=%llu texts_sent=%llu "
              "texts_received=%llu echoes=%llu profiles=%llu byes=%llu closes=%llu vanished=%llu resets=%llu zombies=%llu "
              "zombies_dropped=%llu zombie_drop_max_ms=%lld stuck=%llu failures=%llu server_errors=%llu "
              "cut_short=%llu server_joined=%.0f server_reaped=%.0f server_dropped_slow=%.0f clients_end=%.0f rooms_end=%.0f "
              "rss_start_kb=%ld rss_baseline_kb=%ld rss_loaded_kb=%ld rss_end_kb=%ld fds_start=%ld fds_end=%ld\n",
              o.clients, rooms, sources, o.seconds, u(gCounts.upgrades), u(gCounts.joins), u(gCounts.refused),
              u(gCounts.textsSent), u(gCounts.textsReceived), u(gCounts.echoes), u(gCounts.profiles), u(gCounts.byes),
              u(gCounts.closes), u(gCounts.vanished), u(gCounts.resets), u(gCounts.zombies), u(gCounts.zombiesDropped),
              static_cast<long long>(gCounts.zombieDropMsMax.load()), u(gCounts.stuck), u(gCounts.failures),
              u(gCounts.serverErrors), u(gCounts.cutShort), joinedTotal, reapedTotal, slowTotal, clientsEnd, roomsEnd, rssStart, rssBaseline,
              rssLoaded, rssEnd, fdsStart, fdsEnd);
  for (const auto& f : failures) std::printf("FAIL: %s\n", f.c_str());
  if (failures.empty()) {
    std::printf("# soak passed: %llu joins, %llu lines sent, %llu delivered; %llu vanished, %llu went silent and were "
                "dropped; RSS %ld -> %ld KiB (baseline %ld), fds %ld -> %ld\n",
                u(gCounts.joins), u(gCounts.textsSent), u(gCounts.textsReceived), u(gCounts.vanished), u(gCounts.zombies),
                rssBaseline, rssEnd, rssBaseline, fdsStart, fdsEnd);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  // The kept clients and the workers' sockets go with the process.
  std::_Exit(failures.empty() ? 0 : 1);
}
