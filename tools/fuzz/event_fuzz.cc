// libFuzzer target, differential: the two readers of a stored event record — in place on a tape
// (ScanStoredEvent, what replays, `verify` and folds use) and through the strict parser
// (ParseEvent, the reference) — must agree on every canonical input: both accept it or both refuse
// it with the same message, and an accepted record reads as the same event with the same content
// hash either way. (Inputs that are not canonical JSON are json::Tape's concern: tape_fuzz.)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hatchery/event.h"
#include "hatchery/json_tape.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  hatchery::json::Tape tape;
  if (!tape.Scan(text).ok()) return 0;
  auto scanned = hatchery::ScanStoredEvent(text, &tape);
  auto parsed = hatchery::ParseEvent(text);
  if (scanned.ok() != parsed.ok()) std::abort();
  if (scanned.status().message() != parsed.status().message()) std::abort();
  if (!scanned.ok()) return 0;
  hatchery::Event read = hatchery::ToEvent(*scanned);
  if (hatchery::CanonicalForm(read, true) != hatchery::CanonicalForm(*parsed, true)) std::abort();
  if (hatchery::ContentHash(*scanned) != hatchery::ComputeEventHash(*parsed)) std::abort();
  return 0;
}
