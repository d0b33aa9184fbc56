#include "import/spreadsheet.h"

#include <errno.h>
#include <iconv.h>

#include <boost/json/object.hpp>
#include <utility>
#include <vector>

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

// The records of `text` by RFC 4180, each with the line it starts on: a cell is unquoted (no '"'
// in it) or quoted ("…", with "" for a quote), and ends at a comma or a line end. Errors:
// kBadRequest naming the line of a quote inside an unquoted cell, of text after a closing quote,
// or of a quote never closed — a spreadsheet read wrong would record rows wrong.
StatusOr<std::vector<std::pair<std::size_t, std::vector<std::string>>>> Records(
    std::string_view text) {
  enum class State { kStart, kUnquoted, kQuoted, kAfterQuote } state = State::kStart;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> out;
  std::vector<std::string> record;
  std::string cell;
  std::size_t line = 1, record_line = 1, quote_line = 1;
  auto bad = [&](const std::string& what, std::size_t at) {
    return Status(Code::kBadRequest, "line " + std::to_string(at) + ": " + what,
                  boost::json::object{{"field", "file"}, {"line", at}});
  };
  auto end_record = [&] {
    record.push_back(std::move(cell));
    cell.clear();
    out.emplace_back(record_line, std::move(record));
    record.clear();
    state = State::kStart;
    record_line = line + 1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool line_end = c == '\n' || c == '\r';
    if (state == State::kQuoted) {
      if (c == '"') {
        state = State::kAfterQuote;
      } else {
        cell += c;
        if (c == '\n') ++line;
      }
      continue;
    }
    if (line_end) {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
    } else if (c == ',') {
      record.push_back(std::move(cell));
      cell.clear();
      state = State::kStart;
    } else if (c == '"' && state == State::kStart) {
      state = State::kQuoted;
      quote_line = line;
    } else if (c == '"' && state == State::kAfterQuote) {
      cell += '"';
      state = State::kQuoted;
    } else if (state == State::kAfterQuote) {
      return bad("text after a closing quote: quote the whole cell", line);
    } else if (c == '"') {
      return bad("a quote inside an unquoted cell: quote the whole cell (\"…\"\"…\")", line);
    } else {
      cell += c;
      state = State::kUnquoted;
    }
  }
  if (state == State::kQuoted) return bad("a quote opened here is never closed", quote_line);
  if (state != State::kStart || !cell.empty() || !record.empty()) end_record();
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
  ASSIGN_OR_RETURN(auto records, Records(text));
  for (auto& [line, record] : records) {
    bool blank = true;
    for (const std::string& cell : record) {
      blank = blank && cell.find_first_not_of(" \t\r") == std::string::npos;
    }
    if (blank) continue;
    sheet.rows.push_back(std::move(record));
    sheet.line.push_back(line);
  }
  return sheet;
}

}  // namespace hatchery::importing
