#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_agent_request: conversations of one or two agents with the
collector (Hello, TaskRequest, ResultBatch), framed as fuzz_agent_request.c reads them."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_envelope_seeds import env, result, s, u  # noqa: E402

M64 = (1 << 64) - 1


def frame(body, dt=0, second=False):
    h = (dt & 0x7F) | (0x80 if second else 0)
    return bytes([h, len(body) >> 8, len(body) & 0xFF]) + body


def hello(seq=1, version=1, desc="lab A", first=0, instance=0, vantage=True):
    body = u(1, version) + s(2, "peil-agent 0.1.0")
    if vantage:
        body += s(3, u(1, 1) + u(2, 1) + s(3, desc))
    if first:
        body += u(4, first)
    if instance:
        body += u(5, instance)
    return env(seq, 2, body)


def task_request(seq=2, done=0, round_id=0, offset=0):
    body = b""
    if done:
        body += u(1, done)
    if round_id:
        body += u(2, round_id)
    if offset:
        body += u(3, offset)
    return env(seq, 4, body)


def batch(seq, batch_seq, instance=0, n=1):
    body = u(1, batch_seq)
    for i in range(n):
        body += s(2, result("a.test", "web_dnssec_valid", 1, [("dnssec", "secure")], i + 1))
    if instance:
        body += u(3, instance)
    return env(seq, 6, body)


def main(out):
    os.makedirs(out, exist_ok=True)
    seeds = {
        "hello": frame(hello()),
        "hello_no_vantage": frame(hello(vantage=False)),
        "hello_bad_version": frame(hello(version=2)) + frame(hello(version=0)),
        "hello_hostile_description": frame(hello(desc="\x01\x1b[31mred\x7f\n" + "\u00e9" * 300)),
        "round_paged": frame(hello(first=1, instance=7)) + frame(task_request())
                       + frame(task_request(3, 0, 1, 2)) + frame(task_request(4, 0, 1, 5))
                       + frame(task_request(5, 1, 0, 0), dt=30),
        "round_two_agents": frame(hello(instance=1)) + frame(hello(instance=2), second=True)
                            + frame(task_request(2, 1), dt=1)
                            + frame(task_request(2, 1), second=True, dt=1)
                            + frame(task_request(3, 1)),
        "task_offset_past_end": frame(task_request(2, 0, 1, 0xFFFFFFFF)),
        "task_old_round": frame(task_request(2, 0, 7, 3)),
        "task_done_future": frame(task_request(2, M64, M64, 1)),
        "instance_conflict": frame(hello(instance=1)) + frame(hello(instance=2), dt=1)
                             + frame(batch(3, 1, instance=2)) + frame(hello(instance=2), dt=70)
                             + frame(batch(5, 1, instance=2)) + frame(batch(6, 1, instance=1)),
        "sequence": frame(hello(first=100)) + frame(batch(2, 100, n=2)) + frame(batch(3, 102))
                    + frame(batch(4, 100)) + frame(hello(5, first=50), dt=7)
                    + frame(hello(6, first=300), dt=7),
        "sequence_top": frame(hello(first=M64)) + frame(batch(2, M64)) + frame(hello(3, first=5)),
        "unchanged_hello": frame(hello()) + frame(hello(2), dt=1) + frame(hello(3), dt=6)
                           + frame(hello(4, desc="lab B")),
        "not_a_message": frame(b"\xff\xff\xff") + frame(b"") + b"\x00\xff",
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "seeds", "agent_request"))
