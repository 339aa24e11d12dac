// orbit-loadgen: a multi-threaded load generator for any server that speaks docs/protocol.md
// (orbit-server, tests/bench/node-relay), and for orbit-bench-echo (the raw ceiling).
//
//   orbit-loadgen SCENARIO --url ws://127.0.0.1:PORT [options]
//
// Scenarios:
//   relay       R rooms of K clients; each client keeps M messages in flight (--inflight), or
//               all together send --rate messages/s. Measures deliveries/s and latency.
//   fixed-rate  relay at a fixed offered rate (--rate, 20000 by default).
//   fanout      relay in one room of 50, room broadcast chat only.
//   join        joins per second: WebSocket upgrade, ping, pong, room-info; then a close.
//   idle        N idle clients (--connections), from 127.0.0.2, .3, ... (--per-source each);
//               with --server-pid, the server's RSS growth per connection.
//   raw         the relay's messages, length-prefixed, over plain TCP to an echo server
//               (--url tcp://127.0.0.1:PORT).
//
// Latency: the sender stamps each message with the time of a steady clock shared by every
// thread of this process; the receiver takes the difference on arrival. For the relay it is
// one-way (sender -> server -> receiver), for raw a round trip (the echo comes back to its
// sender). With --server-pid the server's CPU time (utime + stime from /proc/PID/stat) over
// the measuring window is divided by the messages delivered in it.
//
// Output: one "result key=value ..." line (machine-readable) and a "# ..." line for people.
// The exit code is 1 when a message was lost, the server sent an error, or a client failed.
#include "codec.hpp"
#include "load_tools.hpp"
#include "message.hpp"

#include <utility>  // before Asio: see server/net.hpp

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using orbit::Json;
using orbit::load::Counter;
using orbit::load::processRssKb;
using orbit::load::raiseOpenFileLimit;
using orbit::load::randomTag;

// ---------------------------------------------------------------------------------------
// Options

struct Options {
  std::string scenario;
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  bool raw = false;
  int threads = 2;
  int rooms = 50;
  int roomSize = 2;
  int inflight = 4;
  double rate = 0;  // 0: closed loop, --inflight per client
  std::string mix = "mix";
  double warmup = 1;
  double seconds = 5;
  long serverPid = 0;
  int connections = 10000;
  int perSource = 10000;
  int concurrency = 64;
  std::string label;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "orbit-loadgen: %s\n"
               "usage: orbit-loadgen relay|fixed-rate|fanout|join|idle|raw --url ws://HOST:PORT|tcp://HOST:PORT\n"
               "  [--threads N=2] [--rooms R=50] [--room-size K=2] [--inflight M=4] [--rate MSG_PER_S=0]\n"
               "  [--mix chat|ice|sdp|mix] [--warmup S=1] [--seconds S=5] [--server-pid PID]\n"
               "  [--connections N=10000] [--per-source N=10000] [--concurrency C=64] [--label TEXT]\n",
               why.c_str());
  std::exit(2);
}

Options parseOptions(int argc, char** argv) {
  if (argc < 2) usage("no scenario");
  Options o;
  o.scenario = argv[1];
  if (o.scenario == "fixed-rate") o.rate = 20000;
  if (o.scenario == "fanout") o.rooms = 1, o.roomSize = 50, o.mix = "chat", o.inflight = 2;
  if (o.scenario == "join") o.rooms = 0;
  std::string url;
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string value = argv[++i];
    const auto number = [&] { return std::atof(value.c_str()); };
    if (flag == "--url") url = value;
    else if (flag == "--threads") o.threads = static_cast<int>(number());
    else if (flag == "--rooms") o.rooms = static_cast<int>(number());
    else if (flag == "--room-size") o.roomSize = static_cast<int>(number());
    else if (flag == "--inflight") o.inflight = static_cast<int>(number());
    else if (flag == "--rate") o.rate = number();
    else if (flag == "--mix") o.mix = value;
    else if (flag == "--warmup") o.warmup = number();
    else if (flag == "--seconds") o.seconds = number();
    else if (flag == "--server-pid") o.serverPid = std::atol(value.c_str());
    else if (flag == "--connections") o.connections = static_cast<int>(number());
    else if (flag == "--per-source") o.perSource = static_cast<int>(number());
    else if (flag == "--concurrency") o.concurrency = static_cast<int>(number());
    else if (flag == "--label") o.label = value;
    else usage("unknown option " + flag);
  }
  const auto scheme = url.find("://");
  const auto colon = url.rfind(':');
  if (scheme == std::string::npos || colon == std::string::npos || colon <= scheme) usage("--url must be ws://HOST:PORT or tcp://HOST:PORT");
  o.raw = url.compare(0, scheme, "tcp") == 0;
  if (!o.raw && url.compare(0, scheme, "ws") != 0) usage("--url must be ws://HOST:PORT or tcp://HOST:PORT");
  o.host = url.substr(scheme + 3, colon - scheme - 3);
  o.port = static_cast<unsigned short>(std::atoi(url.c_str() + colon + 1));
  if ((o.raw) != (o.scenario == "raw")) usage("the raw scenario, and only it, takes a tcp:// URL");
  if (o.threads < 1 || o.inflight < 1 || o.concurrency < 1 || o.perSource < 1) usage("counts must be at least 1");
  if ((o.scenario == "relay" || o.scenario == "fixed-rate" || o.scenario == "fanout") && o.roomSize < 2) {
    usage("--room-size must be at least 2");
  }
  if (o.mix != "chat" && o.mix != "ice" && o.mix != "sdp" && o.mix != "mix") usage("--mix must be chat, ice, sdp or mix");
  return o;
}

