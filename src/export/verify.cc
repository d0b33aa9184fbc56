#include "export/verify.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "domain/fold/fact_base.h"
#include "domain/views/cut.h"
#include "domain/views/projections.h"
#include "export/csv.h"
#include "export/database/database.h"
#include "export/format.h"
#include "export/projection_files.h"
#include "hatchery/chain.h"
#include "hatchery/checkpoint.h"
#include "hatchery/files.h"
#include "hatchery/json.h"
#include "hatchery/merkle.h"
#include "read/ops.h"
#include "replay/record_pipeline.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

// A non-negative integer member of `object`, if it is one.
std::optional<std::uint64_t> Count(const bj::object& object, std::string_view key) {
  const bj::value* v = object.if_contains(key);
  if (!v || !(v->is_int64() || v->is_uint64())) return std::nullopt;
  if (v->is_int64() && v->as_int64() < 0) return std::nullopt;
  return v->to_number<std::uint64_t>();
}

std::optional<std::string> Text(const bj::object& object, std::string_view key) {
  const bj::value* v = object.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

const bj::object* Member(const bj::object& object, std::string_view key) {
  const bj::value* v = object.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

// What manifest.json says.
struct Manifest {
  struct Entry {
    std::string name;
    std::uint64_t size = 0;
    Hash sha256{};
  };
  std::string sha256;  // of manifest.json's bytes, hex
  std::string origin;
  std::uint64_t from = 0, to = 0, size = 0;  // the range; the export point's tree size
  std::optional<domain::Date> effective_on;
  std::optional<int> year;
  std::string issuer;
  std::string software;        // what made the bundle, as it says
  bool with_database = false;  // the format of bundles with bundle.sqlite
  std::vector<Entry> files;
};

// "row 8 (carrier_id=cx-01)": a CSV record (0 the header) by its row as a spreadsheet numbers
// it and its first cell, for findings.
std::string RowName(const std::vector<std::vector<std::string>>& rows, std::size_t i) {
  std::string name = "row " + std::to_string(i + 1);
  if (i > 0 && !rows[0].empty() && !rows[i].empty()) {
    name += " (" + rows[0][0] + "=" + rows[i][0] + ")";
  }
  return name;
}

// Where the bundle's CSV differs from the one the events give: the first row and column.
std::string CsvDifference(const std::string& name, std::string_view bundle,
                          std::string_view recomputed) {
  auto have = ParseCsv(bundle), want = ParseCsv(recomputed);
  const std::vector<std::string> kNoRow;
  for (std::size_t i = 0; i < std::max(have.size(), want.size()); ++i) {
    if (i >= have.size()) return name + " lacks " + RowName(want, i) + " that the events give";
    if (i >= want.size()) return name + " has " + RowName(have, i) + " that the events do not give";
    const std::vector<std::string>& header = want.empty() ? kNoRow : want[0];
    for (std::size_t c = 0; c < std::max(have[i].size(), want[i].size()); ++c) {
      std::string got = c < have[i].size() ? have[i][c] : "(none)";
      std::string expected = c < want[i].size() ? want[i][c] : "(none)";
      if (got == expected) continue;
      std::string where = name + " " + (i == 0 ? std::string("header") : RowName(want, i));
      where += ", column " + (c < header.size() ? header[c] : std::to_string(c + 1));
      where += ": the bundle says \"" + got;
      where += "\" where the events give \"" + expected;
      return where + "\"";
    }
  }
  return name + " differs from the one the events give in its bytes (BOM, quoting or line ends)";
}

class Verifier {
 public:
  Verifier(std::string dir, const BundleVerifyOptions& options)
      : dir_(std::move(dir)), options_(options) {}

  BundleReport Run() && {
    if (ReadManifest()) {
      // SQLite's integrity check of bundle.sqlite reads the whole file: on a thread of its own,
      // beside the checks that do not need it.
      std::future<StatusOr<std::unique_ptr<database::DatabaseChecker>>> database;
      if (manifest_.with_database) {
        database = std::async(std::launch::async, database::DatabaseChecker::Open,
                              Path(database::kDatabaseFile));
      }
      CheckFiles();
      bool events_ok = CheckEvents();
      bool proof_ok = CheckProof(events_ok);
      CheckCheckpoint(proof_ok);
      if (events_ok) {
        Recompute(proof_ok);
      } else {
        Skipped("the projections: the events did not check out");
      }
      CheckDatabase(events_ok, database);
    }
    return std::move(report_);
  }

 private:
  std::string Path(std::string_view name) const { return dir_ + "/" + std::string(name); }
  void Problem(std::string text) { report_.problems.push_back(std::move(text)); }
  void Passed(std::string text) { report_.passed.push_back(std::move(text)); }
  void Skipped(std::string text) { report_.skipped.push_back(std::move(text)); }

  // Reads manifest.json; false (with the problem) when the rest cannot be checked without it.
  bool ReadManifest() {
    auto text = files::Read(Path("manifest.json"));
    if (!text.ok()) {
      Problem("manifest.json is missing or unreadable (" + text.status().message() + ")");
      return false;
    }
    auto parsed = json::ParseStrict(*text);
    if (!parsed.ok() || !parsed->is_object()) {
      Problem("manifest.json is not a JSON object" +
              (parsed.ok() ? std::string() : ": " + parsed.status().message()));
      return false;
    }
    manifest_.sha256 = ToHex(Sha256(*text));
    const bj::object& m = parsed->as_object();
    auto bad = [&](std::string_view field) {
      Problem("manifest.json: " + std::string(field) + " is missing or malformed");
      return false;
    };
    if (Text(m, "format") == kUnboundBundleFormat) {
      Problem("manifest.json: format " + std::string(kUnboundBundleFormat) +
              " is that of a bundle made before the signature bound its manifest, so nothing "
              "here binds its CSVs and report to the bureau: ask for it to be exported again");
      return false;
    }
    manifest_.with_database = Text(m, "format") == kBundleFormat;
    if (!manifest_.with_database && Text(m, "format") != kPreDatabaseBundleFormat) {
      return bad("format (\"" + std::string(kBundleFormat) + "\")");
    }
    auto origin = Text(m, "origin");
    if (!origin) return bad("origin");
    manifest_.origin = *origin;
    manifest_.software = Text(m, "software").value_or("");
    const bj::object* range = Member(m, "range");
    const bj::object* as_of = Member(m, "as_of");
    if (!range) return bad("range");
    if (!as_of) return bad("as_of");
    auto from = Count(*range, "from_seq"), to = Count(*range, "to_seq");
    auto size = Count(*as_of, "seq");
    if (!from || !to || !size || *from < 1 || *from > *to || *to > *size) {
      return bad("range (from_seq..to_seq within 1..as_of.seq)");
    }
    manifest_.from = *from;
    manifest_.to = *to;
    manifest_.size = *size;
    if (const bj::value* d = as_of->if_contains("effective_on"); d && !d->is_null()) {
      manifest_.effective_on = d->is_string() ? domain::ParseDate(d->as_string()) : std::nullopt;
      if (!manifest_.effective_on) return bad("as_of.effective_on");
    }
    if (const bj::value* issuer = m.if_contains("issuer"); issuer && !issuer->is_null()) {
      if (!issuer->is_string()) return bad("issuer");
      manifest_.issuer = std::string(issuer->as_string());
    }
    if (const bj::value* y = m.if_contains("year"); y && !y->is_null()) {
      if (!y->is_int64() || y->as_int64() < 1 || y->as_int64() > 9999) return bad("year");
      manifest_.year = static_cast<int>(y->as_int64());
    }
    const bj::value* listed = m.if_contains("files");
    if (!listed || !listed->is_array()) return bad("files");
    for (const bj::value& v : listed->as_array()) {
      Manifest::Entry entry;
      auto name = v.is_object() ? Text(v.as_object(), "name") : std::nullopt;
      auto bytes = v.is_object() ? Count(v.as_object(), "size") : std::nullopt;
      auto sha = v.is_object() ? Text(v.as_object(), "sha256") : std::nullopt;
      auto hash = sha ? HashFromHex(*sha) : std::nullopt;
      if (!name || !bytes || !hash || name->empty() || name->find('/') != std::string::npos ||
          *name == "." || *name == ".." || *name == "manifest.json" || *name == "checkpoint.txt") {
        return bad("files[" + std::to_string(manifest_.files.size()) + "]");
      }
      manifest_.files.push_back({*name, *bytes, *hash});
    }
    return true;
  }

  bool Listed(std::string_view name) const {
    for (const auto& entry : manifest_.files) {
      if (entry.name == name) return true;
    }
    return false;
  }

  // Every listed file's size and SHA-256; nothing unlisted; the required files listed.
  void CheckFiles() {
    std::size_t problems = report_.problems.size();
    for (const Manifest::Entry& entry : manifest_.files) {
      auto digest = files::DigestOf(Path(entry.name));
      if (!digest.ok()) {
        Problem(entry.name + " is listed in the manifest but " +
                (digest.status().code() == Code::kNotFound ? std::string("missing")
                                                           : digest.status().message()));
        continue;
      }
      if (digest->size != entry.size) {
        Problem(entry.name + " has " + std::to_string(digest->size) + " bytes; the manifest says " +
                std::to_string(entry.size));
      } else if (digest->sha256 != entry.sha256) {
        Problem(entry.name + " has SHA-256 " + ToHex(digest->sha256) + "; the manifest says " +
                ToHex(entry.sha256));
      }
    }
    std::error_code ec;
    for (const auto& file : fs::directory_iterator(dir_, ec)) {
      std::string name = file.path().filename().string();
      if (name != "manifest.json" && name != "checkpoint.txt" && !Listed(name)) {
        Problem(name + " is in the bundle but not in the manifest");
      }
      // A journal or write-ahead log beside the database, which SQLite tools would read.
      if (name.starts_with(std::string(database::kDatabaseFile) + "-")) {
        Problem(name + " is beside bundle.sqlite: SQLite tools would read it as the database's " +
                "journal or log, and see other rows than the verifiers check");
      }
    }
    for (std::string_view name : kRequiredFiles) {
      if (!Listed(name)) Problem("the manifest does not list " + std::string(name));
    }
    if (manifest_.with_database && !Listed(database::kDatabaseFile)) {
      Problem("the manifest does not list " + std::string(database::kDatabaseFile));
    }
    if (report_.problems.size() == problems) {
      Passed("manifest.json: " + std::to_string(manifest_.files.size()) +
             " files, each of the listed size and SHA-256, nothing unlisted");
    }
  }

  // Every line of events.jsonl: an event in canonical form, hashed and linked, seqs running
  // through the range. Folds them into facts_ when the range starts at 1. True when all hold.
  // The lines are checked on every core and linked and folded in order (replay/record_pipeline.h).
  bool CheckEvents() {
    std::ifstream in(Path("events.jsonl"), std::ios::binary);
    if (!in) {
      Problem("events.jsonl cannot be read");
      return false;
    }
    if (manifest_.from == 1) facts_ = std::make_unique<domain::FactBase>();
    EventChain chain = EventChain::Range(manifest_.from);
    std::uint64_t line_no = 0;  // the consumer's until Finish returns
    replay::RecordPipeline lines(facts_.get(), [&](replay::CheckedRecord& line) {
      return CheckLine(line, ++line_no, &chain);
    });
    Status checked = Status::Ok();
    std::uint64_t read = 0;
    bool unterminated = false;  // the last line lacks its newline: it is not checked
    for (std::string line; checked.ok() && std::getline(in, line);) {
      ++read;
      unterminated = in.eof();
      if (!unterminated) checked = lines.Add(line);
    }
    if (checked.ok()) checked = lines.Finish();
    if (!checked.ok()) return Fail(checked.message());
    if (unterminated) {
      return Fail("events.jsonl line " + std::to_string(read) + " does not end in a newline");
    }
    if (chain.head().seq != manifest_.to) {
      return Fail("events.jsonl ends at seq " + std::to_string(chain.head().seq) +
                  " but the manifest's range ends at " + std::to_string(manifest_.to) +
                  " (events removed)");
    }
    Passed("events.jsonl: events " + std::to_string(manifest_.from) + ".." +
           std::to_string(manifest_.to) +
           ", each in canonical form with its hash, linked, recorded in order");
    return true;
  }

  // Line `line_no` of events.jsonl, checked by the pipeline's workers: an event within the range
  // that follows on from `chain`; its hash kept, its fact folded. Errors (kCorruption) name the
  // line and the problem. On the pipeline's consuming thread.
  Status CheckLine(replay::CheckedRecord& line, std::uint64_t line_no, EventChain* chain) {
    const ChainLink& link = line.link;
    // "events.jsonl line N (seq S)" and what is wrong there (made only when something is).
    auto problem = [&](const std::string& what) {
      std::string at = "events.jsonl line " + std::to_string(line_no);
      if (line.readable.ok()) at += " (seq " + std::to_string(link.seq) + ")";
      return Status(Code::kCorruption, at + what);
    };
    if (!line.readable.ok()) return problem(" is not an event: " + line.readable.message());
    if (link.seq > manifest_.to) {
      return problem(" lies beyond the manifest's range, which ends at " +
                     std::to_string(manifest_.to));
    }
    if (Status linked = chain->NextChecked(link, line.content_problem); !linked.ok()) {
      return problem(": " + linked.message());
    }
    hashes_.push_back(link.hash);
    if (facts_) {
      if (!line.item.ok()) return problem(": " + line.item.status().message());
      if (Status added = facts_->Add(std::move(line.item).value()); !added.ok()) {
        return problem(": " + added.message());
      }
    }
    const std::uint64_t total = manifest_.to - manifest_.from + 1;
    if (options_.progress && (line_no % 50'000 == 0 || line_no == total)) {
      options_.progress(line_no, total);
    }
    return Status::Ok();
  }

  bool Fail(std::string problem) {
    Problem(std::move(problem));
    return false;
  }

  // proof.json: the export point and range of the manifest, and the events as the range's leaves
  // of the tree with its root. True (root_ set) when the proof holds.
  bool CheckProof(bool events_ok) {
    auto text = files::Read(Path("proof.json"));
    auto parsed = text.ok() ? json::ParseStrict(*text) : text.status();
    if (!parsed.ok() || !parsed->is_object()) {
      Problem("proof.json is missing or not a JSON object");
      return false;
    }
    const bj::object& p = parsed->as_object();
    auto size = Count(p, "tree_size"), from = Count(p, "from_seq"), to = Count(p, "to_seq");
    auto root_hex = Text(p, "root");
    auto root = root_hex ? HashFromHex(*root_hex) : std::nullopt;
    const bj::value* subtrees = p.if_contains("subtrees");
    if (!size || !from || !to || !root || !subtrees || !subtrees->is_array()) {
      Problem("proof.json lacks tree_size, root, from_seq, to_seq or subtrees");
      return false;
    }
    if (*size != manifest_.size || *from != manifest_.from || *to != manifest_.to) {
      Problem("proof.json is of events " + std::to_string(*from) + ".." + std::to_string(*to) +
              " of " + std::to_string(*size) + "; the manifest's range is " +
              std::to_string(manifest_.from) + ".." + std::to_string(manifest_.to) + " of " +
              std::to_string(manifest_.size));
      return false;
    }
    auto ranges = merkle::RangeProofRanges({*from - 1, *to}, *size);
    const bj::array& listed = subtrees->as_array();
    if (!ranges.ok() || ranges->size() != listed.size()) {
      Problem("proof.json has " + std::to_string(listed.size()) + " subtrees; the range needs " +
              std::to_string(ranges.ok() ? ranges->size() : 0));
      return false;
    }
    std::vector<Hash> proof;
    for (std::size_t i = 0; i < listed.size(); ++i) {
      const bj::object* s = listed[i].is_object() ? &listed[i].as_object() : nullptr;
      auto s_from = s ? Count(*s, "from_seq") : std::nullopt;
      auto s_to = s ? Count(*s, "to_seq") : std::nullopt;
      auto s_hash = s ? Text(*s, "hash") : std::nullopt;
      auto hash = s_hash ? HashFromHex(*s_hash) : std::nullopt;
      if (!hash || s_from != (*ranges)[i].begin + 1 || s_to != (*ranges)[i].end) {
        Problem("proof.json subtree " + std::to_string(i + 1) + " should be events " +
                std::to_string((*ranges)[i].begin + 1) + ".." + std::to_string((*ranges)[i].end) +
                " with its hash");
        return false;
      }
      proof.push_back(*hash);
    }
    if (!events_ok) {
      Skipped("the range against the root: the events did not check out");
      return false;
    }
    std::vector<std::string_view> leaves;
    leaves.reserve(hashes_.size());
    for (const Hash& h : hashes_) leaves.push_back(AsBytes(h));
    if (Status s = merkle::VerifyRange(*from - 1, *size, leaves, proof, *root); !s.ok()) {
      Problem("proof.json: the events of the range do not give its root: " + s.message());
      return false;
    }
    root_ = *root;
    Passed("proof.json: the events are leaves " + std::to_string(*from) + ".." +
           std::to_string(*to) + " of the tree of " + std::to_string(*size) + " events with root " +
           ToHex(*root));
    return true;
  }

  // checkpoint.txt: the log, size and root of the export point, signed by a trusted key.
  void CheckCheckpoint(bool proof_ok) {
    auto text = files::Read(Path("checkpoint.txt"));
    if (!text.ok()) {
      Problem("checkpoint.txt is missing or unreadable");
      return;
    }
    note::Note note;
    if (auto signed_note = note::Parse(*text); signed_note.ok()) {
      note = std::move(signed_note).value();
    } else {
      note.text = *text;  // an unsigned checkpoint: the note text alone
    }
    auto checkpoint = ParseCheckpoint(note.text);
    if (!checkpoint.ok()) {
      Problem("checkpoint.txt is not a checkpoint: " + checkpoint.status().message());
      return;
    }
    checkpoint_ = *checkpoint;
    std::size_t problems = report_.problems.size();
    if (checkpoint->origin != manifest_.origin) {
      Problem("checkpoint.txt is of the log " + checkpoint->origin + ", not " + manifest_.origin +
              " (the manifest's): a checkpoint from another store");
    }
    if (checkpoint->size != manifest_.size) {
      Problem("checkpoint.txt is of tree size " + std::to_string(checkpoint->size) +
              "; the export point is " + std::to_string(manifest_.size));
    }
    if (proof_ok && checkpoint->root != root_) {
      Problem("checkpoint.txt has root " + ToHex(checkpoint->root) + " but the events and " +
              "proof.json give " + ToHex(root_) + ": a checkpoint from another store or point");
    }
    if (report_.problems.size() == problems && proof_ok) {
      Passed("checkpoint.txt: " + checkpoint->origin + " at tree size " +
             std::to_string(checkpoint->size) + ", the root the events give");
    }
    CheckManifestLine(*checkpoint);
    CheckSignature(note);
  }

  // The checkpoint's one "manifest <hex>" line against manifest.json's SHA-256.
  void CheckManifestLine(const Checkpoint& checkpoint) {
    std::vector<std::string_view> lines;
    for (const std::string& line : checkpoint.extensions) {
      if (line.starts_with(kManifestLinePrefix)) lines.push_back(line);
    }
    const std::string& digest = manifest_.sha256;
    if (lines.size() != 1) {
      Problem("checkpoint.txt has " + std::to_string(lines.size()) +
              " \"manifest\" lines where one binds manifest.json (SHA-256 " + digest + ")");
    } else if (lines[0].substr(kManifestLinePrefix.size()) != digest) {
      Problem("checkpoint.txt binds a manifest of SHA-256 " +
              std::string(lines[0].substr(kManifestLinePrefix.size())) +
              " but manifest.json has SHA-256 " + digest + ": the manifest was changed after " +
              "the checkpoint was made");
    } else {
      Passed("checkpoint.txt: binds manifest.json (SHA-256 " + digest + ")");
    }
  }

  void CheckSignature(const note::Note& note) {
    std::string signers;
    for (const note::Signature& sig : note.signatures) {
      signers += (signers.empty() ? "" : ", ") + note::KeyLabel(sig.name, sig.id);
    }
    std::string signed_by =
        signers.empty() ? std::string("it is unsigned") : "signed by " + signers;
    if (options_.keys.empty() && options_.allow_unsigned) {
      report_.warnings.push_back(
          "NO SIGNATURE CHECKED (--allow-unsigned; " + signed_by +
          "): nothing shows that the bureau made this bundle; anyone could have made it, its "
          "manifest and every file it lists");
      return;
    }
    if (options_.keys.empty()) {
      Problem("the checkpoint's signature: no public key given (" + signed_by +
              "); pass the bureau's verifier key with --pubkey, or --allow-unsigned to check "
              "the rest without it");
      return;
    }
    if (note.signatures.empty() && options_.allow_unsigned) {
      report_.warnings.push_back(
          "UNSIGNED BUNDLE accepted (--allow-unsigned): nothing shows that the bureau made this "
          "bundle; anyone could have made it, its manifest and every file it lists");
      return;
    }
    for (const note::VerifierKey& key : options_.keys) {
      if (note::Verify(note, key).ok()) {
        Passed("checkpoint.txt: signed by " + note::KeyLabel(key.name, key.id));
        return;
      }
    }
    Problem(note.signatures.empty()
                ? std::string("checkpoint.txt is not signed")
                : "checkpoint.txt carries no valid signature by a given key (signed by " + signers +
                      ")");
  }

  // The projections recomputed from the events and compared with the bundle's.
  void Recompute(bool proof_ok) {
    if (!proof_ok) {
      Skipped("the projections: the proof did not hold");
      return;
    }
    if (manifest_.from != 1 || manifest_.to != manifest_.size) {
      Skipped("the projections: events.jsonl holds events " + std::to_string(manifest_.from) +
              ".." + std::to_string(manifest_.to) + ", not all of 1.." +
              std::to_string(manifest_.size) + " they are as of");
      return;
    }
    const int made_by = checkpoint_ ? domain::DerivationOf(checkpoint_->extensions) : 0;
    if (checkpoint_ && made_by == 0) {
      Problem("checkpoint.txt's \"state derivation\" line names no derivation this Hatchery knows");
      return;
    }
    if (checkpoint_ && made_by != domain::kDerivation) {
      // Loud: an insider holding the key could name an older derivation to avoid the recompute.
      report_.warnings.push_back(
          "PROJECTIONS NOT RECOMPUTED: the bundle was derived by derivation " +
          std::to_string(made_by) + " and this Hatchery derives by " +
          std::to_string(domain::kDerivation) +
          " (docs/replay.md, \"Derivation versions\"); a Hatchery of derivation " +
          std::to_string(made_by) +
          " recomputes its CSVs, report.html and state lines; tools/verify_export.py recomputes "
          "the money");
      Skipped("the projections: derived by another derivation (the warning above)");
      return;
    }
    projection_ = read::ProjectionAt(*facts_, manifest_.size, manifest_.effective_on);
    const domain::Projection& projection = *projection_;
    ExportPoint at{manifest_.origin,       manifest_.size, root_,
                   manifest_.effective_on, manifest_.year, manifest_.issuer};
    auto files = ProjectionFiles(projection, at);
    if (files.ok()) {
      if (auto report = ReportFile(*facts_, projection, at, files->files)) {
        files->files["report.html"] = std::move(*report);
      }
    }
    if (!files.ok()) {
      Problem("the projections cannot be recomputed: " + files.status().message());
      return;
    }
    std::size_t problems = report_.problems.size();
    std::set<std::string> csvs;
    for (const auto& entry : manifest_.files) {
      if (entry.name.ends_with(".csv") || entry.name.ends_with(".html")) csvs.insert(entry.name);
    }
    for (const auto& [name, want] : files->files) {
      csvs.erase(name);
      auto have = files::Read(Path(name));
      if (!have.ok()) {
        Problem(name + " is missing: the events give it");
      } else if (*have != want) {
        Problem(name.ends_with(".csv") ? CsvDifference(name, *have, want)
                                       : name + " differs from the one the events give");
      }
    }
    for (const std::string& name : csvs) Problem(name + " is not a file the events give");
    CheckStateLines(manifest_.effective_on ? domain::StateLines(read::ProjectionAt(
                                                 *facts_, manifest_.size, std::nullopt))
                                           : files->state_lines);
    if (report_.problems.size() == problems) {
      Passed("the projections: " + std::to_string(files->files.size()) +
             " files (the CSVs and report.html) recomputed from events.jsonl, byte for byte the "
             "bundle's, and the checkpoint's state lines");
    }
  }

  // bundle.sqlite: sound, of the schema export makes, its events table equal to events.jsonl, its
  // meta table to the manifest and checkpoint, and its view tables to the projections recomputed
  // from the events (when they were).
  // `opened`: DatabaseChecker::Open's answer to come (none for a bundle of the earlier format).
  void CheckDatabase(bool events_ok,
                     std::future<StatusOr<std::unique_ptr<database::DatabaseChecker>>>& opened) {
    const std::string name(database::kDatabaseFile);
    if (!opened.valid()) {
      Skipped(name + ": a bundle of format " + std::string(kPreDatabaseBundleFormat) + " has none");
      return;
    }
    auto checker = opened.get();
    if (!events_ok || !checkpoint_) {
      Skipped(name + ": the events or the checkpoint did not check out");
      return;
    }
    if (!checker.ok()) {
      const std::string& message = checker.status().message();
      Problem(message.starts_with(name) ? message : name + ": " + message);
      return;
    }
    std::set<database::Source> compared{database::Source::kEvents, database::Source::kMeta};
    Status fed = FeedEvents(**checker);
    std::vector<std::string> state_lines;
    for (const std::string& line : checkpoint_->extensions) {
      if (!line.starts_with(kManifestLinePrefix)) state_lines.push_back(line);
    }
    ExportPoint at{manifest_.origin,       manifest_.size, checkpoint_->root,
                   manifest_.effective_on, manifest_.year, manifest_.issuer};
    if (fed.ok()) {
      fed = database::AddMeta(at, manifest_.from, manifest_.to, state_lines, manifest_.software,
                              **checker);
    }
    if (fed.ok() && projection_) {
      compared.insert(database::Source::kProjection);
      fed = database::AddProjection(*projection_, manifest_.year, **checker);
    }
    auto differences =
        fed.ok() ? (*checker)->Finish(compared) : StatusOr<std::vector<std::string>>(fed);
    if (!differences.ok()) {
      Problem(name + " cannot be read: " + differences.status().message());
      return;
    }
    for (std::string& difference : *differences) Problem(std::move(difference));
    if (!projection_) Skipped(name + "'s view tables: the projections were not recomputed");
    if (differences->empty()) {
      Passed(name + ": SQLite's integrity check, the schema export makes, the events table " +
             "equal to events.jsonl, the meta table to the manifest and checkpoint" +
             (projection_ ? ", every view table to the projections the events give" : ""));
    }
  }

  // events.jsonl's lines into `sink` as the events table's rows (the lines checked out).
  Status FeedEvents(database::RowSink& sink) {
    std::ifstream in(Path("events.jsonl"), std::ios::binary);
    database::EventRows rows;
    for (std::string line; std::getline(in, line);) RETURN_IF_ERROR(rows.Add(line, sink));
    return Status::Ok();
  }

  // The checkpoint's "state <view> <digest>" lines against the state the events give.
  void CheckStateLines(const std::vector<std::string>& want) {
    if (!checkpoint_) return;
    for (const std::string& line : checkpoint_->extensions) {
      if (!line.starts_with("state ")) continue;
      if (std::find(want.begin(), want.end(), line) == want.end()) {
        std::string view = line.substr(6, line.find(' ', 6) - 6);
        std::string expected = "(no such view)";
        for (const std::string& w : want) {
          if (w.starts_with("state " + view + " ")) expected = w;
        }
        std::string problem = "checkpoint.txt says \"" + line;
        problem += "\" but the events give \"" + expected;
        Problem(problem + "\"");
      }
    }
  }

  const std::string dir_;
  const BundleVerifyOptions& options_;
  BundleReport report_;
  Manifest manifest_;
  std::vector<Hash> hashes_;                 // of the range's events, in order
  std::unique_ptr<domain::FactBase> facts_;  // events 1..to folded (when from is 1)
  Hash root_{};                              // the proof's root, once it held
  std::optional<Checkpoint> checkpoint_;
  std::optional<domain::Projection> projection_;  // recomputed from the events, once it was
};

}  // namespace

BundleReport VerifyBundle(const std::string& dir, const BundleVerifyOptions& options) {
  return Verifier(dir, options).Run();
}

}  // namespace hatchery::exporting
