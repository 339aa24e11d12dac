#include "redis_cluster.hpp"

#include "auth.hpp"
#include "codec.hpp"
#include "logger.hpp"
#include "slug.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace orbit {
namespace {

// ---- Keys (one Redis database per deployment; see docs/cluster.md) ----
const std::string kRoomsKey = "orbit:rooms";          // SET: ids of the rooms made through the API
const std::string kActiveKey = "orbit:active";        // SET: ids of the rooms with members
const std::string kOrderKey = "orbit:order";          // counter: join order across the cluster
const std::string kInstancesKey = "orbit:instances";  // SET: instances that registered
const std::string kSecretKey = "orbit:secret";        // the join-token secret
std::string roomKey(const std::string& id) { return "orbit:room:" + id; }        // HASH: settings
std::string membersKey(const std::string& id) { return "orbit:members:" + id; }  // HASH: client → member
std::string historyKey(const std::string& id) { return "orbit:history:" + id; }  // LIST: kept lines
std::string instanceKey(const std::string& id) { return "orbit:instance:" + id; }  // expires unless refreshed

// ---- Scripts: each change and the event that announces it, atomically ----

// Removes the members of the instances in `gone` (a set) from every room, and the instances.
const std::string kRemoveInstances = R"lua(
local function removeInstances(gone, channel)
  for _, room in ipairs(redis.call('SMEMBERS', 'orbit:active')) do
    local key = 'orbit:members:' .. room
    local all = redis.call('HGETALL', key)
    for j = 1, #all, 2 do
      local ok, m = pcall(cjson.decode, all[j + 1])
      if ok and type(m) == 'table' and gone[m.i] then redis.call('HDEL', key, all[j]) end
    end
    if redis.call('HLEN', key) == 0 then
      redis.call('SREM', 'orbit:active', room)
      if redis.call('EXISTS', 'orbit:room:' .. room) == 0 then redis.call('DEL', 'orbit:history:' .. room) end
    end
  end
  for iid in pairs(gone) do
    redis.call('SREM', 'orbit:instances', iid)
    redis.call('DEL', 'orbit:instance:' .. iid)
    redis.call('PUBLISH', channel, '{"e":"gone","i":"' .. iid .. '"}')
  end
end
)lua";

// KEYS: members, active, order. ARGV: client, capacity, room, the member's JSON after its order.
// Returns the seat's order, or -1: full. The seat counts toward the limit at once, but is no
// member until its client has joined (the seat member's "s" says so): announced earlier, it
// would draw offers that nobody is there to take.
const std::string kSeat = R"lua(
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local order = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], '{"o":' .. order .. ',' .. ARGV[4])
redis.call('SADD', KEYS[2], ARGV[3])
return order
)lua";

// KEYS: members, active. ARGV: client, member, room, channel, event.
const std::string kUpdate = R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
)lua";

// KEYS: members, active, room, history. ARGV: client, room, channel, event. An implicit room's
// history goes with its last member, as it does without Redis.
const std::string kLeave = R"lua(
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[2])
  if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('DEL', KEYS[4]) end
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
)lua";

// ARGV: instance, ttl in ms, channel, sync event, then (room, client, member) for each of its
// members. Puts them back (Redis may have restarted empty) and drops what Redis still holds of
// the instance that it no longer has (clients that left while it was cut off).
const std::string kRegister = R"lua(
redis.call('SET', 'orbit:instance:' .. ARGV[1], '1', 'PX', ARGV[2])
redis.call('SADD', 'orbit:instances', ARGV[1])
local mine = {}
for i = 5, #ARGV, 3 do
  redis.call('HSET', 'orbit:members:' .. ARGV[i], ARGV[i + 1], ARGV[i + 2])
  redis.call('SADD', 'orbit:active', ARGV[i])
  mine[ARGV[i] .. ' ' .. ARGV[i + 1]] = true
end
for _, room in ipairs(redis.call('SMEMBERS', 'orbit:active')) do
  local key = 'orbit:members:' .. room
  local all = redis.call('HGETALL', key)
  for j = 1, #all, 2 do
    local ok, m = pcall(cjson.decode, all[j + 1])
    if ok and type(m) == 'table' and m.i == ARGV[1] and not mine[room .. ' ' .. all[j]] then
      redis.call('HDEL', key, all[j])
    end
  end
  if redis.call('HLEN', key) == 0 then redis.call('SREM', 'orbit:active', room) end
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
)lua";

