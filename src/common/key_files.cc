#include "hatchery/key_files.h"

#include <sys/stat.h>

#include <cstdio>

#include "hatchery/files.h"

namespace hatchery {
namespace {

// The file's one line, without its newline. Errors: kNotFound.
StatusOr<std::string> ReadKeyLine(const std::string& path) {
  auto text = files::Read(path);
  if (!text.ok()) return Status(Code::kNotFound, "cannot read the key file " + path);
  std::string line = std::move(text).value();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// A new key file; an existing one is never overwritten.
Status WriteNew(const std::string& path, const std::string& text, mode_t mode) {
  Status written = files::WriteNew(path, text, mode);
  if (written.code() == Code::kAlreadyExists) {
    return Status(Code::kAlreadyExists, path + " exists; keys are never overwritten");
  }
  return written;
}

}  // namespace

Status WriteKeyFiles(const std::string& prefix, const note::SigningKey& key) {
  // Both names are checked first, so that a refusal leaves nothing half made.
  for (const char* suffix : {".key", ".pub"}) {
    struct stat st {};
    if (::stat((prefix + suffix).c_str(), &st) == 0) {
      return Status(Code::kAlreadyExists, prefix + suffix + " exists; keys are never overwritten");
    }
  }
  RETURN_IF_ERROR(WriteNew(prefix + ".key", note::FormatSigningKey(key) + "\n", 0600));
  return WriteNew(prefix + ".pub", note::FormatVerifierKey(note::VerifierOf(key)) + "\n", 0644);
}

StatusOr<note::SigningKey> ReadSigningKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status(Code::kNotFound, "no key file " + path);
  if (st.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status(Code::kForbidden, "the private key file " + path +
                                        " may be read or written by group or others (mode " + mode +
                                        "); run: chmod 600 " + path);
  }
  ASSIGN_OR_RETURN(std::string line, ReadKeyLine(path));
  return note::ParseSigningKey(line);
}

StatusOr<note::VerifierKey> ReadVerifierKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string line, ReadKeyLine(path));
  return note::ParseVerifierKey(line);
}

}  // namespace hatchery
