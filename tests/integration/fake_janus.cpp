#include "fake_janus.hpp"

#include <algorithm>
#include <deque>

namespace orbit::test {

namespace {

const char* const kPlugin = "janus.plugin.videoroom";

// An SDP that names the handle it came from, so a test can tell whose it is.
Json sdp(const char* type, std::uint64_t handle) {
  return {{"type", type}, {"sdp", "v=0\r\no=janus " + std::to_string(handle) + " 1 IN IP4 127.0.0.1\r\ns=fake\r\n"}};
}

}  // namespace

// One WebSocket from the bridge's JanusClient.
class FakeJanus::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, FakeJanus& owner) : ws_(std::move(socket)), owner_(owner) {}

  void start() {
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::sec_websocket_protocol, "janus-protocol");
    }));
    ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->ws_.text(true);
      self->read();
    });
  }

  void write(Json message) {
    queue_.push_back(dumpJson(message));
    if (queue_.size() == 1) writeNext();
  }

  void close() {
    closed_ = true;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }
  bool open() const { return !closed_; }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->closed_ = true;
        return;
      }
      const auto data = self->buffer_.cdata();
      auto parsed = parseJson(std::string_view(static_cast<const char*>(data.data()), data.size()));
      self->buffer_.consume(self->buffer_.size());
      if (parsed && parsed->is_object() && !self->closed_) self->owner_.onRequest(self, *parsed);
      self->read();
    });
  }

  void writeNext() {
    ws_.async_write(net::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->closed_ = true;
        self->queue_.clear();
        return;
      }
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->writeNext();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  FakeJanus& owner_;
  bool closed_ = false;
};

FakeJanus::FakeJanus(net::io_context& ioc) : ioc_(ioc), acceptor_(ioc) {
  restart();
  port_ = acceptor_.local_endpoint().port();
}

FakeJanus::~FakeJanus() { kill(); }

std::string FakeJanus::url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

void FakeJanus::restart() {
  const tcp::endpoint at(net::ip::make_address("127.0.0.1"), port_);
  acceptor_.open(at.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(at);
  acceptor_.listen();
  accept();
}

void FakeJanus::kill() {
  beast::error_code ec;
  acceptor_.close(ec);
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) s->close();
  }
  sessions_.clear();
  // Janus's state dies with it.
  handles_.clear();
  feeds_.clear();
  rooms_.clear();
}

bool FakeJanus::connected() const {
  return std::any_of(sessions_.begin(), sessions_.end(), [](const auto& weak) {
    auto s = weak.lock();
    return s && s->open();
  });
}

void FakeJanus::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed by kill()
    auto session = std::make_shared<Session>(std::move(socket), *this);
    sessions_.push_back(session);
    session->start();
    accept();
  });
}

// ---- What the test reads ----

std::vector<Json> FakeJanus::messages(const std::string& name) const {
  std::vector<Json> out;
  for (const Json& r : requests_) {
    if (r.value("janus", "") == "message" && r.contains("body") && r["body"].value("request", "") == name) out.push_back(r);
  }
  return out;
}

std::vector<Json> FakeJanus::trickles(std::uint64_t handle) const {
  std::vector<Json> out;
  for (const Json& r : requests_) {
    if (r.value("janus", "") == "trickle" && r.value("handle_id", std::uint64_t{0}) == handle) out.push_back(r["candidate"]);
  }
  return out;
}

std::size_t FakeJanus::count(const std::string& janus) const {
  return static_cast<std::size_t>(
      std::count_if(requests_.begin(), requests_.end(), [&](const Json& r) { return r.value("janus", "") == janus; }));
}

std::set<std::uint64_t> FakeJanus::rooms() const { return rooms_; }

