// The console's words in Chinese (the default: its readers are the bureau's) and English: its own
// labels, the views' column keys (read/cells.h) and the codes rows hold — carrier kinds, award and
// payout statuses, levels, flags, assessment classes, event types. A word without a translation
// is shown as its key, so a new code is never hidden, only untranslated.
//
// Pure functions; thread-safe.
#ifndef HATCHERY_CONSOLE_LABELS_H_
#define HATCHERY_CONSOLE_LABELS_H_

#include <string>
#include <string_view>

#include "console/location.h"

namespace hatchery::console {

// `key` in `lang`; the key itself when there is no word for it.
std::string Word(Lang lang, std::string_view key);

}  // namespace hatchery::console

#endif  // HATCHERY_CONSOLE_LABELS_H_
