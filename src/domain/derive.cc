#include "domain/derive.h"

#include <algorithm>
#include <array>
#include <set>

namespace hatchery::domain {
namespace {

constexpr const char* kPending = "pending";
constexpr const char* kActive = "active";
constexpr const char* kVoided = "voided";

// The facts of `stream` that count under `cut`, ordered by (effective date, seq). With
// `honour_retractions` false, retracted facts count too (used to find what a retraction voided).
std::vector<const Fact*> LiveFacts(const StreamFacts& stream, const Cut& cut,
                                   const std::set<std::uint64_t>& retracted,
                                   bool honour_retractions) {
  std::vector<const Fact*> live;
  live.reserve(stream.facts.size());
  for (const Fact& f : stream.facts) {
    if (f.seq > cut.max_seq) break;
    if (std::holds_alternative<EventRetracted>(f.body)) continue;
    if (honour_retractions && retracted.contains(f.seq)) continue;
    if (cut.effective_on && f.effective > *cut.effective_on) continue;
    live.push_back(&f);
  }
  std::stable_sort(live.begin(), live.end(),
                   [](const Fact* a, const Fact* b) { return a->effective < b->effective; });
  return live;
}

void Merge(const Profile& changes, Profile* p) {
  auto take = [](const auto& from, auto* to) {
    if (from) *to = from;
  };
  take(changes.name, &p->name);
  take(changes.category, &p->category);
  take(changes.host_type, &p->host_type);
  take(changes.industry, &p->industry);
  take(changes.county, &p->county);
  take(changes.operator_name, &p->operator_name);
  take(changes.operator_mode, &p->operator_mode);
  take(changes.area_m2, &p->area_m2);
}

// One pass over a carrier's facts in business order, applying the rules as it goes.
class Walk {
 public:
  Walk(const Policy& policy, const Cut& cut, std::string carrier_id) : policy_(policy), cut_(cut) {
    out_.carrier_id = std::move(carrier_id);
  }

  void Run(const std::vector<const Fact*>& facts) {
    for (const Fact* f : facts) {
      std::visit([&](const auto& body) { On(*f, body); }, f->body);
    }
  }

  bool registered() const { return out_.registered_seq != 0; }
  std::map<std::string, Entitlement>& entitlements() { return ents_; }

  // Money on entitlements this walk does not know (they were voided by a retraction).
  struct Orphan {
    std::int64_t approved = 0, disbursed = 0, recovered = 0;
    std::uint64_t first_approval_seq = 0;
  };
  const std::map<std::string, Orphan>& orphans() const { return orphans_; }

  CarrierOutcome Finish(std::map<std::string, Entitlement> ents) {
    for (auto& [id, p] : payouts_) {
      // An approved payout can no longer be disbursed once its entitlement is voided.
      auto e = ents.find(p.entitlement_id);
      if (p.status == "approved" && e != ents.end() && e->second.status == kVoided) {
        p.status = "void";
      }
      out_.payouts.push_back(std::move(p));
    }
    for (auto& [id, e] : ents) out_.entitlements.push_back(std::move(e));
    for (const auto& [level, due] : revocation_due_) {
      if (!out_.holdings.contains(level)) continue;
      out_.flags.push_back(
          Flag{out_.carrier_id, "revocation_due", YearOf(due.second), due.first,
               "failed two evaluations in a row at level " + std::string(Name(level))});
    }
    FlagMissingReports();
    std::stable_sort(out_.flags.begin(), out_.flags.end(), [](const Flag& a, const Flag& b) {
      return std::tie(a.flag, a.year, a.seqs) < std::tie(b.flag, b.year, b.seqs);
    });
    return std::move(out_);
  }

 private:
  void On(const Fact& f, const Registered& r) {
    out_.kind = r.kind;
    out_.profile = *r.profile;
    out_.registered_on = f.effective;
    out_.registered_seq = f.seq;
  }
  void On(const Fact&, const ProfileAmended& a) { Merge(*a.changes, &out_.profile); }

