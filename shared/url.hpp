#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orbit {

// %XX encoding of everything but RFC 3986's unreserved characters (letters, digits, - . _ ~),
// byte by byte: a room id in a path ("/room/" + percentEncode(id)), a query value.
std::string percentEncode(std::string_view s);

// %XX decoding of a URL path. Nothing when an escape is malformed or decodes to NUL: a
// path that needs guessing is refused, not guessed at.
std::optional<std::string> percentDecode(std::string_view s);

// The value of `name` in a query string ("a=1&name=Ann+Lee"), decoded as a form value:
// '+' is a space and a malformed escape stays as it is. Nothing when the name is absent.
std::optional<std::string> queryParam(std::string_view query, std::string_view name);

}  // namespace orbit
