#pragma once

#include "api.hpp"
#include "http_client.hpp"
#include "ids.hpp"
#include "liveness.hpp"
#include "message.hpp"
#include "scheduler.hpp"
#include "slug.hpp"
#include "url.hpp"

#include <functional>
#include <memory>
#include <string>

namespace orbit {

// The screen before a room without its drawing: finds out whether the room wants a password
// and trades the password for a join token (POST /api/rooms/<id>/join).
//
// The room is looked up with GET /api/rooms/<id>, which always answers 200 on an Orbit
// server (browsers log every 4xx answer as a console error, so a fresh room must not cost
// one) and covers private rooms too. A server without that route leaves the room Unknown:
// Join then asks the join endpoint, which answers 200 with a token for an open room, 401 for
// a protected one and 404 for one that does not exist yet (the WebSocket creates it).
//
// A full room is said to be full, never let in to fail: Join refuses, and waitForPlace()
// asks again every kWaitPoll until a place is free, then joins.
class PreJoin {
 public:
  enum class Access {
    Checking,  // the look-up is on its way
    Open,      // no password wanted (or the room does not exist yet)
    Password,  // the room wants a password
    Unknown,   // the look-up failed: Join asks the join endpoint
  };

  // Called with the token to join with ("" for none) and the name to join under.
  using Admit = std::function<void(std::string token, std::string name)>;

  // How often a person waiting for a place in a full room asks whether one is free.
  static constexpr Scheduler::Millis kWaitPoll{2000};

  PreJoin(HttpClient& http, Scheduler& scheduler, std::string apiBase);
  ~PreJoin() = default;
  PreJoin(const PreJoin&) = delete;
  PreJoin& operator=(const PreJoin&) = delete;

  void setOnChange(std::function<void()> onChange) { onChange_ = std::move(onChange); }
  void setOnAdmit(Admit onAdmit) { onAdmit_ = std::move(onAdmit); }

  // Starts on `room`. `token`, when the lobby already has one (the creator of a password
  // room), spares the check, and `password`, the one that creator chose, is kept for
  // renewToken(), or, without a token, is tried if the room turns out to want one. With
  // `joinAs` set (?name= in the URL) the room is joined at once unless it wants a password
  // that was not given.
  void open(RoomId room, std::string token = {}, std::string joinAs = {}, std::string password = {});

  // Asks for a token, with `password` when the room wants one, and admits on success. A name
  // the server would refuse (normalizeUsername: blank, over 64 characters, control
  // characters, broken UTF-8) becomes error() with the reason, and so do a missing or wrong
  // password and a network failure.
  void join(std::string name, std::string password = {});
  // The name field changed (Drafts::name, in the canvas or in the page's copy of the field):
  // an error about the name goes once the name would do.
  void nameChanged(std::string_view name);

  // The room is full: asks again every kWaitPoll and joins (as join() would) once a place is
  // free. stopWaiting() gives up.
  void waitForPlace(std::string name, std::string password = {});
  void stopWaiting();

  // Asks the server again how the room stands (a WebSocket was refused, and a browser is not
  // told why): `done(true)` when the room is full, or the server turns this address away for
  // now (a connection limit: 429, or a full server: 503, with when to try again), which
  // error() then says.
  void recheck(std::function<void(bool told)> done);

  // Trades the password that got us in for a fresh token, for a reconnect after the first
  // token expired (the server's --token-ttl, 10 minutes by default). False, and nothing is
  // asked, when no password got us in or a renewal is already on its way; `done` is called
  // only on success.
  bool renewToken(std::function<void(std::string token)> done);

  const RoomId& room() const { return room_; }
  // The password that got us in ("" for none), for a rejoin.
  const std::string& password() const { return password_; }
  Access access() const { return access_; }
  bool needsPassword() const { return access_ == Access::Password; }
  // The screen waits for someone to type the room's password: it wants one, none is on its
  // way, and nobody was let in.
  bool asksPassword() const { return needsPassword() && knownToken_.empty() && !busy_ && !admitted_; }
  // As the server last told: full, and how many are in it out of how many it takes.
  bool full() const { return status_.full(); }
  const RoomStatus& status() const { return status_; }
  bool waiting() const { return waiting_; }
  // The room's display name, else its id.
  std::string roomName() const { return status_.name.empty() ? room_.str() : status_.name; }
  // A request is in flight: the view disables Join.
  bool busy() const { return busy_; }
  const std::string& error() const { return error_; }
  // What error() is about, for a program: "room-full", "password-required", "wrong-password",
  // "bad-name", "unreachable" or "refused" (the server would not let us in for another
  // reason, such as too many connections or wrong passwords from this address, with when to
  // try again in error()); "" without an error.
  const std::string& errorCode() const { return errorCode_; }

  // {"room","name","access","busy","error","errorCode","full","waiting","clients","capacity"}
  Json snapshot() const;

 private:
  void handleCheck(Result<HttpReply> reply, const std::string& askedAs);
  void handleJoin(Result<HttpReply> reply, const std::string& name, const std::string& password);
  // Keeps what a GET /api/rooms/<id> answer says; false when it said nothing usable.
  bool takeStatus(const Result<HttpReply>& reply);
  void poll();
  void sayFull();
  void setError(std::string code, std::string text);
  void clearError();
  // `name` as the server would keep it; nothing, and error() says why, when it would refuse it.
  std::optional<std::string> usableName(std::string_view name);
  void admit(std::string token, std::string name);
  void changed();
  // The room's own API route, /api/rooms/<id>.
  std::string roomApi() const { return apiBase_ + "/api/rooms/" + percentEncode(room_.str()); }

  // Also drops answers about a room the screen has left since.
  template <class F>
  auto guarded(F f) {
    return alive_.guard([opened = opened_, this, f = std::move(f)](auto&&... args) mutable {
      if (opened == opened_) f(std::forward<decltype(args)>(args)...);
    });
  }

  Liveness alive_;
  HttpClient& http_;
  Scheduler& scheduler_;
  std::string apiBase_;
  std::function<void()> onChange_;
  Admit onAdmit_;

  RoomId room_;
  unsigned opened_ = 0;  // bumped by open(): answers about an earlier room are ignored
  std::string knownToken_;
  std::string password_;  // the one that got us in
  std::string offered_;   // given before we knew whether the room wants one
  bool admitted_ = false;  // since open()
  bool renewing_ = false;
  Access access_ = Access::Checking;
  bool busy_ = false;
  std::string error_;
  std::string errorCode_;
  bool nameRefused_ = false;  // error_ is about the name
  RoomStatus status_;
  bool waiting_ = false;
  unsigned waits_ = 0;  // bumped by stopWaiting(): a poll of an earlier wait is dropped
  std::string waitName_;
  std::string waitPassword_;
};

std::string_view toString(PreJoin::Access access);

}  // namespace orbit
