#include "server/read_ops.h"

#include <boost/json.hpp>

#include "domain/projections.h"
#include "hatchery/checkpoint.h"
#include "hatchery/json.h"
#include "hatchery/proof.h"
#include "hatchery/time.h"
#include "hatchery/verify.h"
#include "replay/checkpoint_state.h"
#include "replay/explain.h"
#include "replay/replay.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;

Status BadArgument(std::string_view field, const std::string& what) {
  return Status(Code::kBadRequest, std::string(field) + " " + what,
                bj::object{{"field", std::string(field)}});
}

// A non-negative integer argument; `fallback` when absent (required if nullopt).
StatusOr<std::uint64_t> Count(const bj::object& args, std::string_view field,
                              std::optional<std::uint64_t> fallback = std::nullopt) {
  const bj::value* v = args.if_contains(field);
  if (!v) {
    if (fallback) return *fallback;
    return BadArgument(field, "is required");
  }
  if (!v->is_int64() || v->as_int64() < 0) return BadArgument(field, "must be an integer ≥ 0");
  return static_cast<std::uint64_t>(v->as_int64());
}

StatusOr<std::string> Text(const bj::object& args, std::string_view field, bool required) {
  const bj::value* v = args.if_contains(field);
  if (!v) {
    if (required) return BadArgument(field, "is required");
    return std::string();
  }
  if (!v->is_string()) return BadArgument(field, "must be a string");
  return std::string(v->as_string());
}

bj::array EventsJson(const std::vector<Event>& events) {
  bj::array out;
  for (const Event& e : events) out.push_back(bj::parse(CanonicalForm(e, true)));
  return out;
}

// The point of `as_of` ({"seq": n} or {"recorded_at": "..."}) and `effective_on`.
StatusOr<replay::Point> PointOf(const bj::object& args) {
  replay::Point point;
  if (const bj::value* as_of = args.if_contains("as_of")) {
    if (!as_of->is_object())
      return BadArgument("as_of", "must be {\"seq\": n} or {\"recorded_at\": t}");
    const bj::object& o = as_of->as_object();
    if (o.contains("seq")) {
      ASSIGN_OR_RETURN(std::uint64_t seq, Count(o, "seq"));
      point.seq = seq;
    } else if (const bj::value* t = o.if_contains("recorded_at"); t && t->is_string()) {
      point.recorded_by_us = ParseTimestamp(std::string(t->as_string()));
      if (!point.recorded_by_us) {
        return BadArgument("as_of.recorded_at", "must be RFC 3339 UTC with microseconds");
      }
    } else {
      return BadArgument("as_of", "must be {\"seq\": n} or {\"recorded_at\": t}");
    }
  }
  ASSIGN_OR_RETURN(std::string on, Text(args, "effective_on", false));
  if (!on.empty()) {
    point.effective_on = domain::ParseDate(on);
    if (!point.effective_on) return BadArgument("effective_on", "must be a date YYYY-MM-DD");
  }
  return point;
}

std::string Plain(const bj::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return bj::serialize(v);
}

}  // namespace

StatusOr<bj::object> GetOp(const Ledger& ledger, const bj::object& args) {
  ASSIGN_OR_RETURN(std::uint64_t seq, Count(args, "seq"));
  ASSIGN_OR_RETURN(Event e, ledger.Get(seq));
  return bj::object{{"event", bj::parse(CanonicalForm(e, true))}};
}

StatusOr<bj::object> ReadOp(const Ledger& ledger, const bj::object& args) {
  ASSIGN_OR_RETURN(std::uint64_t from, Count(args, "from_seq", 1));
  ASSIGN_OR_RETURN(std::uint64_t limit, Count(args, "limit", 1000));
  if (limit > kMaxReadLimit) return BadArgument("limit", "must be at most 10000");
  ASSIGN_OR_RETURN(auto events, ledger.Read(from, limit));
  std::uint64_t next = events.empty() ? std::max<std::uint64_t>(from, 1) : events.back().seq + 1;
  return bj::object{{"events", EventsJson(events)}, {"next_seq", next}};
}

StatusOr<bj::object> ReadStreamOp(const Ledger& ledger, const bj::object& args) {
  ASSIGN_OR_RETURN(std::string stream, Text(args, "stream", true));
  ASSIGN_OR_RETURN(std::uint64_t from, Count(args, "from_version", 1));
  ASSIGN_OR_RETURN(std::uint64_t limit, Count(args, "limit", 1000));
  if (limit > kMaxReadLimit) return BadArgument("limit", "must be at most 10000");
  ASSIGN_OR_RETURN(auto events, ledger.ReadStream(stream, from, limit));
  std::uint64_t next =
      events.empty() ? std::max<std::uint64_t>(from, 1) : events.back().stream_version + 1;
  return bj::object{{"events", EventsJson(events)}, {"next_version", next}};
}

