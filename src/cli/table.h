// Plain-text tables for people: columns padded to their display width (a Chinese character takes
// two terminal cells). The cells' text is read/cells.h's; anything in it a terminal would act on
// (control characters, escape sequences, bidirectional overrides: hatchery/text.h) is shown as a
// visible escape, whoever recorded it.
#ifndef HATCHERY_CLI_TABLE_H_
#define HATCHERY_CLI_TABLE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hatchery::cli {

// Terminal cells `utf8` takes: 2 for East Asian wide characters, 1 otherwise.
std::size_t DisplayWidth(std::string_view utf8);

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Pads column `column` on the left, so its figures line up on their last digit.
  void AlignRight(std::size_t column);
  void AddRow(std::vector<std::string> cells);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;  // by column
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_TABLE_H_
