#include "browser_transport.hpp"

#include "handshake.hpp"
#include "payloads.hpp"

#include <emscripten/websocket.h>

#include <string>
#include <utility>

namespace orbit {

// Each trampoline copies the handler before calling it, because a handler may destroy the
// transport (and with it the handler) while it runs.
class BrowserTransport::Events {
 public:
  static EM_BOOL onOpen(int, const EmscriptenWebSocketOpenEvent*, void* user) {
    auto handler = static_cast<BrowserTransport*>(user)->handlers_.onOpen;
    if (handler) handler();
    return EM_TRUE;
  }

  static EM_BOOL onMessage(int, const EmscriptenWebSocketMessageEvent* event, void* user) {
    auto& self = *static_cast<BrowserTransport*>(user);
    if (!event->isText) {
      auto handler = self.handlers_.onError;
      if (handler) handler("the server sent a binary frame; it was ignored");
      return EM_TRUE;
    }
    // Emscripten NUL-terminates text frames and counts the NUL in numBytes.
    std::string_view text(reinterpret_cast<const char*>(event->data), event->numBytes);
    if (!text.empty() && text.back() == '\0') text.remove_suffix(1);
    auto handler = self.handlers_.onText;
    if (handler) handler(text);
    return EM_TRUE;
  }

  static EM_BOOL onError(int, const EmscriptenWebSocketErrorEvent*, void* user) {
    // The browser does not say what went wrong, on purpose: a page must not learn why a
    // cross-origin connection failed.
    auto handler = static_cast<BrowserTransport*>(user)->handlers_.onError;
    if (handler) handler("the WebSocket connection failed");
    return EM_TRUE;
  }

  static EM_BOOL onClose(int, const EmscriptenWebSocketCloseEvent* event, void* user) {
    auto& self = *static_cast<BrowserTransport*>(user);
    self.release();
    auto handler = self.handlers_.onClose;
    if (handler) handler(event->code, event->reason);
    return EM_TRUE;
  }
};

BrowserTransport::~BrowserTransport() {
  if (socket_ > 0) emscripten_websocket_close(socket_, 1000, nullptr);
  release();
}

void BrowserTransport::setHandlers(Handlers handlers) { handlers_ = std::move(handlers); }

std::optional<Error> BrowserTransport::open(const WebSocketTarget& webSocket) {
  const std::string_view url = webSocket.url;
  if (socket_ > 0) emscripten_websocket_close(socket_, 1000, nullptr);
  release();
  if (url.rfind("ws://", 0) != 0 && url.rfind("wss://", 0) != 0) {
    // new WebSocket() throws on anything else, and a JavaScript exception would abort.
    return Error{"not a WebSocket URL: " + std::string(url)};
  }
  if (!emscripten_websocket_is_supported()) return Error{"this browser has no WebSocket"};

  const std::string target(url);
  EmscriptenWebSocketCreateAttributes attributes;
  emscripten_websocket_init_create_attributes(&attributes);
  attributes.url = target.c_str();
  // Emscripten splits the list at commas; new WebSocket() throws on a protocol that is not a
  // token (and an exception would abort), so the caller offers tokens only.
  std::string protocols;
  for (const auto& protocol : webSocket.protocols) {
    if (!isSubprotocolToken(protocol)) return Error{"not a WebSocket subprotocol: " + protocol};
    protocols += (protocols.empty() ? "" : ",") + protocol;
  }
  if (!protocols.empty()) attributes.protocols = protocols.c_str();
  attributes.createOnMainThread = EM_TRUE;
  const EMSCRIPTEN_WEBSOCKET_T socket = emscripten_websocket_new(&attributes);
  if (socket <= 0) return Error{"could not create a WebSocket (" + std::to_string(socket) + ")"};
  socket_ = socket;
  emscripten_websocket_set_onopen_callback(socket_, this, Events::onOpen);
  emscripten_websocket_set_onmessage_callback(socket_, this, Events::onMessage);
  emscripten_websocket_set_onerror_callback(socket_, this, Events::onError);
  emscripten_websocket_set_onclose_callback(socket_, this, Events::onClose);
  return std::nullopt;
}

std::optional<Error> BrowserTransport::send(std::string_view text) {
  unsigned short readyState = 0;
  // WebSocket.send() throws while still connecting; checking first keeps that out of wasm.
  if (socket_ <= 0 || emscripten_websocket_get_ready_state(socket_, &readyState) != EMSCRIPTEN_RESULT_SUCCESS ||
      readyState != 1 /* OPEN */) {
    return Error{"the WebSocket is not open"};
  }
  const std::string frame(text);
  if (emscripten_websocket_send_utf8_text(socket_, frame.c_str()) != EMSCRIPTEN_RESULT_SUCCESS) {
    return Error{"the WebSocket did not take the frame"};
  }
  return std::nullopt;
}

void BrowserTransport::close(std::uint16_t code, std::string_view reason) {
  if (socket_ <= 0) return;
  // WebSocket.close() throws on any other code, or on a reason over 123 bytes.
  if (code != 1000 && (code < 3000 || code > 4999)) code = 1000;
  const std::string text(utf8Prefix(reason, 123));
  emscripten_websocket_close(socket_, code, text.c_str());
}

void BrowserTransport::release() {
  if (socket_ <= 0) return;
  emscripten_websocket_delete(socket_);
  socket_ = 0;
}

}  // namespace orbit