  void On(const Fact& f, const AccreditationGranted& g) {
    out_.holdings[g.level] = Holding{g.level, g.mode, g.tier, f.effective, f.seq};
    std::string detail(Name(g.mode));
    if (g.tier != Tier::kUntiered) detail += ", " + std::string(Name(g.tier));
    out_.timeline.push_back(TimelineEntry{f.seq, f.effective, "granted", g.level, detail});
    const Ruleset* rs = policy_.InForce(f.effective);
    if (!rs || !registered()) return;  // before any ruleset: history, no entitlement
    for (const Rule& rule : rs->rules) {
      if (rule.kind != out_.kind || rule.level != g.level || !rule.modes.contains(g.mode)) continue;
      if (g.level == Level::kNational && !rs->national_tiers.contains(g.tier)) continue;
      Fire(rule, *rs, f);
    }
  }

  void On(const Fact& f, const AccreditationRevoked& r) {
    out_.holdings.erase(r.level);
    revocation_due_.erase(r.level);
    out_.timeline.push_back(
        TimelineEntry{f.seq, f.effective, "revoked", r.level, std::string(Name(r.reason))});
    out_.activity.revocations.emplace_back(f.effective, r.reason);
    const Ruleset* rs = policy_.InForce(f.effective);
    if (!rs || !rs->void_on_revocation.contains(r.reason)) return;
    for (auto& [id, e] : ents_) {
      if (e.status != kVoided) Void(&e, f, "revoked (" + std::string(Name(r.reason)) + ")");
    }
  }

  void On(const Fact& f, const EvaluationRecorded& e) {
    out_.evaluations.push_back(Evaluation{f.seq, f.effective, e.level, e.year, e.grade});
    // R5/R6: the first evaluation at the rule's level after the approval decides.
    for (auto it = ents_.begin(); it != ents_.end();) {
      Entitlement& ent = it->second;
      const Rule* rule = RuleOf(ent);
      if (ent.status == kPending && rule && rule->first_evaluation_level == e.level) {
        if (e.grade == rule->first_evaluation_grade) {
          ent.seqs.push_back(f.seq);
          ent.status = kActive;
          ent.history.push_back(StatusChange{
              f.seq, f.effective, kActive,
              "first evaluation after the approval graded " + std::string(Name(e.grade))});
        } else {
          it = ents_.erase(it);  // the rule never fires for this carrier (it stays spent)
          continue;
        }
      }
      ++it;
    }
    auto& [last_seq, last_grade] = last_evaluation_[e.level];
    if (e.grade == Grade::kFail && last_seq != 0 && last_grade == Grade::kFail &&
        !revocation_due_.contains(e.level)) {
      revocation_due_[e.level] = {{last_seq, f.seq}, f.effective};
    }
    last_evaluation_[e.level] = {f.seq, e.grade};
  }

  void On(const Fact& f, const BrandOutputFiled& b) {
    filings_.emplace(b.filing_id, b.recipient_name);
    out_.activity.filings.emplace_back(f.effective, b.filing_id);
  }

  void On(const Fact& f, const BrandOutputStarted& s) {
    bool filed = false;
    if (s.filing_id) {
      filed = filings_.contains(*s.filing_id);
    } else {
      for (const auto& [id, recipient] : filings_) filed = filed || recipient == s.recipient_name;
    }
    if (filed) return;
    out_.activity.unfiled_starts.push_back(f.effective);
    out_.flags.push_back(
        Flag{out_.carrier_id,
             "unfiled_brand_output",
             YearOf(f.effective),
             {f.seq},
             "brand output to " + s.recipient_name + " started without an earlier filing (§3.2)"});
  }

