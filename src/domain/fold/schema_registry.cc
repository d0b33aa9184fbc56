#include "domain/fold/schema_registry.h"

#include <charconv>
#include <set>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "domain/fold/embedded_schemas.h"
#include "hatchery/json.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

// "<Type>.v<N>.schema.json" → (Type, N).
std::optional<std::pair<std::string, std::int64_t>> ParseSchemaName(std::string_view name) {
  constexpr std::string_view kSuffix = ".schema.json";
  if (!name.ends_with(kSuffix)) return std::nullopt;
  name.remove_suffix(kSuffix.size());
  std::size_t dot = name.rfind(".v");
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::int64_t version = 0;
  std::string_view digits = name.substr(dot + 2);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (ec != std::errc() || end != digits.data() + digits.size() || version < 1) return std::nullopt;
  return std::pair{std::string(name.substr(0, dot)), version};
}

// A JSON pointer (RFC 6901) from valijson's context: "<root>", "[metrics]", "[0]", ...
std::string PointerOf(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part == "<root>") continue;
    std::string_view token = part;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    pointer.push_back('/');
    for (char c : token) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer.push_back(c);
      }
    }
  }
  return pointer;
}

// valijson names a missing or unexpected member only in its message: move it into the pointer.
std::string MemberNamedIn(std::string_view description) {
  std::size_t close = description.rfind('\'');
  if (close == std::string_view::npos || close == 0) return {};
  std::size_t open = description.rfind('\'', close - 1);
  if (open == std::string_view::npos) return {};
  return std::string(description.substr(open + 1, close - open - 1));
}

// Messages of valijson that only say a sub-schema failed; the sub-schema's own errors say why.
bool IsSummary(std::string_view description) {
  for (std::string_view prefix :
       {"Failed to validate against schema associated with", "Failed to validate item #",
        "Failed to validate against child schema", "Failed to validate against a conditional",
        "Failed to validate against additional properties schema"}) {
    if (description.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

struct SchemaRegistry::Versions {
  std::map<std::int64_t, std::unique_ptr<valijson::Schema>> schemas;
  std::map<std::int64_t, Upcaster> upcasters;  // from → from + 1
};

SchemaRegistry::~SchemaRegistry() = default;

const SchemaRegistry& SchemaRegistry::Default() {
  static const SchemaRegistry* registry = [] {
    auto loaded = Load(EventSchemaFiles());
    // Their v2 only adds optional members (the results transferred; the assessment model's
    // sources: docs/domain.md), so every v1 datum is a v2 one as it stands.
    Status upcasters = loaded.status();
    for (const char* type : {"AnnualReportSubmitted", "PolicyRulesetActivated"}) {
      if (upcasters.ok()) {
        upcasters = (*loaded)->AddUpcaster(type, 1, [](bj::object data) { return data; });
      }
    }
    if (!upcasters.ok()) {
      std::fprintf(stderr, "built-in schemas do not load: %s\n", upcasters.ToString().c_str());
      std::abort();
    }
    return std::move(loaded).value().release();
  }();
  return *registry;
}

StatusOr<std::unique_ptr<SchemaRegistry>> SchemaRegistry::Load(
    std::span<const EmbeddedFile> files) {
  std::unique_ptr<SchemaRegistry> registry(new SchemaRegistry());
  for (const EmbeddedFile& file : files) {
    auto bad = [&](const std::string& why) {
      return Status(Code::kBadRequest, "schema file \"" + std::string(file.name) + "\": " + why,
                    bj::object{{"file", file.name}});
    };
    auto name = ParseSchemaName(file.name);
    if (!name) return bad("not named <Type>.v<N>.schema.json");
    auto document = json::ParseStrict(file.text);
    if (!document.ok()) return bad(document.status().message());
    auto schema = std::make_unique<valijson::Schema>();
    try {
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      valijson::adapters::BoostJsonAdapter adapter(*document);
      parser.populateSchema(adapter, *schema);
    } catch (const std::exception& e) {
      return bad(e.what());
    }
    auto& versions = registry->types_[name->first];
    if (!versions) versions = std::make_unique<Versions>();
    versions->schemas[name->second] = std::move(schema);
  }
  return registry;
}

Status SchemaRegistry::AddUpcaster(const std::string& type, std::int64_t from, Upcaster upcaster) {
  auto it = types_.find(type);
  if (it == types_.end() || !it->second->schemas.contains(from) ||
      !it->second->schemas.contains(from + 1)) {
    return Status(Code::kNotFound, "no schemas " + type + " v" + std::to_string(from) + " and v" +
                                       std::to_string(from + 1));
  }
  it->second->upcasters[from] = std::move(upcaster);
  return Status::Ok();
}

std::int64_t SchemaRegistry::NewestVersion(std::string_view type) const {
  auto it = types_.find(type);
  return it == types_.end() ? 0 : it->second->schemas.rbegin()->first;
}

StatusOr<std::int64_t> SchemaRegistry::Validate(std::string_view type,
                                                const bj::object& data) const {
  auto it = types_.find(type);
  if (it == types_.end()) {
    return Status(Code::kUnknownType, "unknown event type \"" + std::string(type) + "\"",
                  bj::object{{"field", "type"}, {"type", type}});
  }
  const auto& [version, schema] = *it->second->schemas.rbegin();
  // The validator caches compiled patterns, so each thread keeps its own.
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  bj::value target(data);
  valijson::adapters::BoostJsonAdapter adapter(target);
  if (validator.validate(*schema, adapter, &results)) return version;

  bj::array errors;
  std::set<std::string> seen;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    if (IsSummary(error.description)) continue;
    std::string pointer = "/data" + PointerOf(error.context);
    if (error.description.starts_with("Missing required property") ||
        error.description.starts_with("Object contains a property that could not be validated")) {
      pointer += "/" + MemberNamedIn(error.description);
    }
    if (!seen.insert(pointer + '\n' + error.description).second) continue;
    errors.push_back(bj::object{{"pointer", pointer}, {"reason", error.description}});
  }
  std::string first = errors.empty() ? "/data" : std::string(errors[0].at("pointer").as_string());
  std::string message =
      std::string(type) + " v" + std::to_string(version) + ": " +
      (errors.empty() ? std::string("data does not fit the schema")
                      : first + ": " + std::string(errors[0].at("reason").as_string()));
  if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
  return Status(
      Code::kSchemaViolation, std::move(message),
      bj::object{{"field", first}, {"schema_version", version}, {"errors", std::move(errors)}});
}

StatusOr<bj::object> SchemaRegistry::Upcast(std::string_view type, std::int64_t version,
                                            bj::object data) const {
  auto it = types_.find(type);
  if (it == types_.end()) {
    return Status(Code::kUnknownType, "unknown event type \"" + std::string(type) + "\"");
  }
  const Versions& versions = *it->second;
  if (!versions.schemas.contains(version)) {
    return Status(Code::kNotFound,
                  std::string(type) + " has no schema version " + std::to_string(version));
  }
  for (std::int64_t v = version; v < versions.schemas.rbegin()->first; ++v) {
    auto step = versions.upcasters.find(v);
    if (step == versions.upcasters.end()) {
      return Status(Code::kNotFound, "no upcaster for " + std::string(type) + " v" +
                                         std::to_string(v) + " → v" + std::to_string(v + 1));
    }
    data = step->second(std::move(data));
  }
  return data;
}

}  // namespace hatchery::domain
