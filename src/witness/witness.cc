#include "witness/witness.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <fstream>
#include <system_error>

#include "hatchery/json.h"
#include "hatchery/merkle.h"

namespace hatchery::witness {
namespace {

namespace bj = boost::json;

Status Alarm(std::string_view kind, const std::string& message) {
  return Status(Code::kCorruption, "ALARM (" + std::string(kind) + "): " + message,
                bj::object{{"alarm", kind}});
}

// One line of a witness log: its checkpoint and note. Errors: kBadRequest.
struct Line {
  Checkpoint checkpoint;
  std::string note;
};
StatusOr<Line> ParseLine(std::string_view text) {
  ASSIGN_OR_RETURN(bj::value value, json::ParseStrict(text));
  const bj::object* o = value.if_object();
  const bj::value* note = o ? o->if_contains("note") : nullptr;
  if (!note || !note->is_string()) return Status(Code::kBadRequest, "no \"note\"");
  Line line{{}, std::string(note->as_string())};
  ASSIGN_OR_RETURN(line.checkpoint, CheckpointOfNote(line.note));
  return line;
}

// Every line of the log at `path`, in order; `visit` may refuse one. Errors: kNotFound, the line's.
Status ForEachLine(const std::string& path, bool missing_is_empty,
                   const std::function<Status(const Line&)>& visit) {
  std::ifstream in(path);
  if (!in) {
    return missing_is_empty ? Status::Ok()
                            : Status(Code::kNotFound, "cannot read the witness log " + path);
  }
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    if (text.empty()) continue;
    auto line = ParseLine(text);
    Status status = line.ok() ? visit(*line) : line.status();
    if (!status.ok()) {
      return Status(status.code(),
                    path + " line " + std::to_string(number) + ": " + status.message(),
                    status.details());
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<WitnessLog> WitnessLog::Open(const std::string& path) {
  WitnessLog log;
  log.path_ = path;
  RETURN_IF_ERROR(ForEachLine(path, true, [&](const Line& line) {
    if (log.latest_ && line.checkpoint.size < log.latest_->size) {
      return Status(Code::kBadRequest, "a checkpoint smaller than the one before it");
    }
    log.latest_ = line.checkpoint;
    return Status::Ok();
  }));
  return log;
}

Status WitnessLog::Append(const Checkpoint& checkpoint, std::string_view cosigned_note) {
  std::string line =
      json::Canonicalize(bj::object{{"size", checkpoint.size}, {"note", cosigned_note}}) + "\n";
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  std::string why = std::error_code(errno, std::generic_category()).message();
  if (fd >= 0) ::close(fd);
  if (!ok) return Status(Code::kUnavailable, "cannot append to " + path_ + ": " + why);
  latest_ = checkpoint;
  return Status::Ok();
}

StatusOr<std::vector<Checkpoint>> ReadCosigned(const std::string& path,
                                               const note::VerifierKey& witness) {
  std::vector<Checkpoint> out;
  RETURN_IF_ERROR(ForEachLine(path, false, [&](const Line& line) {
    ASSIGN_OR_RETURN(note::Note note, note::Parse(line.note));
    auto cosigned = note::VerifyCosignature(note, witness);
    if (!cosigned.ok()) return Status(Code::kCorruption, cosigned.status().message());
    out.push_back(line.checkpoint);
    return Status::Ok();
  }));
  return out;
}

StatusOr<Outcome> Observe(std::string_view signed_note, const note::VerifierKey& log_key,
                          const note::SigningKey& witness_key, const ConsistencyFetcher& fetch,
                          std::int64_t now, WitnessLog* log) {
  auto note = note::Parse(signed_note);
  auto checkpoint = note.ok() ? ParseCheckpoint(note->text) : StatusOr<Checkpoint>(note.status());
  if (!checkpoint.ok())
    return Alarm("signature", "not a checkpoint: " + checkpoint.status().message());
  if (checkpoint->origin != log_key.name) {
    return Alarm("signature", "a checkpoint of " + checkpoint->origin + ", not of " + log_key.name);
  }
  if (Status signature = note::Verify(*note, log_key); !signature.ok()) {
    return Alarm("signature", signature.message());
  }
  const std::string at = "the checkpoint of " + std::to_string(checkpoint->size) + " events";
  if (const auto& latest = log->latest()) {
    if (checkpoint->size < latest->size) {
      return Alarm("rollback", at + " is smaller than the " + std::to_string(latest->size) +
                                   " events cosigned before: the log was rolled back");
    }
    if (checkpoint->size == latest->size) {
      if (checkpoint->root == latest->root) return Outcome::kAlreadySeen;
      return Alarm("fork", at + " has another root than the one cosigned at that size: the log "
                                "was rewritten");
    }
    if (latest->size > 0) {
      ASSIGN_OR_RETURN(std::vector<Hash> proof, fetch(latest->size, checkpoint->size));
      if (Status consistent = merkle::VerifyConsistency(latest->size, checkpoint->size,
                                                        latest->root, checkpoint->root, proof);
          !consistent.ok()) {
        return Alarm("fork", at + " does not extend the " + std::to_string(latest->size) +
                                 " events cosigned before (" + consistent.message() +
                                 "): the log was rewritten");
      }
    }
  }
  ASSIGN_OR_RETURN(std::string cosigned, note::Cosign(signed_note, witness_key, now));
  RETURN_IF_ERROR(log->Append(*checkpoint, cosigned));
  return Outcome::kCosigned;
}

}  // namespace hatchery::witness
