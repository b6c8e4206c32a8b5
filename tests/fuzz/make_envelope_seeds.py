#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_envelope: valid Envelopes of every kind, hostile ones and
broken ones. Protobuf is encoded by hand so no protobuf module is needed."""
import os
import sys


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wt, payload):
    key = varint((num << 3) | wt)
    if wt == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def s(num, text):
    return field(num, 2, text if isinstance(text, bytes) else text.encode())


def u(num, v):
    return field(num, 0, v)


def result(domain, test, status, ev=(), seq=1):
    body = u(1, 1) + s(2, domain) + s(3, test) + u(4, status)
    for k, v in ev:
        body += s(5, s(1, k) + s(2, v))
    body += s(6, "rfc4033") + u(7, 1764400000000) + u(8, seq)
    return body


def env(seq, num, body):
    return u(1, seq) + s(num, body)


def main(out):
    os.makedirs(out, exist_ok=True)
    seeds = {
        "hello": env(1, 2, u(1, 1) + s(2, "peil-agent 0.1.0") + s(3, u(1, 1) + u(2, 1) + s(3, "lab A"))),
        "welcome": env(2, 3, u(1, 1) + s(2, "agent-a") + u(3, 41) + u(4, 10000)),
        "task_request": env(3, 4, u(1, 7) + u(2, 8) + u(3, 10000)),
        "task_list": env(4, 5, u(1, 8) + s(2, "signed.test") + s(2, "unsigned.test") + u(4, 1764400000) + u(5, 30) + u(6, 0) + u(7, 2)),
        "batch": env(5, 6, u(1, 42) + s(2, result("signed.test", "web_dnssec_valid", 1, [("dnssec", "secure")], 1))
                     + s(2, result("bogus.test", "web_dnssec_valid", 2, [("why_bogus", "signature crypto failed")], 2))),
        "batch_hostile_strings": env(6, 6, u(1, 43) + s(2, result("evil\".test", "web_dnssec_valid", 1,
                     [("k\n\x01", "\"\\\x7f\xff\xfe"), ("json", "\u2028</script>")], 3))),
        "batch_bad_status": env(7, 6, u(1, 44) + s(2, result("a.test", "x", 99))),
        "batch_long_domain": env(8, 6, u(1, 45) + s(2, result("a" * 300 + ".test", "web_ipv6_ws_address", 1))),
        "batch_many_evidence": env(9, 6, u(1, 46) + s(2, result("a.test", "web_ipv6_ws_address", 1, [("k", "v")] * 300))),
        "ack": env(10, 7, u(1, 42)),
        "error_gap": env(11, 8, u(1, 2) + s(2, "batch sequence gap") + u(3, 40)),
        "empty": b"",
        "no_body": u(1, 5),
        "truncated": env(5, 6, u(1, 42) + s(2, result("signed.test", "web_dnssec_valid", 1)))[:-7],
        "length_overflow": b"\x32\xff\xff\xff\xff\x0f\x08\x01",
        "garbage": bytes(range(256)),
        "deep_unknown_fields": u(1, 1) + field(99, 2, b"\x00" * 64) + env(0, 7, u(1, 1)),
        "two_bodies": env(1, 7, u(1, 1)) + env(1, 2, u(1, 1)),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "seeds", "envelope"))
