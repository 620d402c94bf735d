// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import Foundation
import KafkaConnection

/// Where reading one partition starts.
package struct PartitionStart: Sendable, Equatable {
    package let partition: Int32
    /// An offset, or nil: librdkafka reads the group's committed offset itself
    /// when fetching starts (and the earliest one where there is none).
    package let offset: Int64?

    package init(partition: Int32, offset: Int64?) {
        self.partition = partition
        self.offset = offset
    }
}

/// A consumer that assigns itself the partitions it reads and commits to a
/// group it never joins: adding or removing a topic is one local call, with no
/// rebalance, so it neither waits for nor disturbs the other partitions. Each
/// Hypha server is the only reader of its group `hypha_server_<id>`: group
/// membership would buy it nothing but the rebalances.
///
/// Every call but `store`, `wake`, `startPositions` and `commitStored` is made
/// from the one thread that polls it.
package final class RDKafkaAssignedConsumer: @unchecked Sendable {
    // @unchecked Sendable: `store`, `wake`, `startPositions` and `commitStored`
    // call thread-safe librdkafka functions (each with a queue of its own);
    // everything else is called from the polling thread only.

    /// What the polling thread is told about.
    package struct Listener {
        /// A message (its bytes valid only during the call).
        package var message: (RawMessage) -> Void
        /// A fatal error: the consumer is unusable from now on.
        package var fatal: (String) -> Void

        package init(message: @escaping (RawMessage) -> Void, fatal: @escaping (String) -> Void) {
            self.message = message
            self.fatal = fatal
        }
    }

    package let client: RDKafkaClient
    private let groupID: String
    private let queue: OpaquePointer

    package init(settings: KafkaClientSettings, groupID: String, overrides: [(String, String)] = [])
        throws(KafkaFailure)
    {
        self.groupID = groupID
        client = try RDKafkaClient.make(
            .consumer, settings: settings,
            overrides: [
                ("group.id", groupID),
                ("enable.auto.commit", "true"),
                ("auto.commit.interval.ms", "1000"),
                // An offset is stored by hand once the event's handlers have run.
                ("enable.auto.offset.store", "false"),
                // Hypha's `latest` for a group that never committed is placed
                // explicitly (`startPositions`); what librdkafka resets by itself
                // is a position the log no longer has (retention, or a truncation
                // found by leader epoch validation): read on from the earliest
                // offset kept, for "latest" there would skip events (at-least-once).
                ("auto.offset.reset", "earliest"),
                ("allow.auto.create.topics", "true"),
                // Events should reach handlers promptly even where a broker does not long-poll.
                ("fetch.wait.max.ms", "100"),
            ] + overrides,
            events: Int32(RD_KAFKA_EVENT_FETCH | RD_KAFKA_EVENT_OFFSET_COMMIT),
            forwardMainQueueToConsumer: true)
        queue = client.withHandle { rd_kafka_queue_get_consumer($0) }!
    }

    deinit {
        rd_kafka_queue_destroy(queue)
    }

    /// Ends a `poll` that is waiting (from any thread).
    package func wake() {
        rd_kafka_queue_yield(queue)
    }

    /// Waits up to `timeoutMilliseconds` for the next event; handles log lines,
    /// errors and commit results itself and tells `listener` the rest.
    package func poll(timeoutMilliseconds: Int32, _ listener: Listener) {
        client.serveLogs()
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds) else { return }
        defer { rd_kafka_event_destroy(event) }
        switch rd_kafka_event_type(event) {
        case Int32(RD_KAFKA_EVENT_FETCH):
            while let message = rd_kafka_event_message_next(event) {
                let raw = message.pointee
                guard raw.err == RD_KAFKA_RESP_ERR_NO_ERROR, let rkt = raw.rkt else {
                    if raw.err == RD_KAFKA_RESP_ERR__FATAL {
                        var reason = [CChar](repeating: 0, count: 512)
                        _ = client.withHandle { rd_kafka_fatal_error($0, &reason, reason.count) }
                        listener.fatal(client.settings.redacted(reason.terminatedText))
                    }
                    client.logger.debug("consume: \(String(cString: rd_kafka_err2str(raw.err)))")
                    continue
                }
                var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                let timestamp = rd_kafka_message_timestamp(message, &timestampType)
                listener.message(
                    RawMessage(
                        topic: String(cString: rd_kafka_topic_name(rkt)), partition: raw.partition, offset: raw.offset,
                        timestampMillis: timestamp >= 0 ? timestamp : nil,
                        key: raw.key.map { UnsafeRawBufferPointer(start: $0, count: raw.key_len) },
                        value: raw.payload.map { UnsafeRawBufferPointer(start: $0, count: raw.len) }))
            }
        case Int32(RD_KAFKA_EVENT_OFFSET_COMMIT):
            let code = rd_kafka_event_error(event)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR__NO_OFFSET {
                client.logger.warning(
                    "commit: \(String(cString: rd_kafka_err2str(code))); retried with the next commit")
            }
        default:
            client.serveEvent(event)
            if let fatal = client.observedEvents.fatalError { listener.fatal(fatal) }
        }
    }

    // MARK: - Where reading starts (any thread)

    /// Where reading each topic starts: every partition at the group's committed
    /// offset, or, where the lookup succeeded and found none, at the log end,
    /// committed before this returns (Hypha's auto.offset.reset=latest, made
    /// explicit), so that an event sent after it is never skipped, not even by a
    /// restart before the bus's first commit. A topic whose start could not be
    /// committed by the deadline fails (`.unreachable`), for the bus to try again. A topic that does
    /// not exist yet is created by the broker's auto-create, as the Python
    /// server's first use does, and read from its start: its log end was 0 a
    /// moment ago. All topics are looked up together: their metadata at once,
    /// then one request of each kind, whatever their number.
    ///
    /// Metadata and log ends are asked through `lookups`, another client (the
    /// bus's producer): on the consumer's own connection each answer would wait
    /// behind the Fetch the broker holds for `fetch.wait.max.ms` (100 ms a request).
    ///
    /// When the committed-offset lookup keeps failing (the coordinator moving,
    /// say), the partitions are left for librdkafka to place at the committed
    /// offset it fetches itself, and nothing is committed: a failed lookup must
    /// never read as "never committed" (should the group have none after all,
    /// librdkafka then starts at the earliest offset: duplicates, not gaps).
    /// A lookup gives up early once `wanted` turns false (the bus stops).
    package func startPositions(
        _ topics: [String], lookups: RDKafkaClient, wanted: @escaping @Sendable () -> Bool
    ) -> [String: Result<[PartitionStart], KafkaFailure>] {
        let deadline = LookupDeadline(instant: .now + client.settings.timeout, wanted: wanted)
        var results: [String: Result<[PartitionStart], KafkaFailure>] = [:]
        var partitions: [TopicPartition] = []
        var created: Set<String> = []
        let until = deadline.instant
        let found =
            (try? Blocking.map(topics, width: 8) { topic throws(KafkaFailure) in
                Result { () throws(KafkaFailure) in try lookups.topicPartitions(topic, until: until) }
            }) ?? []
        for (topic, answer) in zip(topics, found) {
            switch answer {
            case .success(let (ids, new)):
                partitions += ids.map { TopicPartition(topic: topic, partition: $0) }
                if new { created.insert(topic) }
            case .failure(let failure):
                results[topic] = .failure(failure)
            }
        }
        guard !partitions.isEmpty else { return results }
        let committed = committedOffsets(partitions, until: deadline)
        var starts: [TopicPartition: Int64?] = [:]
        if let committed {
            let fresh = partitions.filter { committed[$0] == nil }
            var ends = logEnds(fresh.filter { !created.contains($0.topic) }, via: lookups, until: deadline)
            for partition in fresh where created.contains(partition.topic) { ends[partition] = 0 }
            for partition in partitions {
                // A log end that could not be read: from the earliest offset (duplicates, not gaps).
                starts[partition] = committed[partition] ?? ends[partition] ?? Int64(RD_KAFKA_OFFSET_BEGINNING)
            }
            if let failed = commit(ends, until: deadline) {
                let refused = Set(ends.keys.map(\.topic))
                for topic in refused {
                    results[topic] = .failure(
                        KafkaFailure(
                            .unreachable,
                            "where reading \(topic) starts could not be committed: \(String(cString: rd_kafka_err2str(failed)))",
                            hint: "check that the coordinator of the group \(groupID) is up"))
                }
                partitions.removeAll { refused.contains($0.topic) }
            }
        } else {
            client.logger.warning(
                "the group's committed offsets could not be read within \(client.settings.timeout); librdkafka reads them when fetching starts"
            )
            for partition in partitions { starts[partition] = .some(nil) }
        }
        for (topic, entries) in Dictionary(grouping: partitions, by: \.topic) {
            results[topic] = .success(
                entries.sorted { $0.partition < $1.partition }.map {
                    PartitionStart(partition: $0.partition, offset: starts[$0] ?? nil)
                })
        }
        return results
    }

    /// The group's committed offsets (partitions without one left out), asked
    /// again until `deadline` while the lookup fails; nil when it kept failing.
    private func committedOffsets(_ partitions: [TopicPartition], until deadline: LookupDeadline)
        -> [TopicPartition: Int64]?
    {
        let list = Self.list(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let elements = { UnsafeMutableBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)) }
        while true {
            for index in elements().indices { elements()[index].offset = Int64(RD_KAFKA_OFFSET_INVALID) }
            let code = client.withHandle { rd_kafka_committed($0, list, deadline.remainingMilliseconds) }
            let failed =
                code != RD_KAFKA_RESP_ERR_NO_ERROR
                ? code : elements().first { $0.err != RD_KAFKA_RESP_ERR_NO_ERROR }?.err
            guard let failed else { break }
            client.logger.debug("committed offsets: \(String(cString: rd_kafka_err2str(failed)))")
            guard deadline.allowsRetry else { return nil }
            Thread.sleep(forTimeInterval: 0.2)
        }
        var offsets: [TopicPartition: Int64] = [:]
        for element in elements() where element.offset >= 0 {
            offsets[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] =
                element.offset
        }
        return offsets
    }

    /// The log ends, asked again while a leader does not answer; partitions
    /// still without one at `deadline` are left out.
    private func logEnds(
        _ partitions: [TopicPartition], via lookups: RDKafkaClient, until deadline: LookupDeadline
    ) -> [TopicPartition: Int64] {
        var ends: [TopicPartition: Int64] = [:]
        var missing = partitions
        while !missing.isEmpty {
            let list = Self.list(missing)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for index in 0..<Int(list.pointee.cnt) { list.pointee.elems[index].offset = -1 }
            let code = lookups.withHandle { rd_kafka_offsets_for_times($0, list, deadline.remainingMilliseconds) }
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                for index in 0..<Int(list.pointee.cnt) {
                    let end = list.pointee.elems[index]
                    guard end.err == RD_KAFKA_RESP_ERR_NO_ERROR, end.offset >= 0 else { continue }
                    ends[TopicPartition(topic: String(cString: end.topic), partition: end.partition)] = end.offset
                }
            }
            missing = missing.filter { ends[$0] == nil }
            guard !missing.isEmpty else { break }
            guard deadline.allowsRetry else {
                client.logger.warning(
                    "the log end of \(missing.count) partitions could not be read; they are read from their earliest offset"
                )
                break
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return ends
    }

    /// Commits where reading starts in partitions the group never committed,
    /// retrying until `deadline`; returns the last error when it could not.
    private func commit(_ offsets: [TopicPartition: Int64], until deadline: LookupDeadline)
        -> rd_kafka_resp_err_t?
    {
        guard !offsets.isEmpty else { return nil }
        let list = Self.list(Array(offsets.keys))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            list.pointee.elems[index].offset =
                offsets[TopicPartition(topic: String(cString: element.topic), partition: element.partition)]!
        }
        while true {
            let code = commitWaiting(list, until: deadline)
            guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            client.logger.debug("committing where reading starts: \(String(cString: rd_kafka_err2str(code)))")
            guard deadline.allowsRetry else { return code }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// Commits `list`, waiting for the answer until `deadline` at most: a
    /// synchronous `rd_kafka_commit` waits for ever while the coordinator is away
    /// (and with it whoever waits for this lookup, `stop()` included).
    private func commitWaiting(
        _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, until deadline: LookupDeadline
    ) -> rd_kafka_resp_err_t {
        let answers = client.withHandle { rd_kafka_queue_new($0) }!
        defer { rd_kafka_queue_destroy(answers) }
        let asked = client.withHandle { rd_kafka_commit_queue($0, list, answers, nil, nil) }
        guard asked == RD_KAFKA_RESP_ERR_NO_ERROR else { return asked }
        guard let answer = rd_kafka_queue_poll(answers, deadline.remainingMilliseconds) else {
            return RD_KAFKA_RESP_ERR__TIMED_OUT
        }
        defer { rd_kafka_event_destroy(answer) }
        let code = rd_kafka_event_error(answer)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let committed = rd_kafka_event_topic_partition_list(answer) else {
            return code
        }
        // The answer's own error may be clear while a partition's is not.
        let elements = UnsafeBufferPointer(start: committed.pointee.elems, count: Int(committed.pointee.cnt))
        return elements.first { $0.err != RD_KAFKA_RESP_ERR_NO_ERROR }?.err ?? RD_KAFKA_RESP_ERR_NO_ERROR
    }

    // MARK: - The assignment (polling thread)

    /// Starts reading these partitions, each where `starts` says; the rest of
    /// the assignment is left as it is.
    package func assign(_ starts: [TopicPartition: Int64?]) {
        guard !starts.isEmpty else { return }
        let list = Self.list(Array(starts.keys))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let start = starts[TopicPartition(topic: String(cString: element.topic), partition: element.partition)]!
            list.pointee.elems[index].offset = start ?? Int64(RD_KAFKA_OFFSET_INVALID)
        }
        report(client.withHandle { rd_kafka_incremental_assign($0, list) }, while: "assign")
    }

    /// Stops reading these partitions; the rest of the assignment is left as it is.
    package func unassign(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        let list = Self.list(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        report(client.withHandle { rd_kafka_incremental_unassign($0, list) }, while: "unassign")
    }

    /// Reads a partition again from `offset` (what was fetched past it is dropped).
    package func seek(_ partition: TopicPartition, to offset: Int64) {
        let list = Self.list([partition])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        list.pointee.elems[0].offset = offset
        report(client.withHandle { rd_kafka_seek_partitions($0, list, 0) }, while: "seek")
    }

    private func report(_ error: OpaquePointer?, while action: String) {
        guard let error else { return }
        defer { rd_kafka_error_destroy(error) }
        client.logger.error("\(action): \(client.settings.redacted(String(cString: rd_kafka_error_string(error))))")
    }

    private func report(code: rd_kafka_resp_err_t, while action: String) {
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        client.logger.error("\(action): \(String(cString: rd_kafka_err2str(code)))")
    }

    private static func list(_ partitions: [TopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(1, partitions.count)))!
        for partition in partitions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)
        }
        return list
    }

    /// Marks everything before `offset` as handled; committed with the next
    /// automatic commit. Thread-safe and never blocks.
    package func store(_ partition: TopicPartition, next offset: Int64) {
        let list = Self.list([partition])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        list.pointee.elems[0].offset = offset
        // Fails for a partition unassigned meanwhile: it is read again from the committed offset.
        _ = client.withHandle { rd_kafka_offsets_store($0, list) }
    }

    /// Stops or restarts fetching some partitions (backpressure from slow handlers).
    package func setPaused(_ paused: Bool, _ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        let list = Self.list(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        _ = client.withHandle { paused ? rd_kafka_pause_partitions($0, list) : rd_kafka_resume_partitions($0, list) }
    }

    /// Commits the stored offsets, waiting at most the Kafka timeout for the
    /// answer, or not at all (the answer is then an event `poll` handles); a
    /// failed commit is logged (its events may come again).
    package func commitStored(wait: Bool = true) {
        guard wait else {
            let code = client.withHandle { rd_kafka_commit($0, nil, 1) }
            if code != RD_KAFKA_RESP_ERR__NO_OFFSET { report(code: code, while: "commit") }
            return
        }
        let answers = client.withHandle { rd_kafka_queue_new($0) }!
        defer { rd_kafka_queue_destroy(answers) }
        let code = client.withHandle { rd_kafka_commit_queue($0, nil, answers, nil, nil) }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if code != RD_KAFKA_RESP_ERR__NO_OFFSET { report(code: code, while: "commit") }
            return
        }
        guard let answer = rd_kafka_queue_poll(answers, client.settings.timeoutMilliseconds) else {
            client.logger.warning(
                "commit: no answer within \(client.settings.timeout); the events since the last commit may come again")
            return
        }
        defer { rd_kafka_event_destroy(answer) }
        let result = rd_kafka_event_error(answer)
        if result != RD_KAFKA_RESP_ERR__NO_OFFSET { report(code: result, while: "commit") }
    }

    /// Commits what was stored and lets every partition go, serving the queue
    /// meanwhile, for at most the Kafka timeout.
    package func close(_ listener: Listener) {
        commitStored()
        if let error = client.withHandle({ rd_kafka_consumer_close_queue($0, queue) }) {
            report(error, while: "close")
            return
        }
        let deadline = ContinuousClock.now + client.settings.timeout
        while client.withHandle({ rd_kafka_consumer_closed($0) }) == 0 && ContinuousClock.now < deadline {
            poll(timeoutMilliseconds: 100, listener)
        }
    }
}

/// How long a lookup may go on: until `instant`, and while its owner still wants it.
private struct LookupDeadline {
    let instant: ContinuousClock.Instant
    let wanted: @Sendable () -> Bool

    var remainingMilliseconds: Int32 { max(1, (instant - .now).wholeMilliseconds) }

    /// Whether another try, after a pause of 200 ms, fits.
    var allowsRetry: Bool { wanted() && ContinuousClock.now + .milliseconds(200) < instant }
}
