#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A Python Hypha server's side of the Kafka event bus, for tests (docs/wire-format.md).

Speaks through aiokafka, the client the Python Hypha server uses, and does on the wire
what that server does. Results are JSON lines on stdout; diagnostics go to stderr.

  produce   --bootstrap B --events FILE|-        send events given as JSON lines
            {"event": "test", "type": "d"|"s"|"b", "data": <JSON value | text | base64>}
            prints {"event","topic","partition","offset","type"} per event
  consume   --bootstrap B --server-id ID --events e1,e2 [--count N] [--from-beginning]
            [--health-interval S] [--no-join]
            joins group hypha_server_<ID>, prints {"ready":true} once its partitions are
            assigned and positioned, then {"event","topic","partition","offset","key","type",
            "data"} per message ("error"/"raw" instead of "data" when a value does not decode)
  partition --bootstrap B (--topic T | --event E) --key K
            prints {"partition":N,"partitions":M}: where aiokafka's default partitioner puts
            key K (UTF-8) on that topic now (asking for its metadata may auto-create it)
  raw       --bootstrap B --topic T      send {"key": text|null, "value": base64|null[, "partition", "timestamp_ms"]} lines
            from stdin exactly as given (for values no Hypha server would send);
            "key_base64" instead of "key" for keys that are not text, "partition" to pick one
  health    --bootstrap B --server-id ID [--count N] [--interval S]
            produces health checks as a server does; prints {"topic","partition","offset","value"}

