#pragma once

#include "ids.hpp"
#include "liveness.hpp"
#include "local_media.hpp"
#include "media_backend.hpp"
#include "message.hpp"
#include "payloads.hpp"
#include "peer_backend.hpp"
#include "scheduler.hpp"
#include "sfu_session.hpp"
#include "signaler.hpp"
#include "transport.hpp"
#include "video_peer.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orbit {

// One line of the chat log.
struct ChatEntry {
  std::string fromId;    // the sender's client id, as the server stamped it
  std::string fromName;  // the name the room knew the sender by, else the `from` it wrote
  std::string toId;      // empty for the whole room, else the one receiver
  std::string text;
  std::int64_t time = 0;  // ms since the epoch, as the sender stamped it
  bool self = false;      // we sent it
  bool history = false;   // said before we joined, replayed by the server
};

// A line typed while it could not reach everyone: the connection was down, or back but the
// room not yet whole again. It waits, shown as such, and goes out once the room is whole; if
// that does not happen in time it is marked not sent, for the person to retry or drop.
struct UnsentLine {
  enum class State { Waiting, Failed };
  std::uint64_t id = 0;
  std::string text;
  std::string toId;    // empty for the whole room
  std::string toName;  // a direct line's receiver, found again by name after a reconnect
  std::int64_t time = 0;  // ms since the epoch, when typed
  State state = State::Waiting;
  std::string why;  // Failed: why it was not sent
};

std::string_view toString(UnsentLine::State state);

// What the UI (or a bot) is told about as it happens. Everything is also in the Manager's
// state; events say what changed.
struct ManagerEvent {
  enum class Kind {
    Joined,       // the room was joined (again, after a reconnect): `peer` is our new id
    PeerPresent,  // someone was in the room when we joined it: `peer`, `name`, `indicators`
    PeerJoined,   // someone came in: `peer`, `name`, `indicators`
    PeerLeft,     // someone left: `peer`, `name`; after a reconnect, every id from before
    PeerState,    // a peer connection changed state: `peer`, `name`, `state`
    PeerMedia,    // someone muted, unmuted, or turned the camera or a screen share on or off:
                  // `peer`, `name`, `indicators`
    Text,         // a chat line arrived from someone else: `peer`, `name`, `text`, and `to`
                  // (our id) when it was for us alone
    MediaError,   // a camera, microphone or screen could not be had or went away: `code`, `text`
    PeerFailed,   // the connection to a peer cannot come up, and `text` says why in words
                  // ("Could not connect to Ben: ..."): `peer`, `name`, `text`
    Problem,      // anything else that went wrong and did not stop the client: `text`
  };
  ManagerEvent(Kind kind = Kind::Problem, std::string peer = {}, std::string name = {}, std::string text = {},
               PeerConnectionState state = PeerConnectionState::New)
      : kind(kind), peer(std::move(peer)), name(std::move(name)), text(std::move(text)), state(state) {}

  Kind kind;
  std::string peer;
  std::string name;
  std::string text;
  PeerConnectionState state;
  std::string to;
  std::string code;  // MediaError's, from mediaErrorCode()
  MediaIndicators indicators;
};

std::string_view toString(ManagerEvent::Kind kind);

// The client's side of one room. Joins it through the Signaler and again on its own after
// every reconnect (the server gives the new connection a new id); keeps one VideoPeer per
// other member, reconciled with every room-info, and routes their offer, answer,
// icecandidate and bye; owns our LocalMedia and puts its tracks on every peer; keeps the
// chat log; tells the UI what happened.
//
// Peers outlive a lost signaling connection (media flows peer to peer), until the next
// connection's room-info: ids change with a reconnect, so the mesh is rebuilt then.
class Manager {
 public:
  // How long the server gets to answer get-room-info and get-ice-servers.
  static constexpr Signaler::Millis kRequestTimeout{10000};
  // Chat lines kept; older ones are forgotten.
  static constexpr std::size_t kMaxChatEntries = 500;
  // Signaling messages from peers held while the room is not ready for them yet.
  static constexpr std::size_t kMaxEarlyMessages = 512;
  // Lines typed while the room could not be reached: how many wait, and for how long.
  static constexpr std::size_t kMaxUnsent = 50;
  static constexpr Signaler::Millis kUnsentWait{30000};
  // After a reconnect, how long the others get to come back before waiting lines are
  // marked not sent (rather than reaching only those back first).
  static constexpr Signaler::Millis kRoomWholeWait{10000};
  // Chat lines a program may send at once, and then per second: sendText refuses the rest,
  // rather than the server dropping them unseen (its --rate-limit, 100 messages a second in
  // bursts of 200 by default, also counts the call's own signaling).
  static constexpr double kTextBurst = 100;
  static constexpr double kTextPerSecond = 50;

