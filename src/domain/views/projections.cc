#include "domain/views/projections.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <future>
#include <iterator>
#include <thread>

#include "domain/fold/counties.h"
#include "hatchery/json.h"
#include "hatchery/json_writer.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

bj::value DateValue(Date d) { return d == 0 ? bj::value(nullptr) : bj::value(FormatDate(d)); }

bj::array Seqs(const std::vector<std::uint64_t>& seqs) {
  bj::array out;
  for (std::uint64_t s : seqs) out.emplace_back(s);
  return out;
}

template <typename T>
bj::value Optional(const std::optional<T>& v) {
  return v ? bj::value(*v) : bj::value(nullptr);
}

// A tie's days and events: since, seq, until (null while it holds), until_seq.
void AddTenure(const Tenure& t, bj::object* o) {
  o->emplace("since", FormatDate(t.since));
  o->emplace("seq", t.seq);
  o->emplace("until", DateValue(t.until));
  o->emplace("until_seq", t.until_seq == 0 ? bj::value(nullptr) : bj::value(t.until_seq));
}

// §3.3: the carrier's funds, cooperation agreements, resident investors and city fund support.
void AddFinance(const Activity& a, bj::object* row) {
  bj::array funds, agreements, investors, support;
  for (const Fund& f : a.funds) {
    funds.push_back(bj::object{{"fund_id", f.fund_id},
                               {"fund_type", Name(f.type)},
                               {"size_fen", f.size_fen},
                               {"social_capital_fen", f.social_capital_fen},
                               {"date", FormatDate(f.date)},
                               {"seq", f.seq}});
  }
  for (const Agreement& g : a.agreements) {
    bj::object o{{"agreement_id", g.agreement_id},
                 {"partner", g.partner},
                 {"partner_kind", Name(g.partner_kind)},
                 {"credit_line_fen", g.credit_line_fen}};
    AddTenure(g.tenure, &o);
    o.emplace("end_reason",
              g.tenure.until == 0 ? bj::value(nullptr) : bj::value(Name(g.end_reason)));
    agreements.push_back(std::move(o));
  }
  for (const Residence& r : a.residences) {
    bj::object o{
        {"investor_id", r.investor_id}, {"name", r.name}, {"investor_type", Name(r.investor_type)}};
    AddTenure(r.tenure, &o);
    investors.push_back(std::move(o));
  }
  for (const CitySupport& s : a.city_support) {
    support.push_back(bj::object{{"support_id", s.support_id},
                                 {"city_fund", Name(s.city_fund)},
                                 {"recipient", s.recipient},
                                 {"recipient_kind", Name(s.recipient_kind)},
                                 {"amount_fen", s.amount_fen},
                                 {"date", FormatDate(s.date)},
                                 {"seq", s.seq}});
  }
  row->emplace("funds", std::move(funds));
  row->emplace("agreements", std::move(agreements));
  row->emplace("investors", std::move(investors));
  row->emplace("city_fund_support", std::move(support));
}

// §2.4: each workstation with its brokers' spells and the deals brokered through it.
bj::array StationRows(const std::vector<Station>& stations) {
  bj::array out;
  for (const Station& st : stations) {
    bj::array brokers, deals;
    for (const BrokerSpell& b : st.brokers) {
      bj::object o{{"broker_ref", b.broker_ref}};
      AddTenure(b.tenure, &o);
      o.emplace("end", b.end.empty() ? bj::value(nullptr) : bj::value(b.end));
      brokers.push_back(std::move(o));
    }
    for (const DealRecord& d : st.deals) {
      deals.push_back(bj::object{
          {"deal_id", d.deal_id},
          {"contract_kind", Name(d.kind)},
          {"seller", d.parties->seller},
          {"buyer", d.parties->buyer},
          {"broker_ref",
           d.parties->broker_ref.empty() ? bj::value(nullptr) : bj::value(d.parties->broker_ref)},
          {"amount_fen", d.amount_fen},
          {"date", FormatDate(d.date)},
          {"seq", d.seq}});
    }
    bj::object o{{"station_id", st.station_id},
                 {"name", st.name.empty() ? bj::value(nullptr) : bj::value(st.name)}};
    AddTenure(st.tenure, &o);
    o.emplace("closure", st.tenure.until == 0 ? bj::value(nullptr) : bj::value(Name(st.closure)));
    o.emplace("brokers", std::move(brokers));
    o.emplace("deals", std::move(deals));
    out.push_back(std::move(o));
  }
  return out;
}

