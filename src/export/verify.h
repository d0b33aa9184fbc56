// The check of an export bundle (AUDIT.md §5) with nothing but the bundle and the auditor's keys:
//
//   manifest     every listed file there with its size and SHA-256, nothing unlisted, nothing
//                required missing;
//   events       every line of events.jsonl its event's canonical form, every hash and link, seqs
//                running through the manifest's range, recorded_at increasing;
//   proof        the events are the leaves of the range in the tree whose size and root proof.json
//                gives (merkle::VerifyRange), and that size is the export point's;
//   checkpoint   of the same log, size and root, binding manifest.json's digest (format.h),
//                signed by one of the given keys (an unsigned bundle, or one checked without
//                keys, is a problem unless allow_unsigned: then a warning);
//   projections  for a bundle whose events run from 1 to the export point: every CSV and
//                report.html recomputed from events.jsonl (export's own projection_files.h)
//                equals the bundle's, and the checkpoint's state lines equal the state the
//                events give.
//
// Every finding names the file, and the line, seq, row or column where it is. Checks that need
// a part found broken are not made (a chain broken at line 7 is not also a wrong root).
//
// Thread-compatible; reads files only.
#ifndef HATCHERY_EXPORT_VERIFY_H_
#define HATCHERY_EXPORT_VERIFY_H_

#include <string>
#include <vector>

#include "hatchery/note.h"
#include "replay/replay.h"

namespace hatchery::exporting {

struct BundleVerifyOptions {
  // The keys the auditor trusts: the checkpoint must carry a valid signature by one of them.
  // Without any, the signature cannot be checked: a problem unless allow_unsigned.
  std::vector<note::VerifierKey> keys;
  // Accept a bundle whose signature is not checked (no keys given, or none on the bundle), with a
  // warning in the report. A signature by another key stays a problem.
  bool allow_unsigned = false;
  // Called with the events checked of events.jsonl now and then, for a progress line.
  replay::ProgressFn progress;
};

struct BundleReport {
  std::vector<std::string> passed;    // what was checked and held, one line each
  std::vector<std::string> skipped;   // what was not checked, and why
  std::vector<std::string> problems;  // what is wrong, each naming where
  std::vector<std::string> warnings;  // accepted on the caller's word (allow_unsigned)
  bool ok() const { return problems.empty(); }
};

// Checks the bundle in folder `dir`. A folder that cannot be read is a problem like any other.
BundleReport VerifyBundle(const std::string& dir, const BundleVerifyOptions& options);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_VERIFY_H_
