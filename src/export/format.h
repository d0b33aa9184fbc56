// The names an export bundle's two verifiers (export/verify.h, tools/verify_export.py) and its
// writer (export/bundle.h) share: the manifest's formats, the files every bundle has, and the
// checkpoint's line that binds the manifest (docs/export.md).
//
//   manifest.json   lists every file of the bundle but itself and checkpoint.txt;
//   checkpoint.txt  the export point's checkpoint note with its state lines and the line
//                   "manifest <hex SHA-256 of manifest.json's bytes>", signed: one signature
//                   binds the root, the state, the manifest and through it every listed file.
#ifndef HATCHERY_EXPORT_FORMAT_H_
#define HATCHERY_EXPORT_FORMAT_H_

#include <string_view>

namespace hatchery::exporting {

inline constexpr std::string_view kBundleFormat = "hatchery-export/3";
// The format before bundle.sqlite: still checked, without it.
inline constexpr std::string_view kPreDatabaseBundleFormat = "hatchery-export/2";
// The format before the manifest was bound by the signature (refused, with what to do).
inline constexpr std::string_view kUnboundBundleFormat = "hatchery-export/1";
inline constexpr std::string_view kManifestLinePrefix = "manifest ";
// The files every bundle has besides manifest.json and checkpoint.txt (and bundle.sqlite, which
// every bundle of kBundleFormat has).
inline constexpr std::string_view kRequiredFiles[] = {"events.jsonl", "proof.json",
                                                      "carriers.csv", "entitlements.csv",
                                                      "payouts.csv",  "compliance.csv"};

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_FORMAT_H_
