#include "static_files.hpp"

#include "slug.hpp"
#include "url.hpp"

#include <string>
#include <system_error>

namespace orbit {
namespace {

bool isRoomPage(std::string_view path) {
  constexpr std::string_view prefix = "/room/";
  if (path.rfind(prefix, 0) != 0) return false;
  path.remove_prefix(prefix.size());
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const auto room = percentDecode(path);
  return room && isValidSlug(*room);
}

bool within(const std::filesystem::path& root, const std::filesystem::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // a trailing separator on the root
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

}  // namespace

std::string_view mimeTypeFor(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".ttf") return "font/ttf";
  return "application/octet-stream";
}

std::optional<StaticFile> resolveStaticFile(const std::filesystem::path& webRoot, std::string_view urlPath) {
  namespace fs = std::filesystem;
  std::string relative;
  if (urlPath == "/" || isRoomPage(urlPath)) {
    relative = "index.html";
  } else {
    auto decoded = percentDecode(urlPath);
    if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
    relative = decoded->substr(1);
    // Refuse any dot segment or hidden file outright, before the file system sees it.
    for (std::size_t start = 0; start <= relative.size();) {
      const std::size_t end = std::min(relative.find('/', start), relative.size());
      const std::string_view segment(relative.data() + start, end - start);
      if (!segment.empty() && segment.front() == '.') return std::nullopt;
      if (segment.find('\\') != std::string_view::npos) return std::nullopt;
      start = end + 1;
    }
  }
  std::error_code ec;
  const fs::path root = fs::canonical(webRoot, ec);
  if (ec) return std::nullopt;
  const fs::path file = fs::canonical(root / relative, ec);
  if (ec || !within(root, file) || !fs::is_regular_file(file, ec)) return std::nullopt;
  return StaticFile{file, mimeTypeFor(file)};
}

}  // namespace orbit
