// The SQLite store of --data-dir, on a real database file in a temporary folder.
#include "room_store.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using Catch::Matchers::Contains;
using orbit::RoomSettings;
using orbit::RoomStore;
using orbit::StoredRoom;

namespace {

struct TempDir {
  TempDir() { std::filesystem::remove_all(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("orbit-store-" + std::to_string(getpid()));
};

StoredRoom room(std::string id, std::optional<std::string> hash, bool isPublic, std::size_t limit, std::int64_t t) {
  RoomSettings settings;
  settings.name = "Room " + id;
  settings.passwordHash = std::move(hash);
  settings.isPublic = isPublic;
  settings.guestLimit = limit;
  settings.explicitlyCreated = true;
  return {std::move(id), std::move(settings), t, t};
}

bool same(const StoredRoom& a, const StoredRoom& b) {
  return a.id == b.id && a.settings.name == b.settings.name && a.settings.passwordHash == b.settings.passwordHash &&
         a.settings.isPublic == b.settings.isPublic && a.settings.guestLimit == b.settings.guestLimit &&
         a.settings.explicitlyCreated == b.settings.explicitlyCreated && a.created == b.created &&
         a.lastUsed == b.lastUsed;
}

}  // namespace

TEST_CASE("rooms kept in the store come back with every setting after it is opened again", "[store]") {
  TempDir dir;
  const StoredRoom vault = room("vault", "$argon2id$hash", false, 3, 1000);
  const StoredRoom porch = room("porch", std::nullopt, true, 0, 2000);
  {
    auto store = RoomStore::open(dir.path / "nested");
    REQUIRE(store);
    CHECK((*store)->file() == dir.path / "nested" / "orbit.db");
    CHECK_FALSE((*store)->add(vault));
    CHECK_FALSE((*store)->add(porch));
    // The same id twice is refused, and says where.
    auto twice = (*store)->add(vault);
    REQUIRE(twice);
    CHECK_THAT(twice->message, Contains("vault") && Contains("orbit.db"));
  }
  auto store = RoomStore::open(dir.path / "nested");
  REQUIRE(store);
  auto rooms = (*store)->rooms();
  REQUIRE(rooms);
  REQUIRE(rooms->size() == 2);
  CHECK(same((*rooms)[0], vault));
  CHECK(same((*rooms)[1], porch));

  CHECK_FALSE((*store)->touch("vault", 5000));
  CHECK_FALSE((*store)->touch("vault", 4000));  // never back in time
  CHECK_FALSE((*store)->remove("porch"));
  rooms = (*store)->rooms();
  REQUIRE(rooms->size() == 1);
  CHECK((*rooms)[0].lastUsed == 5000);
  CHECK((*rooms)[0].created == 1000);
}

TEST_CASE("the store opens its database file in WAL mode", "[store]") {
  TempDir dir;
  auto store = RoomStore::open(dir.path);
  REQUIRE(store);
  // WAL is a property of the file: another connection to it reads it back.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2((*store)->file().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::string mode;
  CHECK(sqlite3_exec(
            db, "PRAGMA journal_mode",
            [](void* out, int, char** values, char**) {
              *static_cast<std::string*>(out) = values[0] ? values[0] : "";
              return 0;
            },
            &mode, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK(mode == "wal");
}

TEST_CASE("the token secret is made once and kept", "[store]") {
  TempDir dir;
  {
    auto store = RoomStore::open(dir.path);
    REQUIRE(store);
    CHECK(*(*store)->tokenSecret("first") == "first");
  }
  auto store = RoomStore::open(dir.path);
  REQUIRE(store);
  CHECK(*(*store)->tokenSecret("second") == "first");
}

TEST_CASE("a damaged database, or one a newer server made, is refused with the file's name", "[store]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path);
  const auto file = dir.path / "orbit.db";
  std::ofstream(file) << std::string(8192, '#');
  auto damaged = RoomStore::open(dir.path);
  REQUIRE_FALSE(damaged);
  CHECK_THAT(damaged.error().message, Contains(file.string()) && Contains("not a database"));

  std::filesystem::remove(file);
  {
    auto store = RoomStore::open(dir.path);
    REQUIRE(store);
  }
  // What a later schema would leave: refused rather than misread.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto newer = RoomStore::open(dir.path);
  REQUIRE_FALSE(newer);
  CHECK_THAT(newer.error().message, Contains(file.string()) && Contains("newer"));
}

TEST_CASE("one server a data directory, and its database can be copied while it runs", "[store]") {
  TempDir dir;
  auto store = RoomStore::open(dir.path / "live");
  REQUIRE(store);
  REQUIRE_FALSE((*store)->add(room("kept", "$argon2id$hash", true, 2, 1000)));

  // A second server on the same directory is refused, and told why.
  auto second = RoomStore::open(dir.path / "live");
  REQUIRE_FALSE(second);
  CHECK_THAT(second.error().message, Contains("another orbit-server") && Contains("orbit.lock"));

  // What `sqlite3 orbit.db ".backup copy.db"` does, while the store is open.
  std::filesystem::create_directories(dir.path / "copy");
  sqlite3* source = nullptr;
  sqlite3* target = nullptr;
  REQUIRE(sqlite3_open_v2((dir.path / "live" / "orbit.db").c_str(), &source, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_open((dir.path / "copy" / "orbit.db").c_str(), &target) == SQLITE_OK);
  sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
  REQUIRE(backup);
  CHECK(sqlite3_backup_step(backup, -1) == SQLITE_DONE);
  CHECK(sqlite3_backup_finish(backup) == SQLITE_OK);
  sqlite3_close(source);
  sqlite3_close(target);
  auto copy = RoomStore::open(dir.path / "copy");
  REQUIRE(copy);
  auto rooms = (*copy)->rooms();
  REQUIRE(rooms);
  REQUIRE(rooms->size() == 1);
  CHECK(same((*rooms)[0], room("kept", "$argon2id$hash", true, 2, 1000)));

  // Closed, the directory is free again.
  store = RoomStore::open(dir.path / "nowhere");
  CHECK(RoomStore::open(dir.path / "live"));
}
