#include "hatchery/proof.h"

#include "hatchery/merkle.h"

namespace hatchery {
namespace {

namespace bj = boost::json;

bj::array HexArray(const std::vector<Hash>& hashes) {
  bj::array out;
  for (const Hash& h : hashes) out.push_back(bj::string(ToHex(h)));
  return out;
}

Status Missing(std::string_view field, std::string_view what) {
  return Status(Code::kBadRequest,
                "proof field \"" + std::string(field) + "\": " + std::string(what),
                bj::object{{"field", field}});
}

// Readers of the proof's fields, each naming the field it could not read.
struct Fields {
  const bj::object& o;

  StatusOr<std::uint64_t> Count(std::string_view key) const {
    const bj::value* v = o.if_contains(key);
    if (v && v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
    if (v && v->is_uint64()) return v->as_uint64();
    return Missing(key, "missing or not a non-negative integer");
  }
  static StatusOr<Hash> HashOf(const bj::value* v, std::string_view key) {
    std::optional<Hash> h;
    if (v && v->is_string()) h = HashFromHex(v->as_string());
    if (!h) return Missing(key, "missing or not 64 lowercase hex digits");
    return *h;
  }
  StatusOr<Hash> HashField(std::string_view key) const { return HashOf(o.if_contains(key), key); }
  StatusOr<std::vector<Hash>> Path() const {
    const bj::value* v = o.if_contains("path");
    if (!v || !v->is_array()) return Missing("path", "missing or not an array");
    std::vector<Hash> path;
    for (const bj::value& item : v->as_array()) {
      ASSIGN_OR_RETURN(Hash h, HashOf(&item, "path"));
      path.push_back(h);
    }
    return path;
  }
};

}  // namespace

bj::object ToJson(const Proof& proof) {
  if (const auto* p = std::get_if<InclusionProof>(&proof)) {
    return bj::object{{"kind", "inclusion"},
                      {"seq", p->seq},
                      {"tree_size", p->tree_size},
                      {"event_hash", ToHex(p->event_hash)},
                      {"leaf_hash", ToHex(merkle::LeafHash(AsBytes(p->event_hash)))},
                      {"path", HexArray(p->path)},
                      {"root", ToHex(p->root)}};
  }
  const auto& p = std::get<ConsistencyProof>(proof);
  return bj::object{{"kind", "consistency"},
                    {"first", p.first},
                    {"second", p.second},
                    {"first_root", ToHex(p.first_root)},
                    {"second_root", ToHex(p.second_root)},
                    {"path", HexArray(p.path)}};
}

StatusOr<Proof> ParseProof(const bj::value& json) {
  if (!json.is_object()) return Status(Code::kBadRequest, "a proof is a JSON object");
  Fields f{json.as_object()};
  const bj::value* kind = f.o.if_contains("kind");
  if (kind && kind->is_string() && kind->as_string() == "inclusion") {
    InclusionProof p;
    ASSIGN_OR_RETURN(p.seq, f.Count("seq"));
    ASSIGN_OR_RETURN(p.tree_size, f.Count("tree_size"));
    ASSIGN_OR_RETURN(p.event_hash, f.HashField("event_hash"));
    ASSIGN_OR_RETURN(p.path, f.Path());
    ASSIGN_OR_RETURN(p.root, f.HashField("root"));
    return Proof(std::move(p));
  }
  if (kind && kind->is_string() && kind->as_string() == "consistency") {
    ConsistencyProof p;
    ASSIGN_OR_RETURN(p.first, f.Count("first"));
    ASSIGN_OR_RETURN(p.second, f.Count("second"));
    ASSIGN_OR_RETURN(p.first_root, f.HashField("first_root"));
    ASSIGN_OR_RETURN(p.second_root, f.HashField("second_root"));
    ASSIGN_OR_RETURN(p.path, f.Path());
    return Proof(std::move(p));
  }
  return Missing("kind", "must be \"inclusion\" or \"consistency\"");
}

Status CheckProof(const Proof& proof) {
  if (const auto* p = std::get_if<InclusionProof>(&proof)) {
    if (p->seq == 0) return Status(Code::kCorruption, "seq 0 is in no tree (seqs start at 1)");
    return merkle::VerifyInclusion(p->seq - 1, p->tree_size,
                                   merkle::LeafHash(AsBytes(p->event_hash)), p->path, p->root);
  }
  const auto& p = std::get<ConsistencyProof>(proof);
  return merkle::VerifyConsistency(p.first, p.second, p.first_root, p.second_root, p.path);
}

}  // namespace hatchery