bj::object CarrierRow(const CarrierOutcome& c) {
  const Profile& p = c.profile;
  bj::array levels, timeline, evaluations;
  for (const auto& [level, h] : c.holdings) {
    levels.push_back(bj::object{{"level", Name(h.level)},
                                {"mode", Name(h.mode)},
                                {"tier", Name(h.tier)},
                                {"since", FormatDate(h.since)},
                                {"seq", h.seq}});
  }
  for (const TimelineEntry& t : c.timeline) {
    timeline.push_back(bj::object{{"seq", t.seq},
                                  {"date", FormatDate(t.date)},
                                  {"action", t.action},
                                  {"level", Name(t.level)},
                                  {"detail", t.detail}});
  }
  for (const Evaluation& e : c.evaluations) {
    evaluations.push_back(bj::object{{"seq", e.seq},
                                     {"date", FormatDate(e.date)},
                                     {"level", Name(e.level)},
                                     {"year", e.year},
                                     {"grade", Name(e.grade)}});
  }
  bj::value op = nullptr;
  if (p.operator_name) op = bj::object{{"name", *p.operator_name}, {"mode", *p.operator_mode}};
  bj::array operators, county_history;
  for (const CountySpell& spell : c.activity.counties) {
    county_history.push_back(bj::object{
        {"since", FormatDate(spell.since)}, {"seq", spell.seq}, {"county", spell.county}});
  }
  for (const OperatorSpell& spell : c.activity.operators) {
    operators.push_back(bj::object{{"since", FormatDate(spell.since)},
                                   {"seq", spell.seq},
                                   {"name", spell.name},
                                   {"mode", spell.mode}});
  }
  bj::object row{
      {"carrier_id", c.carrier_id},
      {"name", Optional(p.name)},
      {"kind", Name(c.kind)},
      {"category", Optional(p.category)},
      {"assessment_class", Name(c.assessment_class())},
      {"host_type", Optional(p.host_type)},
      {"industry", Optional(p.industry)},
      {"county", Optional(p.county)},
      {"county_history", std::move(county_history)},
      {"operator", op},
      {"operators", std::move(operators)},
      {"area_m2", Optional(p.area_m2)},
      {"registered_on", DateValue(c.registered_on)},
      {"registered_seq", c.registered_seq == 0 ? bj::value(nullptr) : bj::value(c.registered_seq)},
      {"levels", std::move(levels)},
      {"timeline", std::move(timeline)},
      {"evaluations", std::move(evaluations)}};
  row.emplace("stations", StationRows(c.activity.stations));
  AddFinance(c.activity, &row);
  return row;
}

}  // namespace

bj::object EntitlementRow(const Entitlement& e) {
  bj::array history;
  for (const StatusChange& h : e.history) {
    history.push_back(bj::object{
        {"seq", h.seq}, {"date", DateValue(h.date)}, {"status", h.status}, {"reason", h.reason}});
  }
  return bj::object{{"entitlement_id", e.id},
                    {"carrier_id", e.carrier_id},
                    {"rule_id", e.rule_id},
                    {"ruleset_id", e.ruleset_id},
                    {"ruleset_seq", e.ruleset_seq},
                    {"clause", e.clause},
                    {"status", e.status},
                    {"triggered_on", FormatDate(e.triggered_on)},
                    {"seqs", Seqs(e.seqs)},
                    {"amount_fen", e.amount_fen},
                    {"approved_fen", e.approved_fen},
                    {"disbursed_fen", e.disbursed_fen},
                    {"outstanding_fen", e.outstanding_fen()},
                    {"clawback_due_fen", e.clawback_due_fen()},
                    {"recovered_fen", e.recovered_fen},
                    {"history", std::move(history)}};
}

