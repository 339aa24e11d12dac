#pragma once

#include "http_client.hpp"

#include <map>

namespace orbit {

// HttpClient over the page's fetch(), through library_orbit_http.js.
//
// Implemented features:
//  [x] any method, a JSON body, the reply's status and text whatever the status
//  [x] a failed fetch (no network, refused, CORS) is an Error with the browser's words
//  [x] completions of a destroyed client are dropped
//  [ ] cancelling a request in flight (its answer is simply ignored)
//  [ ] request timeouts beyond the browser's own
class BrowserHttpClient final : public HttpClient {
 public:
  BrowserHttpClient();
  ~BrowserHttpClient() override;
  // JavaScript finds this object by its handle in a registry that holds its address.
  BrowserHttpClient(const BrowserHttpClient&) = delete;
  BrowserHttpClient& operator=(const BrowserHttpClient&) = delete;

  void request(std::string_view method, std::string_view url, std::optional<std::string> body,
               Completion done) override;

  // The entry point JavaScript calls, through an extern "C" function; not for C++ callers.
  class Events;

 private:
  int handle_ = 0;
  int lastOp_ = 0;
  std::map<int, Completion> pending_;
};

}  // namespace orbit
