#pragma once

#include "result.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// What the server answered: any status, 4xx and 5xx included. Only a request that got no
// answer at all (the network failed, the page went away) is an Error.
struct HttpReply {
  int status = 0;
  std::string body;
};

// HTTP requests to the server's API (docs/protocol.md, "HTTP API"). Browser: fetch.
// Tests: a fake that the test answers. Completions run on the owner's thread, never from
// inside request(), and never after the client is destroyed.
class HttpClient {
 public:
  using Completion = std::function<void(Result<HttpReply>)>;

  virtual ~HttpClient() = default;

  // `body`, when given, is sent as application/json.
  virtual void request(std::string_view method, std::string_view url,
                       std::optional<std::string> body, Completion done) = 0;
};

}  // namespace orbit
