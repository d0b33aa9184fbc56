// bundle.sqlite's known answers: its schema is the vector file's text (tests/vectors/
// bundle-schema.sql: a change of it is a new schema version), and the events table's row of each
// vector event holds the fields of the envelope as the vector's JSON gives them (read here with
// Boost.JSON, not the store's scanner), with the stored line itself. Written twice from the same
// rows, the file is the same bytes.
#include <sqlite3.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "export/database/database.h"
#include "hatchery/event.h"
#include "test_util.h"

namespace hatchery::exporting::database {
namespace database_known_answers {

namespace bj = boost::json;
using testing::Slurp;
using testing::TempDir;

// The rows a sink is given, each cell as SQL would write it.
class Collected final : public RowSink {
 public:
  Status Add(std::size_t table, std::span<const sqlite::Value> cells) override {
    std::vector<std::string> row;
    for (const sqlite::Value& cell : cells) row.push_back(sqlite::Describe(cell));
    rows[table].push_back(std::move(row));
    return Status::Ok();
  }
  std::map<std::size_t, std::vector<std::vector<std::string>>> rows;
};

std::string Quoted(std::string_view text) { return sqlite::Describe(text); }
std::string Optional(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_string() ? Quoted(v->as_string()) : "NULL";
}

// The schema statements of the database at `path`, in the order SQLite keeps them.
std::string SchemaText(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid",
                             -1, &stmt, nullptr) == SQLITE_OK);
  std::string text;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    text += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    text += ";\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return text;
}

TEST_CASE(
    "bundle.sqlite: schema version 1 is the vector's text, and the same rows give the "
    "same bytes",
    "[export][vectors]") {
  TempDir dir;
  std::string vector;
  for (const std::string& line :
       testing::Lines(Slurp(HATCHERY_TEST_VECTORS_DIR "/bundle-schema.sql"))) {
    if (!line.starts_with("--")) vector += line + "\n";
  }
  auto write = [&](const std::string& name) {
    auto writer = DatabaseWriter::Create(dir.Sub(name));
    REQUIRE(writer.ok());
    const sqlite::Value cells[] = {std::string_view("origin"), std::string_view("test/kat")};
    REQUIRE((*writer)->Add(MetaTable(), cells).ok());
    REQUIRE((*writer)->Finish().ok());
    return dir.Sub(name);
  };
  const std::string a = write("a.sqlite"), b = write("b.sqlite");
  CHECK(kSchemaVersion == 1);
  CHECK(SchemaText(a) == vector);
  CHECK(Slurp(a) == Slurp(b));
  // Never over a file that exists, which is left as it was.
  CHECK(DatabaseWriter::Create(a).status().code() == Code::kAlreadyExists);
  CHECK(Slurp(a) == Slurp(b));
}

TEST_CASE("bundle.sqlite: the events table's row of each vector event is its envelope",
          "[export][vectors]") {
  std::ifstream in(HATCHERY_TEST_VECTORS_DIR "/events.jsonl");
  REQUIRE(in.good());
  Collected collected;
  EventRows rows;
  std::vector<std::vector<std::string>> want;
  for (std::string line; std::getline(in, line);) {
    const bj::object e = bj::parse(line).as_object().at("event").as_object();
    auto event = ParseEvent(bj::serialize(e));
    REQUIRE(event.ok());
    const std::string stored = CanonicalForm(*event, true);
    REQUIRE(rows.Add(stored, collected).ok());
    const std::string stream(e.at("stream").as_string());
    const bj::object& actor = e.at("actor").as_object();
    want.push_back({std::to_string(e.at("seq").as_int64()), Quoted(e.at("event_id").as_string()),
                    Quoted(e.at("type").as_string()), Quoted(stream),
                    std::to_string(e.at("stream_version").as_int64()),
                    e.contains("schema_version") ? std::to_string(e.at("schema_version").as_int64())
                                                 : std::string("1"),
                    stream.starts_with("carrier/") ? Quoted(stream.substr(8)) : "NULL",
                    Quoted(e.at("effective_date").as_string()),
                    Quoted(e.at("recorded_at").as_string()), Quoted(actor.at("id").as_string()),
                    Quoted(actor.at("role").as_string()), Optional(actor, "os_user"),
                    Optional(e, "document_ref"), Optional(e, "note"),
                    Quoted(e.at("command_id").as_string()), Quoted(e.at("hash").as_string()),
                    Quoted(e.at("prev_hash").as_string()), Quoted(stored)});
  }
  REQUIRE(want.size() >= 5);
  CHECK(collected.rows.size() == 1);
  CHECK(collected.rows[kEventsTable] == want);
  Collected bad;
  CHECK(rows.Add("{\"seq\":1}", bad).code() == Code::kBadRequest);
  CHECK(bad.rows.empty());
}

}  // namespace database_known_answers
}  // namespace hatchery::exporting::database
