// The tamper-evidence commands as an auditor runs them: the Merkle test mode over published
// vectors, keys, signed checkpoints, proofs checked offline, verify against a trusted key.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "test_util.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;
using testing::TempDir;

std::string Lines(const bj::array& hashes) {
  std::string out;
  for (const auto& h : hashes) out += std::string(h.as_string()) + "\n";
  return out;
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST_CASE("cli merkle: published RFC 6962 vectors run unchanged", "[cli][merkle]") {
  const std::string leaves = " --leaves " HATCHERY_TEST_VECTORS_DIR "/rfc6962-leaves.txt";
  std::ifstream in(HATCHERY_TEST_VECTORS_DIR "/rfc6962.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bj::object v = bj::parse(text).as_object();
  for (const auto& [size, root] : v.at("roots").as_object()) {
    auto r = RunHatchery("merkle root" + leaves + " " + std::string(size));
    CHECK(r.exit_code == 0);
    CHECK(r.out == std::string(root.as_string()) + "\n");
  }
  for (const auto& c : v.at("inclusion").as_array()) {
    auto r = RunHatchery("merkle inclusion" + leaves + " " + bj::serialize(c.at("index")) + " " +
                         bj::serialize(c.at("size")));
    CHECK(r.out == Lines(c.at("path").as_array()));
  }
  for (const auto& c : v.at("consistency").as_array()) {
    auto r = RunHatchery("merkle consistency" + leaves + " " + bj::serialize(c.at("first")) + " " +
                         bj::serialize(c.at("second")));
    CHECK(r.out == Lines(c.at("proof").as_array()));
  }
  CHECK(RunHatchery("merkle root" + leaves + " 9").exit_code == 2);
  TempDir dir;
  Write(dir.Sub("bad"), "00\nzz\n");
  auto bad = RunHatchery("merkle root --leaves " + dir.Sub("bad"));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.out, Catch::Contains("line 2"));
}

TEST_CASE("cli: keygen, signed checkpoint, proofs checked offline, verify with a trusted key",
          "[cli][note]") {
  TempDir dir;
  std::string data = " --data " + dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 6" + data).exit_code == 0);
  auto keygen = RunHatchery("keygen --out " + dir.Sub("bureau"));
  REQUIRE(keygen.exit_code == 0);
  struct stat st;
  REQUIRE(::stat(dir.Sub("bureau.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(RunHatchery("keygen --out " + dir.Sub("bureau")).exit_code == 2);  // never overwritten
  const std::string pub = " --pubkey " + dir.Sub("bureau.pub");

  auto early = RunHatchery("checkpoint --sign --key " + dir.Sub("bureau.key") + data);
  REQUIRE(early.exit_code == 0);
  CHECK_THAT(early.out, Catch::StartsWith("tongliao.hatchery/main\n") &&
                            Catch::Contains("\nstate entitlements ") &&
                            Catch::Contains("\n\n\xE2\x80\x94 tongliao.hatchery/main "));
  Write(dir.Sub("early.txt"), early.out);
  std::uint64_t early_size = std::stoull(early.out.substr(early.out.find('\n') + 1));
  // The newest kept: this one, or the one the demo signed with the store's own key as it finished —
  // the same checkpoint text either way.
  auto latest = RunHatchery("checkpoint --latest" + data);
  CHECK(latest.out.substr(0, latest.out.find("\n\n")) ==
        early.out.substr(0, early.out.find("\n\n")));

  // More history, then a second checkpoint: the log of then is a prefix of the log of now.
  REQUIRE(RunHatchery("append" + data + " " + HATCHERY_SAMPLE_EVENTS).exit_code == 0);
  auto late = RunHatchery("checkpoint --sign --key " + dir.Sub("bureau.key") + data);
  REQUIRE(late.exit_code == 0);
  Write(dir.Sub("late.txt"), late.out);
  std::uint64_t late_size = std::stoull(late.out.substr(late.out.find('\n') + 1));
  REQUIRE(late_size > early_size);

  auto consistency = RunHatchery("proof" + data + " consistency " + std::to_string(early_size) +
                                 " " + std::to_string(late_size));
  REQUIRE(consistency.exit_code == 0);
  Write(dir.Sub("consistency.json"), consistency.out);
  auto checked =
      RunHatchery("verify-proof --proof " + dir.Sub("consistency.json") + " --checkpoint " +
                  dir.Sub("early.txt") + " --checkpoint " + dir.Sub("late.txt") + pub);
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.out,
             Catch::Contains("ok: the log of " + std::to_string(late_size) +
                             " events extends the log of " + std::to_string(early_size)));

  auto inclusion = RunHatchery("proof" + data + " inclusion 5 " + std::to_string(late_size));
  REQUIRE(inclusion.exit_code == 0);
  Write(dir.Sub("inclusion.json"), inclusion.out);
  auto event = RunHatchery("read --from 5 --limit 1" + data);
  Write(dir.Sub("event5.json"), event.out);
  auto anchored =
      RunHatchery("verify-proof --proof " + dir.Sub("inclusion.json") + " --checkpoint " +
                  dir.Sub("late.txt") + pub + " --event " + dir.Sub("event5.json"));
  CHECK(anchored.exit_code == 0);
  CHECK_THAT(anchored.out, Catch::Contains("is that event, byte for byte"));

  // What is refused, on the files above, one after another (the last makes the key unusable).

  {  // a proof with one hash changed
    bj::object proof = bj::parse(inclusion.out).as_object();
    std::string h(proof["path"].as_array()[0].as_string());
    h[0] = h[0] == '0' ? '1' : '0';
    proof["path"].as_array()[0] = bj::string(h);
    Write(dir.Sub("bad.json"), bj::serialize(proof));
    auto r = RunHatchery("verify-proof --proof " + dir.Sub("bad.json") + " --checkpoint " +
                         dir.Sub("late.txt") + pub);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("FAILED: the proof does not hold"));
  }
  {  // an event edited
    bj::object e = bj::parse(event.out).as_object();
    e["note"] = "edited";
    Write(dir.Sub("edited.json"), bj::serialize(e));
    auto r = RunHatchery("verify-proof --proof " + dir.Sub("inclusion.json") + " --checkpoint " +
                         dir.Sub("late.txt") + pub + " --event " + dir.Sub("edited.json"));
    CHECK(r.exit_code != 0);
  }
  {  // a checkpoint of the wrong size, or signed by another key
    auto r = RunHatchery("verify-proof --proof " + dir.Sub("inclusion.json") + " --checkpoint " +
                         dir.Sub("early.txt") + pub);
    CHECK(r.exit_code == 1);
    REQUIRE(RunHatchery("keygen --out " + dir.Sub("other")).exit_code == 0);
    r = RunHatchery("verify-proof --proof " + dir.Sub("inclusion.json") + " --checkpoint " +
                    dir.Sub("late.txt") + " --pubkey " + dir.Sub("other.pub"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("no signature by"));
  }
  {  // verify against the trusted key, and against a key that never signed
    // The bureau's two, and the two the store's own key signed as the demo and the append ended.
    auto r = RunHatchery("verify" + data + pub + " --pubkey " + dir.Sub("s.pub"));
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("4 signed checkpoints match, each signed by a trusted key"));
    r = RunHatchery("verify" + data + pub);  // the store's own are not signed by the bureau's key
    CHECK(r.exit_code == 1);
    r = RunHatchery("verify" + data + " --pubkey " + dir.Sub("other.pub"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("FAILED at seq " + std::to_string(early_size)));
  }
  {  // a private key others may read is refused
    ::chmod(dir.Sub("bureau.key").c_str(), 0644);
    auto r = RunHatchery("checkpoint --sign --key " + dir.Sub("bureau.key") + data);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("chmod 600"));
  }
}

}  // namespace
}  // namespace hatchery
