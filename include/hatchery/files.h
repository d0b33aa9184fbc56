// Durable small-file writes: what the tokens file, key files and export bundles are written with.
// Every write is synced before it counts; errors name the path and the system's reason.
//
// Thread-safe (plain system calls).
#ifndef HATCHERY_FILES_H_
#define HATCHERY_FILES_H_

#include <sys/types.h>

#include <string>

#include "hatchery/status.h"

namespace hatchery::files {

// Creates `path` (which must not exist: kAlreadyExists) with `mode`, writes `text`, syncs it.
// Errors: kAlreadyExists, kUnavailable.
Status WriteNew(const std::string& path, const std::string& text, mode_t mode = 0644);

// Replaces `path` atomically with `text` (a reader sees the old file or the new one, never a
// part): a synced temporary file, renamed over it, the folder synced. Errors: kUnavailable.
Status Replace(const std::string& path, const std::string& text, mode_t mode = 0600);

// Syncs a folder, so that the names created or renamed in it are durable. Errors: kUnavailable.
Status SyncDir(const std::string& dir);

}  // namespace hatchery::files

#endif  // HATCHERY_FILES_H_