  void On(const Fact& f, const BrokerWorkstationOpened&) {
    out_.activity.stations.push_back(f.effective);
  }
  void On(const Fact& f, const BrokerQualified&) { out_.activity.brokers.push_back(f.effective); }
  void On(const Fact& f, const FundEstablished& fund) {
    out_.activity.funds.emplace_back(f.effective, fund.size_fen);
  }
  void On(const Fact& f, const AnnualReportSubmitted& r) {
    auto& slot = out_.activity.reports[r.year];
    if (f.seq > slot.first) slot = {f.seq, r.metrics};  // a later report supersedes
  }

  void On(const Fact& f, const PayoutApproved& p) {
    payouts_[p.payout_id] = Payout{p.payout_id,
                                   out_.carrier_id,
                                   p.entitlement_id,
                                   p.amount_fen,
                                   f.seq,
                                   f.effective,
                                   p.approved_by,
                                   0,
                                   0,
                                   "",
                                   "",
                                   "approved"};
    if (auto it = ents_.find(p.entitlement_id); it != ents_.end()) {
      it->second.approved_fen += p.amount_fen;
    } else {
      Orphan& orphan = orphans_[p.entitlement_id];
      orphan.approved += p.amount_fen;
      if (orphan.first_approval_seq == 0) orphan.first_approval_seq = f.seq;
    }
  }

  void On(const Fact& f, const PayoutDisbursed& d) {
    auto payout = payouts_.find(d.payout_id);
    if (payout == payouts_.end()) return;  // its approval does not count under this cut
    Payout& p = payout->second;
    p.disbursed_seq = f.seq;
    p.disbursed_on = f.effective;
    p.disbursed_by = d.disbursed_by;
    p.voucher_no = d.voucher_no;
    p.status = "disbursed";
    auto it = ents_.find(p.entitlement_id);
    if (it == ents_.end()) {
      orphans_[p.entitlement_id].disbursed += p.amount_fen;
      return;
    }
    it->second.disbursed_fen += p.amount_fen;
    if (it->second.status == kVoided) {
      out_.flags.push_back(
          Flag{out_.carrier_id,
               "disbursed_on_voided",
               YearOf(f.effective),
               {p.approved_seq, f.seq},
               "payout " + p.payout_id + " disbursed on voided entitlement " + p.entitlement_id});
    }
  }

  void On(const Fact& f, const ClawbackRecovered& c) {
    out_.activity.recoveries.emplace_back(f.effective, c.amount_fen);
    if (auto it = ents_.find(c.entitlement_id); it != ents_.end()) {
      it->second.recovered_fen += c.amount_fen;
    } else {
      orphans_[c.entitlement_id].recovered += c.amount_fen;
    }
  }

  void On(const Fact&, const EventRetracted&) {}
  void On(const Fact&, const RulesetActivated&) {}

  // Creates the entitlement of `rule` (once per carrier, ever), applying the upgrade parameter.
  void Fire(const Rule& rule, const Ruleset& rs, const Fact& f) {
    if (!spent_.insert(rule.id).second) return;
    std::int64_t amount = rule.amount_fen;
    if (rs.upgrade != Upgrade::kFull) {
      // A higher award already held covers this lower one.
      for (const auto& [id, e] : ents_) {
        if (e.upgrade_of == rule.id && e.status != kVoided) return;
      }
      auto lower = rule.upgrade_of.empty() ? ents_.end()
                                           : ents_.find(rule.upgrade_of + ":" + out_.carrier_id);
      if (lower != ents_.end() && lower->second.status != kVoided) {
        Entitlement& low = lower->second;
        // A pending lower award is superseded in both modes; highest_only also supersedes an
        // active one on which nothing was approved yet.
        bool unpaid = low.status == kPending || low.approved_fen == 0;
        if (low.status == kPending || (rs.upgrade == Upgrade::kHighestOnly && unpaid)) {
          Void(&low, f,
               "superseded by " + rule.id + " (upgrade: " + std::string(Name(rs.upgrade)) + ")");
        } else {
          amount = std::max<std::int64_t>(0, amount - low.amount_fen);
        }
      }
    }
    Entitlement e;
    e.id = rule.id + ":" + out_.carrier_id;
    e.carrier_id = out_.carrier_id;
    e.rule_id = rule.id;
    e.ruleset_id = rs.id;
    e.ruleset_seq = rs.seq;
    e.clause = rule.clause;
    e.upgrade_of = rule.upgrade_of;
    e.triggered_on = f.effective;
    e.amount_fen = amount;
    e.status = rule.first_evaluation_level ? kPending : kActive;
    e.seqs = {f.seq};
    e.history.push_back(StatusChange{f.seq, f.effective, e.status, "AccreditationGranted"});
    rules_.emplace(e.id, &rule);
    ents_.emplace(e.id, std::move(e));
  }

