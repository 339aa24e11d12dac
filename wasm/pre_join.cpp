#include "pre_join.hpp"

#include "api.hpp"
#include "codec.hpp"
#include "lobby.hpp"
#include "payloads.hpp"

#include <utility>

namespace orbit {
namespace {

std::string tokenIn(const HttpReply& reply) {
  auto parsed = parseTokenReply(reply.body);
  return parsed ? std::move(parsed->token) : std::string();
}

}  // namespace

std::string_view toString(PreJoin::Access access) {
  switch (access) {
    case PreJoin::Access::Checking:
      return "checking";
    case PreJoin::Access::Open:
      return "open";
    case PreJoin::Access::Password:
      return "password";
    case PreJoin::Access::Unknown:
      return "unknown";
  }
  return "unknown";
}

PreJoin::PreJoin(HttpClient& http, std::string apiBase)
    : http_(http), apiBase_(std::move(apiBase)) {}

void PreJoin::open(RoomId room, std::string token, std::string joinAs, std::string password) {
  room_ = std::move(room);
  ++opened_;
  knownToken_ = std::move(token);
  password_ = std::move(password);
  renewing_ = false;
  error_.clear();
  busy_ = false;
  if (!knownToken_.empty()) {
    access_ = Access::Open;
    if (!joinAs.empty()) return admit(knownToken_, std::move(joinAs));
    return changed();
  }
  access_ = Access::Checking;
  busy_ = true;
  changed();
  http_.request("GET", roomApi(), std::nullopt,
                guarded([this, joinAs = std::move(joinAs)](Result<HttpReply> reply) {
                  handleCheck(std::move(reply), joinAs);
                }));
}

void PreJoin::handleCheck(Result<HttpReply> reply, const std::string& joinAs) {
  busy_ = false;
  access_ = Access::Unknown;
  if (reply && reply->status == 200) {
    if (auto status = parseRoomStatus(reply->body)) access_ = status->hasPassword ? Access::Password : Access::Open;
  }
  // Unknown still joins: the WebSocket may be taken, and says so if not.
  if (!joinAs.empty() && access_ != Access::Password) return admit({}, joinAs);
  changed();
}

void PreJoin::join(std::string name, std::string password) {
  if (busy_) return;
  // The server's own rule, so the page refuses exactly the names the server would.
  auto usable = normalizeUsername(name, "Your name");
  if (!usable) {
    error_ = usable.error().message + ".";
    return changed();
  }
  name = std::move(*usable);
  if (!knownToken_.empty()) return admit(knownToken_, std::move(name));
  // An open room takes a WebSocket without a token.
  if (access_ == Access::Open) return admit({}, std::move(name));
  const bool withPassword = access_ == Access::Password;
  if (withPassword && password.empty()) {
    error_ = "This room needs a password.";
    return changed();
  }
  if (!withPassword) password.clear();  // typed for a room that wants none
  busy_ = true;
  error_.clear();
  changed();
  // The body first: the lambda below takes the password, and arguments have no order.
  std::string body = dumpJson(toJson(JoinRequest{password}));
  http_.request("POST", roomApi() + "/join", std::move(body),
                guarded([this, name, password = std::move(password)](Result<HttpReply> reply) {
                  handleJoin(std::move(reply), name, password);
                }));
}

void PreJoin::handleJoin(Result<HttpReply> reply, const std::string& name, const std::string& password) {
  busy_ = false;
  const bool withPassword = !password.empty();
  if (!reply) {
    error_ = "Cannot reach the server: " + reply.error().message;
    return changed();
  }
  switch (reply->status) {
    case 200:
      password_ = password;
      return admit(tokenIn(*reply), name);
    case 401:
      if (withPassword) {
        error_ = "Wrong password: try again.";
      } else {
        // It was given a password since the check.
        access_ = Access::Password;
        error_ = "This room needs a password.";
      }
      return changed();
    case 404:
      return admit({}, name);
    default:
      if (access_ == Access::Unknown) return admit({}, name);
      error_ = "Cannot join: " + apiErrorText(*reply);
      return changed();
  }
}

bool PreJoin::renewToken(std::function<void(std::string token)> done) {
  if (password_.empty() || renewing_) return false;
  renewing_ = true;
  http_.request("POST", roomApi() + "/join", dumpJson(toJson(JoinRequest{password_})),
                guarded([this, done = std::move(done)](Result<HttpReply> reply) {
                  renewing_ = false;
                  // Anything else (the server is still down, or came back without the room)
                  // leaves the old token: the next loss of the connection asks again.
                  if (!reply || reply->status != 200) return;
                  if (std::string token = tokenIn(*reply); !token.empty()) done(std::move(token));
                }));
  return true;
}

void PreJoin::admit(std::string token, std::string name) {
  error_.clear();
  changed();
  if (onAdmit_) onAdmit_(std::move(token), std::move(name));
}

Json PreJoin::snapshot() const {
  return {{"room", room_.str()}, {"access", toString(access_)}, {"busy", busy_}, {"error", error_}};
}

void PreJoin::changed() {
  if (onChange_) onChange_();
}

}  // namespace orbit
