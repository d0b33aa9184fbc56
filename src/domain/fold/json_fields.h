// Reading members of data that a schema has already checked: a missing or mistyped member reads as
// empty or zero (callers that must report such data use facts.cc's Reader instead).
#ifndef HATCHERY_DOMAIN_FOLD_JSON_FIELDS_H_
#define HATCHERY_DOMAIN_FOLD_JSON_FIELDS_H_

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace hatchery::domain {

inline std::string TextField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

inline std::int64_t IntegerField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

inline const boost::json::array& ArrayField(const boost::json::object& o, std::string_view key) {
  static const boost::json::array kEmpty;
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array() : kEmpty;
}

inline const boost::json::object& ObjectField(const boost::json::object& o, std::string_view key) {
  static const boost::json::object kEmpty;
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : kEmpty;
}

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_JSON_FIELDS_H_
