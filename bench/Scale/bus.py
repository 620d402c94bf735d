#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Builds bench/scale's bus on an empty broker, the way Hypha servers leave one:
# TOPICS event topics of PARTITIONS partitions, 3 d: events each (key d:<event>,
# Python json.dumps value, murmur2 partitioning), and GROUPS server groups
# hypha_server_<id> with committed offsets on some topics plus one health check
# each. Prints one line per step with its time.
#   bus.py BOOTSTRAP TOPICS PARTITIONS GROUPS
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

EVENTS_PER_TOPIC = 3
TOPICS_PER_GROUP = 20

bootstrap, topics, partitions, groups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
events = [f"scale-{i:04d}" for i in range(topics)]
servers = [f"scale-server-{g:02d}" for g in range(groups)]
started = time.monotonic()


def step(what, since):
    now = time.monotonic()
    print(f"  {what:<58} {now - since:6.2f} s")
    return now


# One CreateTopics request for all of them; health-check topics get 1 partition.
admin = AdminClient({"bootstrap.servers": bootstrap})
wanted = [NewTopic(f"hypha_event_{e}", partitions, 1) for e in events]
wanted += [NewTopic(f"health_check_{s}", 1, 1) for s in servers]
for topic, future in admin.create_topics(wanted, operation_timeout=60, request_timeout=120).items():
    future.result()
known = admin.list_topics(timeout=60).topics
missing = [t.topic for t in wanted if t.topic not in known]
if missing:
    sys.exit(f"bus.py: {len(missing)} topics missing after CreateTopics, e.g. {missing[0]}")
now = step(f"created {topics} event topics x {partitions} + {groups} health topics", started)

# The events, as a Python Hypha server sends them.
landed = {}  # event -> the partition its key hashes to


def delivered(err, msg):
    if err is not None:
        sys.exit(f"bus.py: delivery failed: {err}")
    landed[msg.key().decode()[2:]] = msg.partition()


# One message per produce request: Tansu's ListOffsets counts a batch as one message,
# which would put "latest" (tail's start without --from-beginning) inside a batch.
producer = Producer(
    {"bootstrap.servers": bootstrap, "partitioner": "murmur2_random", "acks": "all", "batch.num.messages": 1}
)
for event in events:
    key = f"d:{event}".encode()
    for i in range(EVENTS_PER_TOPIC):
        value = json.dumps({"i": i, "event": event, "server": "hypha-1", "text": "x" * 32}).encode()
        producer.produce(f"hypha_event_{event}", value, key=key, on_delivery=delivered)
    producer.poll(0)
for server in servers:
    producer.produce(f"health_check_{server}", f"{time.time():.3f}".encode(), key=f"health_check_{server}".encode())
if producer.flush(60) != 0:
    sys.exit("bus.py: events still unacknowledged after 60 s")
now = step(f"produced {topics * EVENTS_PER_TOPIC} events and {groups} health checks", now)

# Each server group: offsets committed on TOPICS_PER_GROUP topics, one event behind
# on the partition holding the events (lag 1), at 0 on the others.
for g, server in enumerate(servers):
    offsets = []
    for k in range(min(TOPICS_PER_GROUP, topics)):
        event = events[(g * 7 + k) % topics]
        for p in range(partitions):
            offsets.append(TopicPartition(f"hypha_event_{event}", p, EVENTS_PER_TOPIC - 1 if p == landed[event] else 0))
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"hypha_server_{server}", "enable.auto.commit": False}
    )
    consumer.commit(offsets=offsets, asynchronous=False)
    consumer.close()
listed = admin.list_consumer_groups(request_timeout=30).result()
ours = [g for g in listed.valid if g.group_id.startswith("hypha_server_scale-server-")]
if len(ours) != groups:
    sys.exit(f"bus.py: the broker lists {len(ours)} of {groups} server groups")
now = step(f"committed offsets for {groups} server groups ({min(TOPICS_PER_GROUP, topics)} topics each)", now)
print(f"  {'the bus, in all':<58} {now - started:6.2f} s")
