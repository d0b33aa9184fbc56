// rc::prop for Catch2 with a test's own number of histories (a property's cost per history differs
// widely: some build real stores).
#ifndef HATCHERY_TESTS_PROPERTY_H_
#define HATCHERY_TESTS_PROPERTY_H_

#include <rapidcheck/catch.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace hatchery::testing {

// rc::prop (rapidcheck/catch.h) checking `default_max_success` histories, or RC_PARAMS's
// max_success when it gives one — but never more than `max_cap`. A failure prints the minimal
// history (unwrapped) and the seed to run it again with.
template <typename Testable>
void Prop(const std::string& description, int default_max_success, Testable&& testable,
          int max_cap = INT_MAX) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  const char* env = std::getenv("RC_PARAMS");
  if (env == nullptr || std::string_view(env).find("max_success") == std::string_view::npos) {
    params.maxSuccess = default_max_success;
  }
  params.maxSuccess = std::min(params.maxSuccess, max_cap);
  rc::detail::TestMetadata metadata;
  metadata.id = description;
  metadata.description = description;
  SECTION(description) {
    const auto result =
        rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
    if (result.template is<rc::detail::SuccessResult>()) {
      SUCCEED();
    } else {
      // Printed as it is (Catch would wrap the history's lines at 80 columns).
      std::cout << "\n--- " << description << ": ";
      rc::detail::printResultMessage(result, std::cout);
      std::cout << "\n" << std::endl;
      FAIL("property \"" << description << "\" falsified: the minimal history is printed above; "
                         << "again with RC_PARAMS=\"seed=" << params.seed << "\"");
    }
  }
}

}  // namespace hatchery::testing

#endif  // HATCHERY_TESTS_PROPERTY_H_