Exit codes: 0 done; 1 failed (Kafka error, bad input); 2 --timeout ran out. `consume`
without --count reads until --timeout and then exits 0.
"""
import argparse
import asyncio
import base64
import hashlib
import json
import logging
import re
import sys
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.partitioner import DefaultPartitioner

EVENT_PREFIX = "hypha_event_"
MAX_TOPIC = 249
LEGAL_NAME = re.compile(r"[A-Za-z0-9._-]*")
ILLEGAL_CHAR = re.compile(r"[^A-Za-z0-9._-]")
TYPED_KEY = ("d:", "s:", "b:")

log = logging.getLogger("hypha_peer")


def topic_for(event: str) -> str:
    """docs/wire-format.md: legal names unchanged; else sanitised, cut, "." + sha256[:16]."""
    if LEGAL_NAME.fullmatch(event) and len(EVENT_PREFIX) + len(event) <= MAX_TOPIC:
        return EVENT_PREFIX + event
    digest = hashlib.sha256(event.encode("utf-8")).hexdigest()[:16]
    room = MAX_TOPIC - len(EVENT_PREFIX) - 1 - len(digest)
    return EVENT_PREFIX + ILLEGAL_CHAR.sub("_", event)[:room] + "." + digest


def health_topic(server_id: str) -> str:
    return f"health_check_{server_id}"


def encode_value(kind: str, data) -> bytes:
    if kind == "d":
        return json.dumps(data).encode("utf-8")  # Python's defaults, as the server sends
    if kind == "s":
        if not isinstance(data, str):
            raise ValueError(f"type s needs a string, got {type(data).__name__}")
        return data.encode("utf-8")
    if kind == "b":
        return base64.b64decode(data, validate=True)
    raise ValueError(f"unknown type {kind!r} (want d, s or b)")


def decode_message(topic: str, key: bytes | None, value: bytes | None) -> dict:
    """What the Python server makes of a message, as one JSON-able dict."""
    key_text = key.decode("utf-8", "replace") if key is not None else None
    kind = key_text[0] if key_text and key_text[:2] in TYPED_KEY else None
    if kind:
        event = key_text.split(":", 1)[1]
    else:
        event = topic[len(EVENT_PREFIX):] if topic.startswith(EVENT_PREFIX) else topic
    out = {"event": event, "key": key_text, "type": kind}
    if value is None:
        out["data"] = None
        return out
    try:
        if kind == "b":
            out["data"] = base64.b64encode(value).decode("ascii")
        elif kind == "d":
            out["data"] = json.loads(value.decode("utf-8"))
        else:
            out["data"] = value.decode("utf-8")
    except ValueError as exc:  # bad UTF-8 or bad JSON
        out["error"] = str(exc)
        out["raw"] = base64.b64encode(value).decode("ascii")
    return out


async def start(client):
    """client.start(), and stop() it again when that fails, so nothing is left unclosed."""
    try:
        await client.start()
    except BaseException:
        await client.stop()
        raise
    return client


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


def read_events(path: str):
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                ev = json.loads(line)
                yield ev["event"], ev.get("type", "d"), encode_value(ev.get("type", "d"), ev.get("data"))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: bad event line: {exc}") from exc


async def cmd_produce(args) -> None:
    events = list(read_events(args.events))
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, client_id="hypha_peer")
    await start(producer)
    try:
        for event, kind, value in events:
            topic = topic_for(event)
            meta = await producer.send_and_wait(topic, value=value, key=f"{kind}:{event}".encode("utf-8"))
            emit({"event": event, "topic": meta.topic, "partition": meta.partition,
                  "offset": meta.offset, "type": kind})
    finally:
        await producer.stop()


async def cmd_raw(args) -> None:
    """Messages exactly as given, even ones no Hypha server would send (hostile input)."""
    records = []
    for line in sys.stdin:
        if line.strip():
            rec = json.loads(line)
            if "key_base64" in rec:
                key = base64.b64decode(rec["key_base64"])
            else:
                key = rec["key"].encode("utf-8") if rec.get("key") is not None else None
            value = rec.get("value")
            records.append((key, base64.b64decode(value) if value is not None else None, rec.get("partition"),
                            rec.get("timestamp_ms")))
    # Values of several megabytes are part of what hostile input means.
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, client_id="hypha_peer",
                                max_request_size=16 * 1024 * 1024)
    await start(producer)
    try:
        for key, value, partition, timestamp_ms in records:
            # One message per request; timestamp_ms (CreateTime) as the producer sets it.
            meta = await producer.send_and_wait(args.topic, value=value, key=key, partition=partition,
                                                timestamp_ms=timestamp_ms)
            emit({"topic": meta.topic, "partition": meta.partition, "offset": meta.offset})
    finally:
        await producer.stop()


async def send_health(producer, server_id: str) -> dict:
    topic, value = health_topic(server_id), str(time.time())
    meta = await producer.send_and_wait(topic, value=value.encode(), key=topic.encode())
    return {"topic": meta.topic, "partition": meta.partition, "offset": meta.offset, "value": value}


async def cmd_health(args) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, client_id="hypha_peer")
    await start(producer)
    try:
        for i in range(args.count):
            if i:
                await asyncio.sleep(args.interval)
            emit(await send_health(producer, args.server_id))
    finally:
        await producer.stop()


async def cmd_partition(args) -> None:
    topic = args.topic or topic_for(args.event)
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, client_id="hypha_peer")
    await start(producer)
    try:
        partitions = sorted(await producer.partitions_for(topic))
        chosen = DefaultPartitioner()(args.key.encode("utf-8"), partitions, partitions)
        emit({"partition": chosen, "partitions": len(partitions)})
    finally:
        await producer.stop()


class Assignment(ConsumerRebalanceListener):
    def __init__(self):
        self.changed = asyncio.Event()

    async def on_partitions_revoked(self, revoked):
        pass

    async def on_partitions_assigned(self, assigned):
        log.debug("assigned %s", sorted(assigned))
        self.changed.set()


async def heartbeat_health(args) -> None:
    """A server's health checks, every --health-interval seconds."""
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, client_id="hypha_peer_health")
    await start(producer)
    try:
        while True:
            await send_health(producer, args.server_id)
            await asyncio.sleep(args.health_interval)
    finally:
        await producer.stop()


