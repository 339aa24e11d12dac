// The browser entry point, the composition root: the browser's bindings under the client core
// and its UI. It reaches Emscripten only through the bindings beside it.
#include "browser_http.hpp"
#include "browser_media_backend.hpp"
#include "browser_media_sink.hpp"
#include "browser_peer_backend.hpp"
#include "browser_platform.hpp"
#include "browser_scheduler.hpp"
#include "browser_text_painter.hpp"
#include "browser_transport.hpp"
#include "ui/client_app.hpp"
#include "codec.hpp"
#include "page_address.hpp"

#include <cstdio>
#include <memory>

int main(int argc, char** argv) {
  // main returns while the page keeps running frames, so these live as long as the page.
  static orbit::BrowserPlatform platform;
  // web/orbit-embed.js passes the room's address (or the page's) as the one argument, and a
  // password beside it.
  orbit::PageAddress address = orbit::parsePageAddress(argc > 1 ? argv[1] : "");
  address.password = platform.takePassword();
  static orbit::BrowserScheduler scheduler;
  static orbit::BrowserPeerBackend peers;
  static orbit::BrowserMediaBackend media;
  static orbit::BrowserMediaSink sink;
  static orbit::BrowserHttpClient http;
  static orbit::BrowserTextPainter painter;
  static orbit::ClientApp app(platform, std::make_unique<orbit::BrowserTransport>(), scheduler, peers, media, sink,
                              http, painter, address);
  // The embed API's destroy(): nothing of the client calls back after it.
  platform.setOnDestroy([] {
    app.shutdown();
    scheduler.stop();
  });
  // No WebGL2, say. The embed API's ready rejects with it.
  const auto failed = [](const orbit::Error& error) {
    std::fprintf(stderr, "orbit: %s\n", error.message.c_str());
    platform.publishEvent(orbit::dumpJson({{"event", "error"}, {"code", "unsupported"}, {"message", error.message}}));
  };
  if (auto error = app.start(failed)) {
    failed(*error);
    return 1;
  }
  platform.runMainLoop([] { app.frame(); });
  return 0;
}
