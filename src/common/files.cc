#include "hatchery/files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace hatchery::files {
namespace {

std::string ErrnoText() { return std::error_code(errno, std::generic_category()).message(); }

// Writes all of `text` to `fd` and syncs it; closes it either way.
bool WriteAndClose(int fd, const std::string& text) {
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

std::string DirOf(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

StatusOr<std::string> Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status(Code::kNotFound, "cannot read " + path);
  return text.str();
}

Status WriteNew(const std::string& path, const std::string& text, mode_t mode) {
  ASSIGN_OR_RETURN(NewFileWriter file, NewFileWriter::Create(path, mode));
  RETURN_IF_ERROR(file.Append(text));
  return file.Close();
}

StatusOr<NewFileWriter> NewFileWriter::Create(const std::string& path, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0 && errno == EEXIST) return Status(Code::kAlreadyExists, path + " exists");
  if (fd < 0) return Status(Code::kUnavailable, "cannot create " + path + ": " + ErrnoText());
  return NewFileWriter(path, fd);
}

NewFileWriter::NewFileWriter(NewFileWriter&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), buffer_(std::move(other.buffer_)) {
  other.fd_ = -1;
}

NewFileWriter::~NewFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status NewFileWriter::Append(std::string_view bytes) {
  constexpr std::size_t kBufferBytes = 1 << 20;
  buffer_.append(bytes);
  return buffer_.size() >= kBufferBytes ? Flush() : Status::Ok();
}

Status NewFileWriter::Flush() {
  std::string_view rest = buffer_;
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status(Code::kUnavailable, "cannot write " + path_ + ": " + ErrnoText());
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  buffer_.clear();
  return Status::Ok();
}

Status NewFileWriter::Close() {
  Status flushed = Flush();
  bool ok = flushed.ok() && ::fsync(fd_) == 0;
  ok = ::close(fd_) == 0 && ok;
  fd_ = -1;
  if (!ok) return Status(Code::kUnavailable, "cannot write " + path_ + ": " + ErrnoText());
  return Status::Ok();
}

Status Replace(const std::string& path, const std::string& text, mode_t mode) {
  // A fresh temporary name, created exclusively (mkostemp: O_CREAT | O_EXCL, which follows no
  // symbolic link): nothing planted beside the file can redirect the write.
  std::string temp = path + ".tmp.XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return Status(Code::kUnavailable, "cannot create " + temp + ": " + ErrnoText());
  bool ok = ::fchmod(fd, mode) == 0;
  ok = WriteAndClose(fd, text) && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    std::string why = ErrnoText();
    ::unlink(temp.c_str());
    return Status(Code::kUnavailable, "cannot write " + path + ": " + why);
  }
  return SyncDir(DirOf(path));
}

StatusOr<Digest> DigestOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot read " + path);
  Sha256Stream sha;
  Digest digest;
  std::string buffer(1 << 20, '\0');
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    sha.Update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    digest.size += static_cast<std::uint64_t>(in.gcount());
  }
  if (in.bad()) return Status(Code::kUnavailable, "cannot read " + path + ": " + ErrnoText());
  digest.sha256 = sha.Final();
  return digest;
}

Status SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  bool ok = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) return Status(Code::kUnavailable, "cannot sync " + path + ": " + ErrnoText());
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool ok = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) return Status(Code::kUnavailable, "cannot sync the folder " + dir + ": " + ErrnoText());
  return Status::Ok();
}

}  // namespace hatchery::files
