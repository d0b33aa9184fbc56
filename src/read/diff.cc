#include "read/diff.h"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <map>

#include "domain/views/projections.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;

constexpr std::size_t kEventsShown = 1000;  // in the JSON; the total is given beside

std::string Text(const bj::value* v) {
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->as_string());
  return bj::serialize(*v);
}

// The identity of a row within its view.
std::string RowKey(std::string_view view, const bj::object& row) {
  auto field = [&](std::string_view name) { return Text(row.if_contains(name)); };
  if (view == "carriers") return field("carrier_id");
  if (view == "entitlements") return field("entitlement_id");
  if (view == "payouts") return field("payout_id");
  if (view == "compliance") return field("carrier_id") + "/" + field("flag") + "/" + field("year");
  if (view == "counties") return field("year") + "/" + field("county");
  return field("year") + "/" + field("assessment_class") + "/" + field("carrier_id");
}

// Every scalar or array of `v` by its path ("values.jobs"); objects are walked into.
void Flatten(const bj::value& v, const std::string& path, std::map<std::string, bj::value>* out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.as_object()) {
      Flatten(child, path.empty() ? std::string(key) : path + "." + std::string(key), out);
    }
    return;
  }
  (*out)[path] = v;
}

std::vector<FieldChange> FieldChanges(const bj::value& from, const bj::value& to) {
  std::map<std::string, bj::value> a, b;
  Flatten(from, "", &a);
  Flatten(to, "", &b);
  for (const auto& [path, v] : a) b.try_emplace(path, nullptr);
  std::vector<FieldChange> changes;
  for (const auto& [path, after] : b) {
    auto it = a.find(path);
    bj::value before = it == a.end() ? bj::value(nullptr) : it->second;
    if (before == after) continue;
    FieldChange change{path, before, after, std::nullopt};
    if (before.is_int64() && after.is_int64()) change.delta = after.as_int64() - before.as_int64();
    if (before.is_null() && after.is_int64()) change.delta = after.as_int64();
    if (before.is_int64() && after.is_null()) change.delta = -before.as_int64();
    changes.push_back(std::move(change));
  }
  return changes;
}

bool Counts(const domain::Fact& f, const domain::Cut& cut) {
  return f.seq <= cut.max_seq && (!cut.effective_on || f.effective <= *cut.effective_on);
}

// The facts of `stream` that count under one cut and not the other.
std::vector<const domain::Fact*> Between(const domain::StreamFacts& stream, const domain::Cut& a,
                                         const domain::Cut& b) {
  std::vector<const domain::Fact*> out;
  for (const domain::Fact& f : stream.facts) {
    if (Counts(f, a) != Counts(f, b)) out.push_back(&f);
  }
  return out;
}

// The event types whose facts can change a row of `view` (EVENTS.md "Derived"): the rest of a
// carrier's events between two points are not responsible for its rows there.
bool Shapes(std::string_view view, std::string_view type) {
  // The acts of §2.4 (workstations, brokers, deals) and §3.3 (funds, agreements, resident
  // investors, city fund support): a carrier's profile, indicators, score and county rows, never
  // its money or flags.
  static constexpr std::array<std::string_view, 11> kActivity{
      "BrokerWorkstationOpened",    "BrokerQualified",
      "BrokerWorkstationClosed",    "BrokerLeft",
      "TechTransferDealRecorded",   "FundEstablished",
      "CooperationAgreementSigned", "CooperationAgreementEnded",
      "ResidentInvestorJoined",     "ResidentInvestorLeft",
      "CityFundSupportGranted"};
  static const std::map<std::string_view, std::vector<std::string_view>, std::less<>> kNot{
      // A profile: its registration, amendments, accreditations and evaluations, and its activity.
      {"carriers",
       {"PolicyRulesetActivated", "LedgerPromoted", "BrandOutputFiled", "BrandOutputStarted",
        "AnnualReportSubmitted", "PayoutApproved", "PayoutDisbursed", "ClawbackRecovered"}},
      // Awards and their money: the triggers, the rulesets, payouts and recoveries.
      {"entitlements",
       {"LedgerPromoted", "CarrierProfileAmended", "BrandOutputFiled", "BrandOutputStarted",
        "AnnualReportSubmitted"}},
      {"payouts",
       {"LedgerPromoted", "CarrierProfileAmended", "BrandOutputFiled", "BrandOutputStarted",
        "AnnualReportSubmitted", "ClawbackRecovered"}},
      // Flags: filings and starts, reports and their deadlines, disbursements, evaluations.
      {"compliance", {"LedgerPromoted", "CarrierProfileAmended", "ClawbackRecovered"}},
      {"indicators", {"LedgerPromoted"}},
      {"assessment", {"LedgerPromoted"}}};
  const bool money_or_flags = view == "entitlements" || view == "payouts" || view == "compliance";
  if (money_or_flags && std::find(kActivity.begin(), kActivity.end(), type) != kActivity.end()) {
    return false;
  }
  auto it = kNot.find(view);
  return it == kNot.end() ||
         std::find(it->second.begin(), it->second.end(), type) == it->second.end();
}

// Whether `f` of `stream` can change a row of `view`: by its type, or a retraction by its
// target's.
bool Responsible(std::string_view view, const domain::Fact& f, const domain::StreamFacts& stream) {
  if (const auto* r = std::get_if<domain::EventRetracted>(&f.body)) {
    const domain::Fact* target = stream.Find(r->retracted_seq);
    return target == nullptr || Shapes(view, domain::TypeName(target->body));
  }
  return Shapes(view, domain::TypeName(f.body));
}

}  // namespace

