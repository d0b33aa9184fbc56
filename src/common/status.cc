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

Status Status::FromJson(const boost::json::object& error) {
  auto text = [&](std::string_view key) {
    const boost::json::value* v = error.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string name = text("code");
  Code code = Code::kInternal;
  for (int c = static_cast<int>(Code::kBadRequest); c <= static_cast<int>(Code::kInternal); ++c) {
    if (CodeName(static_cast<Code>(c)) == name) code = static_cast<Code>(c);
  }
  std::string message = text("message");
  if (code == Code::kInternal && name != "internal") message = name + ": " + message;
  const boost::json::value* details = error.if_contains("details");
  return Status(code, std::move(message),
                details && details->is_object() ? details->as_object() : boost::json::object());
}

}  // namespace hatchery
