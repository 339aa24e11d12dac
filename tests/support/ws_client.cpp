#include "ws_client.hpp"

#include "run_until.hpp"

#include <utility>  // before Asio: see server/net.hpp

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cctype>
#include <stdexcept>

namespace orbit::test {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct WsClient::Impl {
  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_{ioc_};
  beast::flat_buffer buffer_;
  bool open_ = false;

  bool runUntil(bool& done, std::chrono::milliseconds timeout);
};

bool WsClient::Impl::runUntil(bool& done, std::chrono::milliseconds timeout) {
  if (test::runUntil(ioc_, [&] { return done; }, timeout)) return true;
  // Abandon the operation: the socket is closed, so the test sees a dead client.
  beast::get_lowest_layer(ws_).socket().close();
  ioc_.restart();
  ioc_.run();
  open_ = false;
  return false;
}

WsClient::WsClient(unsigned short port, const std::string& target, std::chrono::milliseconds timeout)
    : WsClient("127.0.0.1", port, target, timeout) {}

WsClient::WsClient(const std::string& from, unsigned short port, const std::string& target,
                   std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& ws_ = impl_->ws_;
  bool done = false;
  beast::error_code error;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.open(tcp::v4());
  socket.bind(tcp::endpoint(net::ip::make_address(from), 0));
  beast::get_lowest_layer(ws_).async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        error = ec;
        done = true;
      });
  if (!impl_->runUntil(done, timeout) || error) throw std::runtime_error("connect failed: " + error.message());

  done = false;
  websocket::response_type response;
  ws_.async_handshake(response, "127.0.0.1:" + std::to_string(port), target, [&](beast::error_code ec) {
    error = ec;
    done = true;
  });
  if (!impl_->runUntil(done, timeout)) throw std::runtime_error("handshake timed out");
  if (error) {
    throw std::runtime_error("upgrade refused: HTTP " + std::to_string(response.result_int()) + " " +
                             response.body());
  }
  impl_->open_ = true;
}

WsClient::~WsClient() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws_).socket().close(ec);
}

bool WsClient::isOpen() const { return impl_->open_; }

void WsClient::sendText(const std::string& text) {
  auto& ws_ = impl_->ws_;
  ws_.text(true);
  beast::error_code ec;
  ws_.write(net::buffer(text), ec);
}

void WsClient::sendBinary(const std::string& bytes) {
  auto& ws_ = impl_->ws_;
  ws_.binary(true);
  beast::error_code ec;
  ws_.write(net::buffer(bytes), ec);
  ws_.text(true);
}

std::optional<Json> WsClient::next(std::chrono::milliseconds timeout) {
  auto& ws_ = impl_->ws_;
  auto& buffer_ = impl_->buffer_;
  bool& open_ = impl_->open_;
  if (!open_) return std::nullopt;
  bool done = false;
  beast::error_code error;
  buffer_.clear();
  ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
    error = ec;
    done = true;
  });
  if (!impl_->runUntil(done, timeout)) return std::nullopt;
  if (error) {
    open_ = false;
    return std::nullopt;
  }
  const std::string text = beast::buffers_to_string(buffer_.data());
  Json parsed = Json::parse(text, nullptr, false);
  return parsed.is_discarded() ? Json(text) : parsed;
}

std::optional<Json> WsClient::waitFor(const std::function<bool(const Json&)>& match,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto msg = next(left);
    if (!msg) return std::nullopt;
    if (match(*msg)) return msg;
  }
}

std::optional<Json> WsClient::waitForType(const std::string& type, std::chrono::milliseconds timeout) {
  return waitFor([&](const Json& m) { return m.is_object() && m.value("type", "") == type; }, timeout);
}

std::string WsClient::learnId() {
  send({{"type", "ping"}, {"receiver", "ground control"}, {"data", "who am i"}});
  auto pong = waitFor([](const Json& m) { return m.is_object() && m.value("type", "") == "pong" && m.value("data", "") == "who am i"; });
  return pong ? pong->value("receiver", "") : "";
}

