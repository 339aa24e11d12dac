#pragma once

#include <string>
#include <string_view>

namespace orbit {

// Code points in a room id, at most.
inline constexpr std::size_t kMaxSlugLength = 64;

// A room's name turned into its id, the last part of its address (docs/protocol.md, "Room ids"):
//   "Team Sync!"     -> "team-sync"
//   "Café Crème"     -> "cafe-creme"       Latin letters lose their accents
//   "Привет команда" -> "привет-команда"   every script's letters and digits count,
//   "日本語チーム"    -> "日本語チーム"      lower-cased where the script has cases
// Every other run of characters becomes one '-', with none at either end, and at most 64
// code points are kept. Empty when nothing usable is left.
std::string slugify(std::string_view name);

// A room id as slugify() makes them: valid UTF-8, 1 to 64 code points, each '-', a-z, 0-9, or
// a letter, mark or digit outside ASCII that slugify() would keep as it is.
bool isValidSlug(std::string_view s);


}  // namespace orbit
