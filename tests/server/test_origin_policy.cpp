#include "origin_policy.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using Catch::Matchers::Contains;
using orbit::HeaderList;
using orbit::OriginPolicy;

namespace {

std::optional<std::string> header(const HeaderList& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("an origin is scheme://host[:port], lowercased, and anything else is refused with the reason",
          "[origin]") {
  for (const auto& [text, normal] : std::initializer_list<std::pair<const char*, const char*>>{
           {"https://example.org", "https://example.org"},
           {"HTTP://Example.ORG:8080", "http://example.org:8080"},
           {"http://127.0.0.1:5173", "http://127.0.0.1:5173"},
           {"http://localhost", "http://localhost"},
           {"https://[::1]:8443", "https://[::1]:8443"},
           {"https://a-b.c_d.example", "https://a-b.c_d.example"},
       }) {
    INFO(text);
    auto r = OriginPolicy::normalizeOrigin(text);
    REQUIRE(r.ok());
    CHECK(*r == normal);
  }
  for (const auto& [text, why] : std::initializer_list<std::pair<const char*, const char*>>{
           {"example.org", "the scheme must"},
           {"ftp://example.org", "the scheme must"},
           {"*", "the scheme must"},
           {"https://", "no host"},
           {"https://example.org/", "no path"},
           {"https://example.org/embed", "no path"},
           {"https://example.org?x", "no path"},
           {"https://user@example.org", "no user"},
           {"https://example.org:", "the port must"},
           {"https://example.org:0", "the port must"},
           {"https://example.org:65536", "the port must"},
           {"https://example.org:80a", "the port must"},
           {"https://exa mple.org", "the host is not"},
           {"https://[::1", "the host is not"},
           {"https://ex]ample.org", "the host is not"},
       }) {
    INFO(text);
    auto r = OriginPolicy::normalizeOrigin(text);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Contains(text) && Contains(why));
  }
}

TEST_CASE("without an allow-list every origin may embed and every answer says so with a star",
          "[origin]") {
  const OriginPolicy open;
  CHECK_FALSE(open.restricted());
  for (const char* origin : {"", "https://anyone.example", "null"}) {
    INFO(origin);
    CHECK(open.admits(origin, "orbit.example"));
    const HeaderList h = open.corsHeaders(origin, "orbit.example");
    CHECK(header(h, "Access-Control-Allow-Origin") == "*");
    CHECK_FALSE(header(h, "Vary"));
  }
}

TEST_CASE("with an allow-list only listed origins and the server's own page are admitted and echoed",
          "[origin]") {
  const OriginPolicy policy({"https://intranet.example", "http://127.0.0.1:5173"});
  CHECK(policy.restricted());
  const std::string host = "orbit.example:8443";

  SECTION("a listed origin, in any case, is echoed as it came") {
    for (const char* origin : {"https://intranet.example", "HTTPS://Intranet.Example", "http://127.0.0.1:5173"}) {
      INFO(origin);
      CHECK(policy.admits(origin, host));
      const HeaderList h = policy.corsHeaders(origin, host);
      CHECK(header(h, "Access-Control-Allow-Origin") == origin);
      CHECK(header(h, "Vary") == "Origin");
    }
  }
  SECTION("another origin is refused and gets no Allow-Origin, only Vary") {
    for (const char* origin : {"https://evil.example", "http://intranet.example", "https://intranet.example:444",
                               "http://127.0.0.1:5174", "null", "https://orbit.example:8443.evil.example"}) {
      INFO(origin);
      CHECK_FALSE(policy.admits(origin, host));
      const HeaderList h = policy.corsHeaders(origin, host);
      CHECK_FALSE(header(h, "Access-Control-Allow-Origin"));
      CHECK(header(h, "Vary") == "Origin");
    }
  }
  SECTION("the server's own page: the origin names the Host the browser asked for, whatever the scheme") {
    CHECK(policy.admits("https://orbit.example:8443", host));
    CHECK(policy.admits("http://ORBIT.example:8443", "orbit.EXAMPLE:8443"));  // behind a TLS-ending proxy
    CHECK(policy.admits("http://127.0.0.1:8080", "127.0.0.1:8080"));
    CHECK(header(policy.corsHeaders("http://127.0.0.1:8080", "127.0.0.1:8080"), "Access-Control-Allow-Origin") ==
          "http://127.0.0.1:8080");
    CHECK_FALSE(policy.admits("http://localhost:8080", "127.0.0.1:8080"));  // another origin for the browser
    CHECK_FALSE(policy.admits("http://127.0.0.1:8081", "127.0.0.1:8080"));
    CHECK_FALSE(policy.admits("http://127.0.0.1:8080", ""));  // no Host: nothing to be the same as
  }
  SECTION("a request without an Origin header is not a page of another origin") {
    CHECK(policy.admits("", host));
    CHECK(policy.admits("", ""));
    CHECK_FALSE(header(policy.corsHeaders("", host), "Access-Control-Allow-Origin"));
  }
}

TEST_CASE("a preflight answer names the methods, the Content-Type header and how long to keep it",
          "[origin]") {
  for (const OriginPolicy& policy : {OriginPolicy(), OriginPolicy({"https://intranet.example"})}) {
    const HeaderList h = policy.preflightHeaders("https://intranet.example", "orbit.example");
    CHECK(header(h, "Access-Control-Allow-Origin") == (policy.restricted() ? "https://intranet.example" : "*"));
    CHECK_THAT(*header(h, "Access-Control-Allow-Methods"), Contains("GET") && Contains("POST") && Contains("OPTIONS"));
    CHECK(header(h, "Access-Control-Allow-Headers") == "Content-Type");
    CHECK(header(h, "Access-Control-Max-Age") == "600");
  }
}
