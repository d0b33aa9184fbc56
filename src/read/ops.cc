#include "read/ops.h"

#include <algorithm>
#include <boost/json.hpp>
#include <memory>

#include "hatchery/checkpoint.h"
#include "hatchery/proof.h"
#include "hatchery/sha256.h"
#include "read/arguments.h"
#include "read/cells.h"
#include "read/diff.h"
#include "read/due.h"
#include "read/explain.h"
#include "read/filter.h"
#include "read/history.h"
#include "read/point.h"
#include "replay/replay.h"

namespace hatchery::read {
namespace {

namespace bj = boost::json;

bj::array EventsJson(const std::vector<Event>& events) {
  bj::array out;
  for (const Event& e : events) out.push_back(bj::parse(CanonicalForm(e, true)));
  return out;
}

StatusOr<std::uint64_t> Limit(const bj::object& args) {
  ASSIGN_OR_RETURN(std::uint64_t limit, Count(args, "limit", 1000));
  if (limit > kMaxReadLimit) return BadArgument("limit", "must be at most 10000");
  return limit;
}

StatusOr<bj::object> Get(const Ledger& ledger, const bj::object& args) {
  ASSIGN_OR_RETURN(std::uint64_t seq, Count(args, "seq"));
  ASSIGN_OR_RETURN(Event e, ledger.Get(seq));
  return bj::object{{"event", bj::parse(CanonicalForm(e, true))}};
}

// A read's selection of events: by actor, type and recorded time (an instant argument, if given).
struct Selection {
  std::string actor, type;
  std::optional<std::int64_t> from_us, to_us;  // recorded at or after, at or before
  bool any() const { return !actor.empty() || !type.empty() || from_us || to_us; }
  bool Keeps(const Event& e) const {
    return (actor.empty() || e.actor.id == actor) && (type.empty() || e.type == type);
  }
};

// At most this many events are looked at for one answer of a selective read; `more` says where to
// go on.
constexpr std::uint64_t kMaxScanned = 100'000;

StatusOr<bj::object> ReadEvents(const Ledger& ledger, const bj::object& args) {
  ASSIGN_OR_RETURN(std::uint64_t from, Count(args, "from_seq", 1));
  ASSIGN_OR_RETURN(std::uint64_t limit, Limit(args));
  Selection select;
  ASSIGN_OR_RETURN(select.actor, Text(args, "actor", false));
  ASSIGN_OR_RETURN(select.type, Text(args, "type", false));
  ASSIGN_OR_RETURN(select.from_us, Instant(args, "from_time"));
  ASSIGN_OR_RETURN(select.to_us, Instant(args, "to_time"));
  if (!select.any()) {
    ASSIGN_OR_RETURN(auto events, ledger.Read(from, limit));
    std::uint64_t next = events.empty() ? std::max<std::uint64_t>(from, 1) : events.back().seq + 1;
    return bj::object{{"events", EventsJson(events)}, {"next_seq", next}};
  }
  // recorded_at increases with seq: the times are a range of seqs.
  std::uint64_t last = ledger.head().seq;
  if (select.to_us) {
    ASSIGN_OR_RETURN(last, ledger.LastSeqRecordedBy(*select.to_us));
  }
  if (select.from_us) {
    ASSIGN_OR_RETURN(std::uint64_t before, ledger.LastSeqRecordedBy(*select.from_us - 1));
    from = std::max(from, before + 1);
  }
  from = std::max<std::uint64_t>(from, 1);
  std::vector<Event> kept;
  std::uint64_t next = from;
  while (next <= last && kept.size() < limit && next - from < kMaxScanned) {
    ASSIGN_OR_RETURN(auto page, ledger.Read(next, std::min<std::uint64_t>(last - next + 1, 1000)));
    if (page.empty()) break;
    for (Event& e : page) {
      if (kept.size() == limit) break;
      next = e.seq + 1;
      if (select.Keeps(e)) kept.push_back(std::move(e));
    }
  }
  return bj::object{{"events", EventsJson(kept)}, {"next_seq", next}, {"more", next <= last}};
}

StatusOr<bj::object> ReadStream(const Ledger& ledger, const bj::object& args) {
  ASSIGN_OR_RETURN(std::string stream, Text(args, "stream", true));
  ASSIGN_OR_RETURN(std::uint64_t from, Count(args, "from_version", 1));
  ASSIGN_OR_RETURN(std::uint64_t limit, Limit(args));
  ASSIGN_OR_RETURN(auto events, ledger.ReadStream(stream, from, limit));
  std::uint64_t next =
      events.empty() ? std::max<std::uint64_t>(from, 1) : events.back().stream_version + 1;
  return bj::object{{"events", EventsJson(events)}, {"next_version", next}};
}

StatusOr<bj::object> ProveOp(const Ledger& ledger, const bj::object& args) {
  ASSIGN_OR_RETURN(std::string kind, Text(args, "kind", true));
  if (kind == "inclusion") {
    ASSIGN_OR_RETURN(std::uint64_t seq, Count(args, "seq"));
    ASSIGN_OR_RETURN(std::uint64_t size, Count(args, "tree_size", ledger.head().seq));
    ASSIGN_OR_RETURN(auto proof, ProveInclusion(ledger, seq, size));
    return ToJson(Proof(std::move(proof)));
  }
  if (kind == "consistency") {
    ASSIGN_OR_RETURN(std::uint64_t first, Count(args, "first"));
    ASSIGN_OR_RETURN(std::uint64_t second, Count(args, "second"));
    ASSIGN_OR_RETURN(auto proof, ProveConsistency(ledger, first, second));
    return ToJson(Proof(std::move(proof)));
  }
  return BadArgument("kind", "must be \"inclusion\" or \"consistency\"");
}

// `checkpoints`: the kept signed checkpoints of more than `since` events, by size (at most
// kMaxCheckpoints): what a witness or an auditor fetches to follow the log.
StatusOr<bj::object> CheckpointsOp(const Ledger& ledger, const bj::object& args) {
  constexpr std::size_t kMaxCheckpoints = 1000;
  ASSIGN_OR_RETURN(std::uint64_t since, Count(args, "since", 0));
  ASSIGN_OR_RETURN(auto kept, ledger.Checkpoints());
  bj::array out;
  for (const std::string& note : kept) {
    auto checkpoint = CheckpointOfNote(note);
    if (!checkpoint.ok() || checkpoint->size <= since) continue;
    out.push_back(bj::object{{"size", checkpoint->size}, {"note", note}});
    if (out.size() == kMaxCheckpoints) break;
  }
  return bj::object{{"checkpoints", std::move(out)}, {"tree_size", ledger.head().seq}};
}

// The seq `point` names, within the facts held.
StatusOr<std::uint64_t> SeqOf(const Ledger& ledger, const replay::Point& point,
                              std::uint64_t facts_held) {
  ASSIGN_OR_RETURN(std::uint64_t seq, replay::PointSeq(ledger, point));
  return std::min(seq, facts_held);
}

StatusOr<domain::Cut> CutOf(const Facts& at, const bj::object& point_args,
                            std::string_view prefix = "") {
  ASSIGN_OR_RETURN(replay::Point point, PointOf(point_args, prefix));
  ASSIGN_OR_RETURN(std::uint64_t seq, SeqOf(at.ledger, point, at.facts.last_seq()));
  return domain::MakeCut(at.facts, seq, point.effective_on);
}

bj::value DateOrNull(const std::optional<domain::Date>& date) {
  return date ? bj::value(domain::FormatDate(*date)) : bj::value(nullptr);
}

// The projection a query reads: carrier `one`'s alone, or every carrier's.
std::shared_ptr<const domain::Projection> QueriedProjection(const Facts& at, const domain::Cut& cut,
                                                            const std::optional<std::string>& one) {
  if (!one && at.memo) return at.memo->GetAll(at.facts, cut);
  if (!one) return std::make_shared<const domain::Projection>(domain::Project(at.facts, cut));
  if (at.memo) return at.memo->Get(at.facts, cut, *one);
  return std::make_shared<const domain::Projection>(domain::ProjectCarrier(at.facts, cut, *one));
}

// The name of the carrier a row names (its carrier_id) but does not hold, as the projection has
// it: {"carrier_name": …}, or {} for a row without one. What a table shows beside the id and a
// search looks in; not part of the view, nor of its digest.
bj::object CarrierName(const domain::Projection& projection, const bj::object& row) {
  const bj::value* id = row.if_contains("carrier_id");
  if (!id || !id->is_string() || row.contains("name")) return {};
  const domain::CarrierOutcome* carrier = projection.FindCarrier(id->as_string());
  return {{"carrier_name", carrier && carrier->profile.name ? bj::value(*carrier->profile.name)
                                                            : bj::value(nullptr)}};
}

StatusOr<bj::object> Query(const Facts& at, const bj::object& args) {
  ASSIGN_OR_RETURN(std::string view, Text(args, "view", true));
  ASSIGN_OR_RETURN(bj::object filter_args, Object(args, "filter", "an object of field: value"));
  ASSIGN_OR_RETURN(std::string search, Text(args, "search", false));
  if (Keys(view).empty()) {  // not a view: ForEachRow's error, which names the views
    RETURN_IF_ERROR(domain::ForEachRow(domain::Projection{}, view, [](bj::object&&) {}));
  }
  ASSIGN_OR_RETURN(Filter filter, Filter::Of(filter_args, "filter", view, search));
  // A window of the rows that pass (a page of a list): `offset` of them skipped, at most `limit`
  // answered, and `matched` says how many passed in all.
  const bool windowed = args.contains("offset") || args.contains("limit");
  ASSIGN_OR_RETURN(std::uint64_t offset, Count(args, "offset", 0));
  ASSIGN_OR_RETURN(std::uint64_t limit, Count(args, "limit", UINT64_MAX));
  std::optional<std::string> carrier = filter.Wants("carrier_id");
  std::string shown = view;
  if (view == "carrier") {  // one carrier's profile: the carriers view filtered by carrier_id
    if (!carrier) {
      return BadArgument("filter.carrier_id",
                         "is required by the carrier view (one carrier: --filter "
                         "carrier_id=tl-inc-001); the carriers view lists them all");
    }
    view = "carriers";
  }
  ASSIGN_OR_RETURN(domain::Cut cut, CutOf(at, args));
  // One carrier's rows need only that carrier's derivation, except ranks within a class; the
  // size and digest of the whole view are then not known.
  if (view == "assessment") carrier.reset();
  auto projection = QueriedProjection(at, cut, carrier);
  bj::array rows;
  std::uint64_t view_rows = 0, matched = 0;
  bj::object names;  // carrier_id → name, of the rows answered
  // Each row of the view in turn: a row made for this read is moved into the answer, a row the
  // memo keeps is copied.
  auto take = [&](auto&& row) {
    ++view_rows;
    std::optional<bj::object> derived;  // made when first asked for
    auto derive = [&]() -> const bj::object& {
      if (!derived) derived = CarrierName(*projection, row);
      return *derived;
    };
    if (!filter.Passes(row, derive)) return;
    if (matched++ < offset || rows.size() == limit) return;
    if (const bj::object& name = derive(); !name.empty()) {
      names[row.at("carrier_id").as_string()] = name.at("carrier_name");
    }
    rows.push_back(std::forward<decltype(row)>(row));
  };
  std::optional<Hash> digest;  // of the whole view
  if (!carrier && at.memo) {   // every row, made once for this point and kept
    ASSIGN_OR_RETURN(auto all, at.memo->AllRows(at.facts, cut, view));
    for (const bj::value& row : all->rows) take(row.as_object());
    digest = all->digest;
  } else {
    domain::ViewDigestStream stream;
    RETURN_IF_ERROR(domain::ForEachRow(*projection, view, [&](bj::object&& row) {
      if (!carrier) stream.Add(row);
      take(std::move(row));
    }));
    if (!carrier) digest = stream.Final();
  }
  bj::object out{{"view", shown},
                 {"as_of_seq", cut.max_seq},
                 {"effective_on", DateOrNull(cut.effective_on)},
                 {"today", domain::FormatDate(cut.today)}};
  if (digest) {
    out["view_rows"] = view_rows;
    out["digest"] = ToHex(*digest);
  }
  if (windowed) out["matched"] = matched;
  out["rows"] = std::move(rows);
  if (!names.empty()) out["carrier_names"] = std::move(names);
  return out;
}

StatusOr<bj::object> ExplainOp(const Facts& at, const bj::object& args) {
  ASSIGN_OR_RETURN(std::string id, Text(args, "entitlement_id", true));
  ASSIGN_OR_RETURN(domain::Cut cut, CutOf(at, args));
  ASSIGN_OR_RETURN(Explanation x, Explain(at.ledger, at.facts, cut, id));
  return ToJson(x);
}

StatusOr<bj::object> DueOp(const Facts& at, const bj::object& args) {
  ASSIGN_OR_RETURN(domain::Cut cut, CutOf(at, args));
  ASSIGN_OR_RETURN(std::optional<std::uint64_t> limit, OptionalCount(args, "limit"));
  return Due(*QueriedProjection(at, cut, std::nullopt), domain::Policy(at.facts.policy(), cut),
             limit);
}

StatusOr<bj::object> HistoryOp(const Facts& at, const bj::object& args) {
  ASSIGN_OR_RETURN(std::string carrier, Text(args, "carrier_id", true));
  ASSIGN_OR_RETURN(domain::Cut cut, CutOf(at, args));
  return History(at.ledger, at.facts, cut, carrier);
}

// A diff's `side` ("from" or "to"), required: a point as a query names one.
StatusOr<bj::object> DiffSide(const bj::object& args, std::string_view side) {
  if (!args.contains(side))
    return BadArgument(side, "is required: {\"as_of\": …, \"effective_on\": …}");
  return Object(args, side, "a point: {\"as_of\": …, \"effective_on\": …}");
}

StatusOr<bj::object> DiffOp(const Facts& at, const bj::object& args) {
  ASSIGN_OR_RETURN(bj::object from, DiffSide(args, "from"));
  ASSIGN_OR_RETURN(bj::object to, DiffSide(args, "to"));
  ASSIGN_OR_RETURN(domain::Cut from_cut, CutOf(at, from, "from."));
  ASSIGN_OR_RETURN(domain::Cut to_cut, CutOf(at, to, "to."));
  ASSIGN_OR_RETURN(std::optional<std::uint64_t> limit, OptionalCount(args, "limit"));
  return ToJson(Compare(at.facts, from_cut, to_cut), limit);
}

// The latest seq a projection read names: how far a fold must go to answer it.
StatusOr<std::uint64_t> FarthestSeq(const Ledger& ledger, std::string_view op,
                                    const bj::object& args) {
  std::uint64_t head = ledger.head().seq;
  if (op != "diff") {
    ASSIGN_OR_RETURN(replay::Point point, PointOf(args));
    return SeqOf(ledger, point, head);
  }
  std::uint64_t farthest = 0;
  for (std::string_view side : {"from", "to"}) {
    ASSIGN_OR_RETURN(bj::object point_args, DiffSide(args, side));
    ASSIGN_OR_RETURN(replay::Point point, PointOf(point_args, std::string(side) + "."));
    ASSIGN_OR_RETURN(std::uint64_t seq, SeqOf(ledger, point, head));
    farthest = std::max(farthest, seq);
  }
  return farthest;
}

}  // namespace

OpKind KindOf(std::string_view op) {
  if (op == "get" || op == "read" || op == "read_stream" || op == "proof" || op == "checkpoints") {
    return OpKind::kEvents;
  }
  if (op == "query" || op == "explain" || op == "diff" || op == "due" || op == "history") {
    return OpKind::kProjections;
  }
  return OpKind::kNone;
}

StatusOr<bj::object> AnswerEvents(const Ledger& ledger, std::string_view op,
                                  const bj::object& args) {
  if (op == "get") return Get(ledger, args);
  if (op == "read") return ReadEvents(ledger, args);
  if (op == "read_stream") return ReadStream(ledger, args);
  if (op == "proof") return ProveOp(ledger, args);
  if (op == "checkpoints") return CheckpointsOp(ledger, args);
  return Status(Code::kBadRequest, "\"" + std::string(op) + "\" is not an event read",
                bj::object{{"field", "op"}});
}

StatusOr<bj::object> AnswerProjections(const Facts& at, std::string_view op,
                                       const bj::object& args) {
  StatusOr<bj::object> answer =
      Status(Code::kBadRequest, "\"" + std::string(op) + "\" is not a projection read",
             bj::object{{"field", "op"}});
  if (op == "query") answer = Query(at, args);
  if (op == "explain") answer = ExplainOp(at, args);
  if (op == "diff") answer = DiffOp(at, args);
  if (op == "due") answer = DueOp(at, args);
  if (op == "history") answer = HistoryOp(at, args);
  if (answer.ok() && at.ledger.simulated_clock()) (*answer)["clock"] = "simulated";
  return answer;
}

StatusOr<bj::object> Here(const Ledger& ledger, std::string_view op, const bj::object& args) {
  switch (KindOf(op)) {
    case OpKind::kEvents: return AnswerEvents(ledger, op, args);
    case OpKind::kProjections: {
      ASSIGN_OR_RETURN(std::uint64_t seq, FarthestSeq(ledger, op, args));
      ASSIGN_OR_RETURN(replay::Folded folded,
                       replay::Fold(ledger, seq, replay::Path::kFromSnapshot));
      return AnswerProjections(Facts{ledger, *folded.facts}, op, args);
    }
    case OpKind::kNone: break;
  }
  return Status(Code::kBadRequest, "\"" + std::string(op) + "\" is not a read op",
                bj::object{{"field", "op"}});
}

domain::Projection ProjectionAt(const domain::FactBase& facts, std::uint64_t seq,
                                std::optional<domain::Date> effective_on) {
  return domain::Project(facts,
                         domain::MakeCut(facts, std::min(seq, facts.last_seq()), effective_on));
}

}  // namespace hatchery::read
