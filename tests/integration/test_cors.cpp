// Who may embed Orbit: CORS headers on the client's files and the API, preflight, and the
// Origin allow-list on the API and the WebSocket upgrade, through a real orbit-server.
#include "server_process.hpp"

#include <utility>  // before Asio: see server/net.hpp

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

using namespace orbit::test;
using Catch::Matchers::Contains;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Json = nlohmann::json;
using Headers = std::map<std::string, std::string>;

namespace {

struct Answer {
  int status = 0;
  http::fields headers;
  std::string body;
  std::string header(const char* name) const { return std::string(headers[name]); }
  bool has(const char* name) const { return headers.find(name) != headers.end(); }
};

// One HTTP request with the headers a browser would send; Host is 127.0.0.1:port unless given.
Answer request(unsigned short port, http::verb method, const std::string& target, const Headers& headers = {},
               const std::string& body = "") {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  Answer out;
  out.status = res.result_int();
  out.body = res.body();
  for (const auto& field : res) out.headers.insert(field.name_string(), field.value());
  return out;
}

// Opens /room/<room>/ws with `origin` ("" for no Origin header) and the Host `host` (default:
// the address dialled): 0 when the server admitted it and answered a ping, else the HTTP
// status that refused it.
int upgrade(unsigned short port, const std::string& room, const std::string& origin, std::string host = "") {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    if (!origin.empty()) req.set(http::field::origin, origin);
  }));
  if (host.empty()) host = "127.0.0.1:" + std::to_string(port);
  websocket::response_type response;
  beast::error_code ec;
  ws.handshake(response, host, "/room/" + room + "/ws", ec);
  if (ec) {
    // Boost 1.74 leaves `response` empty when the upgrade is declined: ask again in plain
    // HTTP for the status.
    Headers headers{{"Host", host},
                    {"Connection", "Upgrade"},
                    {"Upgrade", "websocket"},
                    {"Sec-WebSocket-Version", "13"},
                    {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    if (!origin.empty()) headers["Origin"] = origin;
    const int status = request(port, http::verb::get, "/room/" + room + "/ws", headers).status;
    return status == 101 ? -1 : status;
  }
  ws.write(net::buffer(std::string(R"({"type":"ping","receiver":"ground control"})")));
  beast::flat_buffer buffer;
  ws.read(buffer);
  const Json pong = Json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
  return pong.value("type", "") == "pong" ? 0 : -1;
}

// A web root with a stand-in client, for the static files' headers.
struct WebRoot {
  WebRoot() {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "index.html") << "<!doctype html><title>Orbit</title>";
    std::ofstream(dir / "orbit.wasm", std::ios::binary) << std::string("\0asm\1\0\0\0", 8);
    std::ofstream(dir / "orbit.js") << "var createOrbitModule;";
  }
  ~WebRoot() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("orbit-cors-" + std::to_string(getpid()));
};

const Headers kForeign{{"Origin", "https://evil.example"}};
const Headers kListed{{"Origin", "http://intranet.test:5173"}};

}  // namespace

TEST_CASE("by default any page may embed: files and API carry Allow-Origin *, preflight is 204, upgrades pass",
          "[integration][cors]") {
  WebRoot web;
  ServerProcess server({"--web-root", web.dir.string()});
  const unsigned short port = server.port();

  for (const char* file : {"/orbit.wasm", "/orbit.js", "/", "/room/anywhere"}) {
    INFO(file);
    const Answer a = request(port, http::verb::get, file, kForeign);
    CHECK(a.status == 200);
    CHECK(a.header("Access-Control-Allow-Origin") == "*");
  }
  CHECK(request(port, http::verb::get, "/orbit.wasm", kForeign).header("Content-Type") == "application/wasm");

  const Answer rooms = request(port, http::verb::get, "/api/rooms", kForeign);
  CHECK(rooms.status == 200);
  CHECK(rooms.header("Access-Control-Allow-Origin") == "*");
  const Answer created = request(port, http::verb::post, "/api/rooms", kForeign, R"({"name":"Far Away"})");
  CHECK(created.status == 201);
  CHECK(created.header("Access-Control-Allow-Origin") == "*");

  Headers preflight = kForeign;
  preflight["Access-Control-Request-Method"] = "POST";
  preflight["Access-Control-Request-Headers"] = "content-type";
  const Answer options = request(port, http::verb::options, "/api/rooms/far-away/join", preflight);
  CHECK(options.status == 204);
  CHECK(options.header("Access-Control-Allow-Origin") == "*");
  CHECK_THAT(options.header("Access-Control-Allow-Methods"), Contains("POST"));
  CHECK(options.header("Access-Control-Allow-Headers") == "Content-Type");
  CHECK(options.header("Access-Control-Max-Age") == "600");
  CHECK(options.body.empty());

  CHECK(upgrade(port, "far-away", "https://evil.example") == 0);
  CHECK(upgrade(port, "far-away", "") == 0);
}