// KEYS: the instance's key. ARGV: ttl in ms. 0 when the key had gone (expired, or Redis restarted).
const std::string kHeartbeat = R"lua(
if redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'XX') then return 1 end
return 0
)lua";

// ARGV: channel. Removes every instance whose key expired; returns the instances left.
const std::string kSweep = kRemoveInstances + R"lua(
local gone, any = {}, false
for _, iid in ipairs(redis.call('SMEMBERS', 'orbit:instances')) do
  if redis.call('EXISTS', 'orbit:instance:' .. iid) == 0 then gone[iid] = true; any = true end
end
if any then removeInstances(gone, ARGV[1]) end
return redis.call('SMEMBERS', 'orbit:instances')
)lua";

// ARGV: channel, instance. A clean stop.
const std::string kLeaveCluster = kRemoveInstances + R"lua(
removeInstances({[ARGV[2]] = true}, ARGV[1])
)lua";

// Returns {rooms: {id, {field, value, ...}, ...}, live instances, members: {room, client, member, ...}}.
const std::string kSnapshot = R"lua(
local rooms = {}
for _, id in ipairs(redis.call('SMEMBERS', 'orbit:rooms')) do
  table.insert(rooms, id)
  table.insert(rooms, redis.call('HGETALL', 'orbit:room:' .. id))
end
local live = {}
for _, iid in ipairs(redis.call('SMEMBERS', 'orbit:instances')) do
  if redis.call('EXISTS', 'orbit:instance:' .. iid) == 1 then table.insert(live, iid) end
end
local members = {}
for _, room in ipairs(redis.call('SMEMBERS', 'orbit:active')) do
  local all = redis.call('HGETALL', 'orbit:members:' .. room)
  for j = 1, #all, 2 do
    table.insert(members, room)
    table.insert(members, all[j])
    table.insert(members, all[j + 1])
  end
end
return {rooms, live, members}
)lua";

// KEYS: room, rooms. ARGV: id, channel, event, then field, value, ... Returns 0: the id is taken.
const std::string kCreate = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
)lua";

// KEYS: room, members, rooms, history. ARGV: id, now, idle timeout, channel, event.
const std::string kCloseIfIdle = R"lua(
if redis.call('HLEN', KEYS[2]) > 0 then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'last_used') or '0') or 0
if tonumber(ARGV[2]) - last < tonumber(ARGV[3]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
)lua";

// KEYS: room. ARGV: now.
const std::string kTouch = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'last_used', ARGV[1]) end
)lua";

std::string sha1Hex(const std::string& text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string out;
  char hex[3];
  for (unsigned char b : digest) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    out += hex;
  }
  return out;
}

Json indicatorsJson(const MediaIndicators& m) {
  Json out = Json::object();
  if (m.muted) out["muted"] = *m.muted;
  if (m.cameraOff) out["camera_off"] = *m.cameraOff;
  if (m.sharingScreen) out["sharing_screen"] = *m.sharingScreen;
  return out;
}

std::optional<RemoteMember> parseMember(const std::string& client, std::string_view text) {
  auto json = parseJson(text);
  if (!json || !json->is_object() || !isClientId(client)) return std::nullopt;
  const Json& m = *json;
  RemoteMember out;
  out.id = ClientId(client);
  if (!m.contains("i") || !m["i"].is_string() || !m.contains("o") || !m["o"].is_number_unsigned()) return std::nullopt;
  if (m.contains("s")) return std::nullopt;  // a seat whose client has not joined yet
  out.instance = m["i"].get<std::string>();
  out.order = m["o"].get<std::uint64_t>();
  if (m.contains("v") && m["v"].is_number_unsigned()) out.version = m["v"].get<std::uint64_t>();
  if (m.contains("n") && m["n"].is_string()) out.name = m["n"].get<std::string>();
  if (m.contains("x") && m["x"].is_object()) {
    const Json& x = m["x"];
    if (x.contains("muted") && x["muted"].is_boolean()) out.indicators.muted = x["muted"].get<bool>();
    if (x.contains("camera_off") && x["camera_off"].is_boolean()) out.indicators.cameraOff = x["camera_off"].get<bool>();
    if (x.contains("sharing_screen") && x["sharing_screen"].is_boolean()) {
      out.indicators.sharingScreen = x["sharing_screen"].get<bool>();
    }
  }
  return out;
}

