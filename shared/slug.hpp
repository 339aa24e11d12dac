#pragma once

#include <string>
#include <string_view>

namespace orbit {

inline constexpr std::size_t kMaxSlugLength = 64;

// "Team Sync!" -> "team-sync": lowercase ASCII letters and digits, every other run of
// characters becomes one '-', no '-' at either end, at most 64 characters.
// Returns an empty string when nothing usable is left.
std::string slugify(std::string_view name);

// 1 to 64 characters from [a-z0-9-], as docs/protocol.md defines a room id.
bool isValidSlug(std::string_view s);

}  // namespace orbit
