// --tls-cert/--tls-key: the same server over https and wss, because browsers grant camera
// access only on https (or localhost).
#include "server_process.hpp"
#include "tls_certificate.hpp"
#include "ws_client.hpp"

#include <utility>  // before Asio: see server/net.hpp

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <catch2/catch.hpp>


using namespace orbit::test;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

TEST_CASE("with a certificate the server speaks https and wss", "[integration][tls]") {
  const TlsCertificate certificate;
  ServerProcess server(certificate.serverArgs());
  CHECK(server.url().rfind("https://", 0) == 0);

  net::io_context ioc;
  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_none);  // self-signed: the test checks the transport, not a CA
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, tls);
  beast::get_lowest_layer(ws).expires_after(10s);
  beast::get_lowest_layer(ws).connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  ws.next_layer().handshake(ssl::stream_base::client);
  beast::get_lowest_layer(ws).expires_never();
  ws.handshake("localhost:" + std::to_string(server.port()), "/room/secure/ws");
  ws.write(net::buffer(std::string(R"({"type":"ping","receiver":"ground control","data":"over tls"})")));
  std::string pong;
  while (pong.find("\"pong\"") == std::string::npos) {
    beast::flat_buffer buffer;
    ws.read(buffer);
    pong = beast::buffers_to_string(buffer.data());
  }
  const Json reply = Json::parse(pong);
  CHECK(reply["data"] == "over tls");
  CHECK(reply["receiver"].get<std::string>().size() == 32);
  ws.close(websocket::close_code::normal);

  // A plain-HTTP request to the TLS port is not served, and is told why instead of getting
  // an empty reply.
  const HttpResult plain = httpRequest(server.port(), "GET", "/healthz");
  CHECK(plain.status == 400);
  CHECK_THAT(plain.body, Catch::Contains("This port speaks HTTPS"));
}
