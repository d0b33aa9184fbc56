// Text as Hatchery records it and shows it. A recorded text field may not hold what would make it
// read differently from what it is: control characters (C0 U+0000–U+001F, DEL, C1 U+0080–U+009F:
// terminal escape sequences, bells, line breaks inside a name) and the bidirectional embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Trojan Source" reordering). Output for
// terminals shows anything of that kind that is there anyway (a store written before the rule, a
// bad file) as a visible escape.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_TEXT_H_
#define HATCHERY_TEXT_H_

#include <optional>
#include <string>
#include <string_view>

namespace hatchery::text {

// Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Whether a recorded text may not hold `cp` (see above); a line feed is allowed with
// `allow_newline` (an event's note).
bool IsForbidden(char32_t cp, bool allow_newline = false);

// The first code point of well-formed `utf8` that IsForbidden, or nullopt.
std::optional<char32_t> FirstForbidden(std::string_view utf8, bool allow_newline = false);

// "U+001B": how an error names a code point.
std::string CodePointName(char32_t cp);

// `utf8` for a terminal: every forbidden code point as "\u{1b}" (line feeds kept with
// `keep_newlines`: text of several lines), every byte that is not UTF-8 as "\x{ff}"; the rest
// unchanged.
std::string Printable(std::string_view utf8, bool keep_newlines = false);

// The Levenshtein distance of two byte strings (insertions, deletions, substitutions): how far a
// mistyped id is from a real one.
std::size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace hatchery::text

#endif  // HATCHERY_TEXT_H_
