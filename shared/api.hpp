#pragma once

#include "ids.hpp"
#include "message.hpp"
#include "result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// The bodies of the HTTP API beside the WebSocket (docs/protocol.md, "HTTP API"), defined
// once for the server that writes them and the client that reads them. Each parse function
// takes the body's text, never throws, checks every field's JSON type, and ignores fields it
// does not know; toJson writes exactly the fields of the wire.

inline constexpr std::size_t kMaxPasswordBytes = 1024;
inline constexpr std::int64_t kMaxGuestLimit = 100000;

// One entry of GET /api/rooms → 200 [{room_id, name, clients, guest_limit, has_password}].
struct PublicRoom {
  RoomId roomId;
  std::string name;
  std::size_t clients = 0;
  std::size_t guestLimit = 0;  // the room's own limit, else the server's largest room size
  bool hasPassword = false;
  bool operator==(const PublicRoom&) const = default;
};

// POST /api/rooms {name, password?, public?, guest_limit?}; a field that is null counts as
// left out.
struct CreateRoomRequest {
  std::string name;
  bool isPublic = false;
  std::size_t guestLimit = 0;  // 0: no limit of its own
  std::string password = {};   // empty: an open room
  bool operator==(const CreateRoomRequest&) const = default;
};

// POST /api/rooms → 201 {room_id, token?}: a password room's creator gets a join token.
struct CreateRoomReply {
  RoomId roomId;
  std::optional<std::string> token;
  bool operator==(const CreateRoomReply&) const = default;
};

// POST /api/rooms/<id>/join {password?}; an empty body is an empty object.
struct JoinRequest {
  std::string password;  // empty: none given
  bool operator==(const JoinRequest&) const = default;
};

// POST /api/rooms/<id>/join → 200 {token}.
struct TokenReply {
  std::string token;
  bool operator==(const TokenReply&) const = default;
};

// GET /api/rooms/<id> → 200 {room_id, exists, has_password, name, clients, capacity}. The
// last three came later: a server without them parses as name "", 0 and 0 (capacity 0:
// unknown, never full).
struct RoomStatus {
  RoomId roomId;
  bool exists = false;
  bool hasPassword = false;
  std::string name = {};      // the room's display name; "" until it exists
  std::size_t clients = 0;    // connected now
  std::size_t capacity = 0;   // how many it admits (its guest limit, else the server's room size)
  bool full() const { return capacity > 0 && clients >= capacity; }
  bool operator==(const RoomStatus&) const = default;
};

// Every refusal (4xx, 5xx) → {error}; a 429 or 503 that knows when trying again can work adds
// retry_after (whole seconds, as its Retry-After header), for a client that cannot read headers.
struct ErrorReply {
  std::string error;
  std::size_t retryAfter = 0;  // seconds; 0: not said
  bool operator==(const ErrorReply&) const = default;
};

Json toJson(const PublicRoom& v);
Json toJson(const std::vector<PublicRoom>& v);
Json toJson(const CreateRoomRequest& v);
Json toJson(const CreateRoomReply& v);
Json toJson(const JoinRequest& v);
Json toJson(const TokenReply& v);
Json toJson(const RoomStatus& v);
Json toJson(const ErrorReply& v);

Result<std::vector<PublicRoom>> parsePublicRooms(std::string_view body);
Result<CreateRoomRequest> parseCreateRoomRequest(std::string_view body);
Result<CreateRoomReply> parseCreateRoomReply(std::string_view body);
Result<JoinRequest> parseJoinRequest(std::string_view body);
Result<TokenReply> parseTokenReply(std::string_view body);
Result<RoomStatus> parseRoomStatus(std::string_view body);
Result<ErrorReply> parseErrorReply(std::string_view body);

}  // namespace orbit
