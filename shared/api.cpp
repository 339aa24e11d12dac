#include "api.hpp"

#include "codec.hpp"
#include "slug.hpp"

namespace orbit {
namespace {

// The body as a JSON object, or what is wrong with it.
Result<Json> objectBody(std::string_view body) {
  auto parsed = parseJson(body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return Error{"the body must be a JSON object"};
  return parsed;
}

// A field that may be left out: nullptr when it is absent or null.
const Json* optionalField(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Result<std::string> requiredString(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return Error{"\"" + std::string(key) + "\" must be a string"};
  return it->get<std::string>();
}

Result<bool> requiredBool(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return Error{"\"" + std::string(key) + "\" must be true or false"};
  return it->get<bool>();
}

Result<std::size_t> requiredCount(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) {
    return Error{"\"" + std::string(key) + "\" must be a whole number from 0 up"};
  }
  return it->get<std::size_t>();
}

Result<RoomId> requiredRoomId(const Json& object) {
  auto id = requiredString(object, "room_id");
  if (!id) return id.error();
  if (!isValidSlug(*id)) return Error{"\"room_id\" must be 1 to 64 characters from a-z, 0-9 and '-'"};
  return RoomId(std::move(*id));
}

// An optional string field: "" when absent or null.
Result<std::string> optionalString(const Json& object, const char* key) {
  const Json* field = optionalField(object, key);
  if (!field) return std::string();
  if (!field->is_string()) return Error{"\"" + std::string(key) + "\" must be a string"};
  return field->get<std::string>();
}

// An optional count: 0 when absent or null.
Result<std::size_t> optionalCount(const Json& object, const char* key) {
  if (!optionalField(object, key)) return std::size_t{0};
  return requiredCount(object, key);
}

Result<PublicRoom> parsePublicRoom(const Json& item) {
  if (!item.is_object()) return Error{"each room must be an object"};
  auto id = requiredRoomId(item);
  if (!id) return id.error();
  auto name = requiredString(item, "name");
  if (!name) return name.error();
  auto clients = requiredCount(item, "clients");
  if (!clients) return clients.error();
  auto limit = requiredCount(item, "guest_limit");
  if (!limit) return limit.error();
  auto password = requiredBool(item, "has_password");
  if (!password) return password.error();
  return PublicRoom{std::move(*id), std::move(*name), *clients, *limit, *password};
}

}  // namespace

Json toJson(const PublicRoom& v) {
  return {{"room_id", v.roomId.str()},
          {"name", v.name},
          {"clients", v.clients},
          {"guest_limit", v.guestLimit},
          {"has_password", v.hasPassword}};
}

Json toJson(const std::vector<PublicRoom>& v) {
  Json out = Json::array();
  for (const auto& room : v) out.push_back(toJson(room));
  return out;
}

Json toJson(const CreateRoomRequest& v) {
  Json out{{"name", v.name}, {"public", v.isPublic}, {"guest_limit", v.guestLimit}};
  if (!v.password.empty()) out["password"] = v.password;
  return out;
}

Json toJson(const CreateRoomReply& v) {
  Json out{{"room_id", v.roomId.str()}};
  if (v.token) out["token"] = *v.token;
  return out;
}

Json toJson(const JoinRequest& v) {
  Json out = Json::object();
  if (!v.password.empty()) out["password"] = v.password;
  return out;
}

Json toJson(const TokenReply& v) { return {{"token", v.token}}; }

Json toJson(const RoomStatus& v) {
  return {{"room_id", v.roomId.str()}, {"exists", v.exists},  {"has_password", v.hasPassword},
          {"name", v.name},            {"clients", v.clients}, {"capacity", v.capacity}};
}

Json toJson(const ErrorReply& v) {
  Json out{{"error", v.error}};
  if (v.retryAfter > 0) out["retry_after"] = v.retryAfter;
  return out;
}

Result<std::vector<PublicRoom>> parsePublicRooms(std::string_view body) {
  auto parsed = parseJson(body);
  if (!parsed) return parsed.error();
  if (!parsed->is_array()) return Error{"the list of rooms must be a JSON array"};
  std::vector<PublicRoom> out;
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    auto room = parsePublicRoom((*parsed)[i]);
    if (!room) return Error{"room " + std::to_string(i) + ": " + room.error().message};
    out.push_back(std::move(*room));
  }
  return out;
}

Result<CreateRoomRequest> parseCreateRoomRequest(std::string_view body) {
  auto parsed = objectBody(body);
  if (!parsed) return parsed.error();
  const Json& req = *parsed;
  CreateRoomRequest out;
  auto name = requiredString(req, "name");
  if (!name) return name.error();
  out.name = std::move(*name);
  if (const Json* pub = optionalField(req, "public")) {
    if (!pub->is_boolean()) return Error{"\"public\" must be true or false"};
    out.isPublic = pub->get<bool>();
  }
  if (const Json* limit = optionalField(req, "guest_limit")) {
    if (!limit->is_number_integer() || limit->get<std::int64_t>() < 0 ||
        limit->get<std::int64_t>() > kMaxGuestLimit) {
      return Error{"\"guest_limit\" must be a whole number from 0 (no limit) up"};
    }
    out.guestLimit = limit->get<std::size_t>();
  }
  auto password = optionalString(req, "password");
  if (!password) return password.error();
  if (password->size() > kMaxPasswordBytes) return Error{"\"password\" is too long"};
  out.password = std::move(*password);
  return out;
}

Result<CreateRoomReply> parseCreateRoomReply(std::string_view body) {
  auto parsed = objectBody(body);
  if (!parsed) return parsed.error();
  auto id = requiredRoomId(*parsed);
  if (!id) return id.error();
  auto token = optionalString(*parsed, "token");
  if (!token) return token.error();
  CreateRoomReply out{std::move(*id), std::nullopt};
  if (!token->empty()) out.token = std::move(*token);
  return out;
}

Result<JoinRequest> parseJoinRequest(std::string_view body) {
  auto parsed = objectBody(body.empty() ? std::string_view("{}") : body);
  if (!parsed) return parsed.error();
  auto password = optionalString(*parsed, "password");
  if (!password) return password.error();
  return JoinRequest{std::move(*password)};
}

Result<TokenReply> parseTokenReply(std::string_view body) {
  auto parsed = objectBody(body);
  if (!parsed) return parsed.error();
  auto token = requiredString(*parsed, "token");
  if (!token) return token.error();
  return TokenReply{std::move(*token)};
}

Result<RoomStatus> parseRoomStatus(std::string_view body) {
  auto parsed = objectBody(body);
  if (!parsed) return parsed.error();
  auto id = requiredRoomId(*parsed);
  if (!id) return id.error();
  auto exists = requiredBool(*parsed, "exists");
  if (!exists) return exists.error();
  auto password = requiredBool(*parsed, "has_password");
  if (!password) return password.error();
  auto name = optionalString(*parsed, "name");
  if (!name) return name.error();
  auto clients = optionalCount(*parsed, "clients");
  if (!clients) return clients.error();
  auto capacity = optionalCount(*parsed, "capacity");
  if (!capacity) return capacity.error();
  return RoomStatus{std::move(*id), *exists, *password, std::move(*name), *clients, *capacity};
}

Result<ErrorReply> parseErrorReply(std::string_view body) {
  auto parsed = objectBody(body);
  if (!parsed) return parsed.error();
  auto error = requiredString(*parsed, "error");
  if (!error) return error.error();
  // A refusal's words matter more than its hint: a retry_after that is no count is left out.
  auto retryAfter = optionalCount(*parsed, "retry_after");
  return ErrorReply{std::move(*error), retryAfter ? *retryAfter : 0};
}

}  // namespace orbit
