#pragma once

#include "url.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace orbit {

struct StaticFile {
  std::filesystem::path path;
  std::string_view mimeType;
};

// Maps a URL path to a file under `webRoot`: "/" and "/room/<id>" are the web client's
// index.html; anything else is looked up under the root. Returns nothing for a path that
// does not exist or would leave the root (.., encoded or not, and symlinks out of it).
std::optional<StaticFile> resolveStaticFile(const std::filesystem::path& webRoot, std::string_view urlPath);

// The Content-Type for a file name, by extension (application/wasm for .wasm).
std::string_view mimeTypeFor(const std::filesystem::path& file);

}  // namespace orbit
