// history: one carrier's acts as a timeline — what each did, when it took effect, its document and
// authority, who recorded it when, the money it moved and what it did to the carrier's awards —
// in words or as JSON. The `history` read op (read/history.h), asked of the store here or of a
// server.
#include <boost/json.hpp>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/text.h"
#include "read/cells.h"
#include "read/filter.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct HistoryArgs {
  std::string dir, carrier_id, format = "table";
  PointArgs point;
  RemoteArgs remote;
};

std::string Timeline(const bj::object& h) {
  std::ostringstream out;
  out << DemoStoreLine(h);
  out << read::Plain(h.at("carrier_id")) << " " << read::Plain(h.at("carrier_name")) << " — "
      << read::Plain(h.at("kind")) << ", " << read::Plain(h.at("county_name"))
      << "; as known after event " << read::Plain(h.at("as_of_seq"))
      << (h.at("effective_on").is_null()
              ? std::string()
              : ", facts effective on or before " + read::Plain(h.at("effective_on")))
      << "\n\n";
  for (const bj::value& v : h.at("events").as_array()) {
    const bj::object& e = v.as_object();
    const bj::object& actor = e.at("actor").as_object();
    out << read::Plain(e.at("effective_date")) << "  #" << read::Plain(e.at("seq")) << "  "
        << read::Plain(e.at("what"));
    if (!e.at("authority").is_null()) out << ", by " << read::Plain(e.at("authority"));
    for (const auto& [key, fen] : e.at("money").as_object()) {
      std::string k(key);
      out << "; " << k.substr(0, k.size() - 4) << " ¥" << read::Yuan(fen.to_number<std::int64_t>());
    }
    out << "\n      "
        << (e.at("document_ref").is_null() ? "no document" : read::Plain(e.at("document_ref")))
        << "; recorded " << read::Plain(e.at("recorded_at")) << " by "
        << read::Plain(actor.at("id")) << " (" << read::Plain(actor.at("role")) << ")\n";
    for (const bj::value& a : e.at("awards").as_array()) {
      const bj::object& award = a.as_object();
      out << "      → " << read::Plain(award.at("entitlement_id")) << " "
          << read::Plain(award.at("status")) << " (" << read::Plain(award.at("reason")) << "), ¥"
          << read::Yuan(award.at("amount_fen").to_number<std::int64_t>()) << "\n";
    }
    if (!e.at("retracted_by").is_null()) {
      out << "      RETRACTED by event " << read::Plain(e.at("retracted_by")) << "\n";
    }
  }
  const bj::array& entitlements = h.at("entitlements").as_array();
  out << "\nEntitlements:" << (entitlements.empty() ? " none\n" : "\n");
  for (const bj::value& v : entitlements) {
    const bj::object& e = v.as_object();
    out << "  " << read::Plain(e.at("entitlement_id")) << " " << read::Plain(e.at("status"))
        << ": amount ¥" << read::Yuan(e.at("amount_fen").to_number<std::int64_t>())
        << ", disbursed ¥" << read::Yuan(e.at("disbursed_fen").to_number<std::int64_t>())
        << ", outstanding ¥" << read::Yuan(e.at("outstanding_fen").to_number<std::int64_t>())
        << ", claw-back due ¥" << read::Yuan(e.at("clawback_due_fen").to_number<std::int64_t>())
        << "\n";
  }
  return out.str();
}

int RunHistory(const HistoryArgs& args) {
  auto request = PointRequest(args.point, "--as-of");
  if (request.ok()) (*request)["carrier_id"] = args.carrier_id;
  auto history = ReadTarget::Ask(args.dir, args.remote, "history", request);
  if (!history.ok()) return Fail(history.status());
  if (args.format == "json") {
    std::cout << bj::serialize(*history) << "\n";
  } else {
    std::cout << text::Printable(Timeline(*history), /*keep_newlines=*/true);
  }
  return 0;
}

}  // namespace

void AddHistoryCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<HistoryArgs>();
  auto* cmd = app.add_subcommand(
      "history",
      "one carrier's acts as a timeline: what each did, its document and authority, who recorded "
      "it, the money it moved, what it did to the carrier's awards (read-only)");
  AddDataOrRemoteOptions(cmd, &args->dir, &args->remote);
  cmd->add_option("carrier_id", args->carrier_id, "e.g. tl-inc-003")->required();
  AddPointOptions(cmd, &args->point, "--as-of-seq", "--as-of");
  cmd->add_option("--format", args->format, "table (words) or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([args, exit_code] { *exit_code = RunHistory(*args); });
}

}  // namespace hatchery::cli
