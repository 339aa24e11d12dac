#include "static_files.hpp"

#include "slug.hpp"
#include "url.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Whether an Accept-Encoding header takes `coding` (RFC 9110, 12.5.3): named, or covered by
// "*", with a q-value above zero. Unparsable q-values count as acceptance.
bool accepts(std::string_view header, std::string_view coding) {
  bool byStar = false;
  for (std::size_t start = 0; start <= header.size();) {
    const std::size_t end = std::min(header.find(',', start), header.size());
    std::string_view item = header.substr(start, end - start);
    start = end + 1;
    std::string_view name = trim(item.substr(0, item.find(';')));
    bool refused = false;
    for (std::size_t at = item.find(';'); at != std::string_view::npos; at = item.find(';', at + 1)) {
      std::string_view param = trim(item.substr(at + 1, item.find(';', at + 1) - at - 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const std::string_view value = trim(param.substr(2));
        refused = !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
      }
    }
    if (equalsIgnoringCase(name, coding)) return !refused;
    if (name == "*") byStar = !refused;
  }
  return byStar;
}

std::string etagOf(const std::filesystem::path& file, std::string_view suffix) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const auto modified = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
  char tag[64];
  std::snprintf(tag, sizeof tag, "\"%jx-%jx%s%.*s\"", static_cast<std::uintmax_t>(size),
                static_cast<std::uintmax_t>(modified), suffix.empty() ? "" : "-",
                static_cast<int>(suffix.size()), suffix.data());
  return tag;
}

}  // namespace

std::string_view cacheControlFor(const std::filesystem::path& file) {
  // NAME.<hash>.EXT, the hash 16 lowercase hex digits.
  const std::string stem = file.stem().string();
  const auto dot = stem.rfind('.');
  const std::string_view hash = dot == std::string::npos ? std::string_view() : std::string_view(stem).substr(dot + 1);
  const bool hashed = dot > 0 && hash.size() == 16 &&
                      std::all_of(hash.begin(), hash.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  return hashed ? "public, max-age=31536000, immutable" : "no-cache";
}

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

FileVariant chooseVariant(const StaticFile& file, std::string_view acceptEncoding) {
  namespace fs = std::filesystem;
  struct Coding {
    std::string_view name;
    std::string_view extension;
  };
  std::error_code ec;
  const auto original = fs::last_write_time(file.path, ec);
  if (!ec) {
    for (const Coding coding : {Coding{"br", ".br"}, Coding{"gzip", ".gz"}}) {
      if (!accepts(acceptEncoding, coding.name)) continue;
      fs::path copy = file.path;
      copy += coding.extension;
      std::error_code copyError;
      if (!fs::is_regular_file(copy, copyError) || fs::last_write_time(copy, copyError) < original || copyError) {
        continue;
      }
      return FileVariant{copy, coding.name, etagOf(copy, coding.extension.substr(1))};
    }
  }
  return FileVariant{file.path, {}, etagOf(file.path, {})};
}

std::optional<RewrittenPage> pageUnderBasePath(const StaticFile& file, std::string_view basePath) {
  constexpr std::string_view kRootBase = "<base href=\"/\">";
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = body.find(kRootBase);
  if (at == std::string::npos) return std::nullopt;
  body.replace(at, kRootBase.size(), "<base href=\"" + std::string(basePath) + "/\">");
  // FNV-1a of the base path: a page cached under one base path is not revalidated as current
  // under another.
  std::uint32_t hash = 2166136261u;
  for (const char c : basePath) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "base%08x", static_cast<unsigned>(hash));
  return RewrittenPage{std::move(body), etagOf(file.path, suffix)};
}

bool etagMatches(std::string_view ifNoneMatch, std::string_view etag) {
  for (std::size_t start = 0; start <= ifNoneMatch.size();) {
    const std::size_t end = std::min(ifNoneMatch.find(',', start), ifNoneMatch.size());
    std::string_view tag = trim(ifNoneMatch.substr(start, end - start));
    start = end + 1;
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);  // If-None-Match compares weakly
    if (!tag.empty() && tag == etag) return true;
  }
  return false;
}

}  // namespace orbit