// The fields of a room's hash.
std::vector<std::string> roomFields(const RoomSettings& s, std::int64_t created, std::int64_t lastUsed) {
  std::vector<std::string> out{"name", s.name, "public", s.isPublic ? "1" : "0", "guest_limit",
                               std::to_string(s.guestLimit), "created", std::to_string(created), "last_used",
                               std::to_string(lastUsed)};
  if (s.passwordHash) {
    out.push_back("password_hash");
    out.push_back(*s.passwordHash);
  }
  return out;
}

Json settingsJson(const RoomSettings& s, std::int64_t lastUsed) {
  Json out{{"name", s.name}, {"public", s.isPublic}, {"guest_limit", s.guestLimit}, {"last_used", lastUsed}};
  if (s.passwordHash) out["password_hash"] = *s.passwordHash;
  return out;
}

std::optional<RoomSettings> parseSettings(const Json& j, std::int64_t& lastUsed) {
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) return std::nullopt;
  RoomSettings s;
  s.name = j["name"].get<std::string>();
  s.isPublic = j.value("public", false);
  s.guestLimit = j.value("guest_limit", std::size_t{0});
  if (j.contains("password_hash") && j["password_hash"].is_string()) s.passwordHash = j["password_hash"].get<std::string>();
  lastUsed = j.value("last_used", std::int64_t{0});
  s.explicitlyCreated = true;
  return s;
}

long long toNumber(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

RedisCluster::RedisCluster(net::io_context& ioc, RedisAddress address, std::chrono::milliseconds instanceTtl)
    : ioc_(ioc),
      address_(std::move(address)),
      instance_(randomHexId()),
      eventsChannel_("orbit:" + std::to_string(address_.db) + ":events"),
      ownChannel_("orbit:" + std::to_string(address_.db) + ":to:" + instance_),
      ttl_(instanceTtl),
      heartbeat_(ioc) {
  auto down = [this](const std::string& why) {
    if (!manager_) {
      if (!startError_) startError_ = why;
      return;
    }
    if (!outage_) {
      outage_ = true;
      outageSince_ = std::chrono::steady_clock::now();
      log(LogLevel::Warn, "redis ", address_.text(), ": ", why,
          "; this instance serves its own clients alone while it reconnects");
    }
  };
  commands_ = std::make_unique<RedisConnection>(
      ioc_, address_,
      RedisConnection::Events{[this] {
                                loadScripts();
                                upSince_ = std::chrono::steady_clock::now();
                                resyncPending_ = true;
                                maybeResync();
                              },
                              down, {}, {}});
  subscriber_ = std::make_unique<RedisConnection>(
      ioc_, address_,
      RedisConnection::Events{[this] { subscribed_ = 0; },
                              [this, down](const std::string& why) {
                                subscribed_ = 0;
                                down(why);
                              },
                              [this](std::string_view) {
                                // Both channels again: what was published meanwhile was missed.
                                if (++subscribed_ == 2) {
                                  resyncPending_ = true;
                                  maybeResync();
                                }
                              },
                              [this](std::string_view channel, std::string_view payload) {
                                if (channel == eventsChannel_) {
                                  onEvent(payload);
                                } else {
                                  onDelivery(payload);
                                }
                              }});
  seat_.source = kSeat;
  update_.source = kUpdate;
  leave_.source = kLeave;
  register_.source = kRegister;
  heartbeatScript_.source = kHeartbeat;
  sweep_.source = kSweep;
  leaveCluster_.source = kLeaveCluster;
  snapshot_.source = kSnapshot;
  create_.source = kCreate;
  closeIfIdle_.source = kCloseIfIdle;
  touch_.source = kTouch;
  for (Script* s : scripts()) s->sha = sha1Hex(s->source);
  subscriber_->subscribe(eventsChannel_);
  subscriber_->subscribe(ownChannel_);
  commands_->start();
  subscriber_->start();
  runUntil([this] { return commands_->up() && subscribed_ == 2; }, "connecting");

  // One secret for every instance: a token from one is honoured by all.
  bool haveSecret = false;
  commands_->command({"SET", kSecretKey, randomSecret(32), "NX"});
  commands_->command({"GET", kSecretKey}, [this, &haveSecret](const RedisReply& r) {
    if (r.type == RedisReply::Type::String && !r.text.empty()) {
      tokenSecret_ = r.text;
    } else {
      startError_ = r.isError() ? r.text : "no token secret in Redis";
    }
    haveSecret = true;
  });
  runUntil([&] { return haveSecret; }, "reading the token secret");
}

RedisCluster::~RedisCluster() { stopping_ = true; }

void RedisCluster::runUntil(const std::function<bool()>& done, const std::string& waitingFor) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (startError_) throw std::runtime_error("cannot use Redis at " + address_.text() + ": " + *startError_);
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("Redis at " + address_.text() + " did not answer within 5 s (" + waitingFor + ")");
    }
    if (ioc_.stopped()) ioc_.restart();
    ioc_.run_one_for(std::chrono::milliseconds(100));
  }
  if (ioc_.stopped()) ioc_.restart();
}

