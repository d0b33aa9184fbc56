// Signed notes, keys and checkpoints (AUDIT.md §3) against the known-answer vector of Go's
// golang.org/x/mod/sumdb/note (its PeterNeumann key and note), and their refusals.
#include "hatchery/note.h"

#include <openssl/evp.h>

#include <catch2/catch.hpp>

#include "hatchery/base64.h"
#include "hatchery/checkpoint.h"
#include "hatchery/sha256.h"

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

namespace hatchery::note {
namespace {

// The cosignature's bytes rebuilt here from C2SP tlog-cosignature's text, and its Ed25519
// signature checked with OpenSSL directly: the format, not only a round trip.
TEST_CASE("cosignature: C2SP cosignature/v1 with Ed25519, checked from the spec", "[note]") {
  SigningKey log = *GenerateKey("tongliao.hatchery/main");
  SigningKey witness = *GenerateKey("witness.tongliao/w1");
  std::string checkpoint =
      *Sign("tongliao.hatchery/main\n5\nq2Ax5Cz6JZc0hVmpWJQ4A5qAg4sQwMHDnuxu+6aq1SQ=\n", log);
  const std::int64_t time = 1'700'000'000;
  std::string cosigned = *Cosign(checkpoint, witness, time);
  REQUIRE(cosigned.starts_with(checkpoint));
  Note note = *Parse(cosigned);
  REQUIRE(note.signatures.size() == 2);
  const Signature& line = note.signatures[1];
  CHECK(line.name == "witness.tongliao/w1");
  std::string id_input = "witness.tongliao/w1\n\x04" +
                         std::string(reinterpret_cast<const char*>(witness.key.data()), 32);
  Hash id_digest = Sha256(id_input);
  std::uint32_t expected_id = static_cast<std::uint32_t>(id_digest[0]) << 24 |
                              static_cast<std::uint32_t>(id_digest[1]) << 16 |
                              static_cast<std::uint32_t>(id_digest[2]) << 8 | id_digest[3];
  CHECK(line.id == expected_id);
  CHECK(line.id != witness.id);  // a note key's id hashes 0x01, a cosigner's 0x04
  REQUIRE(line.bytes.size() == 8 + 64);
  std::uint64_t stamped = 0;
  for (int i = 0; i < 8; ++i) stamped = stamped << 8 | static_cast<unsigned char>(line.bytes[i]);
  CHECK(stamped == 1'700'000'000u);
  std::string message = "cosignature/v1\ntime 1700000000\n" + note.text;
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, witness.key.data(), 32);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  CHECK(EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1);
  CHECK(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(line.bytes.data() + 8), 64,
                         reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);

  VerifierKey cosigner = CosignerOf(witness);
  CHECK(*VerifyCosignature(note, cosigner) == time);
  CHECK(Verify(note, VerifierOf(log)).ok());  // the log's own signature is untouched
  // The cosigner key's text form: type 0x04, and read back only as a cosigner key.
  std::string vkey = FormatCosignerKey(cosigner);
  const std::size_t key_at = vkey.find('+', vkey.find('+') + 1) + 1;  // base64 may hold '+'
  CHECK(Base64Decode(vkey.substr(key_at))->front() == '\x04');
  VerifierKey read = *ParseCosignerKey(vkey);
  CHECK((read.name == cosigner.name && read.id == cosigner.id && read.key == cosigner.key));
  CHECK_FALSE(ParseVerifierKey(vkey).ok());
  CHECK_FALSE(ParseCosignerKey(FormatVerifierKey(VerifierOf(witness))).ok());
  // Another checkpoint under the same cosignature, or none at all.
  Note altered = note;
  altered.text.replace(altered.text.find("\n5\n"), 3, "\n6\n");
  CHECK(VerifyCosignature(altered, cosigner).status().code() == Code::kCorruption);
  CHECK(VerifyCosignature(*Parse(checkpoint), cosigner).status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace hatchery::note
