// Tongliao's county-level divisions (POLICY.md "Reference data"): the slugs a carrier's `county`
// takes, and their names.
#ifndef HATCHERY_DOMAIN_FOLD_COUNTIES_H_
#define HATCHERY_DOMAIN_FOLD_COUNTIES_H_

#include <array>
#include <string>
#include <string_view>

namespace hatchery::domain {

struct County {
  std::string_view id, name;
};

inline constexpr std::array<County, 9> kCounties{{{"horqin", "科尔沁区"},
                                                  {"huolinguole", "霍林郭勒市"},
                                                  {"kailu", "开鲁县"},
                                                  {"horqin_left_middle", "科尔沁左翼中旗"},
                                                  {"horqin_left_rear", "科尔沁左翼后旗"},
                                                  {"hure", "库伦旗"},
                                                  {"naiman", "奈曼旗"},
                                                  {"jarud", "扎鲁特旗"},
                                                  {"tongliao_etdz", "通辽经济技术开发区"}}};

// The name of county `id`, or `id` itself when it is none of them.
constexpr std::string_view CountyName(std::string_view id) {
  for (const County& county : kCounties) {
    if (county.id == id) return county.name;
  }
  return id;
}

// Whether `text` is a county's slug or its name.
constexpr bool IsCounty(std::string_view text) {
  for (const County& county : kCounties) {
    if (county.id == text || county.name == text) return true;
  }
  return false;
}

// "horqin (科尔沁区), huolinguole (霍林郭勒市), …": every county, as an error lists them.
inline std::string CountyList() {
  std::string out;
  for (const County& county : kCounties) {
    out +=
        (out.empty() ? "" : ", ") + std::string(county.id) + " (" + std::string(county.name) + ")";
  }
  return out;
}

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_COUNTIES_H_
