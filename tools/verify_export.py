#!/usr/bin/env python3
"""Checks a Hatchery export bundle (AUDIT.md §5) with nothing but the Python 3 standard library.

    python3 verify_export.py BUNDLE_DIR --pubkey BUREAU.pub [--pubkey ...] [--allow-unsigned]
    python3 verify_export.py --self-test

It checks, without any of Hatchery's code:

  manifest    every listed file is there with its size and SHA-256; nothing unlisted (but
              checkpoint.txt, which binds the manifest);
  events      each line of events.jsonl is its event's RFC 8785 canonical form; its `hash` is the
              SHA-256 of that form without `hash`; `prev_hash` links each event to the one before
              (64 zeros before event 1); seqs run through the manifest's range; recorded_at
              increases;
  proof       the events' hashes, as the leaves of the range, and proof.json's subtrees give the
              root of the tree of the export point's size (RFC 6962 §2.1);
  checkpoint  checkpoint.txt names the manifest's log, the export point's size and that root, its
              "manifest" line is manifest.json's SHA-256, and it carries a valid Ed25519 signature
              (RFC 8032, in pure Python below) by one of the --pubkey keys — so one signature binds
              the root, the manifest and every file the manifest lists;
  database    bundle.sqlite (a hatchery-export/3 bundle's), read with the standard library's
              sqlite3 as immutable: SQLite's integrity check, its application id and schema
              version, its events table equal to events.jsonl row by row (value and type), its
              meta table to the manifest and the root;
  money       for a bundle from event 1: payouts.csv, each entitlement's money and amount, each
              year's money disbursed and clawed back, the registrations in carriers.csv and every
              yuan cell, recomputed from events.jsonl (written from EVENTS.md, not from Hatchery).

What it does not recompute it names, each on a `skip` line (the entitlements' existence and status
under R1-R6, compliance, the other indicators and the scores, report.html, the state lines,
bundle.sqlite's schema and view tables); the signature binds them, and `hatchery verify-export`
recomputes them all. A bundle whose signature is not checked (no --pubkey, or no signature on it)
fails unless --allow-unsigned, which warns.
`--self-test` checks the Ed25519 code on RFC 8032's vectors. On a terminal it shows its progress
once a step has taken 2 s.

Prints one line per check (FAIL, skip or ok, then any WARNING) and exits 1 when anything is wrong,
0 otherwise, 2 for a command line it cannot use.
"""

import argparse
import base64
import csv
import hashlib
import json
import os
import sqlite3
import sys
import threading
import time
import urllib.parse
from datetime import datetime

FORMAT = "hatchery-export/3"
PRE_DATABASE_FORMAT = "hatchery-export/2"  # before bundle.sqlite: checked without it
UNBOUND_FORMAT = "hatchery-export/1"  # before the signature bound the manifest
DATABASE = "bundle.sqlite"
DATABASE_APPLICATION_ID, DATABASE_SCHEMA_VERSION = 0x48544348, 1
REQUIRED = ["events.jsonl", "proof.json", "carriers.csv", "entitlements.csv", "payouts.csv",
            "compliance.csv"]  # besides manifest.json and checkpoint.txt, which are never listed
MANIFEST_LINE = "manifest "
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


# --- C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys ---------------------------

