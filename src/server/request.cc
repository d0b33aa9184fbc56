#include "server/request.h"

#include <boost/json/serialize.hpp>

#include "hatchery/json.h"

namespace hatchery::server {

namespace bj = boost::json;

Status ParseRequest(std::string_view line, Request* request) {
  auto parsed = json::ParseStrict(line);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) return Status(Code::kBadRequest, "a request is a JSON object");
  bj::object& o = parsed->as_object();
  if (const bj::value* id = o.if_contains("id")) {
    if (id->is_object() || id->is_array()) {
      return Status(Code::kBadRequest, "id must be a scalar (a string, a number, ...)",
                    bj::object{{"field", "id"}});
    }
    request->id = *id;
  }
  const bj::value* op = o.if_contains("op");
  if (!op || !op->is_string()) {
    return Status(Code::kBadRequest, "a request names its operation in \"op\"",
                  bj::object{{"field", "op"}});
  }
  request->op = std::string(op->as_string());
  o.erase("id");
  o.erase("op");
  request->args = std::move(o);
  return Status::Ok();
}

std::string OkLine(const bj::value& id, bj::object result) {
  bj::object line{{"id", id}, {"ok", true}, {"result", std::move(result)}};
  return bj::serialize(line) + "\n";
}

std::string ErrorLine(const bj::value& id, const Status& status) {
  bj::object line{{"id", id}, {"ok", false}, {"error", status.ToJson()}};
  return bj::serialize(line) + "\n";
}

std::string PushErrorLine(const Status& status) {
  bj::object line{{"push", "error"}, {"error", status.ToJson()}};
  return bj::serialize(line) + "\n";
}

}  // namespace hatchery::server
