// The tokens file: a token is printed once and only its SHA-256 kept; it authenticates as its actor
// and role until revoked; the file is written with mode 0600 and refuses what is not an entry.
#include "server/token_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace hatchery::server {
namespace {

using testing::RunHatchery;
using testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("tokens: added, authenticated as their actor, revoked", "[tokens]") {
  TempDir dir;
  std::string path = dir.Sub("tokens");
  auto store = TokenStore::Load(path);  // no file yet
  REQUIRE(store.ok());
  CHECK(store->entries().empty());
  auto clerk = store->Add(Actor{"clerk.zhang", "admin"});
  auto auditor = store->Add(Actor{"audit.wu", "auditor"});
  REQUIRE((clerk.ok() && auditor.ok()));
  CHECK(clerk->starts_with(kTokenPrefix));
  CHECK(clerk->size() == kTokenPrefix.size() + 64);
  CHECK(*clerk != *auditor);
  REQUIRE(store->Save().ok());

  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string text = ReadAll(path);
  CHECK(text.find(*clerk) == std::string::npos);  // never the token itself
  CHECK(text.find(clerk->substr(kTokenPrefix.size())) == std::string::npos);
  CHECK(text.find(ToHex(Sha256(*clerk))) != std::string::npos);

  auto loaded = TokenStore::Load(path);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->Authenticate(*clerk).has_value());
  CHECK(loaded->Authenticate(*clerk)->actor.id == "clerk.zhang");
  CHECK(loaded->Authenticate(*clerk)->actor.role == "admin");
  CHECK(loaded->Authenticate(*auditor)->actor.role == "auditor");
  CHECK_FALSE(loaded->Authenticate("htk_" + std::string(64, '0')).has_value());
  CHECK_FALSE(loaded->Authenticate("").has_value());
  CHECK_FALSE(loaded->Authenticate(clerk->substr(0, clerk->size() - 1)).has_value());

  // Revoked by a prefix of its id: the other token still works.
  CHECK(loaded->Revoke("abc", "").status().code() == Code::kBadRequest);  // too short
  CHECK(loaded->Revoke("zzzzzz", "").status().code() == Code::kNotFound);
  std::string id = loaded->entries()[0].Id();
  REQUIRE(*loaded->Revoke(id.substr(0, 8), "") == 1);
  REQUIRE(loaded->Save().ok());
  auto after = TokenStore::Load(path);
  CHECK_FALSE(after->Authenticate(*clerk).has_value());
  CHECK(after->Authenticate(*auditor).has_value());
  CHECK(*after->Revoke("", "audit.wu") == 1);
}

TEST_CASE("tokens: a bad actor or a damaged file is refused", "[tokens]") {
  TempDir dir;
  auto store = TokenStore::Load(dir.Sub("tokens"));
  CHECK(store->Add(Actor{"clerk.zhang", "root"}).status().code() == Code::kBadRequest);
  CHECK(store->Add(Actor{"Not A Slug", "admin"}).status().code() == Code::kBadRequest);
  std::ofstream(dir.Sub("bad"))
      << "{\"token_sha256\":\"xyz\",\"actor\":\"a\",\"role\":\"admin\"}\n";
  auto bad = TokenStore::Load(dir.Sub("bad"));
  CHECK(bad.status().code() == Code::kBadRequest);
  CHECK_THAT(bad.status().message(), Catch::Contains("line 1"));
}

TEST_CASE("tokens: the command line prints a token once and lists only ids", "[tokens][cli]") {
  TempDir dir;
  std::string file = " --tokens " + dir.Sub("tokens");
  auto added = RunHatchery("token add --actor clerk.zhang --role admin" + file);
  REQUIRE(added.exit_code == 0);
  std::string token = added.out.substr(0, added.out.find('\n'));
  CHECK(token.starts_with("htk_"));
  auto listed = RunHatchery("token list" + file);
  CHECK_THAT(listed.out, Catch::Contains("clerk.zhang") && Catch::Contains("1 tokens"));
  CHECK(listed.out.find(token) == std::string::npos);
  CHECK(RunHatchery("token add --actor x --role superuser" + file).exit_code != 0);
  CHECK(RunHatchery("token revoke --actor clerk.zhang" + file).exit_code == 0);
  CHECK_THAT(RunHatchery("token list" + file).out, Catch::Contains("0 tokens"));
  CHECK(RunHatchery("token revoke --actor clerk.zhang" + file).exit_code == 2);
}

}  // namespace
}  // namespace hatchery::server

namespace hatchery::server {
namespace {

// The attack: a symbolic link planted where the old code wrote its temporary file (TOKENS.tmp),
// pointing at a file of the victim's; `token add` truncated and wrote the victim's file.
TEST_CASE("tokens: a symbolic link planted beside the file is never written through", "[tokens]") {
  testing::TempDir dir;
  std::string path = dir.Sub("tokens"), victim = dir.Sub("victim");
  { std::ofstream(victim) << "precious\n"; }
  for (const std::string& planted : {path + ".tmp", path + ".tmp.XXXXXX"}) {
    REQUIRE(::symlink(victim.c_str(), planted.c_str()) == 0);
  }
  auto added =
      testing::RunHatchery("token add --tokens " + path + " --actor clerk.zhang --role admin");
  INFO(added.out);
  CHECK(added.exit_code == 0);
  std::ifstream in(victim);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "precious\n");
  auto store = TokenStore::Load(path);
  REQUIRE(store.ok());
  CHECK(store->entries().size() == 1);
}

}  // namespace
}  // namespace hatchery::server