std::vector<Json> WsClient::drain(std::chrono::milliseconds timeout) {
  static int counter = 0;
  const std::string marker = "drain-" + std::to_string(++counter);
  send({{"type", "ping"}, {"receiver", "ground control"}, {"data", marker}});
  std::vector<Json> seen;
  const std::optional<Json> barrier = waitFor([&](const Json& m) {
    if (m.is_object() && m.value("type", "") == "pong" && m.value("data", "") == marker) return true;
    seen.push_back(m);
    return false;
  }, timeout);
  if (!barrier) {
    // What was seen may be all the server sent, or only part of it: no test may rely on it.
    throw std::runtime_error("drain: no pong from the server (socket closed or " +
                             std::to_string(timeout.count()) + " ms passed) after " +
                             std::to_string(seen.size()) + " other frame(s)");
  }
  return seen;
}

bool WsClient::waitClosed(std::chrono::milliseconds timeout, int* code) {
  auto& ws_ = impl_->ws_;
  auto& buffer_ = impl_->buffer_;
  bool& open_ = impl_->open_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (open_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    bool done = false;
    beast::error_code error;
    buffer_.clear();
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
      error = ec;
      done = true;
    });
    if (!impl_->runUntil(done, left)) return false;
    if (error) {
      open_ = false;
      if (code) *code = ws_.reason().code;
      return error == websocket::error::closed;
    }
  }
  return false;
}

void WsClient::close() {
  auto& ws_ = impl_->ws_;
  bool& open_ = impl_->open_;
  if (!open_) return;
  bool done = false;
  ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  impl_->runUntil(done, 5s);
  open_ = false;
}

namespace {

HttpResult request(unsigned short port, const std::string& method, const std::string& target,
                   const std::string& body, std::chrono::milliseconds timeout, const HttpHeaders& headers,
                   const std::string& from = "127.0.0.1") {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.socket().open(tcp::v4());
  stream.socket().bind(tcp::endpoint(net::ip::make_address(from), 0));
  stream.expires_after(timeout);
  HttpResult result;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(req.method() == http::verb::head);  // a HEAD answer has no body, whatever its length
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec) return;
    http::async_write(stream, req, [&](beast::error_code ec2, std::size_t) {
      if (ec2) return;
      http::async_read(stream, buffer, parser, [&](beast::error_code ec3, std::size_t) {
        if (ec3) return;
        const auto& res = parser.get();
        result.status = res.result_int();
        result.contentType = std::string(res[http::field::content_type]);
        result.body = res.body();
        for (const auto& field : res) {
          std::string name(field.name_string());
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          result.headers[name] = std::string(field.value());
        }
      });
    });
  });
  ioc.run();
  return result;
}

}  // namespace

HttpResult httpRequest(unsigned short port, const std::string& method, const std::string& target,
                       const std::string& body, std::chrono::milliseconds timeout) {
  return request(port, method, target, body, timeout, {});
}

HttpResult httpRequest(unsigned short port, const std::string& method, const std::string& target,
                       const HttpHeaders& requestHeaders) {
  return request(port, method, target, "", 10s, requestHeaders);
}

HttpResult httpRequestFrom(const std::string& from, unsigned short port, const std::string& method,
                           const std::string& target, const std::string& body, const HttpHeaders& headers) {
  return request(port, method, target, body, 10s, headers, from);
}

HttpResult upgradeFrom(const std::string& from, unsigned short port, const std::string& target) {
  return request(port, "GET", target, "", 10s,
                 {{"Connection", "Upgrade"},
                  {"Upgrade", "websocket"},
                  {"Sec-WebSocket-Version", "13"},
                  {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}},
                 from);
}

int upgradeStatus(unsigned short port, const std::string& target, HttpHeaders extra) {
  extra.insert({{"Connection", "Upgrade"},
                {"Upgrade", "websocket"},
                {"Sec-WebSocket-Version", "13"},
                {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  return httpRequest(port, "GET", target, extra).status;
}

}  // namespace orbit::test
