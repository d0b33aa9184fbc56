#include "cli/store.h"

#include <iostream>

namespace hatchery::cli {

int Fail(const Status& status) {
  std::cerr << "hatchery: " << status.ToString() << "\n";
  return 2;
}

StatusOr<WritableStore> OpenForAppend(const std::string& dir) {
  WritableStore store{std::make_shared<domain::PolicyRules>(), nullptr};
  ASSIGN_OR_RETURN(store.ledger, Ledger::Open(dir, LedgerOptions{store.rules}));
  RETURN_IF_ERROR(store.rules->health());
  return store;
}

StatusOr<std::unique_ptr<domain::FactBase>> FoldFacts(const Ledger& ledger,
                                                      std::optional<std::uint64_t> max_seq) {
  auto facts = std::make_unique<domain::FactBase>();
  RETURN_IF_ERROR(ledger.ForEach(1, max_seq.value_or(UINT64_MAX),
                                 [&](const Event& e) { return facts->Apply(e); }));
  return facts;
}

StatusOr<std::unique_ptr<domain::FactBase>> LoadFacts(const std::string& dir,
                                                      std::optional<std::uint64_t> max_seq) {
  LedgerOptions options;
  options.read_only = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, Ledger::Open(dir, std::move(options)));
  return FoldFacts(*ledger, max_seq);
}

}  // namespace hatchery::cli
