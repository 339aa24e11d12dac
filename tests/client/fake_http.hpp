#pragma once

#include "http_client.hpp"

#include <deque>
#include <string>
#include <utility>

namespace orbit::test {

// An HttpClient whose server is the test: it records each request, and the test answers the
// oldest with reply() or fail() (never from inside request(), like a real client).
class FakeHttp final : public HttpClient {
 public:
  struct Request {
    std::string method;
    std::string url;
    std::optional<std::string> body;
    Completion done;
  };

  void request(std::string_view method, std::string_view url, std::optional<std::string> body,
               Completion done) override {
    requests.push_back({std::string(method), std::string(url), std::move(body), std::move(done)});
    ++total;
  }

  // Answers the oldest open request and returns it.
  Request reply(int status, std::string body) {
    Request r = take();
    r.done(HttpReply{status, std::move(body)});
    return r;
  }
  Request fail(std::string what) {
    Request r = take();
    r.done(Error{std::move(what)});
    return r;
  }

  std::deque<Request> requests;  // not answered yet, oldest first
  std::size_t total = 0;         // ever made

 private:
  Request take() {
    Request r = std::move(requests.front());
    requests.pop_front();
    return r;
  }
};

}  // namespace orbit::test
