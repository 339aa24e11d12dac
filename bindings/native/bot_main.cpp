// orbit-bot: the whole client core (Signaler, Manager, VideoPeers) headless, over the Beast
// transport, the mock peer backend and a mock camera and microphone. It joins a room, meshes
// with whoever is there, prints one JSON object per line for every event, and leaves when
// its time is up. Tests and load generation use it.
#include "asio_scheduler.hpp"
#include "beast_transport.hpp"
#include "codec.hpp"
#include "handshake.hpp"
#include "manager.hpp"
#include "mock_media_backend.hpp"
#include "mock_peer_backend.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace po = boost::program_options;

namespace {

struct BotOptions {
  std::string url;
  std::string token;  // a password room's join token
  std::string name;
  double duration = 0;
  std::optional<std::string> say;
  bool media = true;
};

// The room id in ws[s]://HOST[:PORT]/room/ROOM/ws[?query].
std::optional<orbit::RoomId> roomOf(const std::string& url) {
  const std::string marker = "/room/";
  const auto start = url.find(marker);
  if (start == std::string::npos) return std::nullopt;
  const auto from = start + marker.size();
  const auto end = url.find("/ws", from);
  if (end == std::string::npos || end == from) return std::nullopt;
  return orbit::RoomId(url.substr(from, end - from));
}

void print(orbit::Json line) {
  // One line per event, flushed at once: a test reads them as they come.
  std::cout << orbit::dumpJson(line) << std::endl;
}

// Exit codes: 0 when the time ran out (or a signal asked to stop), 2 for bad usage.
int run(const BotOptions& options, const orbit::RoomId& room) {
  boost::asio::io_context io;
  orbit::AsioScheduler scheduler(io);
  orbit::MockPeerBackend peers(scheduler);
  orbit::MockMediaBackend media(scheduler);
  orbit::Manager manager(std::make_unique<orbit::BeastTransport>(io), scheduler, peers, media);

  bool said = false;
  bool leaving = false;
  manager.setOnEvent([&](const orbit::ManagerEvent& event) {
    using Kind = orbit::ManagerEvent::Kind;
    if (leaving) return;  // "done" is the last line

    switch (event.kind) {
      case Kind::Joined:
        print({{"event", "joined"}, {"id", event.peer}, {"name", event.name}});
        break;
      case Kind::PeerPresent:
      case Kind::PeerJoined:
        // As the embed API has it: whoever was in the room when we came is "present".
        print({{"event", "peer-joined"},
               {"peer", event.peer},
               {"name", event.name},
               {"present", event.kind == Kind::PeerPresent}});
        break;
      case Kind::PeerLeft:
        print({{"event", toString(event.kind)}, {"peer", event.peer}, {"name", event.name}});
        break;
      case Kind::PeerMedia:
        print({{"event", "peer-media"},
               {"peer", event.peer},
               {"name", event.name},
               {"muted", event.indicators.muted.value_or(false)},
               {"cameraOff", event.indicators.cameraOff.value_or(false)}});
        break;
      case Kind::PeerState:
        print({{"event", "peer-state"}, {"peer", event.peer}, {"name", event.name}, {"state", toString(event.state)}});
        // Said to the room once somebody is there to hear it.
        if (event.state == orbit::PeerConnectionState::Connected && options.say && !said) {
          said = true;
          if (auto error = manager.sendText(*options.say)) print({{"event", "error"}, {"message", error->message}});
        }
        break;
      case Kind::Text:
        print({{"event", "text"}, {"from", event.name}, {"fromId", event.peer}, {"text", event.text}});
        break;
      case Kind::PeerFailed:
        print({{"event", "peer-failed"}, {"peer", event.peer}, {"name", event.name}, {"text", event.text}});
        break;
      case Kind::MediaError:
      case Kind::Problem:
        print({{"event", "error"}, {"message", event.text}});
        break;
    }
  });

  // Connection trouble is an event too; the Signaler reconnects on its own.
  orbit::ConnectionState lastState = orbit::ConnectionState::Idle;
  manager.setOnChange([&] {
    const orbit::ConnectionState state = manager.signaler().state();
    if (state == lastState) return;
    lastState = state;
    if (leaving && state == orbit::ConnectionState::Closed) {
      io.stop();  // the bye frames and the close handshake are done
      return;
    }
    if (state == orbit::ConnectionState::Closed || state == orbit::ConnectionState::Failed) {
      print({{"event", "error"}, {"message", manager.signaler().reason()}});
    }
  });

  const auto finish = [&] {
    if (leaving) return;
    leaving = true;
    orbit::Json peersNow = orbit::Json::array();
    for (const orbit::ClientId& id : manager.peerIds()) {
      peersNow.push_back({{"peer", id.str()}, {"state", toString(manager.peer(id)->connectionState())}});
    }
    print({{"event", "done"}, {"peers", std::move(peersNow)}, {"messages", manager.chat().size()}});
    manager.leave();
    if (manager.signaler().state() == orbit::ConnectionState::Closed) return io.stop();
    // A server that does not answer the close gets a moment, not forever.
    scheduler.after(orbit::Scheduler::Millis(2000), [&io] { io.stop(); });
  };

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int) {
    if (!error) finish();
  });
  const auto durationMs = static_cast<long long>(std::llround(options.duration * 1000));
  scheduler.after(orbit::Scheduler::Millis(durationMs), finish);

  // The token goes in the upgrade's Sec-WebSocket-Protocol header, out of every URL and log.
  manager.join(orbit::WebSocketTarget{options.url, orbit::joinSubprotocols(options.token)}, room, options.name);
  if (options.media) manager.startMedia(orbit::MediaConstraints{});
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  BotOptions options;
  po::options_description described("Usage: orbit-bot --url ws://HOST:PORT/room/ROOM/ws --name NAME --duration SECONDS [--token TOKEN] [--say TEXT]\n\n"
                                     "Joins a room headless (mock camera, microphone and peer connections), prints one JSON\n"
                                     "object per line for each event, and exits 0 when the duration ends.\n\nOptions");
  std::string say;
  described.add_options()
      ("help,h", "show this help and exit")
      ("url", po::value(&options.url)->required(), "the room's WebSocket URL (ws:// or wss://)")
      ("token", po::value(&options.token), "a password room's join token (from POST /api/rooms/<id>/join), sent in "
                                           "the Sec-WebSocket-Protocol header rather than in the URL")
      ("name", po::value(&options.name)->required(), "the name to join under")
      ("duration", po::value(&options.duration)->required(), "seconds to stay in the room")
      ("say", po::value(&say), "a line to send to the room once the first peer connection is connected")
      ("no-media", "join without camera and microphone (receive-only)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, described), vm);
    if (vm.count("help")) {
      std::cout << described << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& error) {
    std::cerr << "orbit-bot: " << error.what() << "\n\n" << described << "\n";
    return 2;
  }
  if (!(options.duration > 0) || !std::isfinite(options.duration)) {
    std::cerr << "orbit-bot: --duration must be a positive number of seconds\n";
    return 2;
  }
  if (vm.count("say")) options.say = say;
  options.media = vm.count("no-media") == 0;
  const std::optional<orbit::RoomId> room = roomOf(options.url);
  if (!room || (options.url.rfind("ws://", 0) != 0 && options.url.rfind("wss://", 0) != 0)) {
    std::cerr << "orbit-bot: --url must look like ws://HOST:PORT/room/ROOM/ws, not \"" << options.url << "\"\n";
    return 2;
  }
  if (!options.token.empty() && !orbit::isSubprotocolToken(options.token)) {
    std::cerr << "orbit-bot: --token must be a join token such as 1796149729.0a1b..., not \"" << options.token << "\"\n";
    return 2;
  }
  if (auto name = orbit::normalizeUsername(options.name, "--name"); !name) {
    std::cerr << "orbit-bot: " << name.error().message << "\n";
    return 2;
  }
  return run(options, *room);
}
