#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace orbit::test {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// A real WebSocket client for integration tests. Every wait has a deadline; a timeout
// fails the test through the return value rather than hanging it.
class WsClient {
 public:
  // Connects to ws://127.0.0.1:port<target>. Throws with the HTTP status on a refused upgrade.
  WsClient(unsigned short port, const std::string& target, std::chrono::milliseconds timeout = 5s);
  // The same from the local address `from` (127.0.0.2, 127.0.0.3, ...: every 127.x.y.z is this
  // machine), so that one test can be several client addresses.
  WsClient(const std::string& from, unsigned short port, const std::string& target,
           std::chrono::milliseconds timeout = 5s);
  ~WsClient();

  void sendText(const std::string& text);
  void send(const Json& message) { sendText(message.dump()); }
  void sendBinary(const std::string& bytes);

  // The next frame (text frames parsed as JSON; a non-JSON frame becomes a string), or
  // nothing when none arrives before the deadline or the socket closes.
  std::optional<Json> next(std::chrono::milliseconds timeout = 5s);
  // Skips frames until one matches; nothing on timeout or close.
  std::optional<Json> waitFor(const std::function<bool(const Json&)>& match,
                              std::chrono::milliseconds timeout = 5s);
  std::optional<Json> waitForType(const std::string& type, std::chrono::milliseconds timeout = 5s);

  // Pings "ground control" and returns the id the pong addresses us by.
  std::string learnId();
  // A round trip through the server: every frame the server queued for this client
  // before it answered is read (and returned) by the time this returns. Throws
  // std::runtime_error when the answer does not come (closed socket, deadline): then
  // nothing is known about what the server sent.
  std::vector<Json> drain(std::chrono::milliseconds timeout = 5s);

  // True once the server closed the socket; `code` gets the close code it sent.
  bool waitClosed(std::chrono::milliseconds timeout = 5s, int* code = nullptr);
  void close();
  bool isOpen() const;

 private:
  // Beast stays in ws_client.cpp: every test file includes this header.
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

using HttpHeaders = std::map<std::string, std::string>;

struct HttpResult {
  int status = 0;
  std::string contentType;
  std::string body;
  HttpHeaders headers;  // by lower-case name
  Json json() const { return Json::parse(body, nullptr, false); }
  // A header's value, empty when the answer has none.
  std::string header(const std::string& lowerCaseName) const {
    auto it = headers.find(lowerCaseName);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One HTTP request to 127.0.0.1:port; status 0 when the connection failed.
HttpResult httpRequest(unsigned short port, const std::string& method, const std::string& target,
                       const std::string& body = "", std::chrono::milliseconds timeout = 10s);
// The same with request headers, as a browser would send them.
HttpResult httpRequest(unsigned short port, const std::string& method, const std::string& target,
                       const HttpHeaders& requestHeaders);
// The HTTP status a WebSocket upgrade of `target` gets (101 when it opens), with `extra` headers.
int upgradeStatus(unsigned short port, const std::string& target, HttpHeaders extra = {});
// A request from the local address `from` (see WsClient), and an upgrade from there: the whole answer.
HttpResult httpRequestFrom(const std::string& from, unsigned short port, const std::string& method,
                           const std::string& target, const std::string& body = "", const HttpHeaders& headers = {});
HttpResult upgradeFrom(const std::string& from, unsigned short port, const std::string& target);

}  // namespace orbit::test
