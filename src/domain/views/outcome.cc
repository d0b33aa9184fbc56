#include "domain/views/outcome.h"

#include <array>

namespace hatchery::domain {

std::string_view Name(AssessmentClass c) {
  static constexpr std::array<std::string_view, 4> kNames{
      "incubator_comprehensive", "incubator_specialized", "space_social", "space_university"};
  return kNames[static_cast<std::size_t>(c)];
}

AssessmentClass CarrierOutcome::assessment_class() const {
  // The schema and the category_fits_kind invariant keep the category within the kind's two.
  bool first = profile.category == "comprehensive" || profile.category == "social";
  if (kind == Kind::kIncubator) {
    return first ? AssessmentClass::kIncubatorComprehensive
                 : AssessmentClass::kIncubatorSpecialized;
  }
  return first ? AssessmentClass::kSpaceSocial : AssessmentClass::kSpaceUniversity;
}

}  // namespace hatchery::domain
