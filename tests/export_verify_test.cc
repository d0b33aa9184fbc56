// The two bundle verifiers — `hatchery verify-export` (src/export/verify.h) and the
// standard-library tools/verify_export.py — on a real export of the demo store: the bundle checks
// out with both, an unsigned one only when told to, and each tampering is caught, with a message
// that names it: by both when the tamperer cannot sign (the manifest is bound by the signature),
// and when an insider holding the key re-signs altered numbers, by the C++ verifier's
// recomputation and, for the money and registrations, the Python one's — which names what it
// leaves unchecked.
#include <sqlite3.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include "domain/views/projections.h"
#include "export/csv.h"
#include "export/verify.h"
#include "hatchery/checkpoint.h"
#include "hatchery/json.h"
#include "hatchery/key_files.h"
#include "test_util.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;
using testing::Lines;
using testing::RunHatchery;
using testing::Slurp;
using testing::TempDir;

void Overwrite(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// What a tamperer does after changing files: the manifest's sizes and hashes made to match.
void RefreshManifest(const std::string& dir) {
  bj::object manifest = bj::parse(Slurp(dir + "/manifest.json")).as_object();
  for (bj::value& entry : manifest.at("files").as_array()) {
    std::string content = Slurp(dir + "/" + std::string(entry.at("name").as_string()));
    entry.as_object()["size"] = content.size();
    entry.as_object()["sha256"] = ToHex(Sha256(content));
  }
  Overwrite(dir + "/manifest.json", json::Canonicalize(manifest) + "\n");
}

// The checkpoint's text (its signatures dropped) with its manifest line made to match the
// manifest as it is now.
std::string RebindManifest(const std::string& dir) {
  std::string text = Slurp(dir + "/checkpoint.txt");
  if (auto signed_note = note::Parse(text); signed_note.ok()) text = signed_note->text;
  Checkpoint checkpoint = *ParseCheckpoint(text);
  checkpoint.extensions.back() = "manifest " + ToHex(Sha256(Slurp(dir + "/manifest.json")));
  return FormatCheckpoint(checkpoint);
}

// What an insider holding the bureau's key does after changing files: the manifest made to match,
// bound and signed again.
void Resign(const std::string& dir, const std::string& key_file) {
  RefreshManifest(dir);
  Overwrite(dir + "/checkpoint.txt",
            *note::Sign(RebindManifest(dir), *ReadSigningKeyFile(key_file)));
}

// Runs `sql` on the bundle's database in place (?1 bound to `text`): an edit in SQL, as anyone with
// the file and an SQLite tool can make.
void EditDatabase(const std::string& dir, const std::string& sql, const std::string& text = "") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((dir + "/bundle.sqlite").c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc == SQLITE_OK && sqlite3_bind_parameter_count(stmt) > 0) {
    sqlite3_bind_text(stmt, 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  std::string error = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  INFO(sql << ": " << error);
  REQUIRE(rc == SQLITE_OK);
}

// The database's copy of the checkpoint: its text without the manifest line.
std::string MetaCheckpoint(const std::string& dir) {
  std::string text = Slurp(dir + "/checkpoint.txt");
  if (auto signed_note = note::Parse(text); signed_note.ok()) text = signed_note->text;
  Checkpoint checkpoint = *ParseCheckpoint(text);
  checkpoint.extensions.pop_back();
  return FormatCheckpoint(checkpoint);
}

// Sets the cell of data row `row` (1-based) in `column` of a bundle CSV, written back as the
// export writes (BOM, CRLF, RFC 4180 quoting).
void SetCell(const std::string& path, std::size_t row, const std::string& column,
             const std::string& value) {
  auto records = ParseCsv(Slurp(path));
  auto at = std::find(records[0].begin(), records[0].end(), column);
  REQUIRE(at != records[0].end());
  REQUIRE(row < records.size());
  records[row][static_cast<std::size_t>(at - records[0].begin())] = value;
  std::string text = "\xEF\xBB\xBF";
  for (const auto& record : records) {
    for (std::size_t i = 0; i < record.size(); ++i) {
      std::string cell = record[i];
      if (cell.find_first_of(",\"\r\n") != std::string::npos) {
        std::string quoted = "\"";
        for (char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        cell = quoted + "\"";
      }
      text += (i ? "," : "") + cell;
    }
    text += "\r\n";
  }
  Overwrite(path, text);
}

// Removes the first data row of a bundle CSV (row 2, as a spreadsheet counts).
void DropFirstRow(const std::string& path) {
  std::string csv = Slurp(path);
  std::size_t row2 = csv.find("\r\n") + 2;
  REQUIRE(row2 < csv.size());
  csv.erase(row2, csv.find("\r\n", row2) + 2 - row2);
  Overwrite(path, csv);
}

// An event line with `field` set to `value` and its hash recomputed as AUDIT.md §1 says.
std::string Rehashed(const std::string& line, const std::string& field, bj::value value) {
  bj::object event = bj::parse(line).as_object();
  event[field] = std::move(value);
  event.erase("hash");
  std::string hash = ToHex(Sha256(json::Canonicalize(event)));
  event["hash"] = hash;
  return json::Canonicalize(event);
}

// Two demo stores (8 and 9 carriers: the same origin, different histories), a key pair and
// another, and bundles of them, made once for every test case here.
struct Bundles {
  TempDir dir;
  std::string store = dir.Sub("s8"), other_store = dir.Sub("s9");
  std::string key = dir.Sub("k"), other_key = dir.Sub("other");
  std::string signed_bundle = dir.Sub("signed"), unsigned_bundle = dir.Sub("unsigned");
  std::string other_signed = dir.Sub("other-signed");  // of the 9-carrier store, same size

  Bundles() {
    REQUIRE(RunHatchery("demo --carriers 8 --data " + store).exit_code == 0);
    // A store as written before stores had their own key: no kept checkpoint, so that the export
    // signs with the key given here, or leaves its checkpoint unsigned.
    fs::remove(store + ".key");
    testing::RawStore(store).DeleteAll("checkpoints");
    REQUIRE(RunHatchery("demo --carriers 9 --data " + other_store).exit_code == 0);
    REQUIRE(RunHatchery("keygen --out " + key).exit_code == 0);
    REQUIRE(RunHatchery("keygen --out " + other_key).exit_code == 0);
    REQUIRE(RunHatchery("export --data " + store + " --out " + signed_bundle + " --sign --key " +
                        key + ".key")
                .exit_code == 0);
    REQUIRE(RunHatchery("export --data " + store + " --out " + unsigned_bundle).exit_code == 0);
    std::string size = std::to_string(Lines(Slurp(signed_bundle + "/events.jsonl")).size());
    REQUIRE(RunHatchery("export --data " + other_store + " --out " + other_signed +
                        " --as-of-seq " + size + " --sign --key " + key + ".key")
                .exit_code == 0);
  }
  note::VerifierKey Key() const { return *ReadVerifierKeyFile(key + ".pub"); }
};

const Bundles& SharedBundles() {
  static const Bundles bundles;
  return bundles;
}

// A copy of `bundle` to tamper with.
std::string Copy(const std::string& bundle, const TempDir& into) {
  std::string copy = into.Sub("tampered");
  fs::copy(bundle, copy, fs::copy_options::recursive);
  return copy;
}

BundleReport Cpp(const std::string& dir) {
  BundleVerifyOptions options;
  options.keys.push_back(SharedBundles().Key());
  return VerifyBundle(dir, options);
}

// verify_export.py on `dir` with `args` (default: the bureau's key).
testing::RunResult Python(const std::string& dir, const std::string& args = "") {
  return testing::Run("python3 " HATCHERY_TOOLS_DIR "/verify_export.py " + dir +
                      (args.empty() ? " --pubkey " + SharedBundles().key + ".pub" : args));
}

// Requires one of the report's problems to contain `expected`.
void RequireProblem(const BundleReport& report, const std::string& expected) {
  std::string all;
  for (const std::string& p : report.problems) all += p + "\n";
  INFO("the C++ verifier's problems:\n" << all);
  CHECK_FALSE(report.ok());
  CHECK(all.find(expected) != std::string::npos);
}

void RequirePythonProblem(const std::string& dir, const std::string& expected) {
  auto run = Python(dir);
  INFO("verify_export.py:\n" << run.out);
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("FAIL  ") != std::string::npos);
  CHECK(run.out.find(expected) != std::string::npos);
}

TEST_CASE("verify-export: an untouched bundle checks out with both verifiers", "[export]") {
  const Bundles& b = SharedBundles();
  BundleReport report = Cpp(b.signed_bundle);
  INFO((report.problems.empty() ? std::string() : report.problems.front()));
  CHECK(report.ok());
  CHECK(report.skipped.empty());  // signature and projections both checked
  CHECK(report.warnings.empty());
  CHECK(report.passed.size() == 8);
  auto python = Python(b.signed_bundle);
  INFO(python.out);
  CHECK(python.exit_code == 0);
  CHECK_THAT(python.out, Catch::Contains("the bundle checks out") &&
                             Catch::Contains("(Ed25519 checked here)") &&
                             Catch::Contains("binds manifest.json"));
  // The command line: the same verdict, exit code 0, and 1 without the right key.
  CHECK(RunHatchery("verify-export " + b.signed_bundle + " --pubkey " + b.key + ".pub").exit_code ==
        0);
  CHECK(RunHatchery("verify-export " + b.signed_bundle + " --pubkey " + b.other_key + ".pub")
            .exit_code == 1);
  CHECK(Python(b.signed_bundle, " --pubkey " + b.other_key + ".pub").exit_code == 1);
}

TEST_CASE(
    "verify-export: a bundle whose signature is not checked passes only with "
    "--allow-unsigned — loudly",
    "[export]") {
  const Bundles& b = SharedBundles();
  for (const std::string& bundle : {b.signed_bundle, b.unsigned_bundle}) {
    INFO(bundle);
    // No key given: nothing shows who made the bundle.
    auto cli = RunHatchery("verify-export " + bundle);
    CHECK(cli.exit_code == 1);
    CHECK_THAT(cli.out,
               Catch::Contains("no public key given") && Catch::Contains("--allow-unsigned"));
    auto python = Python(bundle, " ");
    CHECK(python.exit_code == 1);
    CHECK_THAT(python.out, Catch::Contains("no public key given"));
    for (const auto& run : {RunHatchery("verify-export --allow-unsigned " + bundle),
                            Python(bundle, " --allow-unsigned")}) {
      INFO(run.out);
      CHECK(run.exit_code == 0);
      CHECK_THAT(run.out, Catch::Contains("WARNING  NO SIGNATURE CHECKED") &&
                              Catch::Contains("BUT ITS SIGNATURE WAS NOT CHECKED"));
    }
  }
  // With the key: an unsigned bundle fails, unless told to accept it.
  RequireProblem(Cpp(b.unsigned_bundle), "checkpoint.txt is not signed");
  CHECK(Python(b.unsigned_bundle).exit_code == 1);
  BundleVerifyOptions allow;
  allow.keys.push_back(b.Key());
  allow.allow_unsigned = true;
  BundleReport report = VerifyBundle(b.unsigned_bundle, allow);
  CHECK(report.ok());
  REQUIRE(report.warnings.size() == 1);
  CHECK_THAT(report.warnings[0], Catch::StartsWith("UNSIGNED BUNDLE accepted"));
  auto python = Python(b.unsigned_bundle, " --pubkey " + b.key + ".pub --allow-unsigned");
  CHECK(python.exit_code == 0);
  CHECK_THAT(python.out, Catch::Contains("WARNING  UNSIGNED BUNDLE accepted"));
  // A signature by another key is never accepted.
  allow.keys = {*ReadVerifierKeyFile(b.other_key + ".pub")};
  RequireProblem(VerifyBundle(b.signed_bundle, allow), "carries no valid signature");
  CHECK(Python(b.signed_bundle, " --pubkey " + b.other_key + ".pub --allow-unsigned").exit_code ==
        1);
}

// A bundle of an older derivation (docs/replay.md): its projections cannot be recomputed by this
// Hatchery, which says so loudly; its events, proof, manifest and signature are still checked.
TEST_CASE("verify-export: a bundle of another derivation is checked but not recomputed, loudly",
          "[export]") {
  const Bundles& b = SharedBundles();
  TempDir dir;
  const std::string t = dir.Sub("t");
  std::filesystem::copy(b.signed_bundle, t);
  // As that bundle was made: its database's copy of the checkpoint names the same derivation.
  const std::string line = domain::DerivationLine() + "\n";
  std::string meta = MetaCheckpoint(t);
  REQUIRE(meta.find(line) != std::string::npos);
  EditDatabase(t, "UPDATE meta SET value = ?1 WHERE key = 'checkpoint'",
               meta.replace(meta.find(line), line.size(), "state derivation 1\n"));
  RefreshManifest(t);
  std::string text = RebindManifest(t);
  text.replace(text.find(line), line.size(), "state derivation 1\n");
  Overwrite(t + "/checkpoint.txt", *note::Sign(text, *ReadSigningKeyFile(b.key + ".key")));
  BundleReport report = Cpp(t);
  INFO((report.problems.empty() ? std::string() : report.problems.front()));
  CHECK(report.ok());
  REQUIRE(report.warnings.size() == 1);
  CHECK_THAT(report.warnings[0],
             Catch::StartsWith("PROJECTIONS NOT RECOMPUTED") && Catch::Contains("derivation 1"));
  CHECK(report.passed.size() == 7);  // all but the projections
  auto cli = RunHatchery("verify-export " + t + " --pubkey " + b.key + ".pub");
  CHECK(cli.exit_code == 0);
  CHECK_THAT(cli.out, Catch::Contains("BUT ITS PROJECTIONS WERE NOT RECOMPUTED") &&
                          !Catch::Contains("SIGNATURE WAS NOT CHECKED"));
  // A changed payout is then still caught: by the Python verifier's own recompute of the money.
  SetCell(t + "/payouts.csv", 1, "amount_fen", "1");
  Resign(t, b.key + ".key");
  CHECK(Python(t).exit_code == 1);
}

TEST_CASE("verify-export: a range from the middle checks out — its projections are not recomputed",
          "[export]") {
  const Bundles& b = SharedBundles();
  TempDir dir;
  REQUIRE(RunHatchery("export --data " + b.store + " --out " + dir.Sub("r") +
                      " --from-seq 30 --to-seq 70 --year 2024 --sign --key " + b.key + ".key")
              .exit_code == 0);
  BundleReport report = Cpp(dir.Sub("r"));
  CHECK(report.ok());
  REQUIRE(report.skipped.size() == 2);
  CHECK(report.skipped[0].find("the projections") != std::string::npos);
  CHECK(report.skipped[1].find("bundle.sqlite's view tables") != std::string::npos);
  auto python = Python(dir.Sub("r"));
  CHECK(python.exit_code == 0);
  CHECK_THAT(python.out, Catch::Contains("skip  the money and registrations: events.jsonl holds "
                                         "events 30..70"));
  // A year's export from event 1 is recomputed with that year's cut and indicators alone.
  REQUIRE(RunHatchery("export --data " + b.store + " --out " + dir.Sub("y") + " --year 2023 " +
                      "--sign --key " + b.key + ".key")
              .exit_code == 0);
  BundleReport year = Cpp(dir.Sub("y"));
  CHECK(year.ok());
  CHECK(year.skipped.empty());
}

TEST_CASE("verify-export: each tampering is caught by both verifiers, named", "[export]") {
  const Bundles& b = SharedBundles();
  TempDir dir;
  std::string t = Copy(b.signed_bundle, dir);
  std::vector<std::string> events = Lines(Slurp(t + "/events.jsonl"));
  std::string expected, python_expected;

  SECTION("a CSV cell changed") {
    std::string csv = Slurp(t + "/entitlements.csv");
    std::size_t at = csv.find(",50000000,");
    REQUIRE(at != std::string::npos);
    Overwrite(t + "/entitlements.csv", csv.replace(at, 10, ",50000001,"));
    expected = python_expected = "entitlements.csv has SHA-256";
  }
  SECTION("an event line removed") {
    events.erase(events.begin() + 6);
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected =
        "events.jsonl line 7 (seq 8): seq 8 where 7 was expected (events missing, moved or "
        "swapped)";
  }
  SECTION("the last event line removed") {
    events.pop_back();
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected = "events.jsonl ends at seq " + std::to_string(events.size());
  }
  SECTION("an event's field changed and its hash recomputed") {
    events[9] = Rehashed(events[9], "command_id", "tampered");
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected = "events.jsonl line 11 (seq 11): chain broken";
  }
  SECTION("the last event's field changed and its hash recomputed") {
    events.back() = Rehashed(events.back(), "command_id", "tampered");
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = "proof.json: the events of the range do not give its root";
    python_expected = "proof.json: the events of the range give the root";
  }
  SECTION("an event's bytes changed, its hash left") {
    std::size_t at = events[4].find("\"command_id\":\"");
    REQUIRE(at != std::string::npos);
    events[4].insert(at + 14, "x");
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected = "events.jsonl line 5 (seq 5): hash mismatch";
  }
  SECTION("an event re-serialised in a non-canonical form") {
    events[4] = bj::serialize(bj::parse(events[4])) + " ";
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = "events.jsonl line 5 (seq 5): the event is not in canonical form";
    python_expected = "events.jsonl line 5: the line is not the event's canonical form";
  }
  SECTION("the last line's newline removed") {
    std::string text = Joined(events);
    text.pop_back();
    Overwrite(t + "/events.jsonl", text);
    RefreshManifest(t);
    expected = python_expected =
        "events.jsonl line " + std::to_string(events.size()) + " does not end in a newline";
  }
  SECTION("a line that is not an event") {
    events[4] = "[1,2]";
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = "events.jsonl line 5 is not an event";
    python_expected = "events.jsonl line 5: not an object";
  }
  const std::string last = std::to_string(events.size());
  SECTION("the last event's stream_version changed and its hash recomputed") {
    events.back() = Rehashed(events.back(), "stream_version", 99);
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected =
        "events.jsonl line " + last + " (seq " + last + "): stream_version 99 of ";
  }
  SECTION("the last event's recorded_at moved back and its hash recomputed") {
    events.back() = Rehashed(events.back(), "recorded_at", "2019-01-01T00:00:00.000000Z");
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected = "events.jsonl line " + last + " (seq " + last +
                                 "): recorded_at 2019-01-01T00:00:00.000000Z is not after the "
                                 "previous event's";
  }
  SECTION("an event appended beyond the range, chained and hashed") {
    bj::object tail = bj::parse(events.back()).as_object();
    std::string next = Rehashed(events.back(), "seq", tail.at("seq").as_int64() + 1);
    next = Rehashed(next, "prev_hash", tail.at("hash"));
    next = Rehashed(next, "stream_version", tail.at("stream_version").as_int64() + 1);
    next = Rehashed(next, "recorded_at", "2099-01-01T00:00:00.000000Z");
    events.push_back(next);
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected = "beyond the manifest's range, which ends at " + last;
  }
  SECTION("two event lines swapped") {
    std::swap(events[6], events[7]);
    Overwrite(t + "/events.jsonl", Joined(events));
    RefreshManifest(t);
    expected = python_expected = "events.jsonl line 7 (seq 8): seq 8 where 7 was expected";
  }
  SECTION("a manifest entry edited") {
    std::string manifest = Slurp(t + "/manifest.json");
    std::string hash = ToHex(Sha256(Slurp(t + "/carriers.csv")));
    std::size_t at = manifest.find(hash);
    REQUIRE(at != std::string::npos);
    manifest.replace(at, 1, hash[0] == '0' ? "1" : "0");
    Overwrite(t + "/manifest.json", manifest);
    expected = python_expected = "carriers.csv has SHA-256 " + hash + "; the manifest says";
  }
  SECTION("the manifest's range edited") {
    std::string manifest = Slurp(t + "/manifest.json");
    std::string range = "\"from_seq\":1,";
    std::size_t at = manifest.find(range);
    REQUIRE(at != std::string::npos);
    Overwrite(t + "/manifest.json", manifest.replace(at, range.size(), "\"from_seq\":2,"));
    expected = python_expected = "events.jsonl line 1 (seq 1): seq 1 where 2 was expected";
  }
  SECTION("a manifest entry naming a file with a NUL byte") {
    bj::object manifest = bj::parse(Slurp(t + "/manifest.json")).as_object();
    manifest.at("files").as_array().push_back(
        {{"name", std::string("x\0y", 3)}, {"size", 1}, {"sha256", std::string(64, '0')}});
    Overwrite(t + "/manifest.json", json::Canonicalize(manifest) + "\n");
    expected = python_expected = "is listed in the manifest but missing";
  }
  SECTION("a file added that the manifest does not list") {
    Overwrite(t + "/notes.txt", "trust me\n");
    expected = python_expected = "notes.txt is in the bundle but not in the manifest";
  }
  SECTION("a file removed with its manifest entry") {
    fs::remove(t + "/payouts.csv");
    bj::object manifest = bj::parse(Slurp(t + "/manifest.json")).as_object();
    bj::array& listed = manifest.at("files").as_array();
    listed.erase(std::remove_if(listed.begin(), listed.end(),
                                [](const bj::value& e) { return e.at("name") == "payouts.csv"; }),
                 listed.end());
    Overwrite(t + "/manifest.json", json::Canonicalize(manifest) + "\n");
    expected = python_expected = "the manifest does not list payouts.csv";
  }
  SECTION("a checkpoint from another store of the same size and origin") {
    fs::copy_file(b.other_signed + "/checkpoint.txt", t + "/checkpoint.txt",
                  fs::copy_options::overwrite_existing);
    REQUIRE(Slurp(t + "/checkpoint.txt") != Slurp(b.signed_bundle + "/checkpoint.txt"));
    RefreshManifest(t);
    expected = python_expected = "a checkpoint from another store or point";
  }
  SECTION("a CSV cell changed, the manifest re-hashed and bound again, its signature kept") {
    std::string csv = Slurp(t + "/entitlements.csv");
    std::size_t at = csv.find(",50000000,");
    REQUIRE(at != std::string::npos);
    Overwrite(t + "/entitlements.csv", csv.replace(at, 10, ",50000001,"));
    RefreshManifest(t);
    std::string checkpoint = Slurp(t + "/checkpoint.txt");
    std::string text = note::Parse(checkpoint)->text;
    Overwrite(t + "/checkpoint.txt", RebindManifest(t) + checkpoint.substr(text.size()));
    expected = python_expected = "checkpoint.txt carries no valid signature by a given key";
  }
  SECTION("report.html changed, the manifest re-hashed") {
    std::string html = Slurp(t + "/report.html");
    std::size_t at = html.find("</h1>");
    REQUIRE(at != std::string::npos);
    Overwrite(t + "/report.html", html.insert(at, " (amended)"));
    RefreshManifest(t);
    expected = python_expected = "the manifest was changed after the checkpoint was made";
  }
  SECTION("a state line of the checkpoint edited") {
    std::string checkpoint = Slurp(t + "/checkpoint.txt");
    std::size_t at = checkpoint.find("state entitlements ") + 19;
    checkpoint[at] = checkpoint[at] == '0' ? '1' : '0';
    Overwrite(t + "/checkpoint.txt", checkpoint);
    expected = python_expected = "checkpoint.txt carries no valid signature by a given key";
  }
  SECTION("a proof subtree's hash changed") {
    REQUIRE(RunHatchery("export --data " + b.store + " --out " + dir.Sub("r") +
                        " --from-seq 30 --to-seq 70 --sign --key " + b.key + ".key")
                .exit_code == 0);
    fs::remove_all(t);
    fs::copy(dir.Sub("r"), t, fs::copy_options::recursive);
    std::string proof = Slurp(t + "/proof.json");
    std::size_t at = proof.find("\"hash\":\"") + 8;
    proof[at] = proof[at] == '0' ? '1' : '0';
    Overwrite(t + "/proof.json", proof);
    RefreshManifest(t);
    expected = "proof.json: the events of the range do not give its root";
    python_expected = "proof.json: the events of the range give the root";
  }

  REQUIRE_FALSE(expected.empty());
  RequireProblem(Cpp(t), expected);
  RequirePythonProblem(t, python_expected);
}

TEST_CASE("verify-export: an insider holding the key re-signs altered numbers — both recompute",
          "[export]") {
  const Bundles& b = SharedBundles();
  TempDir dir;
  std::string t = Copy(b.signed_bundle, dir);
  // What the C++ verifier says; what the Python one says, or (empty) the check it names as left
  // undone in `unchecked`.
  std::string expected, python_expected, unchecked;

  SECTION("an entitlement's amount changed") {
    std::string csv = Slurp(t + "/entitlements.csv");
    std::size_t at = csv.find(",50000000,");
    REQUIRE(at != std::string::npos);
    Overwrite(t + "/entitlements.csv", csv.replace(at, 10, ",1,"));
    expected = ", column amount_fen: the bundle says \"1\" where the events give \"50000000\"";
    python_expected = "column amount_fen: 1 where rule R";
  }
  SECTION("a payout row dropped") {
    auto records = ParseCsv(Slurp(t + "/payouts.csv"));
    REQUIRE(records.size() >= 3);
    DropFirstRow(t + "/payouts.csv");
    expected = "payouts.csv row 2 (payout_id=" + records[1][0] + "), column payout_id";
    python_expected = "payouts.csv lacks the payout " + records[1][0];
  }
  SECTION("a payout's amount changed, fen and yuan alike") {
    SetCell(t + "/payouts.csv", 1, "amount_fen", "1");
    SetCell(t + "/payouts.csv", 1, "amount_yuan", "0.01");
    expected = "payouts.csv row 2";
    python_expected = "payouts.csv row 2 (payout_id=";
  }
  SECTION("an entitlement's money disbursed changed") {
    SetCell(t + "/entitlements.csv", 1, "disbursed_fen", "7");
    SetCell(t + "/entitlements.csv", 1, "disbursed_yuan", "0.07");
    expected = "column disbursed_fen";
    python_expected = "column disbursed_fen: the bundle says '7'";
  }
  SECTION("a yuan cell that is not its fen cell") {
    SetCell(t + "/payouts.csv", 1, "amount_yuan", "1.00");
    expected = "column amount_yuan";
    python_expected = "payouts.csv row 2, column amount_yuan: '1.00' is not amount_fen=";
  }
  SECTION("a year's money disbursed changed") {
    // The first carrier paid in some year, its row of that year's indicators.
    auto payouts = ParseCsv(Slurp(t + "/payouts.csv"));
    auto column = [&](const std::string& name) {
      return static_cast<std::size_t>(std::find(payouts[0].begin(), payouts[0].end(), name) -
                                      payouts[0].begin());
    };
    std::string carrier = payouts[1][column("carrier_id")];
    std::string file =
        t + "/indicators-" + payouts[1][column("disbursed_on")].substr(0, 4) + ".csv";
    auto rows = ParseCsv(Slurp(file));
    std::size_t row = 1;
    while (row < rows.size() && rows[row][1] != carrier) ++row;
    SetCell(file, row, "values.disbursed_fen", "123");
    SetCell(file, row, "values.disbursed_yuan", "1.23");
    expected = "column values.disbursed_fen";
    python_expected = "column values.disbursed_fen: the bundle says '123'";
  }
  SECTION("a carrier's name changed") {
    SetCell(t + "/carriers.csv", 2, "name", "某某孵化器");
    expected = "carriers.csv row 3";
    python_expected = "carriers.csv row 3 (carrier_id=";
  }
  SECTION("a carrier row removed") {
    DropFirstRow(t + "/carriers.csv");
    expected = "carriers.csv row 2 (carrier_id=";
    python_expected = "carriers.csv lacks the carrier ";
  }
  SECTION("a compliance flag removed") {
    DropFirstRow(t + "/compliance.csv");
    expected = "compliance.csv row 2";
    unchecked = "not recomputed here: compliance.csv";
  }
  SECTION("an assessment rank changed") {
    SetCell(t + "/assessment-2024.csv", 1, "rank", "99");
    expected = "assessment-2024.csv row 2";
    unchecked = "assessment-<year>.csv's scores and ranks";
  }
  SECTION("the manifest's issuer changed") {
    bj::object manifest = bj::parse(Slurp(t + "/manifest.json")).as_object();
    manifest["issuer"] = "某某局";
    Overwrite(t + "/manifest.json", json::Canonicalize(manifest) + "\n");
    expected = "report.html differs from the one the events give";
    python_expected = "bundle.sqlite table meta, key issuer: the bundle says None";
  }
  SECTION("report.html changed") {
    std::string html = Slurp(t + "/report.html");
    std::size_t at = html.find("</h1>");
    REQUIRE(at != std::string::npos);
    Overwrite(t + "/report.html", html.insert(at, " (amended)"));
    expected = "report.html differs from the one the events give";
    unchecked = "not recomputed here: report.html";
  }
  SECTION("an indicators file of a year the events do not give") {
    Overwrite(t + "/indicators-2031.csv", "\xEF\xBB\xBF");
    RefreshManifest(t);
    bj::object manifest = bj::parse(Slurp(t + "/manifest.json")).as_object();
    manifest.at("files").as_array().push_back(
        {{"name", "indicators-2031.csv"}, {"size", 3}, {"sha256", ToHex(Sha256("\xEF\xBB\xBF"))}});
    Overwrite(t + "/manifest.json", json::Canonicalize(manifest) + "\n");
    expected = "indicators-2031.csv is not a file the events give";
    unchecked = "which years have indicators and assessment files";
  }
  // What the Python verifier names as left to `hatchery verify-export` in bundle.sqlite.
  const std::string kDatabaseViewsUnchecked = "bundle.sqlite's schema and view tables";
  SECTION("a payout's amount changed in bundle.sqlite") {
    EditDatabase(t, "UPDATE payouts SET amount_fen = 1 WHERE rowid = 1");
    expected = "bundle.sqlite table payouts row 1 (payout_id '";
    unchecked = kDatabaseViewsUnchecked;
  }
  SECTION("a payout's amount made a REAL in bundle.sqlite") {
    EditDatabase(t, "UPDATE payouts SET amount_fen = amount_fen + 0.5 WHERE rowid = 1");
    expected = "column amount_fen: the bundle says a REAL or BLOB where the events give ";
    unchecked = kDatabaseViewsUnchecked;
  }
  SECTION("a carrier's name made a BLOB of the same bytes in bundle.sqlite") {
    // The same bytes compare unequal to the text in SQL: a query by name would not find it.
    EditDatabase(t, "UPDATE carriers SET name = CAST(name AS BLOB) WHERE rowid = 2");
    expected = "bundle.sqlite table carriers row 2 (carrier_id '";
    unchecked = kDatabaseViewsUnchecked;
  }
  SECTION("a carrier row added to bundle.sqlite") {
    EditDatabase(t, "INSERT INTO carriers (carrier_id, name) VALUES ('zz-fake', '虚构孵化器')");
    expected =
        "bundle.sqlite table carriers has row 9 (carrier_id 'zz-fake') that the events do "
        "not give";
    unchecked = kDatabaseViewsUnchecked;
  }
  SECTION("the awards_with_payouts view redefined to hide a payout") {
    EditDatabase(t, "DROP VIEW awards_with_payouts");
    EditDatabase(t, "CREATE VIEW awards_with_payouts AS SELECT * FROM payouts WHERE rowid > 1");
    expected =
        "bundle.sqlite has another schema than export makes: it has 'view' "
        "'awards_with_payouts'";
    unchecked = kDatabaseViewsUnchecked;
  }
  SECTION("a trigger added to bundle.sqlite") {
    EditDatabase(t, "CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM payouts; END");
    expected = "bundle.sqlite has another schema than export makes: it has 'trigger' 't'";
    unchecked = kDatabaseViewsUnchecked;
  }
  SECTION("an event's actor changed in bundle.sqlite") {
    EditDatabase(t, "UPDATE events SET actor_id = 'someone.else' WHERE seq = 3");
    expected =
        "bundle.sqlite table events row 3 (seq 3), column actor_id: the bundle says "
        "'someone.else' where events.jsonl gives '";
    python_expected =
        "bundle.sqlite table events row 3 (seq 3), column actor_id: the bundle "
        "says 'someone.else'";
  }
  SECTION("the last event's row deleted from bundle.sqlite") {
    EditDatabase(t, "DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)");
    std::string last = std::to_string(Lines(Slurp(t + "/events.jsonl")).size());
    expected = "bundle.sqlite table events lacks row " + last + " (seq " + last + ")";
    python_expected = "bundle.sqlite table events lacks the row of events.jsonl line " + last;
  }
  SECTION("the meta table's root changed") {
    EditDatabase(t, "UPDATE meta SET value = '00' || substr(value, 3) WHERE key = 'root'");
    expected = "bundle.sqlite table meta row 6 (key 'root'), column value: the bundle says '00";
    python_expected = "bundle.sqlite table meta, key root: the bundle says '00";
  }
  SECTION("an index of bundle.sqlite that disagrees with its table") {
    // A byte of a key in the index's page changed: a query answered from the index would not see
    // what the table holds.
    std::string bytes = Slurp(t + "/bundle.sqlite");
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((t + "/bundle.sqlite").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
                       "FROM sqlite_schema WHERE name = 'payouts_by_carrier'",
                       -1, &stmt, nullptr);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const std::size_t page = static_cast<std::size_t>(sqlite3_column_int(stmt, 0));
    const std::size_t page_size = static_cast<std::size_t>(sqlite3_column_int(stmt, 1));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    std::size_t key = bytes.rfind("tl-", page * page_size);
    REQUIRE((key != std::string::npos && key >= (page - 1) * page_size));
    bytes[key + 1] = 'x';
    Overwrite(t + "/bundle.sqlite", bytes);
    expected = python_expected = "bundle.sqlite fails SQLite's integrity check";
  }
  SECTION("bundle.sqlite switched to write-ahead-log mode") {
    // Other readers would then read a bundle.sqlite-wal beside it, which immutable opens do not.
    std::string bytes = Slurp(t + "/bundle.sqlite");
    bytes[18] = bytes[19] = 2;
    Overwrite(t + "/bundle.sqlite", bytes);
    expected = "bundle.sqlite is not in rollback-journal mode (header bytes 18-19 are 2, 2";
    python_expected = "bundle.sqlite is not in rollback-journal mode (header bytes 18-19 are 2, 2";
  }
  SECTION("a write-ahead log put beside bundle.sqlite") {
    Overwrite(t + "/bundle.sqlite-wal", std::string(4096, '\0'));
    expected = python_expected =
        "bundle.sqlite-wal is beside bundle.sqlite: SQLite tools would "
        "read it";
  }
  SECTION("free pages left in bundle.sqlite") {
    // Rows unchanged; what was deleted stays in the file for a recovery tool to find.
    EditDatabase(t, "INSERT INTO meta VALUES ('x', zeroblob(100000))");
    EditDatabase(t, "DELETE FROM meta WHERE key = 'x'");
    expected = "free pages where export leaves none";
    python_expected = "bundle.sqlite is encoded in UTF-8 with ";
  }
  SECTION("bundle.sqlite rebuilt in UTF-16: the same rows and schema, another sort order") {
    const std::string script = t + "/../utf16.py";
    Overwrite(script, R"py(import os, sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[1] + ".16")
dst.execute("PRAGMA encoding = 'UTF-16le'")
for (sql,) in src.execute("SELECT sql FROM sqlite_schema WHERE sql NOT NULL ORDER BY rowid"):
    dst.execute(sql)
for (table,) in src.execute("SELECT name FROM sqlite_schema WHERE type = 'table'"):
    rows = src.execute("SELECT * FROM " + table + " ORDER BY rowid").fetchall()
    if rows:
        dst.executemany("INSERT INTO %s VALUES (%s)" % (table, ", ".join("?" * len(rows[0]))), rows)
dst.execute("PRAGMA application_id = %d" % src.execute("PRAGMA application_id").fetchone()[0])
dst.execute("PRAGMA user_version = 1")
dst.commit()
dst.close()
os.replace(sys.argv[1] + ".16", sys.argv[1])
)py");
    REQUIRE(testing::Run("python3 " + script + " " + t + "/bundle.sqlite").exit_code == 0);
    expected = "bundle.sqlite is not encoded in UTF-8 (PRAGMA encoding: 'UTF-16le')";
    python_expected = "bundle.sqlite is encoded in UTF-16le";
  }
  SECTION("bundle.sqlite replaced by a file that is no database") {
    Overwrite(t + "/bundle.sqlite", std::string(8192, 'x'));
    expected = "bundle.sqlite is not a sound SQLite database";
    python_expected = "bundle.sqlite cannot be checked";
  }
  SECTION("a state line edited") {
    std::string checkpoint = note::Parse(Slurp(t + "/checkpoint.txt"))->text;
    std::size_t at = checkpoint.find("state entitlements ") + 19;
    checkpoint[at] = checkpoint[at] == '0' ? '1' : '0';
    Overwrite(t + "/checkpoint.txt", checkpoint);
    expected = "checkpoint.txt says \"state entitlements ";
    unchecked = "checkpoint.txt's state lines";
  }

  REQUIRE_FALSE(expected.empty());
  Resign(t, b.key + ".key");
  RequireProblem(Cpp(t), expected);
  if (unchecked.empty()) {
    RequirePythonProblem(t, python_expected);
  } else {
    auto python = Python(t);
    INFO(python.out);
    CHECK(python.exit_code == 0);
    CHECK_THAT(python.out, Catch::Contains("skip  ") && Catch::Contains(unchecked));
  }
}

TEST_CASE("verify_export.py: its Ed25519 checks RFC 8032's vectors and refuses flipped bits",
          "[export][verify]") {
  auto run = testing::Run("python3 " HATCHERY_TOOLS_DIR "/verify_export.py --self-test");
  INFO(run.out);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("RFC 8032's vectors check out"));
}

}  // namespace
}  // namespace hatchery::exporting
