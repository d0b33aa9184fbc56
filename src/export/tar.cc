#include "export/tar.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace hatchery::exporting {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kBlock = 512;

// `value` in octal, zero-padded to width-1 digits and a NUL, at `field`.
void Octal(char* field, std::size_t width, std::uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
}

// A ustar header of `name` (a file of `size` bytes, or a directory).
std::array<char, kBlock> Header(const std::string& name, std::uint64_t size, bool directory) {
  std::array<char, kBlock> h{};
  std::memcpy(h.data(), name.data(), name.size());
  Octal(h.data() + 100, 8, directory ? 0755 : 0644);  // mode
  Octal(h.data() + 108, 8, 0);                        // uid
  Octal(h.data() + 116, 8, 0);                        // gid
  Octal(h.data() + 124, 12, size);
  Octal(h.data() + 136, 12, 0);  // mtime
  h[156] = directory ? '5' : '0';
  std::memcpy(h.data() + 257, "ustar", 6);  // magic, NUL-terminated
  std::memcpy(h.data() + 263, "00", 2);     // version
  // The checksum: the header's bytes summed with its own field as spaces.
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(h.data() + 148, 8, "%06o", sum);
  h[155] = ' ';
  return h;
}

}  // namespace

Status WriteTar(const std::string& dir, const std::string& prefix, const std::string& out_file) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (ec) return Status(Code::kUnavailable, "cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::ofstream out(out_file, std::ios::binary | std::ios::trunc);
  if (!out) return Status(Code::kUnavailable, "cannot create " + out_file);
  auto header = Header(prefix + "/", 0, true);
  out.write(header.data(), header.size());
  std::vector<char> buffer(1 << 16);
  for (const fs::path& file : files) {
    std::string name = prefix + "/" + file.filename().string();
    if (name.size() > 99) {
      return Status(Code::kBadRequest, "a name too long for a tar archive: " + name);
    }
    std::uint64_t size = fs::file_size(file, ec);
    if (ec) return Status(Code::kUnavailable, "cannot read " + file.string());
    if (size >= (1ull << 33)) {  // 11 octal digits
      return Status(Code::kBadRequest, "a file of 8 GiB or more cannot go in a tar: " + name);
    }
    header = Header(name, size, false);
    out.write(header.data(), header.size());
    std::ifstream in(file, std::ios::binary);
    std::uint64_t copied = 0;
    while (in && copied < size) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      out.write(buffer.data(), in.gcount());
      copied += static_cast<std::uint64_t>(in.gcount());
    }
    if (copied != size) return Status(Code::kUnavailable, "cannot read " + file.string());
    static const std::array<char, kBlock> kZeros{};
    out.write(kZeros.data(), static_cast<std::streamsize>((kBlock - size % kBlock) % kBlock));
  }
  static const std::array<char, kBlock * 2> kEnd{};
  out.write(kEnd.data(), kEnd.size());
  out.flush();
  if (!out) return Status(Code::kUnavailable, "cannot write " + out_file);
  return Status::Ok();
}

}  // namespace hatchery::exporting