bj::object PayoutRow(const Payout& p) {
  bool disbursed = p.disbursed_seq != 0;
  bj::object row{{"payout_id", p.payout_id},
                 {"carrier_id", p.carrier_id},
                 {"entitlement_id", p.entitlement_id},
                 {"amount_fen", p.amount_fen},
                 {"status", p.status},
                 {"approved_seq", p.approved_seq},
                 {"approved_on", FormatDate(p.approved_on)},
                 {"approved_by", p.approved_by.actor_id},
                 {"disbursed_seq", disbursed ? bj::value(p.disbursed_seq) : nullptr},
                 {"disbursed_on", DateValue(p.disbursed_on)},
                 {"disbursed_by", disbursed ? bj::value(p.disbursed_by.actor_id) : nullptr},
                 {"voucher_no", disbursed ? bj::value(p.voucher_no) : nullptr}};
  // Local writes only (facts.h Recorder), so that a server's rows, and their digests, stay as
  // they were before OS users were recorded.
  if (!p.approved_by.os_user.empty()) row["approved_by_os_user"] = p.approved_by.os_user;
  if (!p.disbursed_by.os_user.empty()) row["disbursed_by_os_user"] = p.disbursed_by.os_user;
  return row;
}

namespace {

bj::object CountyRowObject(const CountyRow& row) {
  bj::object values;
  for (const auto& [name, value] : row.values) values[name] = value;
  return bj::object{
      {"county", row.county.empty() ? bj::value(nullptr) : bj::value(row.county)},
      {"county_name", row.county.empty() ? std::string_view("通辽市") : CountyName(row.county)},
      {"values", std::move(values)},
      {"year", row.year}};
}

bj::object FlagRow(const Flag& f) {
  return bj::object{{"carrier_id", f.carrier_id},
                    {"flag", f.flag},
                    {"year", f.year},
                    {"seqs", Seqs(f.seqs)},
                    {"detail", f.detail}};
}

// The measures in the order of their names: the order canonical JSON puts them in, so that the
// million indicator rows of a large store need no sorting when they are hashed. (Rows below list
// their members in key order for the same reason.)
const std::array<std::size_t, kMeasureCount>& MeasuresByName() {
  static const auto order = [] {
    std::array<std::size_t, kMeasureCount> o{};
    for (std::size_t i = 0; i < kMeasureCount; ++i) o[i] = i;
    std::sort(o.begin(), o.end(),
              [](std::size_t a, std::size_t b) { return kMeasureNames[a] < kMeasureNames[b]; });
    return o;
  }();
  return order;
}

// The two views of a million rows and more are written through json_writer.h, members in key
// order, so that their digests need no DOM.
template <typename W>
void WriteIndicatorRow(W& w, const IndicatorRow& row, const Projection& p) {
  w.BeginObject();
  w.Key("assessment_class");
  w.String(Name(row.assessment_class));
  w.Key("carrier_id");
  if (row.carrier == kClassTotal) {
    w.Null();
  } else {
    w.String(p.carriers[row.carrier].carrier_id);
  }
  w.Key("values");
  w.BeginObject();
  for (std::size_t i : MeasuresByName()) {
    if (!row.values.has(i)) continue;
    w.Key(kMeasureNames[i]);
    w.Integer(row.values.get(i));
  }
  w.EndObject();
  w.Key("year");
  w.Integer(row.year);
  w.EndObject();
}

template <typename W>
void WriteScoreRow(W& w, const Score& s, const Projection& p) {
  w.BeginObject();
  w.Key("assessment_class");
  w.String(Name(s.assessment_class));
  w.Key("carrier_id");
  w.String(p.carriers[s.carrier].carrier_id);
  w.Key("contributions");
  w.BeginArray();
  for (const Contribution& c : s.contributions) {
    w.BeginObject();
    w.Key("indicator");
    w.String(p.indicator_ids[c.indicator]);
    w.Key("points_centi");
    w.Integer(c.points_centi);
    w.Key("value");
    w.Integer(c.value);
    w.EndObject();
  }
  w.EndArray();
  w.Key("rank");
  w.Integer(s.rank);
  w.Key("ruleset_id");
  w.String(s.ruleset_id);
  w.Key("score_centi");
  w.Integer(s.score_centi);
  w.Key("year");
  w.Integer(s.year);
  w.EndObject();
}

// Calls `visit` with each row of the writer-based views, written by a `W`: the indicator rows,
// then the class totals, or the scores. False for any other view.
template <typename W, typename Visit>
bool WriteWriterRows(const Projection& p, std::string_view view, W& w, const Visit& visit) {
  if (view == "indicators") {
    for (const auto* rows : {&p.indicators, &p.class_totals}) {
      for (const auto& row : *rows) {
        WriteIndicatorRow(w, row, p);
        visit();
      }
    }
    return true;
  }
  if (view == "assessment") {
    for (const auto& s : p.scores) {
      WriteScoreRow(w, s, p);
      visit();
    }
    return true;
  }
  return false;
}

}  // namespace

