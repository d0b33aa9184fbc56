#include "import/spreadsheet.h"

#include <errno.h>
#include <iconv.h>

#include "export/csv.h"
#include "hatchery/text.h"

namespace hatchery::importing {
namespace {

// `bytes` from GB18030 to UTF-8 (glibc's iconv). Errors: kBadRequest naming the offset.
StatusOr<std::string> FromGb18030(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Status(Code::kInternal, "this system's iconv cannot read GB18030");
  }
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  std::size_t done = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (done == static_cast<std::size_t>(-1)) {
    return Status(Code::kBadRequest,
                  "the file is neither UTF-8 nor GB18030 (byte " +
                      std::to_string(bytes.size() - in_left) +
                      "): save the spreadsheet as \"CSV UTF-8\" and import that",
                  boost::json::object{{"field", "file"}});
  }
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

StatusOr<Spreadsheet> ParseSpreadsheet(std::string_view bytes) {
  Spreadsheet sheet;
  std::string text;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    sheet.encoding = "UTF-8 with BOM";
    text = bytes.substr(3);
  } else if (text::IsValidUtf8(bytes)) {
    sheet.encoding = "UTF-8";
    text = bytes;
  } else {
    sheet.encoding = "GB18030";
    ASSIGN_OR_RETURN(text, FromGb18030(bytes));
  }
  if (!text::IsValidUtf8(text)) {
    return Status(Code::kBadRequest, "the file starts with a UTF-8 BOM but is not UTF-8",
                  boost::json::object{{"field", "file"}});
  }
  // Line numbers: one per record, counting the line ends inside quoted cells too.
  std::size_t line = 1;
  for (auto& record : exporting::ParseCsv(text)) {
    std::size_t spans = 0;
    for (const std::string& cell : record) {
      for (char c : cell) spans += c == '\n' ? 1 : 0;
    }
    bool blank = true;
    for (const std::string& cell : record) {
      blank = blank && cell.find_first_not_of(" \t\r") == std::string::npos;
    }
    if (!blank) {
      sheet.rows.push_back(std::move(record));
      sheet.line.push_back(line);
    }
    line += 1 + spans;
  }
  return sheet;
}

}  // namespace hatchery::importing
