#!/usr/bin/env python3
"""Checks a Hatchery export bundle (AUDIT.md §5) with nothing but the Python 3 standard library.

    python3 verify_export.py BUNDLE_DIR

It checks what the format itself promises, without any of Hatchery's code:

  manifest    every listed file is there with its size and SHA-256; nothing unlisted;
  events      each line of events.jsonl is its event's RFC 8785 canonical form; its `hash` is the
              SHA-256 of that form without `hash`; `prev_hash` links each event to the one before
              (64 zeros before event 1); seqs run through the manifest's range; recorded_at
              increases;
  proof       the events' hashes, as the leaves of the range, and proof.json's subtrees give the
              root of the tree of the export point's size (RFC 6962 §2.1);
  checkpoint  checkpoint.txt names the manifest's log, the export point's size and that root.

It does not check the checkpoint's signature nor recompute the projection CSVs from the events:
`hatchery verify-export DIR --pubkey KEY` does both. (Its Ed25519 verification, in pure Python
below, is checked on RFC 8032's vectors by `verify_export.py --self-test`.) On a terminal it shows
its progress through events.jsonl once that has taken 2 s.

Prints one line per check (FAIL, skip or ok) and exits 1 when anything is wrong, 0 otherwise.
"""

import base64
import hashlib
import json
import os
import sys
import time
from datetime import datetime

FORMAT = "hatchery-export/1"
REQUIRED = ["events.jsonl", "proof.json", "checkpoint.txt", "carriers.csv",
            "entitlements.csv", "payouts.csv", "compliance.csv"]
ZERO_HASH = "0" * 64


# --- RFC 8785 (JCS) canonical form: integers, strings, booleans, null, arrays, objects ----------

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                  "\t": "\\t"}


def _jcs_string(s):
    out = ['"']
    for ch in s:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(value):
    """The JCS text of a parsed JSON value; ValueError for what AUDIT.md §1 excludes (floats)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > 2 ** 53:
            raise ValueError("an integer beyond ±2^53")
        return str(value)
    if isinstance(value, str):
        return _jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))  # by UTF-16 code units
        return "{" + ",".join(_jcs_string(k) + ":" + canonical(value[k]) for k in keys) + "}"
    raise ValueError("a number that is not an integer")


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("a duplicate key")
    return dict(pairs)


def parse_json(text):
    """Parses JSON text; numbers with a fraction or exponent come out as floats, which canonical()
    refuses."""
    return json.loads(text, object_pairs_hook=_no_duplicates)


# --- Ed25519 verification (RFC 8032 §5.1.7), after the RFC's own reference code (§6) -----------

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _point_add(p, q):  # extended homogeneous coordinates (X, Y, Z, T)
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _point_mul(s, p):
    q = (0, 1, 1, 0)  # the neutral element
    while s > 0:
        if s & 1:
            q = _point_add(q, p)
        p = _point_add(p, p)
        s >>= 1
    return q


def _point_equal(p, q):
    return ((p[0] * q[2] - q[0] * p[2]) % _P == 0 and
            (p[1] * q[2] - q[1] * p[2]) % _P == 0)


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _point_decompress(b):
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_G_Y = 4 * pow(5, _P - 2, _P) % _P
_G = (_recover_x(_G_Y, 0), _G_Y, 1, _recover_x(_G_Y, 0) * _G_Y % _P)


def ed25519_verify(public, message, signature):
    """Whether `signature` (64 bytes) is `public`'s (32 bytes) on `message` (RFC 8032 §5.1.7)."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a = _point_decompress(public)
    r = _point_decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _L
    return _point_equal(_point_mul(s, _G), _point_add(r, _point_mul(h, a)))


# RFC 8032 §7.1, TEST 1 to 3: (public key, message, signature), hex.
RFC8032_VECTORS = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
     "6bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d"
     "8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6"
     "594a7c15e9716ed28dc027beceea1ec40a"),
]