  void Void(Entitlement* e, const Fact& f, std::string reason) {
    e->status = kVoided;
    e->history.push_back(StatusChange{f.seq, f.effective, kVoided, std::move(reason)});
  }

  const Rule* RuleOf(const Entitlement& e) const {
    auto it = rules_.find(e.id);
    return it == rules_.end() ? nullptr : it->second;
  }

  // A report for year Y is due by (Y+1)-MM-DD (the report_deadline of the ruleset in force at the
  // end of Y) from every carrier registered before the end of Y.
  void FlagMissingReports() {
    if (!registered()) return;
    for (int year = YearOf(out_.registered_on);; ++year) {
      Date year_end = year * 10000 + 1231;
      const Ruleset* rs = policy_.InForce(year_end);
      Date deadline = (year + 1) * 10000 + (rs ? rs->report_deadline_mmdd : 331);
      if (cut_.today <= deadline) break;
      // The duty to report comes with the policy: no ruleset in force that year, no report due.
      if (!rs || out_.activity.reports.contains(year)) continue;
      out_.flags.push_back(
          Flag{out_.carrier_id,
               "missing_annual_report",
               year,
               {},
               "no annual report for " + std::to_string(year) + " by " + FormatDate(deadline)});
    }
  }

  const Policy& policy_;
  const Cut& cut_;
  CarrierOutcome out_;
  std::map<std::string, Entitlement> ents_;
  std::map<std::string, const Rule*> rules_;  // entitlement id → its rule
  std::set<std::string> spent_;               // rules that fired (or lapsed) for this carrier
  std::map<std::string, Payout> payouts_;
  std::map<std::string, Orphan> orphans_;
  std::map<std::string, std::string> filings_;  // filing id → recipient name
  std::map<Level, std::pair<std::uint64_t, Grade>> last_evaluation_;
  std::map<Level, std::pair<std::vector<std::uint64_t>, Date>> revocation_due_;
};

}  // namespace

namespace {

// The entitlement `id` as derived under `cut` (no vanished-entitlement analysis), if any.
std::optional<Entitlement> EntitlementAt(const StreamFacts& carrier, const Policy& policy,
                                         const Cut& cut, const std::string& id) {
  auto retractions = RetractionsIn(carrier, cut);
  std::set<std::uint64_t> retracted;
  for (const auto& [target, by] : retractions) retracted.insert(target);
  Walk walk(policy, cut, carrier.carrier_id);
  walk.Run(LiveFacts(carrier, cut, retracted, true));
  auto it = walk.entitlements().find(id);
  if (it == walk.entitlements().end()) return std::nullopt;
  return std::move(it->second);
}

void Vanish(Entitlement* e, const Walk::Orphan* money, std::uint64_t seq, Date date,
            std::string reason) {
  e->status = kVoided;
  e->history.push_back(StatusChange{seq, date, kVoided, std::move(reason)});
  e->approved_fen = money ? money->approved : 0;
  e->disbursed_fen = money ? money->disbursed : 0;
  e->recovered_fen = money ? money->recovered : 0;
}

}  // namespace

bool ChangesStanding(const FactBody& body) {
  // Named by what they do not touch, so that a new kind of fact counts as changing it.
  return !(std::holds_alternative<ProfileAmended>(body) ||
           std::holds_alternative<BrandOutputFiled>(body) ||
           std::holds_alternative<BrandOutputStarted>(body) ||
           std::holds_alternative<BrokerWorkstationOpened>(body) ||
           std::holds_alternative<BrokerQualified>(body) ||
           std::holds_alternative<FundEstablished>(body) ||
           std::holds_alternative<AnnualReportSubmitted>(body));
}

std::vector<const Fact*> CountingFacts(const StreamFacts& carrier, const Cut& cut) {
  std::set<std::uint64_t> retracted;
  for (const auto& [target, by] : RetractionsIn(carrier, cut)) retracted.insert(target);
  return LiveFacts(carrier, cut, retracted, true);
}

std::optional<CarrierOutcome> DeriveCarrier(const StreamFacts& carrier, const Policy& policy,
                                            const Cut& cut) {
  auto retractions = RetractionsIn(carrier, cut);
  std::set<std::uint64_t> retracted;
  for (const auto& [target, by] : retractions) retracted.insert(target);

  Walk walk(policy, cut, carrier.carrier_id);
  walk.Run(LiveFacts(carrier, cut, retracted, true));
  if (!walk.registered()) return std::nullopt;
  std::map<std::string, Entitlement> ents = std::move(walk.entitlements());
  auto money_of = [&](const std::string& id) -> const Walk::Orphan* {
    auto it = walk.orphans().find(id);
    return it == walk.orphans().end() ? nullptr : &it->second;
  };

  if (!retracted.empty()) {
    // What the retracted events had created, and the real walk no longer has, is voided from the
    // retraction on; money paid on it becomes a claw-back due.
    Walk naive(policy, cut, carrier.carrier_id);
    naive.Run(LiveFacts(carrier, cut, retracted, false));
    for (auto& [id, ghost] : naive.entitlements()) {
      if (ents.contains(id)) continue;
      std::uint64_t by = retractions.begin()->second;
      for (std::uint64_t seq : ghost.seqs) {
        if (auto it = retractions.find(seq); it != retractions.end()) by = it->second;
      }
      const Fact* retraction = carrier.Find(by);
      Vanish(&ghost, money_of(id), by, retraction ? retraction->effective : 0,
             "retracted (event " + std::to_string(by) + ")");
      ents.emplace(id, std::move(ghost));
    }
  }

  // Money approved on an entitlement that a later fact undid (a late-recorded earlier evaluation,
  // a ruleset change): the entitlement as it stood at the approval, voided by the first later event
  // under which it is no longer derived.
  for (const auto& [id, money] : walk.orphans()) {
    if (ents.contains(id) || money.first_approval_seq == 0) continue;
    Cut then = cut;
    then.max_seq = money.first_approval_seq;
    auto ghost = EntitlementAt(carrier, policy.Until(then.max_seq), then, id);
    if (!ghost) continue;  // never derived (the invariants refuse such approvals)
    const Fact* undoing = nullptr;
    for (const Fact& f : carrier.facts) {
      if (f.seq <= then.max_seq) continue;
      if (f.seq > cut.max_seq) break;
      Cut at = cut;
      at.max_seq = f.seq;
      if (!EntitlementAt(carrier, policy.Until(f.seq), at, id)) {
        undoing = &f;
        break;
      }
    }
    Vanish(&*ghost, &money, undoing ? undoing->seq : 0, undoing ? undoing->effective : 0,
           undoing ? "no longer derived after event " + std::to_string(undoing->seq)
                   : std::string("no longer derived under a later ruleset"));
    ents.emplace(id, std::move(*ghost));
  }
  return walk.Finish(std::move(ents));
}

}  // namespace hatchery::domain