void RedisCluster::attach(ChatManager& manager) {
  manager_ = &manager;
  maybeResync();
  runUntil([this] { return synced_; }, "reading the rooms");
  log(LogLevel::Info, "cluster: instance ", instance_, " on ", address_.text(), ", ", manager.roomCount(), " rooms");
  heartbeat();
}

std::vector<RedisCluster::Script*> RedisCluster::scripts() {
  return {&seat_, &update_, &leave_, &register_, &heartbeatScript_, &sweep_, &leaveCluster_, &snapshot_,
          &create_, &closeIfIdle_, &touch_};
}

void RedisCluster::loadScripts() {
  for (Script* s : scripts()) commands_->command({"SCRIPT", "LOAD", s->source});
}

void RedisCluster::eval(Script& script, std::vector<std::string> keys, std::vector<std::string> args,
                        RedisConnection::Callback done) {
  std::vector<std::string> command{"EVALSHA", script.sha, std::to_string(keys.size())};
  command.insert(command.end(), std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end()));
  command.insert(command.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  commands_->command(command, [this, command, s = &script, done = std::move(done)](const RedisReply& r) {
    // Scripts are loaded on every connection; should Redis have flushed them, send the text.
    if (r.isError() && r.text.rfind("NOSCRIPT", 0) == 0 && !stopping_) {
      std::vector<std::string> again = command;
      again[0] = "EVAL";
      again[1] = s->source;
      commands_->command(again, done);
      return;
    }
    if (r.isError() && r.text != "Redis is unreachable") log(LogLevel::Warn, "redis: ", r.text);
    if (done) done(r);
  });
}

bool RedisCluster::reachable() const { return !outage_ && commands_->up(); }

void RedisCluster::maybeResync() {
  if (!manager_ || !commands_->up() || subscribed_ < 2 || !resyncPending_) return;
  resyncPending_ = false;
  if (outage_) {
    outage_ = false;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - outageSince_).count();
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", seconds);
    log(LogLevel::Info, "redis ", address_.text(), ": connected again after ", text,
        " s; publishing this instance's members again");
  }
  resync();
}

void RedisCluster::resync() {
  if (leaving_) return;
  const std::int64_t unixNow = manager_->unixNow();
  // A Redis that restarted empty has lost the shared token secret too: tokens every instance
  // issued must stay valid on instances started from now on.
  commands_->command({"SET", kSecretKey, tokenSecret_, "NX"});
  // Rooms and members as this instance knows them: a Redis that restarted empty gets them back.
  std::vector<std::string> registration{instance_, std::to_string(ttl_.count()), eventsChannel_, ""};
  Json sync{{"e", "sync"}, {"i", instance_}, {"rooms", Json::object()}};
  for (const auto& [id, room] : manager_->rooms()) {
    const RoomSettings& s = room->settings();
    if (s.explicitlyCreated) {
      std::vector<std::string> args{id, eventsChannel_,
                                    dumpJson({{"e", "room"}, {"i", instance_}, {"r", id}, {"s", settingsJson(s, unixNow)}})};
      auto fields = roomFields(s, unixNow, unixNow);
      args.insert(args.end(), fields.begin(), fields.end());
      eval(create_, {roomKey(id), kRoomsKey}, std::move(args));
    }
    for (const auto& client : room->clients()) {
      const std::string member = memberJson(*client);
      registration.push_back(id);
      registration.push_back(client->id().str());
      registration.push_back(member);
      sync["rooms"][id][client->id().str()] = *parseJson(member);
    }
  }
  registration[3] = dumpJson(sync);
  eval(register_, {}, std::move(registration));
  eval(snapshot_, {}, {}, [this](const RedisReply& r) {
    if (!r.isError()) applySnapshot(r);
    synced_ = true;
  });
}

