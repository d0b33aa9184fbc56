#include "hatchery/checkpoint.h"

#include <charconv>
#include <cstring>

#include "hatchery/base64.h"
#include "hatchery/note.h"

namespace hatchery {

bool IsValidOrigin(std::string_view origin) {
  if (origin.empty() || origin.size() > 255) return false;
  for (char c : origin) {
    if (c <= 0x20 || c >= 0x7F || c == '+') return false;
  }
  return true;
}

std::string FormatCheckpoint(const Checkpoint& c) {
  std::string text =
      c.origin + "\n" + std::to_string(c.size) + "\n" + Base64Encode(AsBytes(c.root)) + "\n";
  for (const std::string& line : c.extensions) text += line + "\n";
  return text;
}

StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  auto bad = [](const std::string& what) {
    return Status(Code::kBadRequest, "not a checkpoint: " + what);
  };
  if (text.empty() || text.back() != '\n') return bad("the text does not end in a newline");
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    std::size_t end = rest.find('\n');
    lines.push_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  if (lines.size() < 3) return bad("it needs an origin, a tree size and a root hash");
  Checkpoint c;
  c.origin = std::string(lines[0]);
  if (!IsValidOrigin(c.origin)) return bad("line 1 is not a valid origin");
  std::string_view size = lines[1];
  auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), c.size);
  if (size.empty() || error != std::errc() || end != size.data() + size.size() ||
      (size.size() > 1 && size[0] == '0')) {
    return bad("line 2 is not a tree size in decimal");
  }
  auto root = Base64Decode(lines[2]);
  if (!root || root->size() != c.root.size()) return bad("line 3 is not base64 of a 32-byte hash");
  std::memcpy(c.root.data(), root->data(), c.root.size());
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return bad("line " + std::to_string(i + 1) + " is empty");
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

StatusOr<Checkpoint> CheckpointOfNote(std::string_view signed_note) {
  ASSIGN_OR_RETURN(note::Note parsed, note::Parse(signed_note));
  return ParseCheckpoint(parsed.text);
}

}  // namespace hatchery
