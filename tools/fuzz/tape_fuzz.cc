// libFuzzer target, differential: the canonical-form scanner (json::Tape) against the reference it
// must equal — the strict parser followed by the canonical renderer. For any input, the scan
// succeeds iff parse-and-render gives the input back, and then the tape reads as the same value.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hatchery/json.h"
#include "hatchery/json_tape.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = hatchery::json::ParseStrict(text);
  bool canonical = parsed.ok() && hatchery::json::Canonicalize(*parsed) == text;
  hatchery::json::Tape tape;
  hatchery::Status scanned = tape.Scan(text);
  if (scanned.ok() != canonical) std::abort();
  if (scanned.ok() && tape.root().ToValue() != *parsed) std::abort();
  if (!scanned.ok() && scanned.code() != hatchery::Code::kBadRequest) std::abort();
  return 0;
}
