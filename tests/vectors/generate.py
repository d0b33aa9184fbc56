#!/usr/bin/env python3
"""Generates events.jsonl: known-answer vectors for the canonical form and hash (AUDIT.md §1).

Independent of the C++ code on purpose: RFC 8785 for the integer-only subset is Python's json
module with sorted keys (by UTF-16 code units, as RFC 8785 requires), no white space and no ASCII
escaping. Run it only to add vectors; the committed file is the reference the tests hold the C++
code to. Standard library only.
"""
import hashlib
import json
import sys


def jcs(value):
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(jcs(k) + ":" + jcs(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        assert abs(value) <= 2**53
        return str(value)
    raise TypeError(value)


ACTOR = {"id": "clerk.wang", "role": "admin"}
# A local write records the operating-system user that ran it beside the actor it claims.
LOCAL_ACTOR = {"id": "finance.li", "os_user": "li", "role": "admin"}
CASES = [
    ("CarrierRegistered", "carrier/tl-mk-007", "2021-06-18", None, None, {
        "carrier_id": "tl-mk-007", "name": "开鲁县玉米生物众创空间", "kind": "maker_space",
        "category": "social", "host_type": "leading_enterprise", "industry": "corn_bio",
        "county": "kailu", "operator": {"name": "内蒙古某专业孵化机构", "mode": "professional_institution"},
        "area_m2": 3500}),
    ("AccreditationGranted", "carrier/tl-mk-007", "2023-09-01", "内科发〔2023〕118号",
     "tab\there, newline\nthere, quote \" backslash \\ and bell \u0007", {
        "carrier_id": "tl-mk-007", "level": "regional", "mode": "filed",
        "authority": "内蒙古自治区科学技术厅"}),
    ("FundEstablished", "carrier/tl-inc-002", "2024-01-15", None, None, {
        "fund_id": "seed-2024", "carrier_id": "tl-inc-002", "fund_type": "seed",
        "size_fen": 9007199254740992, "social_capital_fen": 9007199254740991,
        "negative_probe": -9007199254740992}),
    ("AnnualReportSubmitted", "carrier/tl-inc-002", "2025-03-20", None, "年报 ✓ 𝒳 \u007f end", {
        "carrier_id": "tl-inc-002", "year": 2024,
        "metrics": {"incubated_firms": 41, "graduated_firms": 6, "rd_spend_fen": 123456789,
                    "nested": {"list": [1, [2, [3, {"deep": True, "none": None}]]], "empty": {}}}}),
    ("BrandOutputFiled", "carrier/tl-inc-001", "2024-05-06", "通科发〔2024〕9号", None, {
        "filing_id": "bo-2024-01", "provider_id": "tl-inc-001",
        "recipient": {"name": "扎鲁特旗创业园"}, "service": "brand_output",
        "planned_start": "2024-06-01",
        # keys that sort differently by UTF-16 code units than by code points
        "\ue000": "private use", "\U0001f600": "emoji key", "z": "ascii"}),
    ("PayoutApproved", "carrier/tl-inc-002", "2025-04-01", None, None, {
        "payout_id": "pay-2025-01", "carrier_id": "tl-inc-002", "entitlement_id": "R1:tl-inc-002",
        "amount_fen": 10000000}),
]
LOCAL_WRITES = {6}  # case numbers recorded by LOCAL_ACTOR


def main():
    prev = "0" * 64
    versions = {}
    for i, (etype, stream, date, ref, note, data) in enumerate(CASES, start=1):
        versions[stream] = versions.get(stream, 0) + 1
        event = {
            "command_id": f"kat-{i}", "stream": stream, "type": etype, "effective_date": date,
            "data": data, "seq": i, "event_id": f"0193a5f0-0000-7000-8000-{i:012x}",
            "stream_version": versions[stream], "schema_version": 1,
            "recorded_at": f"2026-11-27T10:00:{i:02d}.{i * 111111:06d}Z", "actor": LOCAL_ACTOR if i in LOCAL_WRITES else ACTOR,
            "prev_hash": prev,
        }
        if ref is not None:
            event["document_ref"] = ref
        if note is not None:
            event["note"] = note
        canonical = jcs(event).encode("utf-8")
        digest = hashlib.sha256(canonical).hexdigest()
        event["hash"] = digest
        sys.stdout.write(json.dumps({"event": event, "canonical_utf8_hex": canonical.hex(),
                                     "hash": digest}, ensure_ascii=False) + "\n")
        prev = digest


if __name__ == "__main__":
    main()
