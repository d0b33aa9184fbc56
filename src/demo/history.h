// A realistic, deterministic history of Tongliao's carriers under TCB-2023-2, for the demo store
// (`hatchery demo`) and the benchmarks: registrations across the city's counties and the
// industries of §2.3, accreditations at every level, evaluations in rounds, brand-output filings
// (and one unfiled start), workstations and brokers, funds, annual reports, payouts approved and
// disbursed by different people, one correction (a retraction after payout) and one misconduct
// revocation.
//
// The same options always give the same acts, byte for byte. Payouts are planned from what the
// policy domain derives from the other acts, so the generator never restates the money rules.
#ifndef HATCHERY_DEMO_HISTORY_H_
#define HATCHERY_DEMO_HISTORY_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "hatchery/event.h"
#include "hatchery/ledger.h"
#include "hatchery/status.h"

namespace hatchery::demo {

struct HistoryOptions {
  int carriers = 40;
  std::uint64_t seed = 20230327;
};

// One act: who records it, and the append command.
struct Act {
  Actor actor;
  AppendCommand command;
};

// The acts in recording order, each with its recorded time on the store's simulated clock
// (AppendCommand::simulated_recorded_us): days to months after it took effect, the acts before the
// store was set up (2023-04-03) entered in the two months after. The first act is the activation of
// the shipped ruleset, declaring the clock simulated; the revised assessment model TCB-2023-2-2025
// is activated on 2025-01-02.
std::vector<Act> GenerateHistory(const HistoryOptions& options);

// Records `acts` through `ledger` in order: consecutive acts of one recorder in one Append call
// (up to 1,000), calling `progress` (if any) with (acts recorded, acts) after each. Errors:
// kInternal naming the first act refused, and why.
Status Record(Ledger& ledger, const std::vector<Act>& acts,
              const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

// `acts` as recorded events (seq 1, 2, …, the envelope fields, recorded_at their simulated time
// or else one microsecond apart from 2026-11-18, after every act; no hashes), for folding without
// a store.
std::vector<Event> AsEvents(const std::vector<Act>& acts);

}  // namespace hatchery::demo

#endif  // HATCHERY_DEMO_HISTORY_H_