// ---------------------------------------------------------------------------------------
// Measures

std::int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// utime + stime of a process, in microseconds; -1 when it cannot be read.
double processCpuUs(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};

Percentiles percentiles(std::vector<float>& us) {
  if (us.empty()) return {};
  std::sort(us.begin(), us.end());
  const auto at = [&](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
  return {at(0.50), at(0.99), us.back()};
}

// ---------------------------------------------------------------------------------------
// Messages: realistic payloads from docs/protocol.md, built with the protocol library once
// per receiver. Each carries "lg": [sender index, sequence, send time in ns] in its data
// (extra fields are relayed untouched); the number is spliced in per message.

enum class Kind { Chat, Ice, Sdp };
constexpr const char* kLgMark = "\"@LG@\"";

struct Template {
  std::string prefix, suffix;  // the frame is prefix + [a,b,c] + suffix
  int deliveries = 1;          // a room line reaches every member, its sender included
};

std::string sampleSdp() {
  std::string sdp =
      "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
      "a=extmap-allow-mixed\r\na=msid-semantic: WMS 3d5b1c7e-5a52-4f0e-9a3a-7c1c1fd0c9d1\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\nc=IN IP4 0.0.0.0\r\n"
      "a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:EsPv\r\na=ice-pwd:2gM4bH0k1G3qZ8aY7xR5vW9t\r\n"
      "a=ice-options:trickle\r\na=fingerprint:sha-256 "
      "6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n"
      "a=setup:actpass\r\na=mid:0\r\na=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
      "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\na=sendrecv\r\n"
      "a=msid:3d5b1c7e-5a52-4f0e-9a3a-7c1c1fd0c9d1 8a1f6b2c-0d1e-4c3b-9f8a-2b7c6d5e4f3a\r\n"
      "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n"
      "a=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\n"
      "a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:13 CN/8000\r\n"
      "a=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\n"
      "a=ssrc:1001 cname:Yq4fV3kq8cJcNfH2\r\n"
      "a=ssrc:1001 msid:3d5b1c7e-5a52-4f0e-9a3a-7c1c1fd0c9d1 8a1f6b2c-0d1e-4c3b-9f8a-2b7c6d5e4f3a\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 45 46 102 103 104 105\r\nc=IN IP4 0.0.0.0\r\n"
      "a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:EsPv\r\na=ice-pwd:2gM4bH0k1G3qZ8aY7xR5vW9t\r\n"
      "a=ice-options:trickle\r\na=fingerprint:sha-256 "
      "6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n"
      "a=setup:actpass\r\na=mid:1\r\na=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
      "a=extmap:13 urn:3gpp:video-orientation\r\n"
      "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
      "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n"
      "a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type\r\n"
      "a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing\r\n"
      "a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space\r\n"
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
      "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
      "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\na=sendrecv\r\n"
      "a=msid:3d5b1c7e-5a52-4f0e-9a3a-7c1c1fd0c9d1 0c4e2a9b-7f3d-4a1e-8b6c-5d9e0f1a2b3c\r\n"
      "a=rtcp-mux\r\na=rtcp-rsize\r\n";
  const char* codecs[][2] = {{"96", "VP8/90000"}, {"98", "VP9/90000"}, {"100", "VP9/90000"},
                             {"45", "AV1/90000"}, {"102", "H264/90000"}, {"104", "H264/90000"}};
  int rtx = 97;
  for (const auto& codec : codecs) {
    const std::string pt = codec[0];
    sdp += "a=rtpmap:" + pt + " " + codec[1] + "\r\n";
    for (const char* fb : {"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}) {
      sdp += "a=rtcp-fb:" + pt + " " + fb + "\r\n";
    }
    if (pt == "102" || pt == "104") {
      sdp += "a=fmtp:" + pt + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
    }
    sdp += "a=rtpmap:" + std::to_string(rtx) + " rtx/90000\r\na=fmtp:" + std::to_string(rtx) + " apt=" + pt + "\r\n";
    rtx = rtx == 99 ? 101 : rtx == 101 ? 46 : rtx == 46 ? 103 : rtx + 2;
  }
  sdp += "a=ssrc-group:FID 2001 2002\r\na=ssrc:2001 cname:Yq4fV3kq8cJcNfH2\r\na=ssrc:2002 cname:Yq4fV3kq8cJcNfH2\r\n";
  return sdp;
}

Json payload(Kind kind, std::size_t pad) {
  switch (kind) {
    case Kind::Chat:
      return {{"from", "bench"}, {"time", 1767225600000}, {"text", std::string(pad, 'x')}, {"lg", "@LG@"}};
    case Kind::Ice:
      return {{"candidate", "candidate:842163049 1 udp 1677729535 2001:db8:85a3::8a2e:370:7334 54321 typ srflx "
                            "raddr 192.168.1.7 rport 54321 generation 0 ufrag EsPv network-id 1 network-cost 10" +
                                std::string(pad, ' ')},
              {"sdpMid", "0"},
              {"sdpMLineIndex", 0},
              {"usernameFragment", "EsPv"},
              {"lg", "@LG@"}};
    case Kind::Sdp:
      return {{"type", "offer"}, {"sdp", sampleSdp() + std::string(pad, '\n')}, {"lg", "@LG@"}};
  }
  return {};
}

// The frame's size as a typical lg ([12,123456,1234567890123456]) would make it.
constexpr std::size_t kTypicalLg = 27;
std::size_t targetSize(Kind kind) { return kind == Kind::Chat ? 100 : kind == Kind::Ice ? 300 : 4096; }

Template makeTemplate(Kind kind, const std::string& receiver, int roomSize) {
  orbit::Message m;
  m.receiver = receiver;
  m.type = kind == Kind::Chat ? orbit::MessageType::Text : kind == Kind::Ice ? orbit::MessageType::IceCandidate
                                                                            : orbit::MessageType::Offer;
  m.data = payload(kind, 0);
  std::string frame = orbit::encode(m);
  const std::size_t base = frame.size() - std::strlen(kLgMark) + kTypicalLg;
  if (base < targetSize(kind)) {
    m.data = payload(kind, targetSize(kind) - base);
    frame = orbit::encode(m);
  }
  const auto at = frame.find(kLgMark);
  Template t;
  t.prefix = frame.substr(0, at);
  t.suffix = frame.substr(at + std::strlen(kLgMark));
  t.deliveries = kind == Kind::Chat ? roomSize : 1;
  return t;
}

// Finds the "lg" stamp in a frame: {sender index, sequence, send time}; false when absent.
bool readStamp(std::string_view frame, std::uint64_t& sender, std::int64_t& sentNs) {
  const auto at = frame.find("\"lg\":[");
  if (at == std::string_view::npos) return false;
  const char* p = frame.data() + at + 6;
  char* end = nullptr;
  sender = std::strtoull(p, &end, 10);
  std::strtoull(end + 1, &end, 10);
  sentNs = std::strtoll(end + 1, &end, 10);
  return true;
}

// ---------------------------------------------------------------------------------------
// Threads and run state

enum class Phase { Setup, Warmup, Measure, Drain };
std::atomic<Phase> gPhase{Phase::Setup};

struct Worker {
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> guard = net::make_work_guard(ioc);
  std::thread thread;
  std::vector<float> latencyUs;       // touched by this worker's thread only
  std::atomic<std::uint64_t> delivered{0};  // stamped frames received
  std::atomic<std::uint64_t> expected{0};   // deliveries the frames sent should make
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> failures{0};
};

std::atomic<int> gErrorReports{0};
void reportError(const std::string& what) {
  if (gErrorReports.fetch_add(1) < 5) std::fprintf(stderr, "orbit-loadgen: %s\n", what.c_str());
}

// ---------------------------------------------------------------------------------------
// A client: a WebSocket (or, for raw, a TCP connection with 4-byte length prefixes) that
// joins its room, learns its id and its room's ids, then sends and counts stamped frames.

class Client;
std::vector<Client*> gClients;  // by sender index, written before the sending starts

class Client {
 public:
  struct Setup {
    const Options* options;
    Worker* worker;
    std::uint64_t index;
    std::string room;   // empty for raw
    int roomSize;       // members to wait for in room-info; 0: ready after the pong
    int sourceAddress;  // 0: any; n: bind to 127.0.0.(1 + n)
    Counter* ready;
  };

  explicit Client(Setup setup)
      : s_(std::move(setup)), ws_(s_.worker->ioc), socket_(ws_.next_layer()) {}

  void start() {
    const auto address = net::ip::make_address(s_.options->host);
    socket_.open(tcp::v4());
    if (s_.sourceAddress > 0) {
      // Several source addresses: one address has only ~28k ephemeral ports. The port is
      // chosen at connect time, so the same one may serve several destinations.
      int one = 1;
      setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      beast::error_code ec;
      socket_.bind(tcp::endpoint(net::ip::address_v4(0x7f000001u + static_cast<unsigned>(s_.sourceAddress)), 0), ec);
      if (ec) return fail("bind", ec);
    }
    socket_.async_connect(tcp::endpoint(address, s_.options->port), [this](beast::error_code ec) {
      if (ec) return fail("connect", ec);
      socket_.set_option(tcp::no_delay(true));
      if (s_.options->raw) {
        ready_ = true;
        s_.ready->add();
        return readRaw();
      }
      ws_.auto_fragment(false);
      // Beast masks a client's frame in chunks of this size, one write each: a browser sends
      // a 4 KB offer in one piece, so must we.
      ws_.write_buffer_bytes(64 * 1024);
      ws_.async_handshake(s_.options->host + ":" + std::to_string(s_.options->port), "/room/" + s_.room + "/ws",
                          [this](beast::error_code ec) {
                            if (ec) return fail("upgrade", ec);
                            ws_.text(true);
                            transmit(R"({"type":"ping","receiver":"ground control","data":"loadgen"})");
                            readWs();
                          });
    });
  }

  // Builds the templates once every peer's id is known, then sends when asked.
  void prepare() {
    const auto kinds = kindsFor(s_.options->mix);
    for (Kind kind : kinds) {
      if (kind == Kind::Chat || s_.options->raw) {
        templates_.push_back(makeTemplate(kind, s_.options->raw ? std::string() : "room",
                                          s_.options->raw ? 1 : s_.roomSize));
        if (s_.options->raw) templates_.back().deliveries = 1;
      } else {
        for (const std::string& peer : peers_) templates_.push_back(makeTemplate(kind, peer, s_.roomSize));
      }
      firstOfKind_.push_back(templates_.size());
    }
  }

  // Closed loop: keep --inflight messages in flight from now on.
  void startClosedLoop() {
    net::post(s_.worker->ioc, [this] { pump(); });
  }

  // One message, now (open loop: the worker's timer calls this at the offered rate).
  void sendOne() {
    const auto kinds = kindsFor(s_.options->mix);
    const std::size_t kindSlot = kinds.size() == 1 ? 0 : mixSlot(sequence_);
    const std::size_t begin = kindSlot == 0 ? 0 : firstOfKind_[kindSlot - 1];
    const std::size_t count = firstOfKind_[kindSlot] - begin;
    const Template& t = templates_[begin + (count == 1 ? 0 : (sequence_ / 10) % count)];
    char stamp[80];
    const int n = std::snprintf(stamp, sizeof stamp, "[%llu,%llu,%lld]", static_cast<unsigned long long>(s_.index),
                                static_cast<unsigned long long>(sequence_), static_cast<long long>(nowNs()));
    std::string frame;
    frame.reserve(t.prefix.size() + static_cast<std::size_t>(n) + t.suffix.size() + 4);
    if (s_.options->raw) {
      const std::uint32_t length = static_cast<std::uint32_t>(t.prefix.size() + static_cast<std::size_t>(n) + t.suffix.size());
      frame.append(reinterpret_cast<const char*>(&length), 4);
    }
    frame.append(t.prefix).append(stamp, static_cast<std::size_t>(n)).append(t.suffix);
    ++sequence_;
    expectedTotal_ += static_cast<std::uint64_t>(t.deliveries);
    if (s_.options->rate <= 0) window_.push_back(expectedTotal_);  // the open loop has no window
    s_.worker->expected.fetch_add(static_cast<std::uint64_t>(t.deliveries), std::memory_order_relaxed);
    s_.worker->sent.fetch_add(1, std::memory_order_relaxed);
    transmit(std::move(frame));
  }

  // Called by whichever worker received one of this client's messages.
  void delivered() {
    deliveredToPeers_.fetch_add(1);
    if (blocked_.exchange(false)) net::post(s_.worker->ioc, [this] { pump(); });
  }

 private:
  static std::vector<Kind> kindsFor(const std::string& mix) {
    if (mix == "chat") return {Kind::Chat};
    if (mix == "ice") return {Kind::Ice};
    if (mix == "sdp") return {Kind::Sdp};
    return {Kind::Chat, Kind::Ice, Kind::Sdp};
  }
  // The mix, in every ten messages: 5 chat lines, 4 candidates, 1 offer.
  static std::size_t mixSlot(std::uint64_t sequence) {
    const auto i = sequence % 10;
    return i < 5 ? 0 : i < 9 ? 1 : 2;
  }

  void pump() {
    if (gPhase.load() == Phase::Drain) return;
    for (;;) {
      const std::uint64_t done = deliveredToPeers_.load();
      while (!window_.empty() && window_.front() <= done) window_.pop_front();
      while (window_.size() < static_cast<std::size_t>(s_.options->inflight)) sendOne();
      // Ask to be woken, then look again: a delivery between the two is not missed.
      blocked_.store(true);
      if (window_.front() > deliveredToPeers_.load()) return;
      if (!blocked_.exchange(false)) return;  // a receiver already posted a pump
    }
  }

  void transmit(std::string frame) {
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1) writeNext();
  }

  void writeNext() {
    const std::string& front = queue_.front();
    const auto done = [this](beast::error_code ec, std::size_t) {
      if (ec) return fail("write", ec);
      queue_.pop_front();
      if (!queue_.empty()) writeNext();
    };
    if (s_.options->raw) net::async_write(socket_, net::buffer(front), done);
    else ws_.async_write(net::buffer(front), done);
  }

  void readWs() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      if (ec) return fail("read", ec);
      const auto data = buffer_.cdata();
      onFrame(std::string_view(static_cast<const char*>(data.data()), data.size()));
      buffer_.consume(buffer_.size());
      readWs();
    });
  }

  void readRaw() {
    net::async_read(socket_, net::buffer(&rawLength_, 4), [this](beast::error_code ec, std::size_t) {
      if (ec) return fail("read", ec);
      rawFrame_.resize(rawLength_);
      net::async_read(socket_, net::buffer(rawFrame_), [this](beast::error_code ec, std::size_t) {
        if (ec) return fail("read", ec);
        onFrame(rawFrame_);
        readRaw();
      });
    });
  }

  void onFrame(std::string_view frame) {
    std::uint64_t sender = 0;
    std::int64_t sentNs = 0;
    if (readStamp(frame, sender, sentNs)) {
      if (gPhase.load(std::memory_order_relaxed) == Phase::Measure) {
        s_.worker->latencyUs.push_back(static_cast<float>(static_cast<double>(nowNs() - sentNs) / 1000.0));
      }
      s_.worker->delivered.fetch_add(1, std::memory_order_relaxed);
      if (sender < gClients.size()) gClients[sender]->delivered();
      return;
    }
    auto message = orbit::decode(frame);
    if (!message) return reportError("undecodable frame: " + message.error().message);
    switch (message->type) {
      case orbit::MessageType::Pong:
        if (message->sender == orbit::kGroundControl && id_.empty()) {
          id_ = message->receiver;
          if (s_.roomSize <= 1) markReady();
        }
        break;
      case orbit::MessageType::RoomInfo:
        if (!ready_ && message->data && (*message->data)["clients"].size() >= static_cast<std::size_t>(s_.roomSize)) {
          for (const Json& c : (*message->data)["clients"]) {
            const std::string id = c.value("id", "");
            if (id != id_) peers_.push_back(id);
          }
          if (!id_.empty()) markReady();
        }
        break;
      case orbit::MessageType::Ping: {
        // The server checks that idle clients are alive.
        orbit::Message pong;
        pong.receiver = std::string(orbit::kGroundControl);
        pong.type = orbit::MessageType::Pong;
        pong.data = message->data;
        if (message->sender == orbit::kGroundControl) transmit(orbit::encode(pong));
        break;
      }
      case orbit::MessageType::Error:
        s_.worker->errors.fetch_add(1);
        reportError("server error: " + message->data.value_or(Json()).dump());
        break;
      default:
        break;
    }
  }

  void markReady() {
    if (ready_) return;
    ready_ = true;
    s_.ready->add();
  }

  void fail(const char* what, beast::error_code ec) {
    if (failed_) return;
    failed_ = true;
    // The end of a run closes sockets under pending reads: not a failure then.
    if (gPhase.load() != Phase::Drain || !ready_) {
      s_.worker->failures.fetch_add(1);
      reportError(std::string(what) + ": " + ec.message());
    }
  }

  Setup s_;
  websocket::stream<tcp::socket> ws_;
  tcp::socket& socket_;
  beast::flat_buffer buffer_;
  std::uint32_t rawLength_ = 0;
  std::string rawFrame_;
  std::deque<std::string> queue_;  // references stay valid as it grows at the back
  std::string id_;
  std::vector<std::string> peers_;
  std::vector<Template> templates_;
  std::vector<std::size_t> firstOfKind_;  // end index of each kind's templates
  std::uint64_t sequence_ = 0;
  std::uint64_t expectedTotal_ = 0;
  std::deque<std::uint64_t> window_;  // for each message in flight: deliveries once it is done
  std::atomic<std::uint64_t> deliveredToPeers_{0};
  std::atomic<bool> blocked_{false};
  bool ready_ = false;
  bool failed_ = false;
};

