// Signing and verifier keys (note.h) in files: one key per file, in its text form and a newline.
// A private key file must be readable by its owner only; one that is not is refused, so a key
// that leaked through a loose mode is not used as if it were secret.
#ifndef HATCHERY_KEY_FILES_H_
#define HATCHERY_KEY_FILES_H_

#include <string>

#include "hatchery/note.h"
#include "hatchery/status.h"

namespace hatchery {

// Writes `<prefix>.key` (mode 0600, never over an existing file) and `<prefix>.pub`.
// Errors: kAlreadyExists, kUnavailable (cannot write).
Status WriteKeyFiles(const std::string& prefix, const note::SigningKey& key);

// Errors: kNotFound, kForbidden (group or others may read or write the private key file),
// kBadRequest (not a key).
StatusOr<note::SigningKey> ReadSigningKeyFile(const std::string& path);
StatusOr<note::VerifierKey> ReadVerifierKeyFile(const std::string& path);

}  // namespace hatchery

#endif  // HATCHERY_KEY_FILES_H_
