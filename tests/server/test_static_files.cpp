#include "ids.hpp"
#include "static_files.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using Catch::Matchers::StartsWith;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
  REQUIRE(out.good());
}

// A throwaway web root:
//   <base>/web/{index.html, orbit.js, orbit.wasm, style.css, .env, sub/page.txt, sub/deeper/x.json}
//   <base>/web/escape        -> <base>/secret.txt        (a symlink out of the root)
//   <base>/web/outside       -> <base>                   (a directory symlink out)
//   <base>/web/sneaky        -> <base>/web-evil/secret.txt (a sibling sharing the root's prefix)
//   <base>/web/alias.js      -> orbit.js                 (a symlink that stays inside)
//   <base>/secret.txt, <base>/web-evil/secret.txt
class WebRoot {
 public:
  WebRoot() : base_(fs::temp_directory_path() / ("orbit-static-test-" + orbit::randomHexId())) {
    fs::create_directories(root() / "sub" / "deeper");
    fs::create_directories(base_ / "web-evil");
    writeFile(root() / "index.html", "<!doctype html><title>Orbit</title>");
    writeFile(root() / "orbit.js", "console.log('orbit')");
    writeFile(root() / "orbit.wasm", std::string("\0asm\1\0\0\0", 8));
    writeFile(root() / "style.css", "body{}");
    writeFile(root() / ".env", "SECRET=1");
    writeFile(root() / "sub" / "page.txt", "sub page");
    writeFile(root() / "sub" / "deeper" / "x.json", "{}");
    writeFile(base_ / "secret.txt", "top secret");
    writeFile(base_ / "web-evil" / "secret.txt", "evil secret");
    fs::create_symlink(base_ / "secret.txt", root() / "escape");
    fs::create_directory_symlink(base_, root() / "outside");
    fs::create_symlink(base_ / "web-evil" / "secret.txt", root() / "sneaky");
    fs::create_symlink("orbit.js", root() / "alias.js");
  }
  ~WebRoot() {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  WebRoot(const WebRoot&) = delete;
  WebRoot& operator=(const WebRoot&) = delete;

  fs::path base() const { return base_; }
  fs::path root() const { return base_ / "web"; }
  fs::path canonical(const fs::path& relative) const { return fs::canonical(root() / relative); }

 private:
  fs::path base_;
};

}  // namespace

TEST_CASE("the index page serves /, /room/<id> and /room/<id>/", "[static]") {
  WebRoot web;
  // The last two: "привет" and "日本", percent-encoded as browsers send them.
  for (const char* path : {"/", "/room/abc", "/room/abc/", "/room/team-sync", "/index.html",
                           "/room/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82", "/room/%E6%97%A5%E6%9C%AC"}) {
    INFO(path);
    const auto f = orbit::resolveStaticFile(web.root(), path);
    REQUIRE(f);
    CHECK(f->path == web.canonical("index.html"));
    CHECK_THAT(std::string(f->mimeType), StartsWith("text/html"));
  }
  for (const char* path : {"/room/Bad_Id", "/room/", "/room", "/room/abc/def", "/room/abc//", "/rooms/abc",
                           "/room/%D0%9F", "/room/%E6%97", "/room/%F0%9F%98%80"}) {
    INFO(path);
    CHECK_FALSE(orbit::resolveStaticFile(web.root(), path));
  }
  const std::string longest = "/room/" + std::string(64, 'a');
  CHECK(orbit::resolveStaticFile(web.root(), longest));
  CHECK_FALSE(orbit::resolveStaticFile(web.root(), longest + "a"));
}

TEST_CASE("files under the root are served with the right content type", "[static]") {
  WebRoot web;
  struct Case {
    const char* url;
    const char* file;
    const char* mime;
  };
  for (const Case& c : {Case{"/orbit.js", "orbit.js", "text/javascript"},
                        Case{"/orbit.wasm", "orbit.wasm", "application/wasm"},
                        Case{"/style.css", "style.css", "text/css"},
                        Case{"/sub/page.txt", "sub/page.txt", "text/plain"},
                        Case{"/sub/deeper/x.json", "sub/deeper/x.json", "application/json"},
                        Case{"/sub/%70age.txt", "sub/page.txt", "text/plain"},
                        Case{"/alias.js", "orbit.js", "text/javascript"}}) {
    INFO(c.url);
    const auto f = orbit::resolveStaticFile(web.root(), c.url);
    REQUIRE(f);
    CHECK(f->path == web.canonical(c.file));
    CHECK_THAT(std::string(f->mimeType), StartsWith(c.mime));
  }
  // The root given with a trailing separator or through a relative part works the same.
  CHECK(orbit::resolveStaticFile(web.root() / "", "/orbit.js"));
  CHECK(orbit::resolveStaticFile(web.root() / "sub" / "..", "/orbit.js"));
}

TEST_CASE("mimeTypeFor knows the web client's file types", "[static]") {
  CHECK(orbit::mimeTypeFor("orbit.wasm") == "application/wasm");
  CHECK_THAT(std::string(orbit::mimeTypeFor("orbit.js")), StartsWith("text/javascript"));
  CHECK_THAT(std::string(orbit::mimeTypeFor("index.html")), StartsWith("text/html"));
  CHECK(orbit::mimeTypeFor("favicon.ico") == "image/x-icon");
  CHECK(orbit::mimeTypeFor("no-extension") == "application/octet-stream");
  CHECK(orbit::mimeTypeFor("archive.tar.gz") == "application/octet-stream");
}

