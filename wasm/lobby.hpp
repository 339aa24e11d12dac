#pragma once

#include "api.hpp"
#include "http_client.hpp"
#include "ids.hpp"
#include "liveness.hpp"
#include "message.hpp"
#include "scheduler.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// The page at / without its drawing: creates rooms (POST /api/rooms), keeps the list of
// public rooms fresh (GET /api/rooms every kRefreshInterval while shown) and turns a room's
// name into the room to go to. The view (ui/lobby_view) draws it; tests drive it with a fake
// HttpClient on a manual clock.
class Lobby {
 public:
  // How often the public list is fetched again while the lobby is shown, counted from the
  // previous answer so requests never pile up behind a slow server.
  static constexpr Scheduler::Millis kRefreshInterval{3000};

  struct CreateForm {
    std::string name;
    std::string password;  // empty: an open room
    bool isPublic = true;
    int guestLimit = 0;  // 0: no limit
  };

  // Where to go: a room, and a join token when the server handed one out (the creator of a
  // password room gets one, so they are not asked for the password they just chose) with
  // that password, which renews the token when a reconnect outlives it.
  using EnterRoom = std::function<void(RoomId room, std::string token, std::string password)>;

  // `apiBase` is prefixed to the API's paths: "" for the page's own origin, else
  // "http(s)://host".
  Lobby(HttpClient& http, Scheduler& scheduler, std::string apiBase);
  ~Lobby();
  Lobby(const Lobby&) = delete;
  Lobby& operator=(const Lobby&) = delete;

  // Called after anything the view shows has changed.
  void setOnChange(std::function<void()> onChange) { onChange_ = std::move(onChange); }
  void setOnEnterRoom(EnterRoom onEnter) { onEnter_ = std::move(onEnter); }

  // Fetches the public rooms now and keeps them fresh until hide(). Idempotent.
  void show();
  // Stops refreshing; an answer still in flight is ignored.
  void hide();
  bool shown() const { return shown_; }

  // Creates the room; on success, enters it. A refusal (409: the name is taken, 400: a field
  // is wrong) or a network failure becomes createError().
  void create(const CreateForm& form);
  bool creating() const { return creating_; }
  const std::string& createError() const { return createError_; }

  // Goes to the room whose id is the slug of `name`; an unusable name becomes joinError().
  void joinByName(std::string_view name);
  const std::string& joinError() const { return joinError_; }
  // Goes to a room from the public list.
  void join(const RoomId& room);

  const std::vector<PublicRoom>& rooms() const { return rooms_; }
  // True once the first list has arrived.
  bool listed() const { return listed_; }
  // Why the last refresh failed; empty after one succeeds.
  const std::string& listError() const { return listError_; }
  // Refreshes that got an answer (tests count cadence with it).
  unsigned refreshes() const { return refreshes_; }

  // {"rooms": [{"room_id","name","clients","guest_limit","has_password"}], "listed", "listError",
  //  "creating", "createError", "joinError"}
  Json snapshot() const;

 private:
  void refresh();
  void handleList(Result<HttpReply> reply);
  void handleCreate(const std::string& name, const std::string& password, Result<HttpReply> reply);
  void enter(RoomId room, std::string token = {}, std::string password = {});
  void changed();

  Liveness alive_;
  HttpClient& http_;
  Scheduler& scheduler_;
  std::string apiBase_;
  std::function<void()> onChange_;
  EnterRoom onEnter_;

  bool shown_ = false;
  // Bumped by hide() and show(), so an answer to an earlier showing is ignored.
  unsigned showing_ = 0;
  bool fetching_ = false;
  Scheduler::TimerId timer_ = 0;
  std::vector<PublicRoom> rooms_;
  bool listed_ = false;
  std::string listError_;
  unsigned refreshes_ = 0;

  bool creating_ = false;
  std::string createError_;
  std::string joinError_;
};

// The server's {"error": "..."} text from a failed API call, else a line naming the status.
std::string apiErrorText(const HttpReply& reply);

}  // namespace orbit