void RedisCluster::applySnapshot(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::Array || reply.elements.size() != 3) return;
  const auto now = Clock::now();
  const std::int64_t unixNow = manager_->unixNow();
  const RedisReply& rooms = reply.elements[0];
  std::set<std::string> stored;
  for (std::size_t i = 0; i + 1 < rooms.elements.size(); i += 2) {
    const std::string& id = rooms.elements[i].text;
    const RedisReply& hash = rooms.elements[i + 1];
    Json fields = Json::object();
    for (std::size_t f = 0; f + 1 < hash.elements.size(); f += 2) fields[hash.elements[f].text] = hash.elements[f + 1].text;
    if (!fields.contains("name")) continue;
    RoomSettings s;
    s.name = fields["name"].get<std::string>();
    s.isPublic = fields.value("public", "0") == "1";
    s.guestLimit = static_cast<std::size_t>(std::max<long long>(0, toNumber(fields.value("guest_limit", "0"))));
    if (fields.contains("password_hash")) s.passwordHash = fields["password_hash"].get<std::string>();
    const auto lastUsed = toNumber(fields.value("last_used", "0"));
    const auto idle = std::chrono::seconds(std::max<std::int64_t>(0, unixNow - lastUsed));
    stored.insert(id);
    manager_->remoteRoom(RoomId(id), std::move(s), now - idle);
  }
  // Rooms closed while this instance was cut off.
  std::vector<std::string> closed;
  for (const auto& [id, room] : manager_->rooms()) {
    if (room->settings().explicitlyCreated && !stored.count(id)) closed.push_back(id);
  }
  for (const std::string& id : closed) manager_->remoteRoomClosed(id);

  // Each live instance's members, as Redis has them now. Instances that are not live are
  // left to the sweep: after a Redis restart they may simply not have registered again yet.
  std::map<std::string, std::map<std::string, std::vector<RemoteMember>>> byInstance;
  for (const RedisReply& live : reply.elements[1].elements) {
    if (live.text != instance_) byInstance[live.text];
  }
  const RedisReply& members = reply.elements[2];
  for (std::size_t i = 0; i + 2 < members.elements.size(); i += 3) {
    auto member = parseMember(members.elements[i + 1].text, members.elements[i + 2].text);
    if (!member) continue;
    auto it = byInstance.find(member->instance);
    if (it == byInstance.end()) continue;
    it->second[members.elements[i].text].push_back(std::move(*member));
  }
  for (const auto& [instance, roomsOf] : byInstance) manager_->remoteInstance(instance, roomsOf, now);
}

void RedisCluster::onEvent(std::string_view payload) {
  if (!manager_) return;
  auto parsed = parseJson(payload);
  if (!parsed || !parsed->is_object()) return;
  const Json& e = *parsed;
  const std::string kind = e.value("e", "");
  const std::string instance = e.value("i", "");
  const std::string room = e.value("r", "");
  const auto now = Clock::now();
  if (kind == "member" && e.contains("m") && e["m"].is_object()) {
    auto member = parseMember(e.value("c", ""), dumpJson(e["m"]));
    if (member && member->instance != instance_) manager_->remoteMember(room, std::move(*member), now);
  } else if (kind == "leave" && instance != instance_ && isClientId(e.value("c", ""))) {
    manager_->remoteLeft(room, ClientId(e.value("c", "")), now);
  } else if (kind == "sync" && instance != instance_ && e.contains("rooms") && e["rooms"].is_object()) {
    std::map<std::string, std::vector<RemoteMember>> rooms;
    for (const auto& [id, clients] : e["rooms"].items()) {
      if (!clients.is_object()) continue;
      for (const auto& [client, m] : clients.items()) {
        if (auto member = parseMember(client, dumpJson(m)); member && member->instance == instance) {
          rooms[id].push_back(std::move(*member));
        }
      }
    }
    manager_->remoteInstance(instance, rooms, now);
  } else if (kind == "gone") {
    if (instance == instance_ && leaving_) return;  // its own leaving, heard back
    if (instance == instance_) {
      // Taken for dead (its key expired: a stall, or Redis lost it): it is not, so say so.
      log(LogLevel::Warn, "cluster: this instance was taken for gone; registering again");
      resync();
    } else {
      manager_->remoteInstance(instance, {}, now);
    }
  } else if (kind == "room" && instance != instance_ && e.contains("s")) {
    std::int64_t lastUsed = 0;
    if (auto settings = parseSettings(e["s"], lastUsed)) {
      const auto idle = std::chrono::seconds(std::max<std::int64_t>(0, manager_->unixNow() - lastUsed));
      manager_->remoteRoom(RoomId(room), std::move(*settings), now - idle);
    }
  } else if (kind == "closed") {
    manager_->remoteRoomClosed(room);
  }
}