std::optional<std::uint64_t> FakeJanus::feedOf(const std::string& display) const {
  for (const auto& [id, feed] : feeds_) {
    if (feed.display == display) return id;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> FakeJanus::publisherOf(const std::string& display) const {
  const auto feed = feedOf(display);
  for (const auto& [id, handle] : handles_) {
    if (feed && handle.feed == feed) return id;
  }
  return std::nullopt;
}

// ---- Janus speaking unasked ----

void FakeJanus::send(std::uint64_t handle, Json message) {
  message["session_id"] = sessionId_;
  message["sender"] = handle;
  for (auto& weak : sessions_) {
    if (auto s = weak.lock(); s && s->open()) s->write(message);
  }
}

void FakeJanus::webrtcUp(std::uint64_t handle) { send(handle, {{"janus", "webrtcup"}}); }

void FakeJanus::hangup(std::uint64_t handle) {
  send(handle, {{"janus", "hangup"}, {"reason", "DTLS alert"}});
  unpublish(handle, false);
}

// ---- Requests ----

void FakeJanus::reply(const std::shared_ptr<Session>& session, Json message, std::chrono::milliseconds delay) {
  if (delay.count() == 0) return session->write(std::move(message));
  auto timer = std::make_shared<net::steady_timer>(ioc_, delay);
  timer->async_wait([timer, session, message = std::move(message)](beast::error_code ec) mutable {
    if (!ec && session->open()) session->write(std::move(message));
  });
}

void FakeJanus::onRequest(const std::shared_ptr<Session>& session, const Json& request) {
  requests_.push_back(request);
  const std::string kind = request.value("janus", "");
  const Json transaction = request.value("transaction", "");
  const auto success = [&](Json data) {
    Json out{{"janus", "success"}, {"transaction", transaction}};
    if (!data.is_null()) out["data"] = std::move(data);
    if (sessionId_) out["session_id"] = sessionId_;
    session->write(std::move(out));
  };
  if (kind == "create") {
    sessionId_ = next_++;
    return success({{"id", sessionId_}});
  }
  if (kind == "attach") {
    const std::uint64_t id = next_++;
    handles_[id].id = id;
    return success({{"id", id}});
  }
  if (kind == "detach") {
    const std::uint64_t id = request.value("handle_id", std::uint64_t{0});
    unpublish(id, true);
    handles_.erase(id);
    return success(nullptr);
  }
  if (kind == "keepalive" || kind == "trickle") {
    return session->write({{"janus", "ack"}, {"transaction", transaction}, {"session_id", sessionId_}});
  }
  if (kind == "message") return onMessage(session, request);
  session->write({{"janus", "error"}, {"transaction", transaction}, {"error", {{"code", 453}, {"reason", "Unknown request"}}}});
}

void FakeJanus::onMessage(const std::shared_ptr<Session>& session, const Json& request) {
  const Json transaction = request.value("transaction", "");
  const std::uint64_t id = request.value("handle_id", std::uint64_t{0});
  auto h = handles_.find(id);
  if (h == handles_.end()) {
    return session->write(
        {{"janus", "error"}, {"transaction", transaction}, {"error", {{"code", 459}, {"reason", "No such handle"}}}});
  }
  const std::string name = request.contains("body") ? request["body"].value("request", "") : "";
  std::optional<Answer> answer;
  if (auto s = scripts_.find(name); s != scripts_.end()) answer = s->second(request);
  if (!answer) {
    answer = model(request, h->second);
    if (auto d = delays_.find(name); d != delays_.end() && answer) answer->delay = d->second;
  }
  if (!answer || answer->silent) return;
  Json out{{"session_id", sessionId_}, {"sender", id}, {"transaction", transaction},
           {"plugindata", {{"plugin", kPlugin}, {"data", answer->data}}}};
  if (answer->jsep) out["jsep"] = *answer->jsep;
  // Janus answers create and destroy at once; everything else is acked, then answered by an event.
  if (name == "create" || name == "destroy") {
    out["janus"] = "success";
  } else {
    session->write({{"janus", "ack"}, {"transaction", transaction}, {"session_id", sessionId_}});
    out["janus"] = "event";
  }
  reply(session, std::move(out), answer->delay);
}

std::optional<FakeJanus::Answer> FakeJanus::model(const Json& request, Handle& handle) {
  const Json& body = request["body"];
  const std::string name = body.value("request", "");
  const bool offered = request.contains("jsep");
  if (name == "create") {
    const std::uint64_t room = next_++;
    rooms_.insert(room);
    return Answer({{"videoroom", "created"}, {"room", room}, {"permanent", false}});
  }
  if (name == "destroy") {
    const std::uint64_t room = body.value("room", std::uint64_t{0});
    if (!rooms_.erase(room)) return Answer::refusal(426, "No such room");
    return Answer({{"videoroom", "destroyed"}, {"room", room}});
  }
  if (name == "join") {
    const std::uint64_t room = body.value("room", std::uint64_t{0});
    if (!rooms_.count(room)) return Answer::refusal(426, "No such room");
    handle.room = room;
    if (body.value("ptype", "") == "publisher") {
      const std::uint64_t feed = next_++;
      Feed& f = feeds_[feed];
      f.room = room;
      f.id = feed;
      f.display = body.value("display", "");
      f.room = room;
      f.id = feed;
      f.display = body.value("display", "");
      handle.feed = feed;
      return Answer({{"videoroom", "joined"}, {"room", room}, {"id", feed}, {"publishers", Json::array()}});
    }
    auto refused = subscribe(handle, body.value("streams", Json::array()));
    if (refused) return refused;
    return Answer({{"videoroom", "attached"}, {"room", room}, {"streams", streamsOf(handle)}}, sdp("offer", handle.id));
  }
  if (name == "unsubscribe") {
    bool changed = false;
    for (const Json& s : body.value("streams", Json::array())) {
      for (Carried& c : handle.subscribed) {
        if (c.active && c.feed == s.value("feed", std::uint64_t{0}) && c.mid == s.value("mid", "")) {
          c.active = false;
          changed = true;
        }
      }
    }
    if (!changed) return Answer::refusal(428, "No such stream");
    return Answer({{"videoroom", "updated"}, {"room", handle.room}, {"streams", streamsOf(handle)}}, sdp("offer", handle.id));
  }
  if (name == "subscribe") {
    auto refused = subscribe(handle, body.value("streams", Json::array()));
    if (refused) return refused;
    return Answer({{"videoroom", "updated"}, {"room", handle.room}, {"streams", streamsOf(handle)}}, sdp("offer", handle.id));
  }
  if (name == "publish" || (name == "configure" && handle.feed)) {
    if (!handle.feed) return Answer::refusal(424, "Not a publisher");
    Feed& feed = feeds_[*handle.feed];
    feed.published = true;
    // The streams are the offer's m-lines: "m=audio" or "m=video", then "a=mid:".
    if (offered) {
      feed.streams.clear();
      std::string type;
      const std::string text = request["jsep"].value("sdp", "");
      for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find("\r\n", at), text.size());
        const std::string line = text.substr(at, end - at);
        at = end + 2;
        if (line.rfind("m=", 0) == 0) type = line.substr(2, line.find(' ') - 2);
        if (type != "audio" && type != "video") continue;
        if (line.rfind("a=mid:", 0) == 0) feed.streams.push_back({line.substr(6), type, false});
        if ((line == "a=recvonly" || line == "a=inactive") && !feed.streams.empty()) feed.streams.back().disabled = true;
      }
    }
    Json streams = Json::array();
    for (const auto& st : feed.streams) {
      Json j{{"type", st.type}, {"mid", st.mid}};
      if (st.disabled) j["disabled"] = true;
      streams.push_back(std::move(j));
    }
    Answer a({{"videoroom", "event"}, {"room", handle.room}, {"configured", "ok"}, {"streams", streams}});
    if (offered) a.jsep = sdp("answer", handle.id);
    return a;
  }
  if (name == "configure" && body.value("restart", false)) {
    return Answer({{"videoroom", "updated"}, {"room", handle.room}, {"streams", streamsOf(handle)}}, sdp("offer", handle.id));
  }
  if (name == "configure" || name == "start") {
    return Answer({{"videoroom", "event"}, {"room", handle.room}, {name == "start" ? "started" : "configured", "ok"}});
  }
  return Answer::refusal(499, "Unknown request '" + name + "'");
}