  struct Options {
    Signaler::Options signaler;
    VideoPeer::Options peer;
    // Milliseconds since the epoch, for chat lines; the system clock by default.
    std::function<std::int64_t()> wallClock;
    SfuSession::Options sfu;
    // A mesh's upload budget: each connection's video is capped so that all of them together
    // stay within it, and sent at lower resolution as the room grows. 0: no cap.
    int uplinkBudgetKbps = 2500;
    // Relay: every connection made from then on uses only relayed candidates (TURN), so media
    // never goes straight between the browsers; with no TURN server that works, none connects.
    IceTransportPolicy iceTransportPolicy = IceTransportPolicy::All;
  };

  Manager(std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers, MediaBackend& media);
  Manager(std::unique_ptr<Transport> transport, Scheduler& scheduler, PeerBackend& peers, MediaBackend& media,
          Options options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Called after anything a view shows has changed.
  void setOnChange(std::function<void()> onChange);
  // A connection's figures (getStats, about once a second) changed, and nothing else; without
  // this handler they count as a change.
  void setOnStats(std::function<void()> onStats);
  void setOnEvent(std::function<void(const ManagerEvent& event)> onEvent);

  // Opens the room's WebSocket; once it is open, asks for our id, the ICE servers and the
  // room's members, and announces `username` when it is not empty.
  void join(WebSocketTarget target, RoomId room, std::string username);
  void join(std::string_view url, RoomId room, std::string username) {
    join(WebSocketTarget{std::string(url), {}}, std::move(room), std::move(username));
  }
  // Says bye to every peer and to the server, closes every connection, stops the local
  // tracks. Final for this join.
  void leave();

  // Asks for the camera and microphone and sends them to every peer, present and future.
  // When both were asked for and the request fails, each is tried on its own, so a denied
  // camera still leaves the microphone. Failures become MediaError events; the call goes
  // on receive-only.
  void startMedia(const MediaConstraints& constraints) { localMedia_.start(constraints); }
  // Mute sends silence and camera-off black frames: the tracks stay, nothing renegotiates.
  void setMuted(bool muted) { localMedia_.setMuted(muted); }
  void setCameraEnabled(bool enabled) { localMedia_.setCameraEnabled(enabled); }
  // Swaps the microphone or camera for another device on every peer, without renegotiating.
  void switchDevice(TrackKind kind, std::string deviceId) {
    localMedia_.switchDevice(kind, std::move(deviceId));
  }
  // The screen replaces the camera on every peer until stopScreenShare() or until the
  // browser ends the share.
  void startScreenShare() { localMedia_.startScreenShare(); }
  void stopScreenShare() { localMedia_.stopScreenShare(); }
  // The mesh's upload budget (Options::uplinkBudgetKbps), applied at once; 0: no cap.
  void setUplinkBudget(int kbps);
  // Options::iceTransportPolicy, for the connections made from now on.
  void setIceTransportPolicy(IceTransportPolicy policy) { options_.iceTransportPolicy = policy; }
  IceTransportPolicy iceTransportPolicy() const { return options_.iceTransportPolicy; }

  // To the room when `to` is empty, else to that one member. Room lines enter the log when
  // the server echoes them back (the echo is the delivery receipt), direct ones at once. A
  // direct line says so in its data ("direct": true): `receiver` alone cannot tell.
  // While the connection is lost, or back but not everyone who was in the room is back yet,
  // a line waits in unsentLines() instead (see UnsentLine). Over kTextBurst lines at once
  // (then kTextPerSecond) are refused.
  std::optional<Error> sendText(std::string_view text, std::string_view to = {});
  // Lines that wait to go out or were not sent, oldest first.
  const std::deque<UnsentLine>& unsentLines() const { return unsent_; }
  // A line not sent tries again (to the room as it is now); drop forgets it.
  void retryLine(std::uint64_t id);
  void dropLine(std::uint64_t id);

  const Signaler& signaler() const { return signaler_; }
  Signaler& signaler() { return signaler_; }
  const RoomId& room() const { return room_; }
  // Empty until the server's pong tells us, and again while reconnecting.
  const ClientId& selfId() const { return signaler_.selfId(); }
  // The name the server knows us by, or the one we asked for until it confirms it.
  std::string selfName() const;
  // The room as the server last described it on this connection; reset when it is lost.
  const std::optional<RoomInfoData>& roomInfo() const { return session_.roomInfo; }
  const std::vector<IceServer>& iceServers() const { return iceServers_; }
  // Times the room was joined: 1 after the first join, +1 for every rejoin after a reconnect.
  unsigned joins() const { return joinedSession_; }
  // The last problem: an `error` from the server, a frame that did not decode, a peer's.
  const std::string& lastProblem() const { return lastProblem_; }
  const std::deque<ChatEntry>& chat() const { return chat_; }
  // Lines ever added to the chat: chat() keeps only the last kMaxChatEntries, so a view that
  // remembers this count knows how many came since, at the cap too.
  std::uint64_t chatAdded() const { return chatAdded_; }

  // Every other member, in the room's order, then connections left from before a reconnect.
  std::vector<std::string> others() const;
  // The peers there are connections for, by id.
  std::vector<ClientId> peerIds() const;
  // Nothing when there is no connection to `id`.
  const VideoPeer* peer(const ClientId& id) const;
  // Whether the room forwards media through the server now (room-mode "sfu"): then there are
  // no VideoPeers, and the SfuSession carries every track.
  bool forwarding() const { return sfu_ != nullptr; }
  const SfuSession* sfu() const { return sfu_.get(); }
  // What we receive of a member, and how its media reaches us, whichever the room's mode.
  std::vector<RemoteTrack> tracksOf(std::string_view id) const;
  PeerConnectionState connectionOf(std::string_view id) const;
  // The video quality a member's tile needs, 0 (small) to 2 (large): in a forwarded room the
  // server then sends that simulcast layer. Nothing in a mesh.
  void setVideoQuality(std::string_view id, int quality) {
    if (sfu_) sfu_->setQuality(id, quality);
  }
  // The member's name in the last room-info, else "".
  std::string nameOf(std::string_view id) const;
  // The name to show for `id`: its name, and for the second and later members of the room
  // who go by the same name " (2)", " (3)" after it, so that two Sams are told apart.
  std::string displayName(std::string_view id) const;
  // Listed in the last room-info (ourselves included).
  bool isMember(std::string_view id) const;
  // The id of the first other member going by `name` in the last room-info, else "".
  std::string memberNamed(std::string_view name) const;
  // Its entry in the last room-info, or nothing.
  const RoomClient* memberOf(std::string_view id) const;
  // What our profile tells the others about our microphone and camera.
  MediaIndicators indicators() const { return localMedia_.indicators(); }

  const LocalMedia& localMedia() const { return localMedia_; }
  const std::optional<LocalTrack>& microphone() const { return localMedia_.microphone(); }
  const std::optional<LocalTrack>& camera() const { return localMedia_.camera(); }
  const std::optional<LocalTrack>& screen() const { return localMedia_.screen(); }
  bool muted() const { return localMedia_.muted(); }
  bool cameraEnabled() const { return localMedia_.cameraEnabled(); }
  // Cameras, microphones and speakers, as last listed; refreshed after a capture starts and
  // when the devices change.
  const std::vector<MediaDevice>& devices() const { return localMedia_.devices(); }
  void refreshDevices() { localMedia_.refreshDevices(); }
  // Why the last capture failed, until one succeeds.
  const std::string& mediaError() const { return localMedia_.error(); }

  // Everything above as plain JSON, for whoever embeds the client:
  // {"self":{"id","name"},"room","connection","reason","close":{"code","reason"},"error",
  //  "reconnect":{"attempts","pending"},"joins",
  //  "peers":[{"id","name","muted","cameraOff","sharingScreen","connection","ice","signaling","polite","audio","video":{"width","height"},
  //            "stats":{...},"failure"}],"iceTransportPolicy",
  //  "messages":[{"from","fromId","to","text","time","self","history"}],
  //  "unsent":[{"id","text","to","state":"waiting"|"failed","why"}],
  //  "media":{"microphone","camera","screen","muted","cameraEnabled","error"},
  //  "roomInfo":<the last room-info data as received>,"problem"}
  Json snapshot() const;  // manager_snapshot.cpp

 private:
  // What one signaling connection has told us; a rejoin starts afresh.
  struct Session {
    bool iceServersKnown = false;
    bool rosterSeen = false;               // a room-info has arrived
    bool joinAnnounced = false;            // the Joined event went out
    std::string self;                      // our id on this connection, once announced
    std::vector<ManagerEvent> heldEvents;  // room events that came before it
    // Members told about (or there when we came), with the name they were told under.
    std::map<std::string, std::string> announced;
    std::optional<RoomInfoData> roomInfo;
    Json roomInfoJson;  // the last room-info's data, as received
    // Members that said bye to us but are still in the room: no new connection to them
    // until they offer one.
    std::set<std::string> hungUp;
    std::vector<Message> early;  // peers' messages that came before we were ready
    // A room-mode that came before the ICE servers (the server answers our profile first):
    // the connections with the server need them too (TURN).
    std::optional<Message> earlyMode;
    std::vector<Message> earlyFromServer;  // the server's offers that came with it
    std::optional<MediaIndicators> sentIndicators;  // in our last profile
  };

  struct PeerEntry {
    std::unique_ptr<VideoPeer> peer;
    unsigned session = 0;  // the Signaler's session it was made on
    PeerConnectionState reported = PeerConnectionState::New;
    std::string name;  // as the last room-info had it
    std::optional<SendLimits> limits;  // last applied to its video
    std::string failureTold;  // the VideoPeer::failure() last told as a PeerFailed event
  };

  void handleStateChange();
  void rejoin();
  void handleMessage(const Message& message);
  void handleRoomInfo(RoomInfoData info, Json json);
  // PeerPresent or PeerJoined for `client`, once it has a name, and once.
  void tell(ManagerEvent::Kind kind, const RoomClient& client);
  // PeerMedia for each member told about whose indicators differ from `before`'s.
  void tellMediaChanges(const std::optional<RoomInfoData>& before);
  void handleRoomMode(const Message& message);
  // PeerState events for members in a forwarding room, from the subscribe connection.
  void sfuChanged();
  void announceJoin();
  void handleText(const Message& message);
  void handlePeerMessage(const Message& message);
  bool ready() const;
  void becomeReady();
  void reconcile();
  // What a new connection is made with: the session's ICE servers and Options::iceTransportPolicy.
  RtcConfiguration configuration() const { return {iceServers_, options_.iceTransportPolicy}; }
  VideoPeer* createPeer(const std::string& id);
  void closePeer(const std::string& id);
  // Whether we joined the room after the member `id`: then we offer first to it
  // (VideoPeer::Options::offersFirst), and it answers.
  bool joinedAfter(const std::string& id) const;
  void peerChanged(const std::string& id);
  // Our tracks on a new connection. The side that offers first (`offers`) also gets an m-line
  // to receive each kind it does not send yet, so that its first offer goes at once, even
  // while the camera is starting: ICE and DTLS connect meanwhile and the other's media flows;
  // the camera, once it comes, takes that m-line over with one quick renegotiation.
  void addTracksTo(VideoPeer& peer, bool offers);
  // Shares the upload budget among the connected peers of a mesh (Options::uplinkBudgetKbps).
  void applyUplinkBudget();
  SendLimits meshVideoLimits() const;
  void replaceOnPeers(const LocalTrack& current, const LocalTrack& replacement);
  void addToPeers(const LocalTrack& track);
  void removeFromPeers(const LocalTrack& track);
  // Through the server: the microphone, camera and screen we publish, as LocalMedia has them.
  void publishToServer();
  void addChat(ChatEntry entry);
  // sendText() past its checks: sends the line, or holds it in unsent_.
  std::optional<Error> sendOrHold(std::string_view text, std::string_view to);
  // Sends a line now; the error when the Signaler would not take it.
  std::optional<Error> transmitText(const std::string& text, const std::string& to);
  // The names of the last room-info's members but `self`, those without a name left out.
  std::multiset<std::string> namesBut(std::string_view self) const;
  // Whether everyone who was in the room when the connection was lost is back.
  bool roomWhole() const;
  // Sends the waiting lines once the room is ready and whole.
  void flushUnsent();
  void failWaiting(const std::string& why);
  void sendProfile();
  void report(std::string_view problem);
  void emit(ManagerEvent event);
  void send(const Message& message);
  void sendToServer(MessageType type, std::optional<Json> data = std::nullopt);
  void changed();
  void statsChanged();

  Liveness alive_;
  Scheduler& scheduler_;
  PeerBackend& peerBackend_;
  Options options_;
  std::function<void()> onStats_;
  std::function<void()> onChange_;
  std::function<void(const ManagerEvent&)> onEvent_;

  RoomId room_;
  std::string username_;
  bool left_ = false;
  unsigned joinedSession_ = 0;  // the Signaler's session we last joined on
  Session session_;
  std::vector<IceServer> iceServers_;
  std::string lastProblem_;
  std::map<std::string, PeerEntry> peers_;
  std::unique_ptr<SfuSession> sfu_;  // while the room forwards media through the server
  std::map<std::string, PeerConnectionState> sfuReported_;  // member → state last told
  LocalMedia localMedia_;
  std::deque<ChatEntry> chat_;
  std::uint64_t chatAdded_ = 0;
  std::deque<UnsentLine> unsent_;
  std::uint64_t lastLineId_ = 0;
  double textTokens_ = kTextBurst;  // lines sendText may still take now
  Signaler::Millis textTokensAt_{0};
  // The others' names when the connection was lost: the room is whole again once all are
  // back (names, since ids change with a reconnect).
  std::multiset<std::string> awaited_;
  // The members a PeerPresent or PeerJoined was told about and no PeerLeft yet, by id, with
  // their names: ids change with a reconnect, and the old ones are told gone then.
  std::map<std::string, std::string> told_;
  unsigned wholeWaitFor_ = 0;  // the session whose kRoomWholeWait timer is running
  // Declared last so it is destroyed first: its handlers point into this object.
  Signaler signaler_;
};

}  // namespace orbit
