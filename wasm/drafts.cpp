#include "drafts.hpp"

#include <cstdint>
#include <limits>

namespace orbit {
namespace {

// Each text field, as a key of the JSON and a member (const or not).
template <typename D, typename F>
void eachText(D& d, F&& f) {
  f("roomName", d.roomName);
  f("roomPassword", d.roomPassword);
  f("joinName", d.joinName);
  f("name", d.name);
  f("password", d.password);
  f("chatText", d.chatText);
  f("chatTo", d.chatTo);
}

}  // namespace

Json Drafts::toJson() const {
  Json out{{"guestLimit", guestLimit}, {"isPublic", isPublic}};
  eachText(*this, [&out](const char* key, const std::string& text) { out[key] = text; });
  return out;
}

std::optional<Error> Drafts::update(const Json& json) {
  if (!json.is_object()) return Error{"drafts are an object"};
  std::optional<Error> wrong;
  eachText(*this, [&](const char* key, const std::string&) {
    if (!wrong && json.contains(key) && !json[key].is_string()) wrong = Error{std::string("\"") + key + "\" is a string"};
  });
  if (wrong) return wrong;
  if (json.contains("isPublic") && !json["isPublic"].is_boolean()) return Error{"\"isPublic\" is true or false"};
  if (json.contains("guestLimit")) {
    const Json& limit = json["guestLimit"];
    if (!limit.is_number_integer() || limit.get<std::int64_t>() > std::numeric_limits<int>::max() ||
        limit.get<std::int64_t>() < std::numeric_limits<int>::min()) {
      return Error{"\"guestLimit\" is a whole number"};
    }
  }
  eachText(*this, [&json](const char* key, std::string& text) {
    if (json.contains(key)) text = json[key].get<std::string>();
  });
  if (json.contains("isPublic")) isPublic = json["isPublic"].get<bool>();
  if (json.contains("guestLimit")) guestLimit = json["guestLimit"].get<int>();
  return std::nullopt;
}

}  // namespace orbit