// Janus's own check: each stream asked for ({feed} for all of them, {feed, mid} for one) must
// be published.
std::optional<FakeJanus::Answer> FakeJanus::subscribe(Handle& subscriber, const Json& streams) {
  std::vector<Carried> add;
  for (const Json& s : streams) {
    const std::uint64_t feed = s.value("feed", std::uint64_t{0});
    auto f = feeds_.find(feed);
    if (f == feeds_.end() || !f->second.published) return Answer::refusal(428, "No such feed (" + std::to_string(feed) + ")");
    const std::string mid = s.value("mid", "");
    bool found = false;
    for (const auto& st : f->second.streams) {
      if (st.disabled || (!mid.empty() && mid != st.mid)) continue;
      add.push_back({feed, st.mid, st.type, true});
      found = true;
    }
    if (!found) return Answer::refusal(428, "No such mid (" + mid + ") in feed " + std::to_string(feed));
  }
  subscriber.subscribed.insert(subscriber.subscribed.end(), add.begin(), add.end());
  return std::nullopt;
}

Json FakeJanus::streamsOf(const Handle& subscriber) const {
  Json streams = Json::array();
  int mid = 0;
  for (const Carried& c : subscriber.subscribed) {
    Json s{{"mid", std::to_string(mid++)}, {"type", c.type}, {"feed_id", c.feed}, {"feed_mid", c.mid}, {"active", c.active}};
    if (auto f = feeds_.find(c.feed); f != feeds_.end()) s["feed_display"] = f->second.display;
    streams.push_back(std::move(s));
  }
  return streams;
}

// A publisher that hangs up is unpublished (it may publish again on the same handle); one
// that detaches leaves. Either way Janus renegotiates every subscription that carried it.
void FakeJanus::unpublish(std::uint64_t id, bool leaving) {
  auto h = handles_.find(id);
  if (h == handles_.end() || !h->second.feed) return;
  const std::uint64_t feed = *h->second.feed;
  auto f = feeds_.find(feed);
  if (f == feeds_.end()) return;
  const bool was = f->second.published;
  f->second.published = false;
  if (leaving) {
    h->second.feed.reset();
    feeds_.erase(f);
  }
  if (!was) return;
  for (auto& [other, handle] : handles_) {
    bool carried = false;
    for (Carried& c : handle.subscribed) {
      if (c.feed == feed && c.active) carried = true, c.active = false;
    }
    if (!carried) continue;
    send(other, {{"janus", "event"},
                 {"plugindata", {{"plugin", kPlugin}, {"data", {{"videoroom", "updated"}, {"room", handle.room}, {"streams", streamsOf(handle)}}}}},
                 {"jsep", sdp("offer", other)}});
  }
}

}  // namespace orbit::test