StatusOr<bj::object> ProofOp(const Ledger& ledger, const bj::object& args) {
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

StatusOr<bj::object> VerifyOp(const Ledger& ledger, const bj::object& args) {
  std::uint64_t head = ledger.head().seq;
  ASSIGN_OR_RETURN(std::uint64_t to_seq, Count(args, "to_seq", head));
  ASSIGN_OR_RETURN(std::uint64_t from_seq, Count(args, "from_seq", 1));
  if (to_seq > head)
    return BadArgument("to_seq", "is beyond the head (" + std::to_string(head) + ")");
  if (from_seq < 1 || from_seq > to_seq) {
    return BadArgument("from_seq", "must be between 1 and to_seq (" + std::to_string(to_seq) + ")");
  }
  VerifyOptions options;
  options.to_seq = to_seq;
  ASSIGN_OR_RETURN(VerifyReport report, VerifyStore(ledger.dir(), options));
  bj::object out = ToJson(report);
  out["from_seq"] = from_seq;
  out["to_seq"] = to_seq;
  out["checked_from"] = 1;
  return out;
}

StatusOr<bj::object> CheckpointOp(Ledger& ledger, const domain::FactBase& facts,
                                  const note::SigningKey* key, const bj::object& args) {
  const bj::value* sign = args.if_contains("sign");
  if (sign && !sign->is_bool()) return BadArgument("sign", "must be true or false");
  if (sign && sign->as_bool()) {
    if (!key) {
      return Status(Code::kUnavailable,
                    "this server holds no signing key (hatchery serve --signing-key FILE)");
    }
    ASSIGN_OR_RETURN(std::string note, replay::SignAndKeep(ledger, facts, *key));
    return bj::object{{"note", std::move(note)}, {"signed", true}};
  }
  ASSIGN_OR_RETURN(auto kept, ledger.Checkpoints());
  if (!kept.empty()) return bj::object{{"note", kept.back()}, {"signed", true}};
  ASSIGN_OR_RETURN(std::string note, replay::StateCheckpoint(ledger, facts));
  return bj::object{{"note", std::move(note)}, {"signed", false}};
}

StatusOr<bj::object> QueryOp(const Ledger& ledger, const domain::FactBase& facts,
                             domain::CarrierMemo& memo, const bj::object& args) {
  ASSIGN_OR_RETURN(std::string view, Text(args, "view", true));
  bj::object filter;
  if (const bj::value* f = args.if_contains("filter")) {
    if (!f->is_object()) return BadArgument("filter", "must be an object of field: value");
    filter = f->as_object();
  }
  if (view == "carrier") {  // one carrier's profile: the carriers view filtered by carrier_id
    if (!filter.contains("carrier_id")) return BadArgument("filter.carrier_id", "is required");
    view = "carriers";
  }
  ASSIGN_OR_RETURN(replay::Point point, PointOf(args));
  ASSIGN_OR_RETURN(std::uint64_t seq, replay::PointSeq(ledger, point));
  seq = std::min(seq, facts.last_seq());
  domain::Cut cut = domain::MakeCut(facts, seq, point.effective_on);
  // One carrier's rows need only that carrier's derivation, except ranks within a class.
  const bj::value* carrier = filter.if_contains("carrier_id");
  std::shared_ptr<const domain::Projection> projection =
      carrier && carrier->is_string() && view != "assessment"
          ? memo.Get(facts, cut, carrier->as_string())
          : std::make_shared<const domain::Projection>(domain::Project(facts, cut));
  bj::array rows;
  RETURN_IF_ERROR(domain::ForEachRow(*projection, view, [&](bj::object&& row) {
    for (const auto& [key, want] : filter) {
      const bj::value* have = row.if_contains(key);
      if (!have || Plain(*have) != Plain(want)) return;
    }
    rows.push_back(std::move(row));
  }));
  return bj::object{
      {"as_of_seq", seq},
      {"effective_on",
       point.effective_on ? bj::value(domain::FormatDate(*point.effective_on)) : nullptr},
      {"rows", std::move(rows)}};
}

StatusOr<bj::object> ExplainOp(const Ledger& ledger, const domain::FactBase& facts,
                               const bj::object& args) {
  ASSIGN_OR_RETURN(std::string id, Text(args, "entitlement_id", true));
  ASSIGN_OR_RETURN(replay::Point point, PointOf(args));
  ASSIGN_OR_RETURN(std::uint64_t seq, replay::PointSeq(ledger, point));
  seq = std::min(seq, facts.last_seq());
  ASSIGN_OR_RETURN(
      auto x, replay::Explain(ledger, facts, domain::MakeCut(facts, seq, point.effective_on), id));
  return replay::ToJson(x);
}

}  // namespace hatchery::server
