#include "lobby.hpp"

#include "codec.hpp"
#include "slug.hpp"

#include <utility>

namespace orbit {
std::string apiErrorText(const HttpReply& reply) {
  auto refusal = parseErrorReply(reply.body);
  if (refusal && !refusal->error.empty()) return refusal->error;
  return "the server answered " + std::to_string(reply.status);
}

Lobby::Lobby(HttpClient& http, Scheduler& scheduler, std::string apiBase)
    : http_(http), scheduler_(scheduler), apiBase_(std::move(apiBase)) {}

Lobby::~Lobby() {
  hide();
}

void Lobby::show() {
  if (shown_) return;
  shown_ = true;
  ++showing_;
  fetching_ = false;
  refresh();
}

void Lobby::hide() {
  if (!shown_) return;
  shown_ = false;
  ++showing_;
  if (timer_ != 0) scheduler_.cancel(std::exchange(timer_, 0));
}

void Lobby::refresh() {
  timer_ = 0;
  if (!shown_ || fetching_) return;
  fetching_ = true;
  http_.request("GET", apiBase_ + "/api/rooms", std::nullopt,
                alive_.guard([this, showing = showing_](Result<HttpReply> reply) {
                  if (showing != showing_) return;
                  fetching_ = false;
                  handleList(std::move(reply));
                  if (shown_)
                    timer_ = scheduler_.after(kRefreshInterval, alive_.guard([this] { refresh(); }));
                }));
}

void Lobby::handleList(Result<HttpReply> reply) {
  ++refreshes_;
  std::string error;
  std::vector<PublicRoom> rooms;
  if (!reply) {
    error = "cannot list the rooms: " + reply.error().message;
  } else if (reply->status != 200) {
    error = "cannot list the rooms: " + apiErrorText(*reply);
  } else if (auto list = parsePublicRooms(reply->body); !list) {
    error = "cannot list the rooms: " + list.error().message;
  } else {
    rooms = std::move(*list);
  }
  // A failed refresh keeps the last good list on screen, with the reason beside it.
  if (error.empty()) {
    const bool same = listed_ && rooms == rooms_;
    const bool wasError = !listError_.empty();
    listError_.clear();
    rooms_ = std::move(rooms);
    listed_ = true;
    // Redraw only when something on screen changed: an idle lobby stays idle.
    if (!same || wasError) changed();
  } else if (error != listError_) {
    listError_ = std::move(error);
    changed();
  }
}

void Lobby::create(const CreateForm& form) {
  if (creating_) return;
  if (slugify(form.name).empty()) {
    createError_ = "Give the room a name with some letters or digits.";
    return changed();
  }
  if (form.guestLimit < 0) {
    createError_ = "The guest limit is a whole number from 0 (no limit) up.";
    return changed();
  }
  const CreateRoomRequest request{form.name, form.isPublic, static_cast<std::size_t>(form.guestLimit),
                                  form.password};
  creating_ = true;
  createError_.clear();
  changed();
  http_.request("POST", apiBase_ + "/api/rooms", dumpJson(toJson(request)),
                alive_.guard([this, name = form.name, password = form.password](Result<HttpReply> reply) {
                  handleCreate(name, password, std::move(reply));
                }));
}

void Lobby::handleCreate(const std::string& name, const std::string& password, Result<HttpReply> reply) {
  creating_ = false;
  if (!reply) {
    createError_ = "Cannot reach the server: " + reply.error().message;
    return changed();
  }
  if (reply->status == 201 || reply->status == 200) {
    auto created = parseCreateRoomReply(reply->body);
    if (!created) {
      createError_ = "The server created the room but did not say where it is: " + created.error().message;
      return changed();
    }
    std::string token = created->token.value_or("");
    return enter(std::move(created->roomId), token, token.empty() ? std::string() : password);
  }
  if (reply->status == 409) {
    createError_ =
        "A room called \"" + slugify(name) + "\" exists already: pick another name, or join it.";
  } else if (reply->status == 400) {
    createError_ = "The server refused the room: " + apiErrorText(*reply);
  } else {
    createError_ = "Could not create the room: " + apiErrorText(*reply);
  }
  changed();
}

void Lobby::joinByName(std::string_view name) {
  const std::string slug = slugify(name);
  if (slug.empty()) {
    joinError_ = "Type the room's name: some letters or digits.";
    return changed();
  }
  joinError_.clear();
  enter(RoomId(slug));
}

void Lobby::join(const RoomId& room) {
  if (isValidSlug(room.str())) enter(room);
}

void Lobby::enter(RoomId room, std::string token, std::string password) {
  if (onEnter_) onEnter_(std::move(room), std::move(token), std::move(password));
}

Json Lobby::snapshot() const {
  return {{"rooms", toJson(rooms_)},
          {"listed", listed_},
          {"listError", listError_},
          {"creating", creating_},
          {"createError", createError_},
          {"joinError", joinError_}};
}

void Lobby::changed() {
  if (onChange_) onChange_();
}

}  // namespace orbit