const CarrierOutcome* Projection::FindCarrier(std::string_view carrier_id) const {
  auto it = std::lower_bound(
      carriers.begin(), carriers.end(), carrier_id,
      [](const CarrierOutcome& c, std::string_view id) { return c.carrier_id < id; });
  return it != carriers.end() && it->carrier_id == carrier_id ? &*it : nullptr;
}

namespace {

constexpr std::size_t kMaxSlices = 8;
// Indicator rows reserved per carrier: a typical carrier's years (reserved, not touched, so a
// generous guess costs address space only; growing a vector of rows copies them all).
constexpr std::size_t kRowsPerCarrier = 8;

// The carriers of one slice of the index, derived: their outcomes, and their indicator rows
// naming each carrier by its position within the slice.
struct Slice {
  std::vector<CarrierOutcome> carriers;
  std::vector<IndicatorRow> indicators;
};

// `room`: the carriers to reserve room for (at least the slice's).
template <typename It>
Slice DeriveSlice(const FactBase& facts, const Policy& policy, const Cut& cut, It begin, It end,
                  std::size_t room) {
  Slice slice;
  slice.carriers.reserve(room);
  slice.indicators.reserve(room * kRowsPerCarrier);
  for (It it = begin; it != end; ++it) {
    auto outcome = DeriveCarrier(facts.stream(it->second), policy, cut);
    if (!outcome) continue;
    AddCarrierIndicators(*outcome, static_cast<std::uint32_t>(slice.carriers.size()), cut.today,
                         &slice.indicators);
    slice.carriers.push_back(std::move(*outcome));
  }
  return slice;
}

}  // namespace

Projection Project(const FactBase& facts, const Cut& cut, std::size_t carriers_per_slice) {
  Projection p;
  p.cut = cut;
  Policy policy(facts.policy(), cut);
  // Each carrier derives on its own: contiguous slices of the carriers in id order are derived at
  // once and joined in order, each slice's rows renumbered to the carriers' final positions. The
  // first slice reserves room for every carrier, so that its vectors become the projection's and
  // only the other slices' rows are copied; each of those is freed as soon as it is joined.
  const auto& index = facts.carrier_index();
  std::size_t slices = std::clamp<std::size_t>(
      std::min<std::size_t>(std::thread::hardware_concurrency(),
                            index.size() / std::max<std::size_t>(carriers_per_slice, 1)),
      1, kMaxSlices);
  std::vector<std::future<Slice>> others;  // every slice but the last, on threads of their own
  auto begin = index.begin();
  for (std::size_t k = 0; k + 1 < slices; ++k) {
    auto end = std::next(begin, static_cast<std::ptrdiff_t>(index.size() / slices));
    std::size_t room = k == 0 ? index.size() : index.size() / slices;
    others.push_back(std::async(std::launch::async, [&, begin, end, room] {
      return DeriveSlice(facts, policy, cut, begin, end, room);
    }));
    begin = end;
  }
  Slice last = DeriveSlice(
      facts, policy, cut, begin, index.end(),
      slices == 1 ? index.size() : static_cast<std::size_t>(std::distance(begin, index.end())));
  bool first = true;
  auto join = [&p, &first](Slice slice) {
    if (std::exchange(first, false)) {  // its positions are final
      p.carriers = std::move(slice.carriers);
      p.indicators = std::move(slice.indicators);
      return;
    }
    auto offset = static_cast<std::uint32_t>(p.carriers.size());
    std::move(slice.carriers.begin(), slice.carriers.end(), std::back_inserter(p.carriers));
    for (IndicatorRow& row : slice.indicators) {
      if (row.carrier != kClassTotal) row.carrier += offset;
      p.indicators.push_back(row);
    }
  };
  for (auto& future : others) join(future.get());
  join(std::move(last));
  p.class_totals = ClassTotals(p.indicators, p.carriers);
  p.scores = Assess(p.indicators, policy, &p.indicator_ids);
  p.counties = CountyRollup(p.carriers, p.indicators, p.scores, cut.today);
  return p;
}

Projection ProjectCarrier(const FactBase& facts, const Cut& cut, std::string_view carrier_id) {
  Projection p;
  p.cut = cut;
  const StreamFacts* stream = facts.Carrier(carrier_id);
  if (!stream) return p;
  auto outcome = DeriveCarrier(*stream, Policy(facts.policy(), cut), cut);
  if (!outcome) return p;
  AddCarrierIndicators(*outcome, 0, cut.today, &p.indicators);
  p.carriers.push_back(std::move(*outcome));
  return p;
}

