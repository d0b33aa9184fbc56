// The two bundle verifiers — `hatchery verify-export` (src/export/verify.h) and the
// standard-library tools/verify_export.py — on a real export of the demo store: the bundle checks
// out with both, and each tampering is caught, with a message that names it. A tamperer who
// rewrites the manifest to match is assumed throughout (the manifest is not signed); the projection
// and signature cases are the C++ verifier's alone.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include "export/verify.h"
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

testing::RunResult Python(const std::string& dir) {
  return testing::Run("python3 " HATCHERY_TOOLS_DIR "/verify_export.py " + dir);
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
  CHECK(report.passed.size() == 6);
  auto python = Python(b.signed_bundle);
  INFO(python.out);
  CHECK(python.exit_code == 0);
  CHECK(python.out.find("the bundle checks out") != std::string::npos);
  // The command line: the same verdict, exit code 0, and 1 without the right key.
  CHECK(RunHatchery("verify-export " + b.signed_bundle + " --pubkey " + b.key + ".pub").exit_code ==
        0);
  CHECK(RunHatchery("verify-export " + b.signed_bundle + " --pubkey " + b.other_key + ".pub")
            .exit_code == 1);
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
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].find("the projections") != std::string::npos);
  CHECK(Python(dir.Sub("r")).exit_code == 0);
  // A year's export from event 1 is recomputed with that year's cut and indicators alone.
  REQUIRE(RunHatchery("export --data " + b.store + " --out " + dir.Sub("y") + " --year 2023")
              .exit_code == 0);
  BundleReport year = VerifyBundle(dir.Sub("y"), {});
  CHECK(year.ok());
  CHECK(year.skipped.size() == 1);  // the signature: no key given
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
  SECTION("a proof subtree's hash changed") {
    REQUIRE(RunHatchery("export --data " + b.store + " --out " + dir.Sub("r") +
                        " --from-seq 30 --to-seq 70")
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

TEST_CASE("verify-export: projections and signatures, which only the C++ verifier checks",
          "[export]") {
  const Bundles& b = SharedBundles();
  TempDir dir;
  std::string t = Copy(b.signed_bundle, dir);
  std::string expected;

  SECTION("a CSV cell changed, the manifest made to match") {
    std::string csv = Slurp(t + "/entitlements.csv");
    std::size_t at = csv.find(",50000000,");
    REQUIRE(at != std::string::npos);
    Overwrite(t + "/entitlements.csv", csv.replace(at, 10, ",1,"));
    RefreshManifest(t);
    expected = ", column amount_fen: the bundle says \"1\" where the events give \"50000000\"";
  }
  SECTION("a CSV row removed, the manifest made to match") {
    std::string csv = Slurp(t + "/carriers.csv");
    std::size_t second = csv.find("\r\n", csv.find("\r\n") + 2);
    Overwrite(t + "/carriers.csv", csv.erase(csv.find("\r\n") + 2, second - csv.find("\r\n")));
    RefreshManifest(t);
    expected = "carriers.csv row 2 (carrier_id=";
  }
  SECTION("an indicators file of a year the events do not give") {
    Overwrite(t + "/indicators-2031.csv", "\xEF\xBB\xBF");
    RefreshManifest(t);
    bj::object manifest = bj::parse(Slurp(t + "/manifest.json")).as_object();
    manifest.at("files").as_array().push_back(
        {{"name", "indicators-2031.csv"}, {"size", 3}, {"sha256", ToHex(Sha256("\xEF\xBB\xBF"))}});
    Overwrite(t + "/manifest.json", json::Canonicalize(manifest) + "\n");
    expected = "indicators-2031.csv is not a file the events give";
  }
  SECTION("signed by a key the auditor does not hold") {
    REQUIRE(RunHatchery("export --data " + b.store + " --out " + dir.Sub("o") + " --sign --key " +
                        b.other_key + ".key")
                .exit_code == 0);
    fs::copy_file(dir.Sub("o") + "/checkpoint.txt", t + "/checkpoint.txt",
                  fs::copy_options::overwrite_existing);
    RefreshManifest(t);
    expected = "checkpoint.txt carries no valid signature by a given key";
  }
  SECTION("not signed at all") {
    fs::copy_file(b.unsigned_bundle + "/checkpoint.txt", t + "/checkpoint.txt",
                  fs::copy_options::overwrite_existing);
    RefreshManifest(t);
    expected = "checkpoint.txt is not signed";
  }
  SECTION("a state line of an unsigned checkpoint edited") {
    fs::remove_all(t);
    t = Copy(b.unsigned_bundle, dir);
    std::string checkpoint = Slurp(t + "/checkpoint.txt");
    std::size_t at = checkpoint.find("state entitlements ");
    REQUIRE(at != std::string::npos);
    at += std::string("state entitlements ").size();
    checkpoint[at] = checkpoint[at] == '0' ? '1' : '0';
    Overwrite(t + "/checkpoint.txt", checkpoint);
    RefreshManifest(t);
    expected = "checkpoint.txt says \"state entitlements ";
  }

  REQUIRE_FALSE(expected.empty());
  RequireProblem(Cpp(t), expected);
  CHECK(Python(t).exit_code == 0);  // beyond what the format alone can show
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
