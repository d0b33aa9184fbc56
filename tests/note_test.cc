// Signed notes, keys and checkpoints (AUDIT.md §3) against the known-answer vector of Go's
// golang.org/x/mod/sumdb/note (its PeterNeumann key and note), and their refusals.
#include "hatchery/note.h"

#include <catch2/catch.hpp>

#include "hatchery/base64.h"
#include "hatchery/checkpoint.h"

namespace hatchery::note {
namespace {

constexpr std::string_view kVerifierKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kSigningKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kSignatureLine =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST_CASE("note: the Go reference key and note, byte for byte", "[note][vectors]") {
  auto signer = ParseSigningKey(kSigningKey);
  REQUIRE(signer.ok());
  CHECK(FormatSigningKey(*signer) == kSigningKey);
  CHECK(FormatVerifierKey(VerifierOf(*signer)) == kVerifierKey);
  auto verifier = ParseVerifierKey(kVerifierKey);
  REQUIRE(verifier.ok());
  CHECK(verifier->id == 0xc74f20a3);
  auto signed_note = Sign(kText, *signer);
  REQUIRE(signed_note.ok());
  CHECK(*signed_note == std::string(kText) + "\n" + std::string(kSignatureLine));
  auto parsed = Parse(*signed_note);
  REQUIRE(parsed.ok());
  CHECK(parsed->text == kText);
  CHECK(Verify(*parsed, *verifier).ok());
}

TEST_CASE("note: an altered text, a foreign key or a bad signature is refused", "[note]") {
  auto signer = ParseSigningKey(kSigningKey);
  auto verifier = ParseVerifierKey(kVerifierKey);
  REQUIRE((signer.ok() && verifier.ok()));
  std::string good = *Sign(kText, *signer);

  std::string altered = good;
  altered[3] = 'X';
  auto parsed = Parse(altered);
  REQUIRE(parsed.ok());
  CHECK(Verify(*parsed, *verifier).code() == Code::kCorruption);

  auto other = GenerateKey("tongliao.hatchery/other");
  REQUIRE(other.ok());
  CHECK(Verify(*Parse(good), VerifierOf(*other)).code() == Code::kNotFound);
  // Same name, other key: the id differs, so it is not this key's signature either.
  auto impostor = GenerateKey("PeterNeumann");
  REQUIRE(impostor.ok());
  CHECK(Verify(*Parse(*Sign(kText, *impostor)), *verifier).code() == Code::kNotFound);

  for (std::string_view malformed : {
           std::string_view("no signature block\n"),
           std::string_view("text\n\n"),
           std::string_view("text\n\n- PeterNeumann AAAA\n"),
           std::string_view("text\n\n\xE2\x80\x94 PeterNeumann !!!!\n"),
           std::string_view("text\n\n\xE2\x80\x94 PeterNeumann AAAA\n"),  // shorter than a key id
           std::string_view("te\x01xt\n\n\xE2\x80\x94 PeterNeumann x08go/ZJ\n"),
           std::string_view("text\xFF\n\n\xE2\x80\x94 PeterNeumann x08go/ZJ\n"),
       }) {
    INFO(malformed);
    CHECK(Parse(malformed).status().code() == Code::kBadRequest);
  }
  CHECK_FALSE(Sign("no final newline", *signer).ok());
  CHECK_FALSE(Sign("a blank\n\nline\n", *signer).ok());
}

TEST_CASE("note: keys are checked when read", "[note]") {
  auto key = GenerateKey("tongliao.hatchery/main");
  REQUIRE(key.ok());
  auto round = ParseSigningKey(FormatSigningKey(*key));
  REQUIRE(round.ok());
  CHECK(round->key == key->key);
  CHECK(ParseVerifierKey(FormatVerifierKey(VerifierOf(*key))).ok());
  // A key id that does not belong to the key, a wrong type byte, a bad name.
  CHECK_FALSE(
      ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(
      ParseVerifierKey("PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(
      ParseVerifierKey("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(ParseSigningKey(kVerifierKey).ok());
  CHECK_FALSE(GenerateKey("with space").ok());
  CHECK_FALSE(GenerateKey("a+b").ok());
  CHECK_FALSE(GenerateKey("").ok());
}

TEST_CASE("base64: RFC 4648 vectors, strict decoding", "[note]") {
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(Base64Encode(plain) == encoded);
    CHECK(Base64Decode(encoded) == std::string(plain));
  }
  for (std::string_view bad :
       {"Zg", "Zg=", "Zh==", "Zm9=v", "Zm 9v", "Zm9v\n", "====", "Z===", "Zm-v"}) {
    INFO(bad);
    CHECK_FALSE(Base64Decode(bad).has_value());
  }
}

TEST_CASE("checkpoint: the tlog-checkpoint body round-trips and is read strictly", "[note]") {
  Checkpoint c{"tongliao.hatchery/main", 5, Sha256("root"), {"state carriers 00ff"}};
  std::string text = FormatCheckpoint(c);
  CHECK(text ==
        "tongliao.hatchery/main\n5\n" + Base64Encode(AsBytes(c.root)) + "\nstate carriers 00ff\n");
  auto back = ParseCheckpoint(text);
  REQUIRE(back.ok());
  CHECK(back->origin == c.origin);
  CHECK(back->size == 5);
  CHECK(back->root == c.root);
  CHECK(back->extensions == c.extensions);
  std::string root = Base64Encode(AsBytes(c.root));
  for (std::string bad : {std::string("o\n5\n"), "o\n05\n" + root + "\n", "o\n-5\n" + root + "\n",
                          std::string("o\n5\nAAAA\n"), "o p\n5\n" + root + "\n", "o\n5\n" + root,
                          "o\n5\n" + root + "\n\nx\n", "o\n18446744073709551616\n" + root + "\n"}) {
    INFO(bad);
    CHECK(ParseCheckpoint(bad).status().code() == Code::kBadRequest);
  }
}

}  // namespace
}  // namespace hatchery::note
