#include "hatchery/status.h"

namespace hatchery {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kBadRequest: return "bad_request";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kForbidden: return "forbidden";
    case Code::kUnknownType: return "unknown_type";
    case Code::kSchemaViolation: return "schema_violation";
    case Code::kVersionConflict: return "version_conflict";
    case Code::kIdempotencyConflict: return "idempotency_conflict";
    case Code::kRuleViolation: return "rule_violation";
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kFrameTooLarge: return "frame_too_large";
    case Code::kOverloaded: return "overloaded";
    case Code::kUnavailable: return "unavailable";
    case Code::kAborted: return "aborted";
    case Code::kCorruption: return "corruption";
    case Code::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code_)) + ": " + message_;
}

boost::json::object Status::ToJson() const {
  boost::json::object out;
  out["code"] = CodeName(code_);
  out["message"] = message_;
  out["details"] = details_;
  return out;
}

}  // namespace hatchery
