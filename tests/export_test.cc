// Export bundles (AUDIT.md §5) of a real demo store: the CSV form byte for byte, a bundle whose
// manifest, events, chain and proof check out with nothing but the bundle, byte-identical
// re-exports, a range proven against the export point's root, the checkpoint that binds the
// manifest, and refusals that leave nothing behind.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>

#include "export/bundle.h"
#include "export/csv.h"
#include "hatchery/checkpoint.h"
#include "hatchery/json.h"
#include "hatchery/merkle.h"
#include "replay/checkpoint_state.h"
#include "test_util.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;
using testing::Lines;
using testing::RunHatchery;
using testing::Slurp;
using testing::TempDir;

// Requires the bundle in `dir` to check out on its own: every manifest entry's size and hash, every
// event's hash and link, the range against the proof's root. Returns the manifest.
bj::object RequireSelfConsistent(const std::string& dir) {
  bj::object manifest = bj::parse(Slurp(dir + "/manifest.json")).as_object();
  std::size_t listed = 0;
  for (const bj::value& entry : manifest.at("files").as_array()) {
    std::string content = Slurp(dir + "/" + std::string(entry.at("name").as_string()));
    CHECK(entry.at("size").to_number<std::size_t>() == content.size());
    CHECK(entry.at("sha256").as_string() == ToHex(Sha256(content)));
    ++listed;
  }
  // Every file but the manifest and checkpoint.txt, which binds the manifest, is listed.
  CHECK(listed + 2 == static_cast<std::size_t>(
                          std::distance(fs::directory_iterator(dir), fs::directory_iterator())));
  bj::object proof = bj::parse(Slurp(dir + "/proof.json")).as_object();
  std::vector<std::string> events = Lines(Slurp(dir + "/events.jsonl"));
  std::uint64_t from = proof.at("from_seq").to_number<std::uint64_t>();
  REQUIRE(events.size() == proof.at("to_seq").to_number<std::uint64_t>() - from + 1);
  std::vector<Hash> hashes;
  for (std::size_t i = 0; i < events.size(); ++i) {
    bj::object event = bj::parse(events[i]).as_object();
    CHECK(event.at("seq").to_number<std::uint64_t>() == from + i);
    std::string hash(event.at("hash").as_string());
    event.erase("hash");
    CHECK(ToHex(Sha256(json::Canonicalize(event))) == hash);  // AUDIT.md §1
    if (i > 0) CHECK(event.at("prev_hash").as_string() == ToHex(hashes.back()));
    hashes.push_back(*HashFromHex(hash));
  }
  std::vector<std::string_view> leaves;
  for (const Hash& h : hashes) leaves.push_back(AsBytes(h));
  std::vector<Hash> subtrees;
  for (const bj::value& s : proof.at("subtrees").as_array()) {
    subtrees.push_back(*HashFromHex(s.at("hash").as_string()));
  }
  CHECK(merkle::VerifyRange(from - 1, proof.at("tree_size").to_number<std::uint64_t>(), leaves,
                            subtrees, *HashFromHex(proof.at("root").as_string()))
            .ok());
  auto checkpoint = ParseCheckpoint(Slurp(dir + "/checkpoint.txt"));
  auto signed_note = note::Parse(Slurp(dir + "/checkpoint.txt"));
  auto body = checkpoint.ok() ? checkpoint : ParseCheckpoint(signed_note->text);
  REQUIRE(body.ok());
  CHECK(body->size == proof.at("tree_size").to_number<std::uint64_t>());
  CHECK(ToHex(body->root) == proof.at("root").as_string());
  REQUIRE_FALSE(body->extensions.empty());
  CHECK(body->extensions.back() == "manifest " + ToHex(Sha256(Slurp(dir + "/manifest.json"))));
  return manifest;
}