Status ForEachRow(const Projection& p, std::string_view view,
                  const std::function<void(bj::object&&)>& visit) {
  if (view == "carriers") {
    for (const auto& c : p.carriers) visit(CarrierRow(c));
  } else if (view == "entitlements") {
    for (const auto& c : p.carriers) {
      for (const auto& e : c.entitlements) visit(EntitlementRow(e));
    }
  } else if (view == "payouts") {
    for (const auto& c : p.carriers) {
      for (const auto& payout : c.payouts) visit(PayoutRow(payout));
    }
  } else if (view == "compliance") {
    for (const auto& c : p.carriers) {
      for (const auto& f : c.flags) visit(FlagRow(f));
    }
  } else if (view == "counties") {
    for (const auto& row : p.counties) visit(CountyRowObject(row));
  } else if (json::DomWriter w;
             WriteWriterRows(p, view, w, [&] { visit(std::move(w.Take().as_object())); })) {
  } else {
    std::string known;
    for (std::string_view v : kViews) known += (known.empty() ? "" : ", ") + std::string(v);
    return Status(Code::kNotFound, "no view \"" + std::string(view) + "\" (views: " + known + ")",
                  bj::object{{"field", "view"}});
  }
  return Status::Ok();
}

StatusOr<bj::array> ViewRows(const Projection& p, std::string_view view) {
  bj::array rows;
  RETURN_IF_ERROR(ForEachRow(p, view, [&](bj::object&& row) { rows.push_back(std::move(row)); }));
  return rows;
}

Hash ViewDigest(const bj::array& rows) { return Sha256(json::Canonicalize(rows)); }

void ViewDigestStream::AddCanonical(std::string_view row) {
  if (rows_++ > 0) sha_.Update(",");
  sha_.Update(row);
}

void ViewDigestStream::Add(const bj::object& row) {
  text_.clear();
  json::AppendCanonical(row, &text_);
  AddCanonical(text_);
}

Hash ViewDigestStream::Final() {
  sha_.Update("]");
  return sha_.Final();
}

std::vector<ViewState> ViewStates(const Projection& projection) {
  // Row by row: the canonical form of an array is "[" rows joined by "," "]", so the digest needs
  // no view in memory at once. Each view on a thread of its own.
  auto state_of = [&projection](std::string_view view) {
    ViewDigestStream digest;
    std::string text;
    auto row_done = [&] {  // `text` holds one row
      digest.AddCanonical(text);
      text.clear();
    };
    // The large views are written straight as canonical text; the others through their DOM.
    json::CanonicalWriter w(&text);
    if (!WriteWriterRows(projection, view, w, row_done)) {
      (void)ForEachRow(projection, view, [&](bj::object&& row) { digest.Add(row); });
    }
    std::size_t rows = digest.rows();
    return ViewState{std::string(view), rows, digest.Final()};
  };
  std::vector<std::future<ViewState>> futures;
  futures.reserve(kViews.size());
  for (std::string_view view : kViews) {
    futures.push_back(std::async(std::launch::async, state_of, view));
  }
  std::vector<ViewState> states;
  states.reserve(kViews.size());
  for (auto& future : futures) states.push_back(future.get());
  return states;
}

std::string DerivationLine() { return "state derivation " + std::to_string(kDerivation); }

int DerivationOf(const std::vector<std::string>& extension_lines) {
  constexpr std::string_view kPrefix = "state derivation ";
  int found = 1, lines = 0;
  for (const std::string& line : extension_lines) {
    if (!line.starts_with(kPrefix)) continue;
    int version = 0;
    std::string_view digits = std::string_view(line).substr(kPrefix.size());
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
    const bool valid = ec == std::errc() && end == digits.data() + digits.size() && version > 0 &&
                       version <= kDerivation;
    found = valid ? version : 0;
    if (++lines > 1 || !valid) return 0;
  }
  return found;
}

std::vector<std::string> StateLines(const Projection& projection) {
  std::vector<std::string> lines{DerivationLine()};
  for (const ViewState& state : ViewStates(projection)) {
    lines.push_back("state " + state.view + " " + ToHex(state.digest));
  }
  return lines;
}

}  // namespace hatchery::domain
