#include "browser_http.hpp"

#include <emscripten/emscripten.h>

#include <string>
#include <utility>

// From library_orbit_http.js.
extern "C" {
int orbit_http_create();
void orbit_http_destroy(int client);
void orbit_http_request(int client, int op, const char* method, const char* url, const char* body);
}

namespace orbit {
namespace {

// Handle -> live client; answers for a handle missing here are dropped.
std::map<int, BrowserHttpClient*>& registry() {
  static std::map<int, BrowserHttpClient*> clients;
  return clients;
}

}  // namespace

class BrowserHttpClient::Events {
 public:
  // `error` is set when the request got no answer; otherwise `status` and `body` are it.
  static void done(int handle, int op, int status, const char* body, const char* error) {
    auto it = registry().find(handle);
    if (it == registry().end()) return;
    BrowserHttpClient* self = it->second;
    auto node = self->pending_.extract(op);
    if (node.empty() || !node.mapped()) return;
    auto callback = std::move(node.mapped());
    if (error) return callback(Error{error});
    callback(HttpReply{status, body ? body : ""});
  }
};

BrowserHttpClient::BrowserHttpClient() : handle_(orbit_http_create()) {
  registry()[handle_] = this;
}

BrowserHttpClient::~BrowserHttpClient() {
  registry().erase(handle_);
  orbit_http_destroy(handle_);
}

void BrowserHttpClient::request(std::string_view method, std::string_view url,
                                std::optional<std::string> body, Completion done) {
  const int op = ++lastOp_;
  pending_.emplace(op, std::move(done));
  // fetch() answers from a promise, so the completion never runs inside this call.
  orbit_http_request(handle_, op, std::string(method).c_str(), std::string(url).c_str(),
                     body ? body->c_str() : nullptr);
}

}  // namespace orbit

// What library_orbit_http.js calls. A handle that is no longer registered is ignored.
extern "C" {

EMSCRIPTEN_KEEPALIVE void orbit_http_done(int client, int op, int status, const char* body,
                                          const char* error) {
  orbit::BrowserHttpClient::Events::done(client, op, status, body, error);
}

}  // extern "C"