TEST_CASE("export csv: BOM, quoting, CRLF, nested fields flattened, yuan beside fen", "[export]") {
  bj::array rows{bj::object{{"id", "a,1"},
                            {"name", "开鲁县\"新兴\"孵化器"},
                            {"amount_fen", 123456},
                            {"values", {{"jobs", 3}, {"paid_fen", -5}}},
                            {"seqs", bj::array{4, 7}},
                            {"note", nullptr}},
                 bj::object{{"id", "b"}, {"amount_fen", 0}, {"extra", "x\ny"}}};
  CHECK(RowsCsv(rows) ==
        "\xEF\xBB\xBF"
        "id,name,amount_fen,amount_yuan,values.jobs,values.paid_fen,values.paid_yuan,seqs,note,"
        "extra\r\n"
        "\"a,1\",\"开鲁县\"\"新兴\"\"孵化器\",123456,1234.56,3,-5,-0.05,\"[4,7]\",,\r\n"
        "b,,0,0.00,,,,,,\"x\ny\"\r\n");
  CHECK(RowsCsv(bj::array{}) == "\xEF\xBB\xBF");
  CHECK(YuanText(-100) == "-1.00");
  CHECK(YuanText(7) == "0.07");
}

TEST_CASE("export: a bundle of the demo store checks out on its own and re-exports identically",
          "[export]") {
  TempDir dir;
  std::string data = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 8 --data " + data).exit_code == 0);
  auto exported = RunHatchery("export --data " + data + " --out " + dir.Sub("b1"));
  REQUIRE(exported.exit_code == 0);
  bj::object manifest = RequireSelfConsistent(dir.Sub("b1"));
  auto ledger = std::move(Ledger::Open(data, LedgerOptions{nullptr, true})).value();
  CHECK(manifest.at("as_of").at("seq") == ledger->head().seq);
  CHECK(manifest.at("range").at("from_seq") == 1);
  CHECK(Slurp(dir.Sub("b1") + "/entitlements.csv")
            .starts_with("\xEF\xBB\xBF"
                         "entitlement_id,"));
  CHECK(fs::exists(dir.Sub("b1") + "/indicators-2024.csv"));
  CHECK(fs::exists(dir.Sub("b1") + "/bundle.sqlite"));
  // The same store and arguments: the same bytes.
  REQUIRE(RunHatchery("export --data " + data + " --out " + dir.Sub("b2")).exit_code == 0);
  for (const auto& entry : fs::directory_iterator(dir.Sub("b1"))) {
    INFO(entry.path().filename());
    CHECK(Slurp(entry.path()) == Slurp(dir.Sub("b2") + "/" + entry.path().filename().string()));
  }
}

TEST_CASE("export: a range is proven against the export point — a year narrows the yearly files",
          "[export]") {
  TempDir dir;
  std::string data = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 8 --data " + data).exit_code == 0);
  std::uint64_t head =
      std::move(Ledger::Open(data, LedgerOptions{nullptr, true})).value()->head().seq;
  std::uint64_t as_of = head - 3, to = head / 2;
  REQUIRE(RunHatchery("export --data " + data + " --out " + dir.Sub("r") + " --from-seq 17" +
                      " --to-seq " + std::to_string(to) + " --as-of-seq " + std::to_string(as_of) +
                      " --year 2024 --effective-on 2024-12-31")
              .exit_code == 0);
  bj::object manifest = RequireSelfConsistent(dir.Sub("r"));
  CHECK(manifest.at("as_of").at("seq") == as_of);
  CHECK(manifest.at("range").at("to_seq") == to);
  CHECK(manifest.at("as_of").at("effective_on") == "2024-12-31");
  CHECK(manifest.at("year") == 2024);
  std::vector<std::string> yearly_files;
  for (const auto& entry : fs::directory_iterator(dir.Sub("r"))) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("indicators-") || name.starts_with("assessment-")) {
      yearly_files.push_back(name);
    }
  }
  std::sort(yearly_files.begin(), yearly_files.end());
  CHECK(yearly_files == std::vector<std::string>{"assessment-2024.csv", "indicators-2024.csv"});
  CHECK(Slurp(dir.Sub("r") + "/report.html").find("考核报告 2024") != std::string::npos);
  // The checkpoint's state lines are those of the whole state at the export point, not of the
  // year's business-date cut.
  auto ledger = std::move(Ledger::Open(data, LedgerOptions{nullptr, true})).value();
  auto folded = replay::Fold(*ledger, as_of, replay::Path::kFromStart);
  REQUIRE(folded.ok());
  CHECK(Slurp(dir.Sub("r") + "/checkpoint.txt") ==
        *replay::StateCheckpoint(*ledger, *folded->facts) + "manifest " +
            ToHex(Sha256(Slurp(dir.Sub("r") + "/manifest.json"))) + "\n");
}