def key_id(name, public):
    """The signed-note key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public).digest()[:4]


def parse_verifier_key(text):
    """(name, key id, public key) of a verifier key "<name>+<8 hex>+<base64(0x01 ‖ key)>";
    ValueError when it is not one or its id does not match its key."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not parts[0] or len(parts[1]) != 8:
        raise ValueError("not a verifier key (<name>+<key id>+<base64 key>)")
    raw = base64.b64decode(parts[2], validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    name, kid, public = parts[0], bytes.fromhex(parts[1]), raw[1:]
    if key_id(name, public) != kid:
        raise ValueError("its key id does not match its key")
    return name, kid, public


def parse_note(data):
    """(text, [(name, key id, signature)]) of a signed note's bytes: the text up to and including
    the newline before the blank line, then one "— <name> <base64(key id ‖ signature)>" line per
    signature. A text without a blank line is an unsigned note. ValueError when malformed."""
    text = data.decode("utf-8")
    if not text.endswith("\n"):
        raise ValueError("it does not end in a newline")
    cut = text.find("\n\n")
    if cut < 0:
        return text, []
    body, signatures = text[:cut + 1], []
    for line in text[cut + 2:].splitlines():
        dash, _, rest = line.partition(" ")
        name, _, blob = rest.partition(" ")
        raw = base64.b64decode(blob, validate=True)
        if dash != "\u2014" or not name or len(raw) != 68:
            raise ValueError("a signature line is malformed: %r" % line)
        signatures.append((name, raw[:4], raw[4:]))
    return body, signatures


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
        self.passed, self.skipped, self.problems, self.warnings = [], [], [], []

    def print(self, out):
        for line in self.problems:
            out.write("FAIL  " + line + "\n")
        for line in self.skipped:
            out.write("skip  " + line + "\n")
        for line in self.passed:
            out.write("ok    " + line + "\n")
        for line in self.warnings:
            out.write("WARNING  " + line + "\n")


def _count(obj, key):
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def read_manifest(folder, report):
    try:
        with open(os.path.join(folder, "manifest.json"), "rb") as f:
            raw = f.read()
        m = parse_json(raw.decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        report.problems.append("manifest.json is missing or not JSON (%s)" % e)
        return None
    if isinstance(m, dict) and m.get("format") == UNBOUND_FORMAT:
        report.problems.append("manifest.json: format %s is that of a bundle made before the "
                               "signature bound its manifest, so nothing here binds its CSVs and "
                               "report to the bureau: ask for it to be exported again"
                               % UNBOUND_FORMAT)
        return None
    if not isinstance(m, dict) or m.get("format") not in (FORMAT, PRE_DATABASE_FORMAT):
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
        if (not isinstance(name, str) or "/" in name
                or name in ("", ".", "..", "manifest.json", "checkpoint.txt")
                or _count(e, "size") is None or not isinstance(e.get("sha256"), str)):
            report.problems.append("manifest.json: files[%d] is malformed" % i)
            return None
    effective_on = as_of.get("effective_on")
    if effective_on is not None and not (isinstance(effective_on, str) and _is_date(effective_on)):
        report.problems.append("manifest.json: as_of.effective_on is not a date")
        return None
    return {"origin": m["origin"], "from": frm, "to": to, "size": size, "files": files,
            "effective_on": effective_on, "sha256": hashlib.sha256(raw).hexdigest(),
            "database": m["format"] == FORMAT, "year": m.get("year"), "issuer": m.get("issuer"),
            "software": m.get("software")}


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
        except (OSError, ValueError):
            report.problems.append("%s is listed in the manifest but missing" % name)
            continue
        if size != e["size"]:
            report.problems.append("%s has %d bytes; the manifest says %d" % (name, size, e["size"]))
        elif digest.hexdigest() != e["sha256"]:
            report.problems.append("%s has SHA-256 %s; the manifest says %s"
                                   % (name, digest.hexdigest(), e["sha256"]))
    for name in sorted(os.listdir(folder)):
        if name not in ("manifest.json", "checkpoint.txt") and name not in listed:
            report.problems.append("%s is in the bundle but not in the manifest" % name)
        if name.startswith(DATABASE + "-"):  # a journal or write-ahead log SQLite tools would read
            report.problems.append("%s is beside %s: SQLite tools would read it as the database's "
                                   "journal or log, and see other rows than the verifiers check"
                                   % (name, DATABASE))
    for name in REQUIRED + ([DATABASE] if manifest["database"] else []):
        if name not in listed:
            report.problems.append("the manifest does not list %s" % name)
    if len(report.problems) == before:
        report.passed.append("manifest.json: %d files, each of the listed size and SHA-256, "
                             "nothing unlisted" % len(manifest["files"]))


def _is_date(text):
    try:
        return len(text) == 10 and datetime.strptime(text, "%Y-%m-%d") is not None
    except ValueError:
        return False


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


class Status:
    """A line on stderr saying what is being done, when it is a terminal and the work has taken
    2 s; cleared when it ends."""

    def __init__(self, what):
        self.what, self.shown = what, False
        self.timer = threading.Timer(2.0, self.show)

    def show(self):
        sys.stderr.write("\r  %s ...   " % self.what)
        sys.stderr.flush()
        self.shown = True

    def __enter__(self):
        if sys.stderr.isatty():
            self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()
        if self.shown:
            sys.stderr.write("\r%78s\r" % "")


def check_events(folder, manifest, report, kept):
    """The range's leaf inputs (32-byte hashes), or None after a problem. Appends the events of
    the types the recomputation reads (RECOMPUTED_FROM) to `kept`."""
    progress = Progress("checking", manifest["to"] - manifest["from"] + 1)
    try:
        return _check_events(folder, manifest, report, progress, kept)
    finally:
        progress.end()


def _check_events(folder, manifest, report, progress, kept):
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
            if event.get("type") in RECOMPUTED_FROM:
                kept.append(event)
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
        report.problems.append("proof.json is of events %s..%s of %s; the manifest's range is "
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


def check_checkpoint(folder, manifest, root, keys, allow_unsigned, report):
    """checkpoint.txt: the export point's log, size and root; its manifest line binding
    manifest.json; its signature by one of `keys` ((name, key id, public key))."""
    try:
        with open(os.path.join(folder, "checkpoint.txt"), "rb") as f:
            text, signatures = parse_note(f.read())
        lines = text.split("\n")[:-1]
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
    bound = [line[len(MANIFEST_LINE):] for line in lines[3:] if line.startswith(MANIFEST_LINE)]
    if len(bound) != 1:
        report.problems.append('checkpoint.txt has %d "manifest" lines where one binds '
                               "manifest.json (SHA-256 %s)" % (len(bound), manifest["sha256"]))
    elif bound[0] != manifest["sha256"]:
        report.problems.append("checkpoint.txt binds a manifest of SHA-256 %s but manifest.json "
                               "has SHA-256 %s: the manifest was changed after the checkpoint "
                               "was made" % (bound[0], manifest["sha256"]))
    else:
        report.passed.append("checkpoint.txt: binds manifest.json (SHA-256 %s)"
                             % manifest["sha256"])
    check_signature(text, signatures, keys, allow_unsigned, report)


def check_signature(text, signatures, keys, allow_unsigned, report):
    signers = ", ".join("%s+%s" % (name, kid.hex()) for name, kid, _ in signatures)
    signed_by = "signed by " + signers if signers else "it is unsigned"
    anyone = ("nothing shows that the bureau made this bundle; anyone could have made it, its "
              "manifest and every file it lists")
    if not keys and allow_unsigned:
        report.warnings.append("NO SIGNATURE CHECKED (--allow-unsigned; %s): %s"
                               % (signed_by, anyone))
        return
    if not keys:
        report.problems.append("the checkpoint's signature: no public key given (%s); pass the "
                               "bureau's verifier key with --pubkey, or --allow-unsigned to check "
                               "the rest without it" % signed_by)
        return
    if not signatures and allow_unsigned:
        report.warnings.append("UNSIGNED BUNDLE accepted (--allow-unsigned): " + anyone)
        return
    for name, kid, public in keys:
        for sig_name, sig_kid, signature in signatures:
            if (sig_name, sig_kid) == (name, kid) and ed25519_verify(
                    public, text.encode("utf-8"), signature):
                report.passed.append("checkpoint.txt: signed by %s+%s (Ed25519 checked here)"
                                     % (name, kid.hex()))
                return
    report.problems.append("checkpoint.txt is not signed" if not signatures else
                           "checkpoint.txt carries no valid signature by a given key (%s)"
                           % signed_by)


# --- The money and the registrations, recomputed from events.jsonl --------------------------------
#
# Written from EVENTS.md ("One timeline", "Derived"), not from Hatchery's code: facts ordered by
# effective_date then seq, retracted events left out, none after the manifest's as_of.effective_on.

RECOMPUTED_FROM = {"PolicyRulesetActivated", "CarrierRegistered", "CarrierProfileAmended",
                   "PayoutApproved", "PayoutDisbursed", "ClawbackRecovered", "EventRetracted"}

NOT_RECOMPUTED = [
    "which entitlements exist, their status, trigger dates and seqs (rules R1-R6 applied to the "
    "effective timeline): read from entitlements.csv, whose money and amounts are checked (an "
    "upgrade's amount under upgrade \"difference\" or \"highest_only\" only as at most its "
    "rule's)",
    "compliance.csv (report deadlines, unfiled brand output, revocations due)",
    "the indicators other than money (annual-report metrics, accreditations, grades, filings, "
    "workstations, funds, payout speeds, operators), which years have indicators and assessment "
    "files, and assessment-<year>.csv's scores and ranks",
    "counties-<year>.csv (the roll-up per county and year)",
    "carriers.csv's levels, timeline, evaluations, operator and county histories, workstations "
    "(with their brokers and deals), funds, agreements, investors and city fund support",
    "report.html: it is bound to the bureau by the signed manifest; `hatchery verify-export` "
    "recomputes it",
    "checkpoint.txt's state lines (digests of Hatchery's own rows of each view)",
]

REGISTRATION_FIELDS = ["name", "kind", "category", "host_type", "industry", "county", "area_m2"]
MAX_PROBLEMS_A_FILE = 20


def fen_yuan(fen):
    """1234567 -> "12345.67", as the CSVs write yuan."""
    return "%s%d.%02d" % ("-" if fen < 0 else "", abs(fen) // 100, abs(fen) % 100)


def cell_text(value):
    return "" if value is None else str(value)


def read_csv(folder, name):
    """(header, rows) of a bundle CSV; each row a dict of its cells and "_row", its row number as a
    spreadsheet counts (the header is row 1)."""
    with open(os.path.join(folder, name), encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        rows = []
        for n, cells in enumerate(reader, start=2):
            row = dict(zip(header, cells))
            row["_row"] = n
            rows.append(row)
    return header, rows


class Findings:
    """The differences of one CSV from what the events give, at most MAX_PROBLEMS_A_FILE told."""

    def __init__(self, name, report):
        self.name, self.report, self.count = name, report, 0

    def add(self, text):
        self.count += 1
        if self.count <= MAX_PROBLEMS_A_FILE:
            self.report.problems.append("%s %s" % (self.name, text))

    def cell(self, row, key, column, want):
        have = row.get(column)
        want = cell_text(want)
        if have != want and not (have is None and want == ""):  # a column no row fills
            self.add("row %d (%s), column %s: the bundle says %s where the events give %r"
                     % (row["_row"], key, column, "nothing" if have is None else repr(have), want))

    def close(self, passed):
        if self.count > MAX_PROBLEMS_A_FILE:
            self.report.problems.append("%s: %d more differences" % (
                self.name, self.count - MAX_PROBLEMS_A_FILE))
        if self.count == 0:
            self.report.passed.append("%s: %s" % (self.name, passed))


class Timeline:
    """The facts of events 1..size on the effective timeline."""

    def __init__(self, events, effective_on):
        retracted = {e["data"].get("retracted_seq") for e in events
                     if e["type"] == "EventRetracted"}
        self.rulesets = {e["seq"]: e["data"] for e in events  # by the activation's seq
                         if e["type"] == "PolicyRulesetActivated" and e["seq"] not in retracted}
        self.facts = sorted(
            (e for e in events if e["type"] != "EventRetracted" and e["seq"] not in retracted
             and (effective_on is None or e["effective_date"] <= effective_on)),
            key=lambda e: (e["effective_date"], e["seq"]))


def carrier_of(event):
    stream = event.get("stream", "")
    return stream[len("carrier/"):] if stream.startswith("carrier/") else None


def payouts_of(timeline):
    """{(carrier, payout_id): the payout's cells}: approved by PayoutApproved, disbursed by the
    first PayoutDisbursed after it on the timeline."""
    payouts = {}
    for e in timeline.facts:
        d, carrier, actor = e["data"], carrier_of(e), e.get("actor", {})
        if e["type"] == "PayoutApproved":
            payouts[(carrier, d["payout_id"])] = {
                "payout_id": d["payout_id"], "carrier_id": carrier,
                "entitlement_id": d["entitlement_id"], "amount_fen": d["amount_fen"],
                "approved_seq": e["seq"], "approved_on": e["effective_date"],
                "approved_by": actor.get("id"), "approved_by_os_user": actor.get("os_user"),
                "disbursed_seq": None, "disbursed_on": None, "disbursed_by": None,
                "disbursed_by_os_user": None, "voucher_no": None}
        elif e["type"] == "PayoutDisbursed":
            p = payouts.get((carrier, d["payout_id"]))
            if p is not None and p["disbursed_seq"] is None:
                p.update(disbursed_seq=e["seq"], disbursed_on=e["effective_date"],
                         disbursed_by=actor.get("id"), disbursed_by_os_user=actor.get("os_user"),
                         voucher_no=d["voucher_no"])
    return payouts


def clawbacks_of(timeline):
    return [(carrier_of(e), e["data"]["entitlement_id"], e["data"]["amount_fen"],
             e["effective_date"]) for e in timeline.facts if e["type"] == "ClawbackRecovered"]


def check_entitlements(folder, timeline, payouts, clawbacks, report):
    """Each entitlement's money from the payouts and claw-backs, its amount from its ruleset's
    rule; every payout and claw-back counted in a row. Returns {(carrier, id): status}."""
    _, rows = read_csv(folder, "entitlements.csv")
    found = Findings("entitlements.csv", report)
    sums = {}
    for p in payouts.values():
        s = sums.setdefault((p["carrier_id"], p["entitlement_id"]), [0, 0, 0])
        s[0] += p["amount_fen"]
        s[1] += p["amount_fen"] if p["disbursed_seq"] is not None else 0
    for carrier, entitlement, amount, _ in clawbacks:
        sums.setdefault((carrier, entitlement), [0, 0, 0])[2] += amount
    statuses = {}
    for row in rows:
        eid, carrier = row.get("entitlement_id", ""), row.get("carrier_id", "")
        key = "entitlement_id=" + eid
        statuses[(carrier, eid)] = row.get("status")
        approved, disbursed, recovered = sums.pop((carrier, eid), [0, 0, 0])
        try:
            amount = int(row.get("amount_fen", ""))
        except ValueError:
            found.add("row %d (%s): amount_fen is not a number" % (row["_row"], key))
            continue
        active = row.get("status") == "active"
        want = {"approved_fen": approved, "disbursed_fen": disbursed, "recovered_fen": recovered,
                "outstanding_fen": max(0, amount - approved) if active else 0,
                "clawback_due_fen": 0 if active else max(0, disbursed - recovered)}
        for column, fen in want.items():
            found.cell(row, key, column, fen)
        rule_id, _, of = eid.partition(":")
        found.cell(row, key, "rule_id", rule_id)
        found.cell(row, key, "carrier_id", of)
        seq = row.get("ruleset_seq", "")
        ruleset = timeline.rulesets.get(int(seq)) if seq.isdigit() else None
        if ruleset is not None and ruleset.get("ruleset_id") != row.get("ruleset_id"):
            ruleset = None
        rule = next((r for r in (ruleset or {}).get("rules", []) if r.get("rule_id") == rule_id),
                    None)
        if rule is None:
            found.add("row %d (%s): no ruleset %r activated by event %s has a rule %s"
                      % (row["_row"], key, row.get("ruleset_id"), seq, rule_id))
            continue
        found.cell(row, key, "clause", rule.get("clause"))
        upgrade = ruleset.get("params", {}).get("upgrade", "full")
        partial = rule.get("upgrade_of") and upgrade != "full"  # the difference, or nothing more
        if amount > rule["amount_fen"] or (amount != rule["amount_fen"] and not partial):
            found.add("row %d (%s), column amount_fen: %d where rule %s of %s awards %d"
                      % (row["_row"], key, amount, rule_id, row.get("ruleset_id"),
                         rule["amount_fen"]))
    for (carrier, eid), s in sorted(sums.items()):
        found.add("has no row of %s at %s, which the events pay or recover %d fen on"
                  % (eid, carrier, s[0] + s[2]))
    found.close("the money of %d entitlements (approved, disbursed, outstanding, claw-back due, "
                "recovered) from the payouts and claw-backs, each amount its ruleset's" % len(rows))
    return statuses


def check_payouts(folder, payouts, statuses, report):
    header, rows = read_csv(folder, "payouts.csv")
    found = Findings("payouts.csv", report)
    left = dict(payouts)
    for row in rows:
        key = "payout_id=" + row.get("payout_id", "")
        p = left.pop((row.get("carrier_id"), row.get("payout_id")), None)
        if p is None:
            found.add("row %d (%s): no such payout in the events" % (row["_row"], key))
            continue
        want = dict(p, amount_yuan=fen_yuan(p["amount_fen"]))
        if p["disbursed_seq"] is not None:
            want["status"] = "disbursed"
        else:  # an approved payout is void once its entitlement is not active
            active = statuses.get((p["carrier_id"], p["entitlement_id"])) == "active"
            want["status"] = "approved" if active else "void"
        for column, value in want.items():
            if column.endswith("_os_user") and value is None and column not in header:
                continue
            found.cell(row, key, column, value)
    for (carrier, payout_id) in sorted(left):
        found.add("lacks the payout %s of %s that the events give" % (payout_id, carrier))
    found.close("%d payouts recomputed from PayoutApproved and PayoutDisbursed" % len(rows))


def check_year_money(folder, files, payouts, clawbacks, report):
    """Each indicators-<year>.csv's money disbursed and clawed back, per carrier and class."""
    years = 0
    for name in sorted(files):
        if not (name.startswith("indicators-") and name.endswith(".csv")):
            continue
        year = name[len("indicators-"):-len(".csv")]
        years += 1
        want = {}
        for p in payouts.values():
            if (p["disbursed_on"] or "")[:4] == year:
                w = want.setdefault(p["carrier_id"], [0, 0])
                w[0] += p["amount_fen"]
        for carrier, _, amount, day in clawbacks:
            if day[:4] == year:
                want.setdefault(carrier, [0, 0])[1] += amount
        _, rows = read_csv(folder, name)
        found = Findings(name, report)
        classes = {}
        for row in rows:
            if row.get("carrier_id"):
                w = want.pop(row["carrier_id"], [0, 0])
                c = classes.setdefault(row.get("assessment_class"), [0, 0])
                c[0], c[1] = c[0] + w[0], c[1] + w[1]
                key = "carrier_id=" + row["carrier_id"]
            else:
                w = classes.get(row.get("assessment_class"), [0, 0])
                key = "class " + row.get("assessment_class", "")
            for column, fen in zip(("values.disbursed_fen", "values.clawed_back_fen"), w):
                have = row.get(column) or "0"
                if have != str(fen):
                    found.add("row %d (%s), column %s: the bundle says %r where the events give "
                              "%d" % (row["_row"], key, column, have, fen))
        for carrier, w in sorted(want.items()):
            found.add("has no row of %s, to whom the events pay %d fen and from whom they recover "
                      "%d fen in %s" % (carrier, w[0], w[1], year))
        found.close("money disbursed and clawed back in %s, per carrier and per class" % year)
    return years


def check_registrations(folder, timeline, report):
    """carriers.csv's registered fields: each registration with its amendments in order."""
    carriers = {}
    for e in timeline.facts:
        d = e["data"]
        if e["type"] == "CarrierRegistered":
            carriers[d["carrier_id"]] = dict(d, registered_on=e["effective_date"],
                                             registered_seq=e["seq"])
        elif e["type"] == "CarrierProfileAmended" and d.get("carrier_id") in carriers:
            carriers[d["carrier_id"]].update(d.get("changes", {}))
    header, rows = read_csv(folder, "carriers.csv")
    found = Findings("carriers.csv", report)
    for row in rows:
        key = "carrier_id=" + row.get("carrier_id", "")
        c = carriers.pop(row.get("carrier_id"), None)
        if c is None:
            found.add("row %d (%s): no such carrier is registered in the events"
                      % (row["_row"], key))
            continue
        for column in REGISTRATION_FIELDS + ["registered_on", "registered_seq"]:
            found.cell(row, key, column, c.get(column))
        operator = c.get("operator") or {}
        for part in ("name", "mode"):
            if "operator." + part in header:
                found.cell(row, key, "operator." + part, operator.get(part))
    for carrier in sorted(carriers):
        found.add("lacks the carrier %s that the events register" % carrier)
    found.close("%d carriers: their registrations with every amendment" % len(rows))


def check_yuan(folder, files, report):
    """Every *_yuan cell of every CSV is its *_fen cell in yuan."""
    cells = 0
    for name in sorted(files):
        if not name.endswith(".csv"):
            continue
        header, rows = read_csv(folder, name)
        pairs = [(c, c[:-len("_yuan")] + "_fen") for c in header
                 if c.endswith("_yuan") and c[:-len("_yuan")] + "_fen" in header]
        found = Findings(name, report)
        for row in rows:
            for yuan, fen in pairs:
                try:
                    want = fen_yuan(int(row[fen])) if row.get(fen) else ""
                except ValueError:
                    want = "(a number in fen)"
                if row.get(yuan) != want:
                    found.add("row %d, column %s: %r is not %s=%r in yuan"
                              % (row["_row"], yuan, row.get(yuan), fen, row.get(fen)))
                cells += 1
        if found.count:
            found.close("")
    report.passed.append("every *_yuan cell of the CSVs (%d) is its *_fen cell in yuan" % cells)


def recompute(folder, manifest, events, report):
    try:
        timeline = Timeline(events, manifest["effective_on"])
        payouts, clawbacks = payouts_of(timeline), clawbacks_of(timeline)
        files = [e["name"] for e in manifest["files"]]
        statuses = check_entitlements(folder, timeline, payouts, clawbacks, report)
        check_payouts(folder, payouts, statuses, report)
        check_year_money(folder, files, payouts, clawbacks, report)
        check_registrations(folder, timeline, report)
        check_yuan(folder, files, report)
    except (OSError, KeyError, TypeError, ValueError, csv.Error) as e:
        report.problems.append("the money and registrations cannot be recomputed: %s: %s"
                               % (type(e).__name__, e))
    for what in NOT_RECOMPUTED:
        report.skipped.append("not recomputed here: " + what)


EVENT_COLUMNS = ("seq", "event_id", "type", "stream", "stream_version", "schema_version",
                 "carrier_id", "effective_date", "recorded_at", "actor_id", "actor_role",
                 "actor_os_user", "document_ref", "note", "command_id", "hash", "prev_hash",
                 "canonical_json")


def event_cells(line):
    """The events table's row of a line of events.jsonl (EVENTS.md's envelope)."""
    e = parse_json(line)
    actor = e.get("actor", {})
    return (e["seq"], e["event_id"], e["type"], e["stream"], e["stream_version"],
            e.get("schema_version", 1), carrier_of(e), e["effective_date"], e["recorded_at"],
            actor.get("id"), actor.get("role"), actor.get("os_user"), e.get("document_ref"),
            e.get("note"), e["command_id"], e["hash"], e["prev_hash"], line)


def same_cell(have, want):
    """Equal in value and in SQLite type (an integer 1 is not a text "1", nor a real 1.0)."""
    return type(have) is type(want) and have == want


def check_database(folder, manifest, root, report):
    """bundle.sqlite, read with the standard library's sqlite3 as immutable: SQLite's integrity
    check, its application id and schema version, its events table equal to events.jsonl row by
    row, and its meta table to the manifest and the root."""
    if not manifest["database"]:
        report.skipped.append("%s: a bundle of format %s has none" % (DATABASE, PRE_DATABASE_FORMAT))
        return
    path = os.path.abspath(os.path.join(folder, DATABASE))
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as e:
        report.problems.append("%s cannot be read: %s" % (DATABASE, e))
        return
    if header[:16] == b"SQLite format 3\x00" and header[18:20] != b"\x01\x01":
        report.problems.append("%s is not in rollback-journal mode (header bytes 18-19 are %d, %d): "
                               "other readers would read a log beside it"
                               % (DATABASE, header[18], header[19]))
        return
    uri = "file:" + urllib.parse.quote(path) + "?immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as e:
        report.problems.append("%s cannot be opened: %s" % (DATABASE, e))
        return
    before = len(report.problems)
    progress = Progress("comparing with %s's events" % DATABASE,
                        manifest["to"] - manifest["from"] + 1)
    try:
        verdict = db.execute("PRAGMA integrity_check(1)").fetchone()
        if verdict != ("ok",):
            report.problems.append("%s fails SQLite's integrity check: %s" % (DATABASE, verdict))
            return
        encoding = db.execute("PRAGMA encoding").fetchone()[0]
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        if encoding != "UTF-8" or free != 0:
            report.problems.append("%s is encoded in %s with %d free pages, where export writes "
                                   "UTF-8 and leaves none" % (DATABASE, encoding, free))
            return
        ids = (db.execute("PRAGMA application_id").fetchone()[0],
               db.execute("PRAGMA user_version").fetchone()[0])
        if ids != (DATABASE_APPLICATION_ID, DATABASE_SCHEMA_VERSION):
            report.problems.append("%s is not a Hatchery bundle database of schema version %d "
                                   "(application_id %d, user_version %d)"
                                   % ((DATABASE, DATABASE_SCHEMA_VERSION) + ids))
            return
        rows = db.execute("SELECT %s FROM events ORDER BY rowid" % ", ".join(EVENT_COLUMNS))
        with open(os.path.join(folder, "events.jsonl"), "rb") as f:
            for n, raw in enumerate(f, start=1):
                progress.update(n)
                want = event_cells(raw[:-1].decode("utf-8"))
                have = rows.fetchone()
                if have is None:
                    report.problems.append("%s table events lacks the row of events.jsonl line "
                                           "%d (seq %d)" % (DATABASE, n, want[0]))
                    return
                for column, h, w in zip(EVENT_COLUMNS, have, want):
                    if not same_cell(h, w):
                        report.problems.append(
                            "%s table events row %d (seq %r), column %s: the bundle says %r "
                            "where events.jsonl line %d gives %r"
                            % (DATABASE, n, have[0], column, h, n, w))
                        return
        extra = rows.fetchone()
        if extra is not None:
            report.problems.append("%s table events has a row (seq %r) that events.jsonl does "
                                   "not give" % (DATABASE, extra[0]))
            return
        meta = dict(db.execute("SELECT key, value FROM meta"))
        text = lambda v: None if v is None else str(v)
        want = {"bundle_format": FORMAT, "software": manifest["software"],
                "origin": manifest["origin"], "tree_size": str(manifest["size"]),
                "from_seq": str(manifest["from"]), "to_seq": str(manifest["to"]),
                "effective_on": manifest["effective_on"], "year": text(manifest["year"]),
                "issuer": manifest["issuer"] or None}
        if root is not None:  # else the proof did not hold, and says so
            want["root"] = root.hex()
        for key, value in want.items():
            if not same_cell(meta.get(key, "(none)"), value):
                report.problems.append("%s table meta, key %s: the bundle says %r where the "
                                       "manifest and proof give %r"
                                       % (DATABASE, key, meta.get(key, "(none)"), value))
    except (sqlite3.Error, OSError, ValueError, KeyError, UnicodeDecodeError) as e:
        report.problems.append("%s cannot be checked: %s: %s" % (DATABASE, type(e).__name__, e))
    finally:
        progress.end()
        db.close()
    if len(report.problems) == before:
        report.passed.append("%s: SQLite's integrity check, the events table equal to "
                             "events.jsonl, the meta table to the manifest and the root" % DATABASE)
    report.skipped.append("not checked here: %s's schema and view tables (`hatchery verify-export` "
                          "checks that they are the ones export makes, equal to the projections "
                          "recomputed from the events)" % DATABASE)


def verify(folder, keys=(), allow_unsigned=False):
    report = Report()
    try:
        _verify(folder, keys, allow_unsigned, report)
    except Exception as e:  # a file shaped as no check foresaw: a problem, never a traceback
        report.problems.append("the bundle cannot be checked further: %s: %s"
                               % (type(e).__name__, e))
    return report


def _verify(folder, keys, allow_unsigned, report):
    manifest = read_manifest(folder, report)
    if manifest is not None:
        check_files(folder, manifest, report)
        events = []
        hashes = check_events(folder, manifest, report, events)
        root = check_proof(folder, manifest, hashes, report)
        check_checkpoint(folder, manifest, root, keys, allow_unsigned, report)
        if hashes is None:
            report.skipped.append("%s: the events did not check out" % DATABASE)
        else:
            check_database(folder, manifest, root, report)
        if hashes is None or root is None:
            report.skipped.append("the money and registrations: the events or the proof did not "
                                  "check out")
        elif manifest["from"] != 1 or manifest["to"] != manifest["size"]:
            report.skipped.append("the money and registrations: events.jsonl holds events %d..%d, "
                                  "not all of 1..%d they are as of"
                                  % (manifest["from"], manifest["to"], manifest["size"]))
        else:
            with Status("recomputing the money and registrations from %d events" % len(events)):
                recompute(folder, manifest, events, report)


def main(argv):
    parser = argparse.ArgumentParser(
        prog="verify_export.py", description="Checks a Hatchery export bundle with nothing but "
        "the Python 3 standard library.")
    parser.add_argument("bundle", nargs="?", help="the bundle's folder")
    parser.add_argument("--pubkey", action="append", default=[], metavar="FILE",
                        help="a verifier key file the checkpoint must be signed by (repeatable)")
    parser.add_argument("--allow-unsigned", action="store_true",
                        help="check a bundle without its signature (none on it, or no --pubkey); "
                        "the output warns that nothing shows who made it")
    parser.add_argument("--self-test", action="store_true",
                        help="check the Ed25519 code on RFC 8032's vectors")
    args = parser.parse_args(argv[1:])
    if args.self_test:
        failures = self_test()
        for failure in failures:
            print("FAIL " + failure)
        print("Ed25519: %s" % ("RFC 8032's vectors check out" if not failures else "broken"))
        return 1 if failures else 0
    if args.bundle is None:
        parser.print_usage(sys.stderr)
        return 2
    keys = []
    for path in args.pubkey:
        try:
            with open(path, encoding="utf-8") as f:
                keys.append(parse_verifier_key(f.read()))
        except (OSError, ValueError, UnicodeDecodeError) as e:
            sys.stderr.write("verify_export.py: --pubkey %s: %s\n" % (path, e))
            return 2
    report = verify(args.bundle, keys, args.allow_unsigned)
    report.print(sys.stdout)
    if report.problems:
        n = len(report.problems)
        print("%s: %d problem%s" % (args.bundle, n, "" if n == 1 else "s"))
        return 1
    print("%s: the bundle checks out%s (see what was not checked above)"
          % (args.bundle, " BUT ITS SIGNATURE WAS NOT CHECKED" if report.warnings else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
