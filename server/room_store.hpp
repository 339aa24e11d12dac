#pragma once

#include "chat_room.hpp"
#include "result.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit {

// A room made through the API, as kept on disk.
struct StoredRoom {
  std::string id;
  RoomSettings settings;     // name, password hash, public flag, guest limit
  std::int64_t created = 0;  // unix seconds
  std::int64_t lastUsed = 0; // unix seconds: when it was made, or last left empty
};

// What outlives a restart (--data-dir): the rooms made through the API and the token-signing
// secret, in an SQLite database (DIR/orbit.db) in WAL mode, one transaction per change.
// Each call is a blocking disk write: the server makes them off its I/O thread. Calls from
// several threads are serialised here. One server a data directory: it holds a lock on
// DIR/orbit.lock while the store is open. The database itself is not locked, so sqlite3's
// .backup copies it while the server runs.
class RoomStore {
 public:
  static constexpr const char* kFileName = "orbit.db";
  static constexpr const char* kLockName = "orbit.lock";

  // Opens DIR/orbit.db, creating DIR and the database when they do not exist. An unreadable
  // or corrupt file, one a newer Orbit made, or a directory another server holds, is an error
  // that names the file: the server never starts empty in silence.
  static Result<std::unique_ptr<RoomStore>> open(const std::filesystem::path& dir);

  const std::filesystem::path& file() const { return file_; }

  Result<std::vector<StoredRoom>> rooms();
  // Adds a room; an error when it cannot be written (the room then does not exist).
  std::optional<Error> add(const StoredRoom& room);
  // The room was last used at `unixTime` (never moves the time back).
  std::optional<Error> touch(std::string_view id, std::int64_t unixTime);
  std::optional<Error> remove(std::string_view id);
  // The secret kept in the database, or `fresh` kept there now when there is none yet.
  Result<std::string> tokenSecret(const std::string& fresh);

 private:
  struct CloseDatabase {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  using Database = std::unique_ptr<sqlite3, CloseDatabase>;
  // The open DIR/orbit.lock, flock()ed: closing it lets go of the directory.
  struct LockFile {
    explicit LockFile(int fd) : fd(fd) {}
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;
    ~LockFile();
    int fd;
  };

  RoomStore(std::unique_ptr<LockFile> lock, Database db, std::filesystem::path file)
      : lock_(std::move(lock)), db_(std::move(db)), file_(std::move(file)) {}

  class Statement;  // one prepared statement, finalised when it goes
  Error failure(std::string_view what) const;

  std::mutex mutex_;
  std::unique_ptr<LockFile> lock_;
  Database db_;
  std::filesystem::path file_;
};

}  // namespace orbit
