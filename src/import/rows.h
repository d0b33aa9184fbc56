// The bureau's spreadsheets as append requests: accreditation lists (AccreditationGranted),
// evaluation results (EvaluationRecorded) and annual reports (AnnualReportSubmitted), one event a
// row. Columns are found by their header — the event field's name or the bureau's Chinese heading
// (载体编号, 级别, 文号, 在孵企业数 …), in any order; values may be the English ones of EVENTS.md
// or the Chinese ones (国家级, 备案, 优秀 …); dates as 2024-05-06, 2024/5/6 or 2024年5月6日; money
// in fen (a *_fen column), yuan (*_yuan, or a Chinese heading) or 万元 (a heading with 万元).
//
// Each request's command_id is derived from its content ("import/<kind>/<32 hex of SHA-256 of the
// canonical request without it>"), so importing the same file again is answered as duplicates,
// and nothing is recorded twice.
#ifndef HATCHERY_IMPORT_ROWS_H_
#define HATCHERY_IMPORT_ROWS_H_

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hatchery/status.h"
#include "import/spreadsheet.h"

namespace hatchery::importing {

// A data row's number (as a spreadsheet numbers it) and its append request (an EVENTS.md
// envelope), or why the row is none.
using NumberedRequest = std::pair<std::size_t, StatusOr<boost::json::object>>;

// The kinds: "accreditations", "evaluations", "annual-reports".
const std::vector<std::string_view>& ImportKinds();

// One request per data row (numbered as the spreadsheet numbers it), or why the row is none
// (naming the column). Errors (nothing imported): kBadRequest for a header that names an unknown
// column (listing the known ones) or lacks a required one.
StatusOr<std::vector<NumberedRequest>> ImportRequests(std::string_view kind,
                                                      const Spreadsheet& sheet);

}  // namespace hatchery::importing

#endif  // HATCHERY_IMPORT_ROWS_H_