void RedisCluster::onDelivery(std::string_view payload) {
  if (!manager_) return;
  // "<room>\n<receiver>\n<frame>"
  const auto a = payload.find('\n');
  const auto b = a == std::string_view::npos ? a : payload.find('\n', a + 1);
  if (b == std::string_view::npos) return;
  manager_->remoteFrame(payload.substr(0, a), payload.substr(a + 1, b - a - 1),
                        std::make_shared<const std::string>(payload.substr(b + 1)));
}

void RedisCluster::heartbeat() {
  heartbeat_.expires_after(ttl_ / 3);
  heartbeat_.async_wait([this](beast::error_code ec) {
    if (ec || stopping_ || leaving_) return;
    heartbeat();
    if (!commands_->up()) return;
    eval(heartbeatScript_, {instanceKey(instance_)}, {std::to_string(ttl_.count())}, [this](const RedisReply& r) {
      if (r.type == RedisReply::Type::Integer && r.integer == 0 && !resyncPending_) {
        log(LogLevel::Warn, "cluster: this instance's key had expired; registering again");
        resync();
      }
    });
    // After a reconnection, give the others one ttl to register again before judging them.
    if (std::chrono::steady_clock::now() - upSince_ < ttl_) return;
    eval(sweep_, {}, {eventsChannel_}, [this](const RedisReply& r) {
      if (r.type != RedisReply::Type::Array || !manager_) return;
      std::set<std::string> registered;
      for (const RedisReply& e : r.elements) registered.insert(e.text);
      std::set<std::string> known;
      for (const auto& [id, room] : manager_->rooms()) {
        for (const auto& [client, m] : room->remote()) known.insert(m.instance);
      }
      // Instances gone while this one was cut off, whose "gone" it never heard.
      for (const std::string& instance : known) {
        if (!registered.count(instance)) manager_->remoteInstance(instance, {}, Clock::now());
      }
    });
  });
}

std::string RedisCluster::memberJson(const ChatClient& client) const {
  return dumpJson({{"o", client.order()},
                   {"i", instance_},
                   {"v", client.version()},
                   {"n", client.name()},
                   {"x", indicatorsJson(client.indicators())}});
}

void RedisCluster::seat(const std::string& room, std::size_t capacity, std::function<void(SeatOutcome)> done) {
  if (!commands_->up() || leaving_) {
    net::post(ioc_, [done = std::move(done)] { done({}); });
    return;
  }
  ClientId id(randomHexId());
  // The member's JSON without its order, which the script puts first.
  const std::string rest = dumpJson({{"i", instance_}, {"s", 1}, {"v", 0}, {"n", ""}, {"x", Json::object()}}).substr(1);
  eval(seat_, {membersKey(room), kActiveKey, kOrderKey}, {id.str(), std::to_string(capacity), room, rest},
       [id, capacity, done = std::move(done)](const RedisReply& r) {
         if (r.type != RedisReply::Type::Integer) return done({});
         if (r.integer < 0) {
           return done({std::nullopt, Refusal{403, "the room is full (" + std::to_string(capacity) + " participants)"}});
         }
         done({Seat{id, static_cast<std::uint64_t>(r.integer)}, std::nullopt});
       });
}

