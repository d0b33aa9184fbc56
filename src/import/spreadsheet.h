// A spreadsheet the bureau saved as CSV, read as rows of UTF-8 cells: UTF-8 with or without a byte
// order mark, or GB18030 (what spreadsheet programs on Chinese Windows save as "CSV"), told apart
// by whether the bytes are valid UTF-8; strict RFC 4180 quoting (a stray quote is an error, never a
// row read wrong), CRLF or LF line ends.
#ifndef HATCHERY_IMPORT_SPREADSHEET_H_
#define HATCHERY_IMPORT_SPREADSHEET_H_

#include <string>
#include <string_view>
#include <vector>

#include "hatchery/status.h"

namespace hatchery::importing {

struct Spreadsheet {
  std::string encoding;                        // "UTF-8", "UTF-8 with BOM" or "GB18030"
  std::vector<std::vector<std::string>> rows;  // the header first; blank rows left out
  std::vector<std::size_t> line;  // each row's number as a spreadsheet counts (1-based)
};

// Errors: kBadRequest for bytes that are neither UTF-8 nor GB18030 (naming the byte offset), and
// for quoting that is not RFC 4180's (naming the line).
StatusOr<Spreadsheet> ParseSpreadsheet(std::string_view bytes);

}  // namespace hatchery::importing

#endif  // HATCHERY_IMPORT_SPREADSHEET_H_