Diff Compare(const domain::FactBase& facts, const domain::Cut& from, const domain::Cut& to) {
  Diff diff{from, to, {}, {}};
  // A carrier's outcome is a function of its own facts, the rulesets and "today": the events
  // responsible for a change to its rows of a view are those of its stream and of the policy
  // stream that count at one point only and can shape that view. Class rows (carrier_id null)
  // cite only the policy stream's.
  const std::vector<const domain::Fact*> policy_between = Between(facts.policy(), from, to);
  std::vector<const domain::Fact*> events = policy_between;
  std::map<std::string, std::pair<const domain::StreamFacts*, std::vector<const domain::Fact*>>,
           std::less<>>
      changed;  // carrier → its stream and its facts counting at one point only
  for (const auto& [carrier, index] : facts.carrier_index()) {
    auto between = Between(facts.stream(index), from, to);
    if (between.empty()) continue;
    events.insert(events.end(), between.begin(), between.end());
    changed.emplace(carrier, std::pair(&facts.stream(index), std::move(between)));
  }
  auto responsible = [&](std::string_view view, const std::string& carrier) {
    std::vector<std::uint64_t> seqs;
    for (const domain::Fact* f : policy_between) {
      if (Responsible(view, *f, facts.policy())) seqs.push_back(f->seq);
    }
    if (auto it = changed.find(carrier); it != changed.end()) {
      for (const domain::Fact* f : it->second.second) {
        if (Responsible(view, *f, *it->second.first)) seqs.push_back(f->seq);
      }
    }
    std::sort(seqs.begin(), seqs.end());
    return seqs;
  };
  std::sort(events.begin(), events.end(),
            [](const domain::Fact* x, const domain::Fact* y) { return x->seq < y->seq; });
  for (const domain::Fact* f : events) {
    diff.events.emplace_back(f->seq, std::string(domain::TypeName(f->body)));
  }

  domain::Projection before = domain::Project(facts, from);
  domain::Projection after = domain::Project(facts, to);
  for (std::string_view view : domain::kViews) {
    std::map<std::string, bj::object> a, b;
    auto index = [&](const domain::Projection& projection,
                     std::map<std::string, bj::object>* by_key) {
      bj::array rows = *domain::ViewRows(projection, view);
      for (bj::value& row : rows) {
        by_key->emplace(RowKey(view, row.as_object()), std::move(row.as_object()));
      }
    };
    index(before, &a);
    index(after, &b);
    ViewDiff vd{std::string(view), {}};
    // At least one of the rows is given.
    auto add = [&](const std::string& key, const bj::object* old_row, const bj::object* new_row) {
      const bj::object* row = new_row != nullptr ? new_row : old_row;
      if (row == nullptr) return;
      RowChange change{key, !old_row ? "added" : !new_row ? "removed" : "changed", "", {}, {}};
      if (const bj::value* c = row->if_contains("carrier_id"); c && c->is_string()) {
        change.carrier_id = std::string(c->as_string());
      }
      static const bj::object kNone;
      change.fields = FieldChanges(old_row ? *old_row : kNone, new_row ? *new_row : kNone);
      if (change.fields.empty()) return;
      change.responsible = responsible(view, change.carrier_id);
      vd.rows.push_back(std::move(change));
    };
    for (const auto& [key, row] : a) {
      auto it = b.find(key);
      add(key, &row, it == b.end() ? nullptr : &it->second);
    }
    for (const auto& [key, row] : b) {
      if (!a.contains(key)) add(key, nullptr, &row);
    }
    std::sort(vd.rows.begin(), vd.rows.end(),
              [](const RowChange& x, const RowChange& y) { return x.key < y.key; });
    diff.views.push_back(std::move(vd));
  }
  return diff;
}

bj::object ToJson(const Diff& diff, std::optional<std::size_t> rows_per_view) {
  auto point = [](const domain::Cut& cut) {
    return bj::object{
        {"as_of_seq", cut.max_seq},
        {"effective_on",
         cut.effective_on ? bj::value(domain::FormatDate(*cut.effective_on)) : nullptr},
        {"today", domain::FormatDate(cut.today)}};
  };
  bj::object views, rows_changed;
  for (const ViewDiff& vd : diff.views) {
    bj::array rows;
    rows_changed[vd.view] = vd.rows.size();
    for (const RowChange& r : vd.rows) {
      if (rows_per_view && rows.size() == *rows_per_view) break;
      bj::array fields, responsible;
      for (const FieldChange& f : r.fields) {
        bj::object field{{"field", f.field}, {"from", f.from}, {"to", f.to}};
        if (f.delta) field["delta"] = *f.delta;
        fields.push_back(std::move(field));
      }
      for (std::uint64_t seq : r.responsible) responsible.push_back(seq);
      rows.push_back(
          {{"key", r.key},
           {"change", r.change},
           {"carrier_id", r.carrier_id.empty() ? bj::value(nullptr) : bj::value(r.carrier_id)},
           {"fields", std::move(fields)},
           {"responsible_seqs", std::move(responsible)}});
    }
    views[vd.view] = std::move(rows);
  }
  std::map<std::string, std::uint64_t> by_type;
  for (const auto& [seq, type] : diff.events) by_type[type]++;
  bj::object events_by_type;
  for (const auto& [type, n] : by_type) events_by_type[type] = n;
  bj::array events;
  for (std::size_t i = 0; i < diff.events.size() && i < kEventsShown; ++i) {
    events.push_back({{"seq", diff.events[i].first}, {"type", diff.events[i].second}});
  }
  bj::object out{
      {"from", point(diff.from)},           {"to", point(diff.to)},
      {"events_total", diff.events.size()}, {"events_by_type", std::move(events_by_type)},
      {"events", std::move(events)},        {"views", std::move(views)}};
  if (rows_per_view) out["rows_changed"] = std::move(rows_changed);
  return out;
}

}  // namespace hatchery::read
