import CRdKafka

/// A consumer in a group: subscribes, is assigned partitions, stores offsets only
/// once their events are handled, and commits what was stored.
///
/// Rebalances arrive as events on the consumer queue and are answered here: a
/// newly assigned partition starts at the group's committed offset or, with none,
/// at the log end, fixed (and committed) before the assignment is announced, so
/// that an event produced after `assigned` is never skipped.
final class RDKafkaGroupConsumer: @unchecked Sendable {
    // @unchecked Sendable: `poll` runs on one thread; every other method calls
    // thread-safe librdkafka functions only.

    /// What one poll of the consumer queue brought.
    enum Event {
        case message(RawMessage)
        case assigned([TopicPartition])
        case revoked([TopicPartition])
    }

    let client: RDKafkaClient
    private let queue: OpaquePointer

    init(settings: KafkaClientSettings, groupID: String, overrides: [(String, String)] = []) throws(KafkaFailure) {
        client = try RDKafkaClient.make(
            .consumer, settings: settings,
            overrides: [
                ("group.id", groupID),
                ("enable.auto.commit", "true"),
                ("auto.commit.interval.ms", "1000"),
                // An offset is stored by hand once the event's handlers have run.
                ("enable.auto.offset.store", "false"),
                ("auto.offset.reset", "latest"),
                ("allow.auto.create.topics", "true"),
                // Events should reach handlers promptly even where a broker does not long-poll.
                ("fetch.wait.max.ms", "100"),
            ] + overrides,
            events: Int32(RD_KAFKA_EVENT_REBALANCE | RD_KAFKA_EVENT_FETCH | RD_KAFKA_EVENT_OFFSET_COMMIT),
            forwardMainQueueToConsumer: true)
        queue = rd_kafka_queue_get_consumer(client.handle)!
    }

    deinit {
        rd_kafka_queue_destroy(queue)
    }

    /// Subscribes to exactly these topics (replacing the previous set).
    func subscribe(_ topics: [String]) throws(KafkaFailure) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let code = rd_kafka_subscribe(client.handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.failure(code, while: "subscribe") }
    }

    /// Waits up to `timeoutMilliseconds` for the next event; handles log lines,
    /// errors and rebalances itself and hands on what the caller needs.
    func poll(timeoutMilliseconds: Int32, _ body: (Event) -> Void) {
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds) else { return }
        defer { rd_kafka_event_destroy(event) }
        switch rd_kafka_event_type(event) {
        case Int32(RD_KAFKA_EVENT_FETCH):
            while let message = rd_kafka_event_message_next(event) {
                let raw = message.pointee
                guard raw.err == RD_KAFKA_RESP_ERR_NO_ERROR, let rkt = raw.rkt else {
                    client.logger.debug("consume: \(String(cString: rd_kafka_err2str(raw.err)))")
                    continue
                }
                client.markBrokersReachable()
                var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                let timestamp = rd_kafka_message_timestamp(message, &timestampType)
                body(.message(RawMessage(
                    topic: String(cString: rd_kafka_topic_name(rkt)), partition: raw.partition, offset: raw.offset,
                    timestampMillis: timestamp >= 0 ? timestamp : nil,
                    key: raw.key.map { UnsafeRawBufferPointer(start: $0, count: raw.key_len) },
                    value: raw.payload.map { UnsafeRawBufferPointer(start: $0, count: raw.len) })))
            }
        case Int32(RD_KAFKA_EVENT_REBALANCE):
            rebalance(event, body)
        default:
            client.serveEvent(event)
        }
    }

    private func rebalance(_ event: OpaquePointer, _ body: (Event) -> Void) {
        let list = rd_kafka_event_topic_partition_list(event)!
        let partitions = Self.partitions(list)
        if rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            let copy = rd_kafka_topic_partition_list_copy(list)!
            defer { rd_kafka_topic_partition_list_destroy(copy) }
            placeAtCommittedOrEnd(copy)
            rd_kafka_assign(client.handle, copy)
            body(.assigned(partitions))
        } else {
            body(.revoked(partitions))
            rd_kafka_commit(client.handle, nil, 0)
            rd_kafka_assign(client.handle, nil)
        }
    }

    /// Committed offsets where the group has them; the log end, committed at once,
    /// where it has none (auto.offset.reset=latest, made explicit).
    private func placeAtCommittedOrEnd(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let timeout = client.settings.timeoutMilliseconds
        rd_kafka_committed(client.handle, list, timeout)
        let fresh = rd_kafka_topic_partition_list_new(list.pointee.cnt)!
        defer { rd_kafka_topic_partition_list_destroy(fresh) }
        for index in 0..<Int(list.pointee.cnt) where list.pointee.elems[index].offset < 0 {
            let element = list.pointee.elems[index]
            rd_kafka_topic_partition_list_add(fresh, element.topic, element.partition).pointee.offset = -1
        }
        guard fresh.pointee.cnt > 0 else { return }
        guard rd_kafka_offsets_for_times(client.handle, fresh, timeout) == RD_KAFKA_RESP_ERR_NO_ERROR else {
            // Leave those to auto.offset.reset.
            return
        }
        for index in 0..<Int(fresh.pointee.cnt) {
            let end = fresh.pointee.elems[index]
            guard end.err == RD_KAFKA_RESP_ERR_NO_ERROR, end.offset >= 0 else { continue }
            if let target = rd_kafka_topic_partition_list_find(list, end.topic, end.partition) {
                target.pointee.offset = end.offset
            }
        }
        rd_kafka_commit(client.handle, fresh, 1)
    }

    private static func partitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        (0..<Int(list.pointee.cnt)).map {
            TopicPartition(topic: String(cString: list.pointee.elems[$0].topic), partition: list.pointee.elems[$0].partition)
        }
    }

    /// Marks everything before `offset` as handled; committed with the next auto commit.
    func store(_ partition: TopicPartition, next offset: Int64) {
        let list = rd_kafka_topic_partition_list_new(1)!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        // Fails for a partition revoked meanwhile: its new owner reads the event again.
        _ = rd_kafka_offsets_store(client.handle, list)
    }

    /// Stops or restarts fetching some partitions (backpressure from slow handlers).
    func setPaused(_ paused: Bool, _ partitions: [TopicPartition]) {
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
        _ = paused ? rd_kafka_pause_partitions(client.handle, list) : rd_kafka_resume_partitions(client.handle, list)
    }

    /// Commits the stored offsets and waits for the answer.
    func commitStored() {
        _ = rd_kafka_commit(client.handle, nil, 0)
    }

    /// Leaves the group: revokes, commits, and closes, serving the queue meanwhile.
    func close(_ body: (Event) -> Void) {
        if let error = rd_kafka_consumer_close_queue(client.handle, queue) {
            client.logger.debug("close: \(String(cString: rd_kafka_error_string(error)))")
            rd_kafka_error_destroy(error)
            return
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(client.settings.timeoutMilliseconds))
        while rd_kafka_consumer_closed(client.handle) == 0 && ContinuousClock.now < deadline {
            poll(timeoutMilliseconds: 100, body)
        }
    }
}
