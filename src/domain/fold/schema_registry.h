// The event schemas of schemas/events/<Type>.v<N>.schema.json (compiled into the binary), and the
// upcasters that bring an older version's data to the newest version of its type.
//
// Appends are validated against the newest version of their type; the envelope records that
// version. Events recorded under an older version keep their data and hash as recorded; readers
// that interpret data (the projections) see it through Upcast.
//
// Thread-safe after construction: validation uses a validator per thread.
#ifndef HATCHERY_DOMAIN_FOLD_SCHEMA_REGISTRY_H_
#define HATCHERY_DOMAIN_FOLD_SCHEMA_REGISTRY_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/embedded.h"
#include "hatchery/status.h"

namespace valijson {
class Schema;
}

namespace hatchery::domain {

// Turns data of version `from` into data of version `from + 1`.
using Upcaster = std::function<boost::json::object(boost::json::object)>;

class SchemaRegistry {
 public:
  // The schemas shipped with Hatchery, with the upcasters between their versions
  // (AnnualReportSubmitted v1 → v2: a v1 report is a v2 report as it is).
  static const SchemaRegistry& Default();

  // Builds a registry from schema files named "<Type>.v<N>.schema.json". Errors: kBadRequest
  // naming the file whose name or JSON Schema is not acceptable.
  static StatusOr<std::unique_ptr<SchemaRegistry>> Load(std::span<const EmbeddedFile> files);

  ~SchemaRegistry();
  SchemaRegistry(const SchemaRegistry&) = delete;
  SchemaRegistry& operator=(const SchemaRegistry&) = delete;

  // Registers the step from version `from` of `type` to `from + 1`; both must be loaded.
  Status AddUpcaster(const std::string& type, std::int64_t from, Upcaster upcaster);

  // Validates `data` against the newest version of `type` and returns that version. Integers must
  // be held as int64, as json::ParseStrict produces them (valijson's Boost.JSON adapter does not
  // see a uint64 as an integer).
  // Errors: kUnknownType; kSchemaViolation with details.errors = [{pointer, reason}, ...], one per
  // failing field, and details.field = the first pointer.
  StatusOr<std::int64_t> Validate(std::string_view type, const boost::json::object& data) const;

  // `data`, recorded under `version` of `type`, as the newest version of that type.
  // Errors: kUnknownType, kNotFound (a version or upcaster step that does not exist).
  StatusOr<boost::json::object> Upcast(std::string_view type, std::int64_t version,
                                       boost::json::object data) const;

  std::int64_t NewestVersion(std::string_view type) const;  // 0 if unknown

 private:
  SchemaRegistry() = default;
  struct Versions;
  std::map<std::string, std::unique_ptr<Versions>, std::less<>> types_;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_SCHEMA_REGISTRY_H_
