#pragma once

#include "codec.hpp"
#include "config.hpp"
#include "net.hpp"
#include "result.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace orbit {

// The server's one connection to Janus's WebSocket API (subprotocol "janus-protocol"): one
// Janus session, kept alive with keepalives, the plugin handles attached to it, and every
// request matched with its answer by transaction. Browsers never see this API. All on the
// server's Asio thread; nothing blocks.
//
// When the connection or the session is lost, every handle is gone with it (Janus ends a
// session whose WebSocket closes): `onDown` says so, every pending request fails, and the
// client connects again with backoff, calling `onUp` once it has a new session.
class JanusClient {
 public:
  // What a plugin request got back: the plugin's data, and Janus's SDP when it sent one.
  struct Reply {
    Json data;
    std::optional<Json> jsep;
  };
  struct Events {
    std::function<void()> onUp;
    std::function<void(const std::string& why)> onDown;
    // Whatever Janus says of a handle that answers no request: a plugin event (someone
    // published, left), or the core's webrtcup, media, slowlink, hangup, detached.
    std::function<void(std::uint64_t handle, const Json& message)> onEvent;
  };
  using Attached = std::function<void(Result<std::uint64_t> handle)>;
  using Answered = std::function<void(Result<Reply>)>;

  JanusClient(net::io_context& ioc, JanusAddress address, Events events,
              std::chrono::milliseconds requestTimeout = std::chrono::seconds(10));
  ~JanusClient();
  JanusClient(const JanusClient&) = delete;
  JanusClient& operator=(const JanusClient&) = delete;

  void start();
  bool up() const { return session_ != 0; }

  // A handle on the VideoRoom plugin.
  void attach(Attached done);
  void detach(std::uint64_t handle);
  // A request to the plugin (`body`), with an SDP (`jsep`) when there is one. A synchronous
  // request (create, list) is answered at once; an asynchronous one (join, publish, start,
  // configure) by its event, however long after its ack. A plugin's refusal ("error_code" in
  // its data) is an Error, as is no answer within the request timeout.
  void message(std::uint64_t handle, Json body, std::optional<Json> jsep, Answered done);
  // A browser's ICE candidate for the handle's PeerConnection; `candidate` null: the last one.
  void trickle(std::uint64_t handle, const Json& candidate);

 private:
  struct Pending {
    std::function<void(const Json& message)> answered;  // the whole answer, or an error
    std::chrono::steady_clock::time_point deadline;
    bool waitsPastAck = false;  // a plugin message: answered by its event, not its ack
  };
  class Connection;  // the WebSocket, Beast kept out of this header

  void connect();
  void connected();
  void lost(const std::string& why);
  void retryLater();
  void send(Json request, std::function<void(const Json&)> answered, bool waitsPastAck = false);
  void onMessage(std::string_view text);
  void keepAlive();
  void expireRequests();

  net::io_context& ioc_;
  JanusAddress address_;
  Events events_;
  std::chrono::milliseconds requestTimeout_;
  std::shared_ptr<Connection> connection_;
  std::uint64_t session_ = 0;  // 0: none
  std::uint64_t nextTransaction_ = 1;
  std::map<std::string, Pending> pending_;
  net::steady_timer retry_;
  net::steady_timer keepalive_;
  net::steady_timer expiry_;
  std::chrono::milliseconds backoff_{250};
  bool down_ = false;      // an outage was reported and has not ended
  bool stopping_ = false;
};

}  // namespace orbit