// ---------------------------------------------------------------------------------------
// A join: upgrade, ping, pong, room-info, close; then the next one, for as long as it runs.

class Joiner {
 public:
  Joiner(const Options& o, Worker& w, std::string room, int source, std::atomic<std::uint64_t>& joins)
      : o_(o), w_(w), room_(std::move(room)), source_(source), joins_(joins) {}

  void start() {
    if (gPhase.load() == Phase::Drain) return;
    ws_.emplace(w_.ioc);
    auto& socket = ws_->next_layer();
    socket.open(tcp::v4());
    int one = 1;
    setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    beast::error_code ec;
    socket.bind(tcp::endpoint(net::ip::address_v4(0x7f000001u + static_cast<unsigned>(source_)), 0), ec);
    if (ec) return fail("bind", ec);
    started_ = Clock::now();
    socket.async_connect(tcp::endpoint(net::ip::make_address(o_.host), o_.port), [this](beast::error_code ec) {
      if (ec) return fail("connect", ec);
      ws_->next_layer().set_option(tcp::no_delay(true));
      ws_->async_handshake(o_.host + ":" + std::to_string(o_.port), "/room/" + room_ + "/ws", [this](beast::error_code ec) {
        if (ec) return fail("upgrade", ec);
        ws_->text(true);
        ping_ = R"({"type":"ping","receiver":"ground control"})";
        ws_->async_write(net::buffer(ping_), [this](beast::error_code ec, std::size_t) {
          if (ec) return fail("write", ec);
          read();
        });
      });
    });
  }

