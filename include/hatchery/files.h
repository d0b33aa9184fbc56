// Durable small-file writes: what the tokens file, key files and export bundles are written with;
// and the reading of a whole file.
// Every write is synced before it counts; errors name the path and the system's reason.
//
// Thread-safe (plain system calls).
#ifndef HATCHERY_FILES_H_
#define HATCHERY_FILES_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery::files {

// Creates `path` (which must not exist: kAlreadyExists) with `mode`, writes `text`, syncs it.
// Errors: kAlreadyExists, kUnavailable.
Status WriteNew(const std::string& path, const std::string& text, mode_t mode = 0644);

// Replaces `path` atomically with `text` (a reader sees the old file or the new one, never a
// part): a synced temporary file of a fresh name, created exclusively (a symbolic link planted
// beside `path` is never followed), renamed over it, the folder synced. Errors: kUnavailable.
Status Replace(const std::string& path, const std::string& text, mode_t mode = 0600);

// A new file written in pieces (for what should not be held in memory), buffered, synced on
// Close. Destroyed without Close, it is closed unsynced.
class NewFileWriter {
 public:
  // Errors: as WriteNew's.
  static StatusOr<NewFileWriter> Create(const std::string& path, mode_t mode = 0644);
  NewFileWriter(NewFileWriter&& other) noexcept;
  NewFileWriter& operator=(NewFileWriter&&) = delete;
  ~NewFileWriter();

  Status Append(std::string_view bytes);
  // Writes what is buffered, syncs and closes. Errors: kUnavailable.
  Status Close();

 private:
  NewFileWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Status Flush();
  std::string path_;
  int fd_ = -1;
  std::string buffer_;
};

// The whole content of `path`. Errors: kNotFound naming the path.
StatusOr<std::string> Read(const std::string& path);

// A file's size and SHA-256, read in blocks (for a file too big to hold).
struct Digest {
  std::uint64_t size = 0;
  Hash sha256{};
};
// Errors: kNotFound naming the path; kUnavailable for a read that fails.
StatusOr<Digest> DigestOf(const std::string& path);

// Syncs a file written by other means (a library's), so that its bytes are durable. Errors:
// kUnavailable.
Status SyncFile(const std::string& path);

// Syncs a folder, so that the names created or renamed in it are durable. Errors: kUnavailable.
Status SyncDir(const std::string& dir);

}  // namespace hatchery::files

#endif  // HATCHERY_FILES_H_