async def cmd_consume(args) -> None:
    events = [e for e in args.events.split(",") if e]
    topics = {topic_for(e) for e in events}
    own_health = health_topic(args.server_id)
    if args.health_interval:
        topics.add(own_health)  # a server also reads its own health topic
    consumer = AIOKafkaConsumer(
        bootstrap_servers=args.bootstrap,
        client_id=f"hypha_peer_{args.server_id}",
        group_id=f"hypha_server_{args.server_id}",
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        enable_auto_commit=True,
        auto_commit_interval_ms=1000,
        # Tansu holds a JoinGroup for the whole rebalance timeout (= max poll interval):
        # keep it short or a join takes 5 minutes.
        session_timeout_ms=6000,
        max_poll_interval_ms=6000,
        heartbeat_interval_ms=1000,
        metadata_max_age_ms=5000,
    )
    listener = Assignment()
    health_task = None
    started = time.monotonic()
    await start(consumer)
    try:
        if args.no_join:
            await consumer.topics()  # metadata, for the partitions of each topic
            consumer.assign([TopicPartition(t, p) for t in sorted(topics)
                             for p in sorted(consumer.partitions_for_topic(t) or [])])
        else:
            consumer.subscribe(topics=sorted(topics), listener=listener)
        if args.health_interval:
            health_task = asyncio.create_task(heartbeat_health(args))
        ready, seen = False, 0
        while args.count is None or seen < args.count:
            limit = None if args.count is None else args.count - seen
            batch = await consumer.getmany(timeout_ms=200, max_records=limit)
            if not ready and {tp.topic for tp in consumer.assignment()} >= topics:
                for tp in consumer.assignment():  # resolve offsets before saying "ready"
                    await consumer.position(tp)
                ready = True
                log.info("ready after %.2f s", time.monotonic() - started)
                emit({"ready": True})
            for tp, records in sorted(batch.items()):
                for r in records:
                    if r.topic == own_health and args.health_interval:
                        continue  # the server keeps these to itself
                    emit({"topic": r.topic, "partition": r.partition, "offset": r.offset,
                          **decode_message(r.topic, r.key, r.value)})
                    seen += 1
        await consumer.commit()
    finally:
        if health_task:
            health_task.cancel()
            await asyncio.gather(health_task, return_exceptions=True)
        await consumer.stop()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before giving up (exit 2)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name, func, help_text):
        s = sub.add_parser(name, help=help_text)
        s.set_defaults(func=func)
        s.add_argument("--bootstrap", required=True, help="host:port[,host:port...]")
        # also accepted after the subcommand
        s.add_argument("--timeout", type=float, default=argparse.SUPPRESS)
        s.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS)
        return s

    s = command("produce", cmd_produce, "send events as a Python Hypha server does")
    s.add_argument("--events", required=True, help="file of JSON lines, or - for stdin")

    s = command("consume", cmd_consume, "read events as a Python Hypha server does")
    s.add_argument("--server-id", required=True)
    s.add_argument("--events", required=True, help="comma-separated event names")
    s.add_argument("--count", type=int, help="stop after N messages (default: read until --timeout)")
    s.add_argument("--from-beginning", action="store_true", help="auto_offset_reset=earliest")
    s.add_argument("--health-interval", type=float, default=0,
                   help="also send health checks every S seconds and read the own health topic")
    s.add_argument("--no-join", action="store_true",
                   help="assign every partition instead of joining: the group gets the commits but no"
                        " member, as a server that stopped leaves it (Tansu 0.6 ignores the member id of"
                        " aiokafka's LeaveGroup v0/v1 and keeps a group it left Stable)")

    s = command("partition", cmd_partition, "where aiokafka's default partitioner puts a key")
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--topic")
    which.add_argument("--event")
    s.add_argument("--key", required=True, help="the key as text, e.g. d:test")

    s = command("raw", cmd_raw, "send messages exactly as given on stdin")
    s.add_argument("--topic", required=True)

    s = command("health", cmd_health, "produce health checks as a server does")
    s.add_argument("--server-id", required=True)
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--interval", type=float, default=0.0, help="seconds between checks")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="hypha_peer: %(levelname)s %(name)s: %(message)s")
    if args.verbose:
        log.setLevel(logging.DEBUG)
    else:
        log.setLevel(logging.INFO)

    async def bounded():
        await asyncio.wait_for(args.func(args), args.timeout)

    try:
        asyncio.run(bounded())
    except (asyncio.TimeoutError, TimeoutError):
        if args.command == "consume" and args.count is None:
            return 0
        print(f"hypha_peer: {args.command}: timed out after {args.timeout:g} s", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line, the way a CLI reports
        print(f"hypha_peer: {args.command} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
