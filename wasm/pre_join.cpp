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

// The server turns us away for now, not for good: a limit on connections or on password
// guesses (429), or it is full (503).
bool turnedAway(const HttpReply& reply) { return reply.status == 429 || reply.status == 503; }

// What a 429 or 503 says, as a sentence, with when to try again where the server said.
std::string turnedAwayText(const HttpReply& reply) {
  auto refusal = parseErrorReply(reply.body);
  std::string text = refusal && !refusal->error.empty() ? refusal->error : "the server is busy";
  if (refusal && refusal->retryAfter > 0 && text.find("try again") == std::string::npos) {
    text += "; try again in " + std::to_string(refusal->retryAfter) + " s";
  } else if (text.find("try again") == std::string::npos && text.find("first") == std::string::npos) {
    text += "; try again later";
  }
  if (text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text + ".";
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

PreJoin::PreJoin(HttpClient& http, Scheduler& scheduler, std::string apiBase)
    : http_(http), scheduler_(scheduler), apiBase_(std::move(apiBase)) {}

void PreJoin::open(RoomId room, std::string token, std::string joinAs, std::string password) {
  room_ = std::move(room);
  ++opened_;
  status_ = RoomStatus{room_};
  waiting_ = false;
  knownToken_ = std::move(token);
  password_.clear();
  offered_.clear();
  admitted_ = false;
  (knownToken_.empty() ? offered_ : password_) = std::move(password);
  renewing_ = false;
  clearError();
  busy_ = false;
  if (!knownToken_.empty()) {
    access_ = Access::Open;
    // Only for the room's name and how full it is: the token lets us in.
    http_.request("GET", roomApi(), std::nullopt, guarded([this](Result<HttpReply> reply) {
                    if (takeStatus(reply)) changed();
                  }));
    if (!joinAs.empty()) {
      if (auto usable = usableName(joinAs)) return admit(knownToken_, std::move(*usable));
    }
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

void PreJoin::handleCheck(Result<HttpReply> reply, const std::string& askedAs) {
  busy_ = false;
  // A name from the address the server would refuse stops here, with the reason, as a typed one would.
  std::string joinAs;
  if (!askedAs.empty()) {
    if (auto usable = usableName(askedAs)) joinAs = std::move(*usable);
  }
  access_ = Access::Unknown;
  if (takeStatus(reply)) access_ = status_.hasPassword ? Access::Password : Access::Open;
  if (reply && turnedAway(*reply)) {
    // Joining now would be refused too: the person reads why and tries again later.
    setError("refused", turnedAwayText(*reply));
    return changed();
  }
  if (full()) {
    sayFull();
    return changed();
  }
  // Unknown still joins: the WebSocket may be taken, and says so if not.
  if (!joinAs.empty() && access_ != Access::Password) return admit({}, joinAs);
  if (!joinAs.empty() && !offered_.empty()) return join(joinAs, std::exchange(offered_, {}));
  if (!reply) setError("unreachable", "Cannot reach the server: " + reply.error().message);
  changed();
}

bool PreJoin::takeStatus(const Result<HttpReply>& reply) {
  if (!reply || reply->status != 200) return false;
  auto status = parseRoomStatus(reply->body);
  if (!status || status->roomId != room_) return false;
  status_ = std::move(*status);
  return true;
}

void PreJoin::sayFull() {
  setError("room-full", "This room is full (" + std::to_string(status_.clients) + " of " +
                           std::to_string(status_.capacity) + " people). Wait for a place, or try again later.");
}

void PreJoin::join(std::string name, std::string password) {
  if (busy_) return;
  auto usable = usableName(name);
  if (!usable) return changed();
  name = std::move(*usable);
  if (full()) {
    sayFull();
    return changed();
  }
  if (!knownToken_.empty()) return admit(knownToken_, std::move(name));
  // An open room takes a WebSocket without a token.
  if (access_ == Access::Open) return admit({}, std::move(name));
  const bool withPassword = access_ == Access::Password;
  if (withPassword && password.empty()) {
    setError("password-required", "This room needs a password.");
    return changed();
  }
  if (!withPassword) password.clear();  // typed for a room that wants none
  busy_ = true;
  clearError();
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
    setError("unreachable", "Cannot reach the server: " + reply.error().message);
    return changed();
  }
  switch (reply->status) {
    case 200:
      password_ = password;
      return admit(tokenIn(*reply), name);
    case 401:
      if (withPassword) {
        setError("wrong-password", "Wrong password: try again.");
      } else {
        // It was given a password since the check.
        access_ = Access::Password;
        setError("password-required", "This room needs a password.");
      }
      return changed();
    case 404:
      return admit({}, name);
    case 429:
      setError("refused", turnedAwayText(*reply));
      return changed();
    default:
      if (access_ == Access::Unknown) return admit({}, name);
      setError("refused", "Cannot join: " + apiErrorText(*reply));
      return changed();
  }
}

std::optional<std::string> PreJoin::usableName(std::string_view name) {
  // The server's own rule, so the page refuses exactly the names the server would.
  auto usable = normalizeUsername(name, "Your name");
  nameRefused_ = !usable;
  if (!usable) {
    setError("bad-name", usable.error().message + ".");
    return std::nullopt;
  }
  return std::move(*usable);
}

void PreJoin::nameChanged(std::string_view name) {
  if (!nameRefused_ || !normalizeUsername(name, "Your name")) return;
  nameRefused_ = false;
  clearError();
  changed();
}

void PreJoin::waitForPlace(std::string name, std::string password) {
  auto usable = usableName(name);
  if (!usable) return changed();
  waitName_ = std::move(*usable);
  waitPassword_ = std::move(password);
  waiting_ = true;
  ++waits_;
  poll();
}

void PreJoin::stopWaiting() {
  if (!waiting_) return;
  waiting_ = false;
  ++waits_;
  changed();
}

void PreJoin::poll() {
  changed();
  http_.request("GET", roomApi(), std::nullopt, guarded([this, wait = waits_](Result<HttpReply> reply) {
                  if (!waiting_ || wait != waits_) return;
                  takeStatus(reply);
                  if (!full()) {
                    waiting_ = false;
                    // The room may have been given a password meanwhile: join() learns it.
                    if (status_.hasPassword) access_ = Access::Password;
                    return join(waitName_, waitPassword_);
                  }
                  sayFull();
                  changed();
                  scheduler_.after(kWaitPoll, guarded([this, wait] {
                    if (waiting_ && wait == waits_) poll();
                  }));
                }));
}

void PreJoin::recheck(std::function<void(bool told)> done) {
  http_.request("GET", roomApi(), std::nullopt,
                guarded([this, done = std::move(done)](Result<HttpReply> reply) {
                  if (reply && turnedAway(*reply)) {
                    setError("refused", turnedAwayText(*reply));
                    changed();
                    return done(true);
                  }
                  const bool known = takeStatus(reply);
                  if (known && full()) {
                    sayFull();
                    changed();
                  }
                  done(known && full());
                }));
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
  admitted_ = true;
  clearError();
  changed();
  if (onAdmit_) onAdmit_(std::move(token), std::move(name));
}

Json PreJoin::snapshot() const {
  return {{"room", room_.str()},         {"name", roomName()},          {"access", toString(access_)},
          {"busy", busy_},               {"error", error_}, {"errorCode", errorCode_},             {"full", full()},
          {"waiting", waiting_},         {"clients", status_.clients},  {"capacity", status_.capacity}};
}

void PreJoin::setError(std::string code, std::string text) {
  errorCode_ = std::move(code);
  error_ = std::move(text);
}

void PreJoin::clearError() {
  errorCode_.clear();
  error_.clear();
}

void PreJoin::changed() {
  if (onChange_) onChange_();
}

}  // namespace orbit