TEST_CASE("export: signed with a key — one signature over the root, the state and the manifest",
          "[export]") {
  TempDir dir;
  std::string data = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 8 --data " + data).exit_code == 0);
  REQUIRE(RunHatchery("keygen --out " + dir.Sub("k")).exit_code == 0);
  auto exported = RunHatchery("export --data " + data + " --out " + dir.Sub("signed") +
                              " --sign --key " + dir.Sub("k.key"));
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Catch::Contains("checkpoint and manifest signed"));
  auto verifier =
      note::ParseVerifierKey(Slurp(dir.Sub("k.pub")).substr(0, Slurp(dir.Sub("k.pub")).find('\n')));
  REQUIRE(verifier.ok());
  auto signed_note = note::Parse(Slurp(dir.Sub("signed") + "/checkpoint.txt"));
  REQUIRE(signed_note.ok());
  CHECK(note::Verify(*signed_note, *verifier).ok());
  RequireSelfConsistent(dir.Sub("signed"));
  // Without a key: the same files, the checkpoint unsigned (not the store's kept one, which
  // cannot bind this manifest), and said so.
  auto plain = RunHatchery("export --data " + data + " --out " + dir.Sub("unsigned"));
  REQUIRE(plain.exit_code == 0);
  CHECK_THAT(plain.out, Catch::Contains("NOT signed") && Catch::Contains("--allow-unsigned"));
  CHECK_FALSE(note::Parse(Slurp(dir.Sub("unsigned") + "/checkpoint.txt")).ok());
  CHECK(Slurp(dir.Sub("unsigned") + "/checkpoint.txt") == signed_note->text);
  RequireSelfConsistent(dir.Sub("unsigned"));
}

TEST_CASE("export: the report names its issuer — kept in the manifest and checked", "[export]") {
  TempDir dir;
  std::string data = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 8 --data " + data).exit_code == 0);
  REQUIRE(RunHatchery("export --data " + data + " --out " + dir.Sub("b") +
                      " --year 2025 --issuer \"通辽市科学技术局 · 2026-04-01\" --sign --key " +
                      data + ".key")
              .exit_code == 0);
  bj::object manifest = RequireSelfConsistent(dir.Sub("b"));
  CHECK(manifest.at("issuer") == "通辽市科学技术局 · 2026-04-01");
  std::string html = Slurp(dir.Sub("b") + "/report.html");
  CHECK(html.find("<td>issued by 发布单位</td><td>通辽市科学技术局 · 2026-04-01</td>") <
        html.find("</header>"));
  auto verified = RunHatchery("verify-export " + dir.Sub("b") + " --pubkey " + data + ".pub");
  INFO(verified.out);
  CHECK(verified.exit_code == 0);
  // Without --issuer: the member is null and the header has no issuer row.
  REQUIRE(
      RunHatchery("export --data " + data + " --out " + dir.Sub("n") + " --year 2025").exit_code ==
      0);
  CHECK(bj::parse(Slurp(dir.Sub("n") + "/manifest.json")).at("issuer").is_null());
  CHECK(Slurp(dir.Sub("n") + "/report.html").find("issued by") == std::string::npos);
}

TEST_CASE("export: refusals leave nothing behind", "[export]") {
  TempDir dir;
  std::string data = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 8 --data " + data).exit_code == 0);
  fs::create_directory(dir.Sub("exists"));
  CHECK(RunHatchery("export --data " + data + " --out " + dir.Sub("exists")).exit_code == 2);
  CHECK(fs::is_empty(dir.Sub("exists")));
  for (const char* range : {" --from-seq 0", " --from-seq 50 --to-seq 40", " --to-seq 100000",
                            " --as-of-seq 30 --to-seq 31", " --year 2030", " --year 1999"}) {
    INFO(range);
    auto refused = RunHatchery("export --data " + data + " --out " + dir.Sub("x") + range);
    INFO(refused.out);
    CHECK(refused.exit_code == 2);
    CHECK_FALSE(fs::exists(dir.Sub("x")));
    CHECK_FALSE(fs::exists(dir.Sub("x.partial")));
  }
  auto future = RunHatchery("export --data " + data + " --out " + dir.Sub("x") + " --year 2030");
  CHECK_THAT(future.out,
             Catch::Contains("no indicators of 2030") && Catch::Contains("nothing written"));
}

}  // namespace
}  // namespace hatchery::exporting
