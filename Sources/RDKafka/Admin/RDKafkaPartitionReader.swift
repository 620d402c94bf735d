// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import KafkaConnection
import RDKafka

/// Starting points librdkafka understands without a query.
package enum StartOffset {
    package static let beginning: Int64 = -2
    package static let end: Int64 = -1
    /// The last `count` messages of the partition.
    package static func tail(_ count: Int64) -> Int64 { -2000 - count }
}

/// Reads partitions with librdkafka's simple consumer: no group is joined,
/// no offset is committed, so no Hypha server's position is touched.
package final class RDKafkaPartitionReader: @unchecked Sendable {
    // @unchecked Sendable: driven by one blocking loop at a time; the handle and
    // queue are thread-safe in librdkafka, the rest is immutable after init.

    package let client: RDKafkaClient
    private let queue: OpaquePointer
    private var started: [(topic: OpaquePointer, partition: Int32)] = []
    /// Partitions paused since they were started.
    private var paused: [TopicPartition] = []
    private var topicNames: [OpaquePointer: String] = [:]
    /// The handle of each topic started so far: a reader started again (in
    /// rounds) takes the same one rather than another reference to release.
    private var topicHandles: [String: OpaquePointer] = [:]
    /// The last topic looked up in `topicNames`: batches mostly hold one topic.
    private var lastTopic: (handle: OpaquePointer, name: String)?
    private var batch: [UnsafeMutablePointer<rd_kafka_message_t>?]

    /// A reader; `fetchWaitMilliseconds` is how long the broker may hold a fetch
    /// for data (see below), shorter for a reader whose connection also carries
    /// other requests, which the broker answers only after the fetch.
    /// `brokersProbe` is `RDKafkaClient.make`'s, for a reader that serves as an
    /// admin too.
    package init(
        settings: KafkaClientSettings, batchSize: Int = 4096, fetchWaitMilliseconds: Int = 100,
        brokersProbe: Bool = false
    ) throws(KafkaFailure) {
        var overrides = [
            ("enable.partition.eof", "true"),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("auto.offset.reset", "earliest"),
            // Some brokers (Tansu) hold a fetch for its whole wait even with data
            // ready, so a long wait is pure loss while catching up; but a wait too
            // short for the broker to go through every partition of the request
            // (Tansu with 4,000 partitions and 10 ms) brings answers without them,
            // and reading them to their ends took minutes. 100 ms costs a single
            // busy partition nothing measurable (bench/run) and reads 1,000 topics
            // of 4 partitions faster than a plain librdkafka consumer (bench/scale).
            ("fetch.wait.max.ms", String(fetchWaitMilliseconds)),
            // Read ahead 20,000 messages or 4 MB, not librdkafka's 100,000 and 64 MB:
            // the same speed for a reader that keeps up, and memory that stays the
            // same however long the tail (bench/run: 100,000 and 1,000,000 events).
            ("queued.min.messages", "20000"),
            ("queued.max.messages.kbytes", "4096"),
            // At most 1 MB per fetch answer. Some brokers (Tansu) fill an answer up to
            // fetch.max.bytes (50 MB) whatever max.partition.fetch.bytes says, and
            // then peak memory depends on how the answers happened to fall; a
            // message bigger than this still comes whole.
            ("fetch.max.bytes", "1048576"),
        ]
        // A full local queue makes librdkafka pause fetching for a whole second
        // (fetch.queue.backoff.ms, from 2.1.0): a reader that drains in batches
        // wants the next fetch as soon as there is room.
        if rd_kafka_version() >= 0x0201_0000 { overrides.append(("fetch.queue.backoff.ms", "10")) }
        client = try RDKafkaClient.make(
            .consumer, settings: settings, overrides: overrides, brokersProbe: brokersProbe)
        queue = client.withHandle { rd_kafka_queue_new($0) }!
        batch = Array(repeating: nil, count: batchSize)
    }

    deinit {
        stop()
        rd_kafka_queue_destroy(queue)
        topicNames.keys.forEach { rd_kafka_topic_destroy($0) }
    }

    /// Starts fetching each partition from its offset (absolute or a `StartOffset`).
    /// The topics' handles are made first, then every partition is started at
    /// once: making a handle takes librdkafka tens of microseconds, and partitions
    /// started in between would trickle into the fetch requests over several
    /// rounds, each of which some brokers (Tansu) hold for the whole fetch wait.
    package func start(_ positions: [TopicPartition: Int64]) throws(KafkaFailure) {
        let sorted = positions.sorted { $0.key < $1.key }
        for (position, _) in sorted where topicHandles[position.topic] == nil {
            let handle = client.withHandle { rd_kafka_topic_new($0, position.topic, nil) }!
            topicHandles[position.topic] = handle
            topicNames[handle] = position.topic
        }
        for (position, offset) in sorted {
            let handle = topicHandles[position.topic]!
            guard rd_kafka_consume_start_queue(handle, position.partition, offset, queue) == 0 else {
                throw client.failure(
                    KafkaErrorCode(rd_kafka_last_error()),
                    while: "start reading \(position.topic) [\(position.partition)]")
            }
            started.append((handle, position.partition))
        }
    }

    /// Stops fetching these partitions (read to where they were wanted), in one
    /// call that does not wait for the broker threads: a fetch request asks for
    /// every partition still fetched, and some brokers (Tansu) spend time on
    /// each, so a reader of thousands of partitions keeps only the unfinished
    /// ones in it. `stop()` still ends them (and lifts the pause, which a
    /// partition started again would otherwise keep).
    package func pause(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        withList(partitions) { handle, list in _ = rd_kafka_pause_partitions(handle, list) }
        paused.append(contentsOf: partitions)
    }

    /// `body` with a librdkafka list of `partitions`.
    private func withList(
        _ partitions: [TopicPartition],
        _ body: (OpaquePointer, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void
    ) {
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
        client.withHandle { body($0, list) }
    }

    /// Stops every partition; safe to call more than once.
    package func stop() {
        if !paused.isEmpty {
            // Asked before the stops, so done before them: the pause flag outlives a
            // stop, and a partition started again would never be fetched.
            withList(paused) { handle, list in _ = rd_kafka_resume_partitions(handle, list) }
            paused.removeAll()
        }
        for (topic, partition) in started {
            rd_kafka_consume_stop(topic, partition)
        }
        started.removeAll()
    }

    /// The high watermark the last fetch answer for this partition reported; nil before one arrived.
    package func highWatermark(_ partition: TopicPartition) -> Int64? {
        var low: Int64 = -1
        var high: Int64 = -1
        let code = client.withHandle {
            rd_kafka_get_watermark_offsets($0, partition.topic, partition.partition, &low, &high)
        }
        return code == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
    }

    /// What one read of the queue brought.
    package enum Item {
        case message(RawMessage)
        /// Nothing more in this partition for now; `next` is the offset it would read next.
        case endOfPartition(TopicPartition, next: Int64)
    }

    /// Waits up to `timeoutMilliseconds` for messages and hands each to `body`,
    /// in partition order. Returns how many items `body` got (errors that
    /// librdkafka retries by itself are not counted: they are no sign of a
    /// broker); throws on a partition error that reading cannot get past.
    @discardableResult
    package func read(timeoutMilliseconds: Int32, _ body: (Item) -> Void) throws(KafkaFailure) -> Int {
        let count = batch.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_consume_batch_queue(queue, timeoutMilliseconds, buffer.baseAddress, buffer.count)
        }
        // A reader produces nothing, so no delivery report can come.
        client.serveMainQueue(onDelivery: { _ in })
        guard count > 0 else { return 0 }
        var answered = 0
        var failure: KafkaFailure?
        for index in 0..<count {
            guard let message = batch[index] else { continue }
            defer { rd_kafka_message_destroy(message) }
            let raw = message.pointee
            let topic = raw.rkt.map(topicName) ?? ""
            switch raw.err {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                let timestamp = rd_kafka_message_timestamp(message, &timestampType)
                answered += 1
                body(
                    .message(
                        RawMessage(
                            topic: topic, partition: raw.partition, offset: raw.offset,
                            timestampMillis: timestamp >= 0 ? timestamp : nil,
                            key: raw.key.map { UnsafeRawBufferPointer(start: $0, count: raw.key_len) },
                            value: raw.payload.map { UnsafeRawBufferPointer(start: $0, count: raw.len) })))
            case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                answered += 1
                body(.endOfPartition(TopicPartition(topic: topic, partition: raw.partition), next: raw.offset))
            case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE,
                RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
                // Passing trouble: librdkafka retries on its own; the caller watches
                // `observedEvents.allBrokersDown` to give up after its timeout.
                client.logger.debug("read \(topic) [\(raw.partition)]: \(String(cString: rd_kafka_err2str(raw.err)))")
            default:
                failure = failure ?? client.failure(KafkaErrorCode(raw.err), while: "read \(topic) [\(raw.partition)]")
            }
        }
        if let failure { throw failure }
        return answered
    }

    private func topicName(_ handle: OpaquePointer) -> String {
        if let lastTopic, lastTopic.handle == handle { return lastTopic.name }
        let name = topicNames[handle] ?? String(cString: rd_kafka_topic_name(handle))
        lastTopic = (handle, name)
        return name
    }
}