TEST_CASE("paths that would leave the web root are refused", "[static][traversal]") {
  WebRoot web;
  // The secrets are really there: a resolver that walked out would find them.
  REQUIRE(fs::is_regular_file(web.root() / ".." / "secret.txt"));
  REQUIRE(fs::is_regular_file(web.root() / "escape"));
  REQUIRE(fs::is_regular_file(web.root() / "outside" / "secret.txt"));
  REQUIRE(fs::is_regular_file(web.root() / "sneaky"));

  const std::string absoluteSecret = (web.base() / "secret.txt").string();
  for (const std::string& path : std::vector<std::string>{
           "/../secret.txt",
           "/%2e%2e/secret.txt",
           "/%2E%2E/secret.txt",
           "/.%2e/secret.txt",
           "/sub/../../secret.txt",
           "/sub/%2e%2e/%2e%2e/secret.txt",
           "/%2E%2E%2Fsecret.txt",
           "/sub%2F..%2F..%2Fsecret.txt",
           "/..\\secret.txt",
           "/%2e%2e%5csecret.txt",
           "/sub\\..\\..\\secret.txt",
           "/escape",
           "/outside/secret.txt",
           "/sneaky",
           "/" + absoluteSecret,
           "/%2F" + absoluteSecret.substr(1),
           "/index.html%00",
           "/index.html%00.js",
           "/%00",
           "/orbit.js%",
           "/orbit.js%2",
           "/orbit%zzjs",
           "",
           "orbit.js",
       }) {
    INFO("url path: " << path);
    CHECK_FALSE(orbit::resolveStaticFile(web.root(), path));
  }
}

TEST_CASE("hidden files and dot segments are never served", "[static][traversal]") {
  WebRoot web;
  REQUIRE(fs::is_regular_file(web.root() / ".env"));
  for (const char* path : {"/.env", "/%2eenv", "/sub/../.env", "/./index.html", "/sub/./page.txt"}) {
    INFO(path);
    CHECK_FALSE(orbit::resolveStaticFile(web.root(), path));
  }
}

TEST_CASE("a missing file, a directory or a missing root resolves to nothing", "[static]") {
  WebRoot web;
  CHECK_FALSE(orbit::resolveStaticFile(web.root(), "/missing.js"));
  CHECK_FALSE(orbit::resolveStaticFile(web.root(), "/sub/missing.txt"));
  CHECK_FALSE(orbit::resolveStaticFile(web.root(), "/sub"));
  CHECK_FALSE(orbit::resolveStaticFile(web.root(), "/sub/"));
  CHECK_FALSE(orbit::resolveStaticFile(web.base() / "no-such-root", "/"));
  CHECK_FALSE(orbit::resolveStaticFile(web.base() / "no-such-root", "/orbit.js"));
}

TEST_CASE("percentDecode decodes %XX and refuses broken escapes and NUL", "[static][decode]") {
  CHECK(orbit::percentDecode("") == std::string());
  CHECK(orbit::percentDecode("/plain/path") == std::string("/plain/path"));
  CHECK(orbit::percentDecode("%41%62c") == std::string("Abc"));
  CHECK(orbit::percentDecode("a%2Fb%2fc") == std::string("a/b/c"));
  CHECK(orbit::percentDecode("%E2%9C%93") == std::string("\xE2\x9C\x93"));
  CHECK(orbit::percentDecode("100%25") == std::string("100%"));
  CHECK(orbit::percentDecode("%2541") == std::string("%41"));  // decoded once, not twice
  CHECK(orbit::percentDecode("a+b") == std::string("a+b"));    // '+' is not a space in a path

  for (const char* bad : {"%", "%4", "%zz", "%g0", "%0g", "abc%", "abc%4", "%%41", "%00", "a%00b", "% 41"}) {
    INFO(bad);
    CHECK_FALSE(orbit::percentDecode(bad));
  }
  CHECK_FALSE(orbit::percentDecode(std::string_view("a\0b", 3)));
  // A view ends where it says, even when valid hex follows in memory.
  CHECK_FALSE(orbit::percentDecode(std::string_view("%41", 2)));
  CHECK_FALSE(orbit::percentDecode(std::string_view("/x%41", 3)));
  CHECK(orbit::percentDecode(std::string_view("/x%41", 2)) == std::string("/x"));
}

TEST_CASE("under a base path a page's <base href=\"/\"> points at the base, with an ETag of its own", "[static][base-path]") {
  WebRoot web;
  writeFile(web.root() / "page.html", "<head><base href=\"/\"><script src=\"orbit.js\"></script></head>");
  const orbit::StaticFile page{web.root() / "page.html", "text/html; charset=utf-8"};

  const auto orbitPage = orbit::pageUnderBasePath(page, "/orbit");
  REQUIRE(orbitPage);
  CHECK(orbitPage->body == "<head><base href=\"/orbit/\"><script src=\"orbit.js\"></script></head>");
  const auto deeper = orbit::pageUnderBasePath(page, "/apps/orbit");
  REQUIRE(deeper);
  CHECK(deeper->body == "<head><base href=\"/apps/orbit/\"><script src=\"orbit.js\"></script></head>");
  // Each base path and each version of the file has its own tag, none the file's own.
  const std::string plain = orbit::chooseVariant(page, "").etag;
  CHECK(orbitPage->etag != plain);
  CHECK(orbitPage->etag != deeper->etag);
  CHECK(orbitPage->etag == orbit::pageUnderBasePath(page, "/orbit")->etag);
  CHECK(orbitPage->etag.front() == '"');
  CHECK(orbitPage->etag.back() == '"');

  // A page without the element (an older web client) is served as it is.
  CHECK_FALSE(orbit::pageUnderBasePath(orbit::StaticFile{web.root() / "index.html", "text/html"}, "/orbit"));
  CHECK_FALSE(orbit::pageUnderBasePath(orbit::StaticFile{web.root() / "missing.html", "text/html"}, "/orbit"));
}
