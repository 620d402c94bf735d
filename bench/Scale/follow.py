#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# bench/scale's follow measurement, run while `hyphactl tail --all -f jsonl` writes
# to OUT. First waits (at most READY seconds) until tail shows an event sent to an
# existing topic, so it is reading; then creates topic hypha_event_<EVENT>, sends
# one d: event to it and waits (at most BOUND seconds) for its line in OUT.
# Prints the seconds from CreateTopics to the line, "timeout", or "not-ready".
#   follow.py BOOTSTRAP OUT EVENT PROBE_EVENT PARTITIONS BOUND READY
import json
import sys
import time
import uuid

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

bootstrap, out, event, probe = sys.argv[1:5]
partitions, bound, ready = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
producer = Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random", "acks": "all"})
admin = AdminClient({"bootstrap.servers": bootstrap})


def send(name, marker):
    producer.produce(f"hypha_event_{name}", json.dumps({"marker": marker}).encode(), key=f"d:{name}".encode())
    if producer.flush(10) != 0:
        sys.exit(f"follow.py: an event to {name} was not acknowledged in 10 s")


def shows(marker):
    with open(out, "rb") as f:
        return marker.encode() in f.read()


marker = uuid.uuid4().hex
deadline = time.monotonic() + ready
next_send = 0.0
while not shows(marker):
    now = time.monotonic()
    if now > deadline:
        print("not-ready")
        sys.exit(0)
    if now >= next_send:  # again every second, in case tail was not assigned yet
        send(probe, marker)
        next_send = now + 1
    time.sleep(0.02)

marker = uuid.uuid4().hex
started = time.monotonic()
admin.create_topics([NewTopic(f"hypha_event_{event}", partitions, 1)], operation_timeout=30)[
    f"hypha_event_{event}"
].result()
send(event, marker)
while not shows(marker):
    if time.monotonic() - started > bound:
        print("timeout")
        sys.exit(0)
    time.sleep(0.02)
print(f"{time.monotonic() - started:.3f}")