TEST_CASE("with --allowed-origin only listed pages and the server's own may use it, and curl still may",
          "[integration][cors]") {
  WebRoot web;
  ServerProcess server({"--web-root", web.dir.string(), "--allowed-origin", "http://intranet.test:5173"});
  const unsigned short port = server.port();
  const std::string own = "http://127.0.0.1:" + std::to_string(port);

  SECTION("files: the listed origin is echoed, others get no Allow-Origin, everyone Vary") {
    const Answer listed = request(port, http::verb::get, "/orbit.wasm", kListed);
    CHECK(listed.status == 200);
    CHECK(listed.header("Access-Control-Allow-Origin") == "http://intranet.test:5173");
    CHECK(listed.header("Vary") == "Origin, Accept-Encoding");
    const Answer foreign = request(port, http::verb::get, "/orbit.wasm", kForeign);
    CHECK(foreign.status == 200);  // the file is public; the browser keeps it from the page
    CHECK_FALSE(foreign.has("Access-Control-Allow-Origin"));
    CHECK(foreign.header("Vary") == "Origin, Accept-Encoding");
    CHECK(request(port, http::verb::get, "/", {{"Origin", own}}).header("Access-Control-Allow-Origin") == own);
  }
  SECTION("the API refuses a foreign page with 403 and a JSON reason, and does nothing") {
    for (const http::verb method : {http::verb::get, http::verb::post, http::verb::options}) {
      INFO(http::to_string(method));
      const Answer a = request(port, method, "/api/rooms", kForeign, R"({"name":"Intruders"})");
      CHECK(a.status == 403);
      CHECK(a.header("Content-Type") == "application/json");
      CHECK_THAT(Json::parse(a.body).value("error", ""), Contains("https://evil.example"));
      CHECK_FALSE(a.has("Access-Control-Allow-Origin"));
    }
    CHECK(Json::parse(request(port, http::verb::get, "/api/rooms/intruders").body)["exists"] == false);
  }
  SECTION("the API serves the listed page, the server's own page, and a request without Origin") {
    const Answer listed = request(port, http::verb::post, "/api/rooms", kListed, R"({"name":"Intranet"})");
    CHECK(listed.status == 201);
    CHECK(listed.header("Access-Control-Allow-Origin") == "http://intranet.test:5173");
    CHECK(request(port, http::verb::options, "/api/rooms", kListed).status == 204);
    const Answer home = request(port, http::verb::post, "/api/rooms", {{"Origin", own}}, R"({"name":"Home"})");
    CHECK(home.status == 201);
    CHECK(home.header("Access-Control-Allow-Origin") == own);
    CHECK(request(port, http::verb::get, "/api/rooms").status == 200);
    CHECK(request(port, http::verb::get, "/healthz").status == 200);
    // The same server under another name is another origin to a browser.
    const std::string otherName = "http://localhost:" + std::to_string(port);
    CHECK(request(port, http::verb::get, "/api/rooms", {{"Origin", otherName}}).status == 403);
  }
  SECTION("the WebSocket admits the listed page, the server's own, and no Origin, and refuses the rest with 403") {
    CHECK(upgrade(port, "room", "http://intranet.test:5173") == 0);
    CHECK(upgrade(port, "room", own) == 0);
    CHECK(upgrade(port, "room", "") == 0);
    CHECK(upgrade(port, "room", "https://evil.example") == 403);
    CHECK(upgrade(port, "room", "http://localhost:" + std::to_string(port)) == 403);
    // Reached as localhost, a page of that name is the server's own.
    CHECK(upgrade(port, "room", "http://localhost:" + std::to_string(port), "localhost:" + std::to_string(port)) == 0);
  }
}
