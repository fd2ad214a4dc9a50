# Owns: an independent check of the ledger's author signatures, written from
# ARCHITECTURE.md ("Author signatures") alone, with Python's `cryptography` Ed25519 (not
# the Rust implementation the ledger signs with). It must never import or call project
# code: it reads records as JSON lines (what GET /v1/events serves) on standard input.
#
# Prints one line per kind, "<kind> <verified> of <total>", and exits 1 at the first
# signature or key that does not check out. BLAKE3 is not in Python's standard library:
# the plain BLAKE3 of free texts (remark, recipient, advice text, document reference)
# comes with each record as `*_blake3`, computed by the test with the `blake3` crate.
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def parse_key(vkey):
    name, key_id, material = vkey.split("+", 2)
    raw = base64.b64decode(material, validate=True)
    assert raw[0] == 1 and len(raw) == 33, "not an Ed25519 note key"
    public = raw[1:]
    expected = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    assert expected.hex() == key_id, "key id does not match"
    return name, expected, Ed25519PublicKey.from_public_bytes(public)


def check(statement, line, vkey, actor):
    name, key_id, public = parse_key(vkey)
    assert name == actor, f"key named {name}, not {actor}"
    prefix = "\u2014 " + actor + " "
    assert line.startswith(prefix), f"signature line {line!r}"
    blob = base64.b64decode(line[len(prefix):], validate=True)
    assert blob[:4] == key_id and len(blob) == 68, "signature key id"
    public.verify(blob[4:], statement.encode())


def command_id(record):
    stored, actor = record["command_id"], record["actor"]
    return stored[len(actor) + 1:] if stored.startswith(actor + "/") else stored


def main():
    origin, keys = None, {}
    counts = {}
    for line in sys.stdin:
        record = json.loads(line)
        kind, body = record["type"], record["body"]
        actor, cid = record["actor"], command_id(record)
        if kind == "ledger_initialized":
            origin = body["origin"]
            continue
        if kind == "author_key_registered":
            statement = (f"{origin}\nauthor-key v1\nactor {body['actor']}\n"
                         f"key {body['key']}\ncommand {cid}\n")
            check(statement, body["proof"], body["key"], body["actor"])
            keys[body["actor"]] = body["key"]
            counts.setdefault("key", [0, 0])
            counts["key"][0] += 1
            counts["key"][1] += 1
            continue
        if kind == "author_key_revoked":
            if keys.get(body["actor"]) == body["key"]:
                del keys[body["actor"]]
            continue
        if kind == "vote_cast":
            remark = body["remark"]
            lines = (f"vote v1\nround {body['round']}\nlibrary {body['library']}\n"
                     f"choice {body['choice']}\n"
                     f"remark-blake3 {record['remark_blake3'] if remark is not None else '-'}\n")
        elif kind == "certification_signed":
            lines = (f"certification v1\nround {body['round']}\n"
                     f"tally-digest {body['tally_digest']}\n")
        elif kind == "advice_sent":
            lines = (f"advice v1\nadvice {body['advice']}\nround {body['round']}\n"
                     f"recipient-blake3 {record['recipient_blake3']}\n"
                     f"text-blake3 {record['text_blake3']}\n")
        elif kind == "government_decision_recorded":
            lines = (f"government-decision v1\ndecision {body['decision']}\n"
                     f"advice {body['advice']}\nverdict {body['verdict']}\n"
                     f"amount-cents-per-year {body['amount_cents_per_year']}\n"
                     f"period {body['period_start']} {body['period_end']}\n"
                     f"document-reference-blake3 {record['document_reference_blake3']}\n"
                     f"document-blake3 {body['document_blake3']}\n")
        else:
            continue
        total = counts.setdefault(kind, [0, 0])
        total[1] += 1
        if body["signature"] is None:
            continue
        statement = f"{origin}\n{lines}command {cid}\n"
        try:
            check(statement, body["signature"], keys[actor], actor)
        except (InvalidSignature, AssertionError, KeyError) as e:
            print(f"position {record['position']}: {kind} by {actor}: {e!r}")
            sys.exit(1)
        total[0] += 1
    for kind in sorted(counts):
        print(f"{kind} {counts[kind][0]} of {counts[kind][1]}")


main()
