#include "cli/store.h"

#include <iostream>

#include "hatchery/time.h"

namespace hatchery::cli {

int Fail(const Status& status) {
  std::cerr << "hatchery: " << status.ToString() << "\n";
  return 2;
}

std::optional<std::int64_t> ParseInstant(const std::string& text) {
  if (auto exact = ParseTimestamp(text)) return exact;
  if (text.size() == 20 && text.back() == 'Z') {
    return ParseTimestamp(text.substr(0, 19) + ".000000Z");
  }
  return std::nullopt;
}

StatusOr<WritableStore> OpenForAppend(const std::string& dir) {
  WritableStore store{std::make_shared<domain::PolicyRules>(), nullptr};
  ASSIGN_OR_RETURN(store.ledger, Ledger::Open(dir, LedgerOptions{store.rules}));
  RETURN_IF_ERROR(store.rules->health());
  return store;
}

}  // namespace hatchery::cli
