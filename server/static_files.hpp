#pragma once

#include "url.hpp"

#include <filesystem>
#include <optional>
#include <string>
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

// How long a browser may keep a file without asking again. A name that carries its content's
// hash (the build's orbit.<16 hex digits>.wasm: a new build is a new name) is kept for a year
// and never revalidated ("immutable"); anything else is revalidated every time ("no-cache"),
// which its ETag makes a 304 while it is unchanged.
std::string_view cacheControlFor(const std::filesystem::path& file);

// What goes on the wire for a file: the file itself, or a copy compressed at build time beside
// it (orbit.wasm.br, orbit.wasm.gz) when the request's Accept-Encoding takes that coding.
struct FileVariant {
  std::filesystem::path path;
  std::string_view encoding;  // "br", "gzip", or empty for the file itself
  std::string etag;           // strong, quoted: differs per file version and per coding
};

// Brotli before gzip, each only when the client accepts it (a q=0 refuses) and its copy is
// a regular file no older than the original, so a stale copy never serves old content.
FileVariant chooseVariant(const StaticFile& file, std::string_view acceptEncoding);

// An HTML file for a server under --base-path `basePath` ("/orbit"): its `<base href="/">`
// made `<base href="/orbit/">`, so that the page's relative URLs (orbit.js, orbit-embed.js, the
// wasm) find the files under the base path wherever it is served (/orbit/, /orbit/room/<id>),
// with an ETag of its own for each version of the file and base path. Nothing when the file
// has no such element or cannot be read: it is then served as it is.
struct RewrittenPage {
  std::string body;
  std::string etag;
};
std::optional<RewrittenPage> pageUnderBasePath(const StaticFile& file, std::string_view basePath);

// Whether an If-None-Match header names `etag` (or is "*").
bool etagMatches(std::string_view ifNoneMatch, std::string_view etag);

}  // namespace orbit
