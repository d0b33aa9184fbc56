// The envelope rules of each event type (EVENTS.md "Types"): which stream it goes on, whether
// document_ref is required, and which data field must name the stream's carrier. Stateless
// checks, run with schema validation on the caller's thread.
#ifndef HATCHERY_DOMAIN_CHECKS_CATALOG_H_
#define HATCHERY_DOMAIN_CHECKS_CATALOG_H_

#include <string_view>

#include "hatchery/event.h"
#include "hatchery/status.h"

namespace hatchery::domain {

struct TypeRules {
  std::string_view type;
  bool on_policy_stream;  // else on a carrier stream
  bool document_ref_required;
  std::string_view stream_id_field;  // data field that must equal the stream's carrier id, or ""
};

// The rules of `type`, or null for a type EVENTS.md does not list.
const TypeRules* FindTypeRules(std::string_view type);

// Errors: kUnknownType; kBadRequest naming "stream" or "document_ref"; kRuleViolation
// (invariant "id_matches_stream") when the data names another carrier than the stream.
Status CheckEnvelope(const AppendCommand& command);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_CHECKS_CATALOG_H_