 private:
  void read() {
    buffer_.clear();
    ws_->async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      if (ec) return fail("read", ec);
      const auto data = buffer_.cdata();
      auto message = orbit::decode(std::string_view(static_cast<const char*>(data.data()), data.size()));
      if (!message || message->type != orbit::MessageType::RoomInfo) return read();
      if (gPhase.load(std::memory_order_relaxed) == Phase::Measure) {
        joins_.fetch_add(1, std::memory_order_relaxed);
        w_.latencyUs.push_back(std::chrono::duration<float, std::micro>(Clock::now() - started_).count());
      }
      ws_->async_close(websocket::close_code::normal, [this](beast::error_code) {
        // The server's close answer ends the connection; whatever came with it is not read.
        start();
      });
    });
  }

  void fail(const char* what, beast::error_code ec) {
    w_.failures.fetch_add(1);
    reportError(std::string("join: ") + what + ": " + ec.message());
  }

  const Options& o_;
  Worker& w_;
  std::string room_;
  int source_;
  std::atomic<std::uint64_t>& joins_;
  std::optional<websocket::stream<tcp::socket>> ws_;
  beast::flat_buffer buffer_;
  std::string ping_;
  Clock::time_point started_;
};

// ---------------------------------------------------------------------------------------

void sleepFor(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

struct Window {
  Clock::time_point at;
  double cpuUs = -1;
  std::uint64_t delivered = 0;
  std::uint64_t sent = 0;
};

Window snapshot(const Options& o, std::vector<std::unique_ptr<Worker>>& workers) {
  Window w;
  w.at = Clock::now();
  if (o.serverPid > 0) w.cpuUs = processCpuUs(o.serverPid);
  for (auto& worker : workers) w.delivered += worker->delivered.load(), w.sent += worker->sent.load();
  return w;
}

// What every scenario prints beside its own figures.
std::string common(const Options& o) {
  std::ostringstream out;
  out << "scenario=" << o.scenario;
  if (!o.label.empty()) out << " label=" << o.label;
  out << " url=" << (o.raw ? "tcp://" : "ws://") << o.host << ':' << o.port << " threads=" << o.threads;
  return out.str();
}

int finish(int code) {
  // Tearing down tens of thousands of sockets one by one would only delay the exit.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}

// Stops the workers and adds up what they measured: every latency, errors and failures.
struct Totals {
  Percentiles latency;
  std::uint64_t errors = 0;
  std::uint64_t failures = 0;
};

Totals stopAndTotal(std::vector<std::unique_ptr<Worker>>& workers) {
  for (auto& w : workers) w->ioc.stop();
  for (auto& w : workers) w->thread.join();
  std::vector<float> latencies;
  Totals t;
  for (auto& w : workers) {
    latencies.insert(latencies.end(), w->latencyUs.begin(), w->latencyUs.end());
    t.errors += w->errors.load();
    t.failures += w->failures.load();
  }
  t.latency = percentiles(latencies);
  return t;
}

int runRelay(const Options& o, std::vector<std::unique_ptr<Worker>>& workers) {
  const bool raw = o.raw;
  // raw: as many connections as the relay has clients, each its own echo's only receiver.
  const int total = o.rooms * o.roomSize;
  raiseOpenFileLimit(static_cast<rlim_t>(total) + 1024, "orbit-loadgen");
  const std::string tag = randomTag();
  Counter ready;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < total; ++i) {
    Worker& worker = *workers[static_cast<std::size_t>(i) % workers.size()];
    const std::string room = raw ? "" : "lg-" + tag + "-" + std::to_string(i / o.roomSize);
    clients.push_back(std::make_unique<Client>(Client::Setup{&o, &worker, static_cast<std::uint64_t>(i), room,
                                                             raw ? 0 : o.roomSize, 0, &ready}));
    gClients.push_back(clients.back().get());
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    net::post(workers[i % workers.size()]->ioc, [c = clients[i].get()] { c->start(); });
  }
  if (!ready.waitFor(total, std::chrono::seconds(60))) {
    std::fprintf(stderr, "orbit-loadgen: only %ld of %d clients joined their rooms\n", ready.value(), total);
    return finish(1);
  }
  // Each client builds its frames on its own thread, after which the sending starts.
  Counter prepared;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    net::post(workers[i % workers.size()]->ioc, [c = clients[i].get(), &prepared] {
      c->prepare();
      prepared.add();
    });
  }
  prepared.waitFor(total, std::chrono::seconds(60));

  gPhase = Phase::Warmup;
  std::vector<std::unique_ptr<net::steady_timer>> timers;
  if (o.rate > 0) {
    // Open loop: each worker sends its share on a 1 ms tick, catching up after a late tick.
    const auto start = Clock::now();
    for (std::size_t w = 0; w < workers.size(); ++w) {
      std::vector<Client*> mine;
      for (std::size_t i = w; i < clients.size(); i += workers.size()) mine.push_back(clients[i].get());
      const double share = o.rate / static_cast<double>(workers.size());
      auto timer = std::make_unique<net::steady_timer>(workers[w]->ioc);
      auto state = std::make_shared<std::pair<std::uint64_t, std::size_t>>(0, 0);  // sent, next client
      auto tick = std::make_shared<std::function<void()>>();
      *tick = [timer = timer.get(), mine, share, start, state, tick] {
        if (gPhase.load() == Phase::Drain) return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        const auto due = static_cast<std::uint64_t>(elapsed * share);
        while (state->first < due && !mine.empty()) {
          mine[state->second++ % mine.size()]->sendOne();
          ++state->first;
        }
        timer->expires_after(std::chrono::milliseconds(1));
        timer->async_wait([tick](beast::error_code ec) {
          if (!ec) (*tick)();
        });
      };
      net::post(workers[w]->ioc, [tick] { (*tick)(); });
      timers.push_back(std::move(timer));
    }
  } else {
    for (auto& c : clients) c->startClosedLoop();
  }

  sleepFor(o.warmup);
  const Window a = snapshot(o, workers);
  gPhase = Phase::Measure;
  sleepFor(o.seconds);
  gPhase = Phase::Drain;
  const Window b = snapshot(o, workers);

  // Everything sent must arrive: wait for the last deliveries.
  const auto expectedNow = [&] {
    std::uint64_t e = 0;
    for (auto& w : workers) e += w->expected.load();
    return e;
  };
  const auto deliveredNow = [&] {
    std::uint64_t d = 0;
    for (auto& w : workers) d += w->delivered.load();
    return d;
  };
  const auto drainUntil = Clock::now() + std::chrono::seconds(20);
  std::uint64_t expected = expectedNow(), delivered = deliveredNow();
  while (delivered < expected && Clock::now() < drainUntil) {
    sleepFor(0.02);  // the workers' counters have nothing to wait on; a short poll ends the run
    expected = expectedNow();
    delivered = deliveredNow();
  }
  const auto [p, errors, failures] = stopAndTotal(workers);
  const double seconds = std::chrono::duration<double>(b.at - a.at).count();
  const double windowDelivered = static_cast<double>(b.delivered - a.delivered);
  const double rate = windowDelivered / seconds;
  const double cpuPerMsg = (o.serverPid > 0 && windowDelivered > 0) ? (b.cpuUs - a.cpuUs) / windowDelivered : -1;
  const double cpuShare = o.serverPid > 0 ? (b.cpuUs - a.cpuUs) / (seconds * 1e6) : -1;
  const std::uint64_t lost = expected > delivered ? expected - delivered : 0;
  std::string sizes;
  for (Kind k : {Kind::Chat, Kind::Ice, Kind::Sdp}) {
    const Template t = makeTemplate(k, raw ? "" : k == Kind::Chat ? "room" : std::string(32, 'f'), o.roomSize);
    sizes += (sizes.empty() ? "" : ",") + std::to_string(t.prefix.size() + t.suffix.size() + kTypicalLg);
  }

  std::printf("result %s rooms=%d room_size=%d mix=%s frame_bytes=%s %s=%g seconds=%.2f sent_per_s=%.0f delivered=%.0f "
              "deliveries_per_s=%.0f latency=%s p50_us=%.1f p99_us=%.1f max_us=%.1f server_cpu_us_per_msg=%.3f "
              "server_cpu_share=%.3f lost=%llu errors=%llu failures=%llu\n",
              common(o).c_str(), raw ? 0 : o.rooms, raw ? 1 : o.roomSize, o.mix.c_str(), sizes.c_str(),
              o.rate > 0 ? "rate" : "inflight", o.rate > 0 ? o.rate : o.inflight, seconds, static_cast<double>(b.sent - a.sent) / seconds, windowDelivered, rate,
              raw ? "rtt" : "one-way", p.p50, p.p99, p.max, cpuPerMsg, cpuShare, static_cast<unsigned long long>(lost),
              static_cast<unsigned long long>(errors), static_cast<unsigned long long>(failures));
  std::printf("# %s: %.0f deliveries/s, %s latency p50 %.0f us, p99 %.0f us, max %.0f us", o.scenario.c_str(), rate,
              raw ? "round-trip" : "one-way (shared in-process clock)", p.p50, p.p99, p.max);
  if (cpuPerMsg >= 0) std::printf(", server CPU %.2f us per delivered message (%.0f%% of a core)", cpuPerMsg, cpuShare * 100);
  std::printf("; lost %llu, errors %llu\n", static_cast<unsigned long long>(lost), static_cast<unsigned long long>(errors));
  return finish(lost == 0 && errors == 0 && failures == 0 ? 0 : 1);
}

