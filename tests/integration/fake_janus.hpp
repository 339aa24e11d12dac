#pragma once

// A stand-in for Janus's WebSocket API on 127.0.0.1 and a free port, for the SfuBridge's
// native tests: it speaks the transport (sessions, handles, acks, keepalives, trickles) and
// a small model of the VideoRoom plugin (rooms, publishers and their feeds, subscriptions
// by mid), records every request, and lets a test replace any plugin answer with its own:
// a refusal, a late answer, none at all. It runs on the test's io_context, beside the
// bridge, so nothing happens between the test's runUntil() calls.

#include "codec.hpp"
#include "net.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace orbit::test {

class FakeJanus {
 public:
  // How one plugin request is answered: the plugin's data (an "error_code" in it is a
  // refusal), an SDP, and when. `silent`: never answered (a Janus that stalls).
  struct Answer {
    explicit Answer(Json data = Json::object(), std::optional<Json> jsep = std::nullopt)
        : data(std::move(data)), jsep(std::move(jsep)) {}
    static Answer refusal(int code, const std::string& why) {
      return Answer({{"videoroom", "event"}, {"error_code", code}, {"error", why}});
    }
    static Answer never() {
      Answer a;
      a.silent = true;
      return a;
    }
    Json data;
    std::optional<Json> jsep;
    std::chrono::milliseconds delay{0};
    bool silent = false;
  };
  // Replaces the model's answer to a plugin request ("create", "join", "publish", ...) for
  // as long as it is set; returning nothing leaves the request to the model.
  using Script = std::function<std::optional<Answer>(const Json& request)>;

  explicit FakeJanus(net::io_context& ioc);
  ~FakeJanus();
  FakeJanus(const FakeJanus&) = delete;
  FakeJanus& operator=(const FakeJanus&) = delete;

  std::string url() const;

  // Every request, whole, in the order it came.
  const std::vector<Json>& requests() const { return requests_; }
  // The plugin messages whose body's "request" is `name`, and the trickles, in order.
  std::vector<Json> messages(const std::string& name) const;
  std::vector<Json> trickles(std::uint64_t handle) const;
  std::size_t count(const std::string& janus) const;  // requests of one kind: "attach", "detach", ...

  void script(const std::string& request, Script answer) { scripts_[request] = std::move(answer); }
  void unscript(const std::string& request) { scripts_.erase(request); }
  // The model's own answer to a plugin request, but late.
  void delay(const std::string& request, std::chrono::milliseconds by) { delays_[request] = by; }

  // The VideoRoom as the model holds it.
  std::set<std::uint64_t> rooms() const;
  // The handle that joined as the publisher named `display` (a client id), and its feed.
  std::optional<std::uint64_t> publisherOf(const std::string& display) const;
  std::optional<std::uint64_t> feedOf(const std::string& display) const;
  // Janus's core events, unasked: the media is up, or it hung up (a publisher's feed is then
  // unpublished, and every subscription carrying it renegotiated without it).
  void webrtcUp(std::uint64_t handle);
  void hangup(std::uint64_t handle);
  // Any message to the session, as Janus would send it (sender and session filled in).
  void send(std::uint64_t handle, Json message);

  // Janus dies: every connection closes and none is accepted until restart().
  void kill();
  void restart();
  bool connected() const;

 private:
  class Session;
  struct Feed {
    std::uint64_t room = 0;
    std::uint64_t id = 0;
    std::string display;
    bool published = false;
    // From the offer's m-lines: mid, type, and whether it is disabled (recvonly or inactive:
    // a track taken off).
    struct Stream {
      std::string mid;
      std::string type;
      bool disabled = false;
    };
    std::vector<Stream> streams;
  };
  struct Carried {  // one stream of a subscription
    std::uint64_t feed = 0;
    std::string mid;  // the publisher's
    std::string type;
    bool active = true;
  };
  struct Handle {
    std::uint64_t id = 0;
    std::uint64_t room = 0;
    std::optional<std::uint64_t> feed;              // a publisher's
    // A subscriber's streams, in mid order; one unpublished stays in its place, inactive.
    std::vector<Carried> subscribed;
  };

  void accept();
  void onRequest(const std::shared_ptr<Session>& session, const Json& request);
  void onMessage(const std::shared_ptr<Session>& session, const Json& request);
  std::optional<Answer> model(const Json& request, Handle& handle);
  Json streamsOf(const Handle& subscriber) const;
  std::optional<Answer> subscribe(Handle& subscriber, const Json& streams);
  void unpublish(std::uint64_t handle, bool leaving);
  void reply(const std::shared_ptr<Session>& session, Json message, std::chrono::milliseconds delay);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::vector<std::weak_ptr<Session>> sessions_;
  std::vector<Json> requests_;
  std::map<std::string, Script> scripts_;
  std::map<std::string, std::chrono::milliseconds> delays_;
  std::map<std::uint64_t, Handle> handles_;
  std::map<std::uint64_t, Feed> feeds_;  // by feed id
  std::set<std::uint64_t> rooms_;
  std::uint64_t next_ = 1000;
  std::uint64_t sessionId_ = 0;
};

}  // namespace orbit::test