void RedisCluster::create(const std::string& id, const RoomSettings& settings, std::int64_t unixNow,
                          std::function<void(std::optional<Refusal>)> done) {
  std::vector<std::string> args{
      id, eventsChannel_, dumpJson({{"e", "room"}, {"i", instance_}, {"r", id}, {"s", settingsJson(settings, unixNow)}})};
  auto fields = roomFields(settings, unixNow, unixNow);
  args.insert(args.end(), fields.begin(), fields.end());
  eval(create_, {roomKey(id), kRoomsKey}, std::move(args), [id, done = std::move(done)](const RedisReply& r) {
    if (r.type != RedisReply::Type::Integer) {
      return done(Refusal{500, "the room could not be stored: " + (r.isError() ? r.text : "Redis answered oddly")});
    }
    if (r.integer == 0) return done(Refusal{409, "a room called \"" + id + "\" already exists"});
    done(std::nullopt);
  });
}

void RedisCluster::leaveCluster(std::function<void()> done) {
  // From now on nothing puts this instance or its clients back: not its heartbeat, not its
  // own "gone" heard back, not a late profile change or seat.
  leaving_ = true;
  heartbeat_.cancel();
  if (!commands_->up()) return done();
  eval(leaveCluster_, {}, {eventsChannel_, instance_}, [done = std::move(done)](const RedisReply&) { done(); });
}

void RedisCluster::updated(const RoomId& room, const ChatClient& client) {
  if (leaving_) return;
  const std::string member = memberJson(client);
  const std::string event =
      R"({"e":"member","r":)" + dumpJson(Json(room.str())) + R"(,"c":")" + client.id().str() + R"(","m":)" + member + "}";
  eval(update_, {membersKey(room.str()), kActiveKey}, {client.id().str(), member, room.str(), eventsChannel_, event});
}

void RedisCluster::left(const RoomId& room, const ClientId& client) {
  const std::string event =
      dumpJson({{"e", "leave"}, {"i", instance_}, {"r", room.str()}, {"c", client.str()}});
  eval(leave_, {membersKey(room.str()), kActiveKey, roomKey(room.str()), historyKey(room.str())},
       {client.str(), room.str(), eventsChannel_, event});
}

void RedisCluster::relay(const RoomId& room, const std::string& receiver, const SharedFrame& frame) {
  const ChatRoom* r = manager_ ? manager_->room(room.str()) : nullptr;
  if (!r) return;
  std::set<std::string> instances;
  if (receiver == kRoom) {
    for (const auto& [id, m] : r->remote()) instances.insert(m.instance);
  } else if (auto it = r->remote().find(ClientId(receiver)); it != r->remote().end()) {
    instances.insert(it->second.instance);
  }
  if (instances.empty()) return;
  std::string payload;
  payload.reserve(room.str().size() + receiver.size() + frame->size() + 2);
  payload.append(room.str()).append(1, '\n').append(receiver).append(1, '\n').append(*frame);
  const std::string prefix = "orbit:" + std::to_string(address_.db) + ":to:";
  for (const std::string& instance : instances) commands_->command({"PUBLISH", prefix + instance, payload});
}

void RedisCluster::keep(const RoomId& room, std::string line, std::size_t keep) {
  const std::string key = historyKey(room.str());
  commands_->command({"RPUSH", key, std::move(line)});
  commands_->command({"LTRIM", key, "-" + std::to_string(keep), "-1"});
}

void RedisCluster::history(const RoomId& room, std::function<void(std::vector<std::string>)> done) {
  commands_->command({"LRANGE", historyKey(room.str()), "0", "-1"}, [done = std::move(done)](const RedisReply& r) {
    std::vector<std::string> lines;
    for (const RedisReply& e : r.elements) lines.push_back(e.text);
    done(std::move(lines));
  });
}

void RedisCluster::emptied(const RoomId& room, std::int64_t unixTime) {
  eval(touch_, {roomKey(room.str())}, {std::to_string(unixTime)});
}

void RedisCluster::closeIfIdle(const RoomId& room, std::int64_t idleTimeoutSeconds) {
  const std::string id = room.str();
  eval(closeIfIdle_, {roomKey(id), membersKey(id), kRoomsKey, historyKey(id)},
       {id, std::to_string(manager_->unixNow()), std::to_string(idleTimeoutSeconds), eventsChannel_,
        dumpJson({{"e", "closed"}, {"i", instance_}, {"r", id}})});
}

}  // namespace orbit
