#include "room_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace orbit {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS rooms (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  password_hash TEXT,              -- NULL: an open room
  public        INTEGER NOT NULL,
  guest_limit   INTEGER NOT NULL,
  created       INTEGER NOT NULL,  -- unix seconds
  last_used     INTEGER NOT NULL   -- unix seconds
);
CREATE TABLE IF NOT EXISTS secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

}  // namespace

// One prepared statement: bound, stepped, finalised when it goes.
class RoomStore::Statement {
 public:
  Statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& text(int index, std::string_view value) {
    if (rc_ == SQLITE_OK) {
      rc_ = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }
    return *this;
  }
  Statement& optionalText(int index, const std::optional<std::string>& value) {
    if (value) return text(index, *value);
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_null(stmt_, index);
    return *this;
  }
  Statement& integer(int index, std::int64_t value) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }

  // SQLITE_ROW while there are rows, then SQLITE_DONE; anything else is a failure.
  int step() {
    if (rc_ != SQLITE_OK && rc_ != SQLITE_ROW && rc_ != SQLITE_DONE) return rc_;
    return rc_ = sqlite3_step(stmt_);
  }
  bool done() { return step() == SQLITE_DONE; }

  std::string columnText(int column) const {
    const auto* bytes = sqlite3_column_text(stmt_, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes), sqlite3_column_bytes(stmt_, column))
                 : std::string();
  }
  bool columnNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t columnInteger(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

RoomStore::LockFile::~LockFile() { ::close(fd); }

Result<std::unique_ptr<RoomStore>> RoomStore::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{"cannot create the data directory " + dir.string() + ": " + ec.message()};
  const std::filesystem::path lockPath = dir / kLockName;
  const int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"cannot use the data directory " + dir.string() + ": " + std::strerror(errno)};
  auto lock = std::make_unique<LockFile>(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return Error{"another orbit-server uses the data directory " + dir.string() + " (" + lockPath.string() +
                 " is locked)"};
  }
  const std::filesystem::path file = dir / kFileName;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  Database db(raw);
  const auto refuse = [&](std::string_view what) {
    return Error{"cannot use the database " + file.string() + ": " + std::string(what)};
  };
  if (rc != SQLITE_OK) return refuse(raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  sqlite3_busy_timeout(db.get(), 5000);
  const auto exec = [&](const char* sql) -> std::optional<Error> {
    char* message = nullptr;
    if (sqlite3_exec(db.get(), sql, nullptr, nullptr, &message) == SQLITE_OK) return std::nullopt;
    std::string why = message ? message : sqlite3_errmsg(db.get());
    sqlite3_free(message);
    if (sqlite3_errcode(db.get()) == SQLITE_BUSY) why += " (is another program writing to it?)";
    return refuse(why);
  };
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"}) {
    if (auto error = exec(pragma)) return *error;
  }
  {
    Statement check(db.get(), "PRAGMA quick_check");
    if (check.step() != SQLITE_ROW) return refuse(sqlite3_errmsg(db.get()));
    if (const std::string verdict = check.columnText(0); verdict != "ok") return refuse("it is damaged: " + verdict);
  }
  {
    Statement version(db.get(), "PRAGMA user_version");
    if (version.step() != SQLITE_ROW) return refuse(sqlite3_errmsg(db.get()));
    if (version.columnInteger(0) > kSchemaVersion) {
      return refuse("a newer orbit-server made it (schema " + std::to_string(version.columnInteger(0)) + ")");
    }
  }
  const std::string schema = std::string("BEGIN IMMEDIATE;") + kSchema + "PRAGMA user_version = " +
                             std::to_string(kSchemaVersion) + "; COMMIT;";
  if (auto error = exec(schema.c_str())) return *error;
  return std::unique_ptr<RoomStore>(new RoomStore(std::move(lock), std::move(db), file));
}

Error RoomStore::failure(std::string_view what) const {
  return Error{std::string(what) + " in " + file_.string() + ": " + sqlite3_errmsg(db_.get())};
}

Result<std::vector<StoredRoom>> RoomStore::rooms() {
  std::lock_guard lock(mutex_);
  Statement select(db_.get(),
                   "SELECT id, name, password_hash, public, guest_limit, created, last_used FROM rooms ORDER BY created");
  std::vector<StoredRoom> out;
  int rc;
  while ((rc = select.step()) == SQLITE_ROW) {
    StoredRoom room;
    room.id = select.columnText(0);
    room.settings.name = select.columnText(1);
    if (!select.columnNull(2)) room.settings.passwordHash = select.columnText(2);
    room.settings.isPublic = select.columnInteger(3) != 0;
    room.settings.guestLimit = static_cast<std::size_t>(std::max<std::int64_t>(0, select.columnInteger(4)));
    room.settings.explicitlyCreated = true;
    room.created = select.columnInteger(5);
    room.lastUsed = select.columnInteger(6);
    out.push_back(std::move(room));
  }
  if (rc != SQLITE_DONE) return failure("cannot read the rooms");
  return out;
}

std::optional<Error> RoomStore::add(const StoredRoom& room) {
  std::lock_guard lock(mutex_);
  Statement insert(db_.get(),
                   "INSERT INTO rooms (id, name, password_hash, public, guest_limit, created, last_used) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.text(1, room.id)
      .text(2, room.settings.name)
      .optionalText(3, room.settings.passwordHash)
      .integer(4, room.settings.isPublic ? 1 : 0)
      .integer(5, static_cast<std::int64_t>(room.settings.guestLimit))
      .integer(6, room.created)
      .integer(7, room.lastUsed);
  if (!insert.done()) return failure("cannot store the room " + room.id);
  return std::nullopt;
}

std::optional<Error> RoomStore::touch(std::string_view id, std::int64_t unixTime) {
  std::lock_guard lock(mutex_);
  Statement update(db_.get(), "UPDATE rooms SET last_used = max(last_used, ?) WHERE id = ?");
  update.integer(1, unixTime).text(2, id);
  if (!update.done()) return failure("cannot update the room " + std::string(id));
  return std::nullopt;
}

std::optional<Error> RoomStore::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  Statement erase(db_.get(), "DELETE FROM rooms WHERE id = ?");
  erase.text(1, id);
  if (!erase.done()) return failure("cannot delete the room " + std::string(id));
  return std::nullopt;
}

Result<std::string> RoomStore::tokenSecret(const std::string& fresh) {
  std::lock_guard lock(mutex_);
  // Kept if there is none yet; either way the one in the database is the answer.
  Statement insert(db_.get(), "INSERT OR IGNORE INTO secrets (name, value) VALUES ('token', ?)");
  insert.text(1, fresh);
  if (!insert.done()) return failure("cannot store the token secret");
  Statement select(db_.get(), "SELECT value FROM secrets WHERE name = 'token'");
  if (select.step() != SQLITE_ROW) return failure("cannot read the token secret");
  return select.columnText(0);
}

}  // namespace orbit
