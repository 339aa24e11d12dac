#pragma once

#include "chat_manager.hpp"
#include "janus_client.hpp"
#include "net.hpp"
#include "sfu_link.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace orbit {

// Media forwarding through Janus's VideoRoom (--janus; docs/protocol.md, Rooms through the
// SFU). A room switches to SFU mode when it reaches `sfuFrom` members (0: at once) and back
// to a mesh when it falls below sfuFrom - 1. In SFU mode the bridge makes a VideoRoom for
// it and, for each member that can take part ("sfu" in its profile), two Janus handles:
// its publisher, which takes the client's offers, and its subscriber, which carries
// everyone else's published tracks and makes the offers the client answers. The server is
// Janus's only client: browsers see Orbit's messages from "ground control", never Janus's
// API or ids. When Janus is lost, every room goes back to a mesh and says why; when it is
// back, rooms big enough switch again.
class SfuBridge : public SfuLink {
 public:
  // `requestTimeout`: how long a request to Janus may go unanswered before the bridge gives up
  // on it (the room stays a mesh, or the client is told).
  SfuBridge(net::io_context& ioc, JanusAddress janus, std::size_t sfuFrom, std::size_t maxRoomSize,
            std::chrono::milliseconds requestTimeout = std::chrono::seconds(10));
  ~SfuBridge() override;
  SfuBridge(const SfuBridge&) = delete;
  SfuBridge& operator=(const SfuBridge&) = delete;

  // Connects to Janus; rooms wait for it.
  void start(ChatManager& manager);

  void membersChanged(const ChatRoom& room) override;
  void left(const RoomId& room, const ClientId& client) override;
  bool forwarding(std::string_view room) const override;
  void fromClient(const ChatClient& client, SfuConnection connection, const Message& message) override;

  std::size_t forwardingRooms() const override;
  // Janus is up and the bridge can make rooms on it.
  bool ready() const { return janus_.up() && control_ != 0; }

 private:
  struct Member {
    ClientId id;
    std::uint64_t serial = 0;  // callbacks check it: a member that left and came back is new
    // Publisher: the handle, Janus's feed id once joined, and the client's messages that
    // came before the handle could take them.
    std::uint64_t publisher = 0;
    std::uint64_t feed = 0;
    bool published = false;
    // What Janus says the feed carries, by the publisher's mids (audio, video), and which of
    // them is a screen (from the client's offer: "screen").
    std::vector<std::pair<std::string, std::string>> publishedStreams;  // mid, "audio" or "video"
    std::string screenMid;
    bool live = false;  // Janus has its media (webrtcup): others can subscribe to it
    bool publishing = false;  // a publish or configure is with Janus
    std::vector<Message> waiting;
    // Subscriber: the publishers' streams it carries (feed, the publisher's mid), its own
    // streams, and whether an exchange is under way (a request with Janus, or Janus's offer
    // with the client).
    std::uint64_t subscriber = 0;
    bool subscriberJoined = false;
    bool subscribing = false;
    bool restartWanted = false;  // an ICE restart the client asked for during an exchange
    std::set<std::pair<std::uint64_t, std::string>> carried;
    std::vector<SfuStream> streams;
    // Simulcast layers by mid: what the client asked for, and what Janus says it sends.
    std::map<std::string, int> wantedLayer;
    std::map<std::string, int> layer;
  };
  struct Room {
    std::string id;
    bool sfu = false;
    std::uint64_t janusRoom = 0;  // 0 until Janus made it
    bool creating = false;
    std::map<std::string, Member> members;  // by client id: those that can take part
    std::set<std::string> warned;           // told they cannot take part
  };

  void janusUp();
  void janusDown(const std::string& why);
  void onJanusEvent(std::uint64_t handle, const Json& message);

  void toSfu(Room& room, const ChatRoom& chat);
  void toMesh(Room& room, const std::string& reason);
  void syncMembers(Room& room, const ChatRoom& chat);
  void addMember(Room& room, const ClientId& client);
  void dropMember(Room& room, Member& member);
  void joinAsPublisher(const std::string& roomId, const std::string& client);
  // The client's publish offers and candidates, in order: each offer waits for the one before.
  void fromClient_(Room& room, Member& member, const Message& message);
  void drainPublisher(Room& room, Member& member);
  void handlePublish(Room& room, Member& member, const Message& message);
  // Brings each member's subscription in line with who has published, one exchange at a time.
  void updateSubscriptions(Room& room);
  void updateSubscription(Room& room, Member& member);
  // After a refused subscription: tries again in a second.
  void retrySubscription(const std::string& roomId, const std::string& client, std::uint64_t serial);
  void subscriberOffer(Room& room, Member& member, const Json& data, const Json& jsep);
  // The subscription's streams, as Janus lists them in `data`.
  void readStreams(const Room& room, Member& member, const Json& data);
  void subscriberAnswer(Room& room, Member& member, const Message& message);
  void subscriberCandidate(Member& member, const Message& message);
  // The client's subscribe connection lost its way (ICE failed): Janus offers an ICE restart.
  void restartSubscription(Room& room, Member& member);
  // A client's "layer": Janus's configure of one subscribed video's substream.
  void chooseLayer(Room& room, Member& member, const Message& message);
  // Janus switches layers on the next keyframe it asks for, and a sender may ignore a request
  // that comes too soon after another: a switch that has not happened is asked for again.
  void configureLayer(const std::string& roomId, const std::string& client, std::uint64_t serial, std::string mid,
                      int attempt);
  void sendRoomMode(const Room& room, const Member& member);
  // Whose feed it is, by Janus's feed id.
  const Member* publisherOf(const Room& room, std::uint64_t feed) const;
  void warnUnable(Room& room, const ChatRoom& chat);
  Member* find(const std::string& roomId, const std::string& client, std::uint64_t serial);
  Room* findRoom(const std::string& roomId);

  net::io_context& ioc_;
  JanusClient janus_;
  std::size_t sfuFrom_;
  std::size_t maxRoomSize_;
  ChatManager* manager_ = nullptr;
  std::uint64_t control_ = 0;  // the handle that creates and destroys VideoRooms
  bool attachingControl_ = false;
  std::uint64_t nextSerial_ = 1;
  std::map<std::string, Room, std::less<>> rooms_;
  // Janus's handles and feeds, back to the member.
  std::map<std::uint64_t, std::pair<std::string, std::string>> handles_;  // handle → room, client
  std::string lostReason_;
};

}  // namespace orbit
