// One request line of PROTOCOL.md and the response lines: `{"id": <scalar>, "op": "<name>", ...}`
// in, `{"id", "ok": true, "result"}` or `{"id", "ok": false, "error": {code, message, details}}`
// out, each a single line of JSON.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_SERVER_REQUEST_H_
#define HATCHERY_SERVER_REQUEST_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "hatchery/status.h"

namespace hatchery::server {

struct Request {
  boost::json::value id;  // echoed; null when the line had none (or was not an object)
  std::string op;
  boost::json::object args;  // every member but "id" and "op"
};

// Parses one line (without its newline) into *request, filling request->id whenever the line is
// an object with a scalar id, so that even a refusal can be matched to its request.
// Errors: kBadRequest (not JSON, not an object, an id that is not a scalar, no string "op").
Status ParseRequest(std::string_view line, Request* request);

// The response lines, newline included.
std::string OkLine(const boost::json::value& id, boost::json::object result);
std::string ErrorLine(const boost::json::value& id, const Status& status);
// A subscription's end by error: `{"push": "error", "error": {code, message, details}}`.
std::string PushErrorLine(const Status& status);

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_REQUEST_H_
