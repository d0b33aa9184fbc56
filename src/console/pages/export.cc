// The export page: a year's signed bundle to download as of the page's point.
#include <boost/json.hpp>

#include "console/pages/pages.h"

namespace hatchery::console {

StatusOr<Page> ExportPage(Reads& reads, const Location& at, bool may_export) {
  Lang lang = at.lang();
  Page page;
  page.title = Word(lang, "export");
  if (!may_export) {
    return Status(Code::kForbidden, Word(lang, "export_role"),
                  boost::json::object{{"op", "export"}});
  }
  ASSIGN_OR_RETURN(std::string year, YearBeforeToday(reads, at));
  page.body = "<p>" + Safe(Word(lang, "export_what")) +
              "</p><form class=\"search\" method=\"get\" action=\"/export/bundle.tar\" "
              "id=\"export\">";
  page.body += KeptInputs(at);
  page.body += "<label>" + Safe(Word(lang, "year")) +
               " <input type=\"number\" name=\"year\" id=\"export-year\" min=\"2000\" "
               "max=\"2100\" value=\"" +
               Safe(year) + "\"></label> <button type=\"submit\">" + Safe(Word(lang, "download")) +
               "</button></form><pre class=\"note\">" +
               Safe("tar -xf bundle-" + year + ".tar\nhatchery verify-export bundle-" + year +
                        " --pubkey STORE.pub\npython3 tools/verify_export.py bundle-" + year +
                        " --pubkey STORE.pub",
                    true) +
               "</pre>";
  return page;
}

}  // namespace hatchery::console
