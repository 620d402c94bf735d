#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# bench/scale's reference reader: plain librdkafka (confluent_kafka), no group
# joined, every partition assigned at OFFSET_BEGINNING with enable.partition.eof,
# reading until each partition has reported its end. Writes key<TAB>value per
# event on stdout and "N events from P partitions" on stderr.
#   reader.py BOOTSTRAP                 every hypha_event_* topic (what tail --all reads)
#   reader.py BOOTSTRAP TOPIC...        those topics
import sys

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

bootstrap, wanted = sys.argv[1], sys.argv[2:]
# confluent_kafka insists on a group.id; assign() never joins it, nothing is committed.
consumer = Consumer(
    {
        "bootstrap.servers": bootstrap,
        "group.id": "bench-scale-reference",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    }
)
metadata = consumer.list_topics(timeout=30).topics
if wanted:
    absent = [t for t in wanted if t not in metadata]
    if absent:
        sys.exit(f"reader.py: no topic {absent[0]}")
names = wanted or [t for t in metadata if t.startswith("hypha_event_")]
assigned = [TopicPartition(t, p, OFFSET_BEGINNING) for t in names for p in metadata[t].partitions]
consumer.assign(assigned)
left, count = len(assigned), 0
out = sys.stdout.buffer
while left:
    for message in consumer.consume(1000, 1.0):
        error = message.error()
        if error is None:
            count += 1
            out.write((message.key() or b"") + b"\t" + (message.value() or b"") + b"\n")
        elif error.code() == KafkaError._PARTITION_EOF:
            left -= 1
        else:
            sys.exit(f"reader.py: {error}")
out.flush()
consumer.close()
print(f"{count} events from {len(assigned)} partitions", file=sys.stderr)