int runJoin(const Options& o, std::vector<std::unique_ptr<Worker>>& workers) {
  raiseOpenFileLimit(static_cast<rlim_t>(o.concurrency) * 2 + 1024, "orbit-loadgen");
  const std::string tag = randomTag();
  // Each joiner joins a room with one resident, as someone joins a call; both get room-info.
  Counter ready;
  std::vector<std::unique_ptr<Client>> residents;
  for (int i = 0; i < o.concurrency; ++i) {
    Worker& worker = *workers[static_cast<std::size_t>(i) % workers.size()];
    residents.push_back(std::make_unique<Client>(
        Client::Setup{&o, &worker, static_cast<std::uint64_t>(i), "join-" + tag + "-" + std::to_string(i), 1, 1, &ready}));
    net::post(worker.ioc, [c = residents.back().get()] { c->start(); });
  }
  if (!ready.waitFor(o.concurrency, std::chrono::seconds(30))) {
    std::fprintf(stderr, "orbit-loadgen: only %ld of %d residents joined\n", ready.value(), o.concurrency);
    return finish(1);
  }
  std::atomic<std::uint64_t> joins{0};
  std::vector<std::unique_ptr<Joiner>> joiners;
  constexpr int kSources = 8;  // closed connections wait in TIME_WAIT: spread them over addresses
  for (int i = 0; i < o.concurrency; ++i) {
    Worker& worker = *workers[static_cast<std::size_t>(i) % workers.size()];
    joiners.push_back(std::make_unique<Joiner>(o, worker, "join-" + tag + "-" + std::to_string(i), 2 + i % kSources, joins));
    net::post(worker.ioc, [j = joiners.back().get()] { j->start(); });
  }
  gPhase = Phase::Warmup;
  sleepFor(o.warmup);
  const Window a = snapshot(o, workers);
  gPhase = Phase::Measure;
  sleepFor(o.seconds);
  const std::uint64_t count = joins.load();
  gPhase = Phase::Drain;
  const Window b = snapshot(o, workers);
  const auto [p, errors, failures] = stopAndTotal(workers);
  const double seconds = std::chrono::duration<double>(b.at - a.at).count();
  const double cpuPerJoin = o.serverPid > 0 && count > 0 ? (b.cpuUs - a.cpuUs) / static_cast<double>(count) : -1;
  std::printf("result %s concurrency=%d seconds=%.2f joins=%llu joins_per_s=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f "
              "server_cpu_us_per_join=%.1f errors=%llu failures=%llu\n",
              common(o).c_str(), o.concurrency, seconds, static_cast<unsigned long long>(count),
              static_cast<double>(count) / seconds, p.p50, p.p99, p.max, cpuPerJoin,
              static_cast<unsigned long long>(errors), static_cast<unsigned long long>(failures));
  std::printf("# join: %.0f joins/s (upgrade, ping, pong, room-info), %d at a time; each takes p50 %.0f us, p99 %.0f us\n",
              static_cast<double>(count) / seconds, o.concurrency, p.p50, p.p99);
  return finish(failures == 0 && errors == 0 && count > 0 ? 0 : 1);
}