def self_test():
    """The RFC's vectors verify, and each with one bit of its signature or message flipped does
    not. Returns the failures (empty: all good)."""
    failures = []
    for i, (public, message, signature) in enumerate(RFC8032_VECTORS, 1):
        pk, msg, sig = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
        if not ed25519_verify(pk, msg, sig):
            failures.append("RFC 8032 TEST %d does not verify" % i)
        bad_sig = sig[:10] + bytes([sig[10] ^ 1]) + sig[11:]
        if ed25519_verify(pk, msg, bad_sig):
            failures.append("RFC 8032 TEST %d verifies with a signature bit flipped" % i)
        if ed25519_verify(pk, msg + b"\x00", sig):
            failures.append("RFC 8032 TEST %d verifies for another message" % i)
    return failures


# --- RFC 6962 Merkle tree ------------------------------------------------------------------------

def leaf_hash(leaf_input):
    return hashlib.sha256(b"\x00" + leaf_input).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n):
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def range_root(begin, end, leaves, first, subtrees):
    """MTH of leaves [begin, end): the range's leaves (0-based from `first`) where the recursion
    meets them, the next of `subtrees` ((from, to, hash) with 1-based seqs) for every subtree wholly
    outside the range, left to right. Raises ValueError when a subtree is not the one expected."""
    last = first + len(leaves)
    if end <= first or begin >= last:
        if not subtrees:
            raise ValueError("proof.json has too few subtrees")
        s_from, s_to, digest = subtrees.pop(0)
        if (s_from, s_to) != (begin + 1, end):
            raise ValueError("proof.json subtree %d..%d is where %d..%d was expected"
                             % (s_from, s_to, begin + 1, end))
        return digest
    if end - begin == 1:
        return leaf_hash(leaves[begin - first])
    k = split_point(end - begin)
    return node_hash(range_root(begin, begin + k, leaves, first, subtrees),
                     range_root(begin + k, end, leaves, first, subtrees))


# --- The checks ----------------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.passed, self.skipped, self.problems = [], [], []

    def print(self, out):
        for line in self.problems:
            out.write("FAIL  " + line + "\n")
        for line in self.skipped:
            out.write("skip  " + line + "\n")
        for line in self.passed:
            out.write("ok    " + line + "\n")


def _count(obj, key):
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def read_manifest(folder, report):
    try:
        with open(os.path.join(folder, "manifest.json"), "rb") as f:
            m = parse_json(f.read().decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        report.problems.append("manifest.json is missing or not JSON (%s)" % e)
        return None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        report.problems.append('manifest.json: format is missing or not "%s"' % FORMAT)
        return None
    rng, as_of = m.get("range"), m.get("as_of")
    frm, to, size = _count(rng, "from_seq"), _count(rng, "to_seq"), _count(as_of, "seq")
    if frm is None or to is None or size is None or not 1 <= frm <= to <= size:
        report.problems.append("manifest.json: range is missing or malformed "
                               "(from_seq..to_seq within 1..as_of.seq)")
        return None
    files = m.get("files")
    if not isinstance(m.get("origin"), str) or not isinstance(files, list):
        report.problems.append("manifest.json: origin or files is missing or malformed")
        return None
    for i, e in enumerate(files):
        name = e.get("name") if isinstance(e, dict) else None
        if (not isinstance(name, str) or "/" in name or name in ("", ".", "..", "manifest.json")
                or _count(e, "size") is None or not isinstance(e.get("sha256"), str)):
            report.problems.append("manifest.json: files[%d] is malformed" % i)
            return None
    return {"origin": m["origin"], "from": frm, "to": to, "size": size, "files": files}


def check_files(folder, manifest, report):
    before = len(report.problems)
    listed = set()
    for e in manifest["files"]:
        name = e["name"]
        listed.add(name)
        digest, size = hashlib.sha256(), 0
        try:
            with open(os.path.join(folder, name), "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError:
            report.problems.append("%s is listed in the manifest but missing" % name)
            continue
        if size != e["size"]:
            report.problems.append("%s has %d bytes; the manifest says %d" % (name, size, e["size"]))
        elif digest.hexdigest() != e["sha256"]:
            report.problems.append("%s has SHA-256 %s; the manifest says %s"
                                   % (name, digest.hexdigest(), e["sha256"]))
    for name in sorted(os.listdir(folder)):
        if name != "manifest.json" and name not in listed:
            report.problems.append("%s is in the bundle but not in the manifest" % name)
    for name in REQUIRED:
        if name not in listed:
            report.problems.append("the manifest does not list %s" % name)
    if len(report.problems) == before:
        report.passed.append("manifest.json: %d files, each of the listed size and SHA-256, "
                             "nothing unlisted" % len(manifest["files"]))


def _timestamp(text):
    if not isinstance(text, str) or not text.endswith("Z"):
        raise ValueError("recorded_at %r is not an RFC 3339 UTC time" % (text,))
    return datetime.strptime(text[:-1], "%Y-%m-%dT%H:%M:%S.%f")


class Progress:
    """A progress line on stderr when it is a terminal, once the work has taken 2 s."""

    def __init__(self, what, total):
        self.what, self.total, self.start, self.shown = what, total, time.monotonic(), False

    def update(self, done):
        if not sys.stderr.isatty() or done % 4096 != 0:
            return
        seconds = time.monotonic() - self.start
        if seconds < 2:
            return
        rate = done / seconds
        sys.stderr.write("\r  %s %d / %d events  %.0f events/s  %.0f s left   "
                         % (self.what, done, self.total, rate, (self.total - done) / rate))
        self.shown = True

    def end(self):
        if self.shown:
            sys.stderr.write("\r%78s\r" % "")


def check_events(folder, manifest, report):
    """The range's leaf inputs (32-byte hashes), or None after a problem."""
    progress = Progress("checking", manifest["to"] - manifest["from"] + 1)
    try:
        return _check_events(folder, manifest, report, progress)
    finally:
        progress.end()


def _check_events(folder, manifest, report, progress):
    frm, to = manifest["from"], manifest["to"]
    hashes, prev_hash, prev_time, versions = [], None, None, {}
    try:
        f = open(os.path.join(folder, "events.jsonl"), "rb")
    except OSError:
        report.problems.append("events.jsonl cannot be read")
        return None
    with f:
        for n, raw in enumerate(f, start=1):
            progress.update(n)
            at = "events.jsonl line %d" % n
            if not raw.endswith(b"\n"):
                report.problems.append(at + " does not end in a newline")
                return None
            line = raw[:-1]
            try:
                event = parse_json(line.decode("utf-8"))
                if not isinstance(event, dict):
                    raise ValueError("not an object")
                stated = event.get("hash")
                seq = event.get("seq")
                if not isinstance(stated, str) or not isinstance(seq, int):
                    raise ValueError("no hash or seq")
                if canonical(event).encode("utf-8") != line:
                    raise ValueError("the line is not the event's canonical form "
                                     "(its bytes were edited)")
                body = dict(event)
                del body["hash"]
                computed = hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()
                recorded = _timestamp(event.get("recorded_at"))
            except (ValueError, UnicodeDecodeError) as e:
                report.problems.append("%s: %s" % (at, e))
                return None
            at += " (seq %d)" % seq
            expected = frm + len(hashes)
            first = not hashes
            problem = None
            if seq != expected:
                problem = ("seq %d where %d was expected (events missing, moved or swapped)"
                           % (seq, expected))
            elif computed != stated:
                problem = ("hash mismatch: the event says %s but its content hashes to %s"
                           % (stated, computed))
            elif not (first and frm > 1) and event.get("prev_hash") != (
                    ZERO_HASH if first else prev_hash):
                problem = ("chain broken: prev_hash is %s but event %d has hash %s"
                           % (event.get("prev_hash"), seq - 1, ZERO_HASH if first else prev_hash))
            elif not first and recorded <= prev_time:
                problem = "recorded_at %s is not after the previous event's" % event["recorded_at"]
            else:
                stream, version = event.get("stream"), event.get("stream_version")
                if not (stream not in versions and frm > 1) and version != versions.get(stream, 0) + 1:
                    problem = "stream_version %s of %s should be %d" % (
                        version, stream, versions.get(stream, 0) + 1)
                versions[stream] = version
            if problem is None and seq > to:
                problem = "beyond the manifest's range, which ends at %d" % to
            if problem:
                report.problems.append("%s: %s" % (at, problem))
                return None
            hashes.append(bytes.fromhex(stated))
            prev_hash, prev_time = stated, recorded
    last = frm + len(hashes) - 1
    if last != to:
        report.problems.append("events.jsonl ends at seq %d but the manifest's range ends at %d "
                               "(events removed)" % (last, to))
        return None
    report.passed.append("events.jsonl: events %d..%d, each in canonical form with its hash, "
                         "linked, recorded in order" % (frm, to))
    return hashes


def check_proof(folder, manifest, hashes, report):
    """The root the events and proof.json give, or None."""
    try:
        with open(os.path.join(folder, "proof.json"), "rb") as f:
            p = parse_json(f.read().decode("utf-8"))
        size, frm, to = p["tree_size"], p["from_seq"], p["to_seq"]
        root = bytes.fromhex(p["root"])
        subtrees = [(s["from_seq"], s["to_seq"], bytes.fromhex(s["hash"])) for s in p["subtrees"]]
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        report.problems.append("proof.json is missing or malformed (%s)" % e)
        return None
    if (size, frm, to) != (manifest["size"], manifest["from"], manifest["to"]):
        report.problems.append("proof.json is of events %d..%d of %d; the manifest's range is "
                               "%d..%d of %d" % (frm, to, size, manifest["from"], manifest["to"],
                                                 manifest["size"]))
        return None
    if hashes is None:
        report.skipped.append("the range against the root: the events did not check out")
        return None
    try:
        computed = range_root(0, size, hashes, frm - 1, subtrees)
        if subtrees:
            raise ValueError("proof.json has too many subtrees")
    except ValueError as e:
        report.problems.append(str(e))
        return None
    if computed != root:
        report.problems.append("proof.json: the events of the range give the root %s, not %s"
                               % (computed.hex(), root.hex()))
        return None
    report.passed.append("proof.json: the events are leaves %d..%d of the tree of %d events "
                         "with root %s" % (frm, to, size, root.hex()))
    return root


def check_checkpoint(folder, manifest, root, report):
    try:
        with open(os.path.join(folder, "checkpoint.txt"), "rb") as f:
            lines = f.read().decode("utf-8").split("\n")
        origin, size, root_b64 = lines[0], int(lines[1]), lines[2]
        stated_root = base64.b64decode(root_b64, validate=True)
    except (OSError, ValueError, IndexError, UnicodeDecodeError) as e:
        report.problems.append("checkpoint.txt is missing or not a checkpoint (%s)" % e)
        return
    before = len(report.problems)
    if origin != manifest["origin"]:
        report.problems.append("checkpoint.txt is of the log %s, not %s (the manifest's): "
                               "a checkpoint from another store" % (origin, manifest["origin"]))
    if size != manifest["size"]:
        report.problems.append("checkpoint.txt is of tree size %d; the export point is %d"
                               % (size, manifest["size"]))
    if root is not None and stated_root != root:
        report.problems.append("checkpoint.txt has root %s but the events and proof.json give %s: "
                               "a checkpoint from another store or point"
                               % (stated_root.hex(), root.hex()))
    if len(report.problems) == before and root is not None:
        report.passed.append("checkpoint.txt: %s at tree size %d, the root the events give"
                             % (origin, size))
    report.skipped.append("the checkpoint's signature and the projections: not checked here "
                          "(hatchery verify-export DIR --pubkey KEY checks both)")


def verify(folder):
    report = Report()
    manifest = read_manifest(folder, report)
    if manifest is not None:
        check_files(folder, manifest, report)
        hashes = check_events(folder, manifest, report)
        root = check_proof(folder, manifest, hashes, report)
        check_checkpoint(folder, manifest, root, report)
    return report


def main(argv):
    if argv[1:] == ["--self-test"]:
        failures = self_test()
        for failure in failures:
            print("FAIL " + failure)
        print("Ed25519: %s" % ("RFC 8032's vectors check out" if not failures else "broken"))
        return 1 if failures else 0
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: verify_export.py BUNDLE_DIR | --self-test\n")
        return 2
    report = verify(argv[1])
    report.print(sys.stdout)
    if report.problems:
        n = len(report.problems)
        print("%s: %d problem%s" % (argv[1], n, "" if n == 1 else "s"))
        return 1
    print("%s: the bundle checks out (see what was not checked above)" % argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