int runIdle(const Options& o, std::vector<std::unique_ptr<Worker>>& workers) {
  raiseOpenFileLimit(static_cast<rlim_t>(o.connections) + 1024, "orbit-loadgen");
  const long rssBefore = o.serverPid > 0 ? processRssKb(o.serverPid) : -1;
  const std::string tag = randomTag();
  Counter ready;
  std::vector<std::unique_ptr<Client>> clients;
  clients.reserve(static_cast<std::size_t>(o.connections));
  // Rooms of two, as idle calls are; a client is counted once its pong came.
  for (int i = 0; i < o.connections; ++i) {
    Worker& worker = *workers[static_cast<std::size_t>(i) % workers.size()];
    clients.push_back(std::make_unique<Client>(Client::Setup{&o, &worker, static_cast<std::uint64_t>(i),
                                                             "idle-" + tag + "-" + std::to_string(i / 2), 1,
                                                             1 + i / o.perSource, &ready}));
  }
  const auto start = Clock::now();
  // At most --concurrency connections are being set up at any time.
  for (int i = 0; i < o.connections; ++i) {
    if (i >= o.concurrency && !ready.waitFor(i - o.concurrency + 1, std::chrono::seconds(30))) {
      std::fprintf(stderr, "orbit-loadgen: stuck at %ld of %d idle clients\n", ready.value(), o.connections);
      return finish(1);
    }
    Client* c = clients[static_cast<std::size_t>(i)].get();
    net::post(workers[static_cast<std::size_t>(i) % workers.size()]->ioc, [c] { c->start(); });
  }
  if (!ready.waitFor(o.connections, std::chrono::seconds(60))) {
    std::fprintf(stderr, "orbit-loadgen: only %ld of %d idle clients joined\n", ready.value(), o.connections);
    return finish(1);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // The server answered each pong before this point; give its allocator's trimming no say.
  const long rssAfter = o.serverPid > 0 ? processRssKb(o.serverPid) : -1;
  std::uint64_t failures = 0;
  for (auto& w : workers) failures += w->failures.load();
  const double perConnection = rssBefore > 0 ? static_cast<double>(rssAfter - rssBefore) * 1024.0 / o.connections : -1;
  std::printf("result %s connections=%d sources=%d setup_seconds=%.2f rss_before_kb=%ld rss_after_kb=%ld "
              "rss_bytes_per_connection=%.0f failures=%llu\n",
              common(o).c_str(), o.connections, (o.connections + o.perSource - 1) / o.perSource, seconds, rssBefore,
              rssAfter, perConnection, static_cast<unsigned long long>(failures));
  std::printf("# idle: %d connections in rooms of two, set up in %.1f s; server RSS %ld -> %ld KiB = %.0f bytes per connection\n",
              o.connections, seconds, rssBefore, rssAfter, perConnection);
  return finish(failures == 0 ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parseOptions(argc, argv);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < o.threads; ++i) {
    workers.push_back(std::make_unique<Worker>());
    Worker& w = *workers.back();
    w.thread = std::thread([&w] { w.ioc.run(); });
  }
  if (o.scenario == "relay" || o.scenario == "fixed-rate" || o.scenario == "fanout" || o.scenario == "raw") {
    return runRelay(o, workers);
  }
  if (o.scenario == "join") return runJoin(o, workers);
  if (o.scenario == "idle") return runIdle(o, workers);
  usage("unknown scenario " + o.scenario);
}
