// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import Foundation

/// A consumer in a group: subscribes, is assigned partitions, stores offsets only
/// once their events are handled, and commits what was stored.
///
/// Every call but `store` and `wake` is made from the one thread that polls it.
/// Rebalances arrive as events on the consumer queue and are answered here: a
/// newly assigned partition starts at the group's committed offset or, where the
/// group has none, at the log end, fixed (and committed) before the assignment is
/// announced, so that an event produced after `assigned` is never skipped.
///
/// The group uses librdkafka's default (eager) assignors: every rebalance revokes
/// the whole assignment first. The cooperative-sticky assignor would revoke less,
/// but librdkafka (2.16) aborts the process when a subscription changes while a
/// member fenced by its coordinator rejoins (an assertion in
/// `rd_kafka_cgrp_modify_subscription`), which a Hypha server, subscribing to new
/// events all the time, would meet on the first coordinator failover.
package final class RDKafkaGroupConsumer: @unchecked Sendable {
    // @unchecked Sendable: `store` and `wake` call thread-safe librdkafka
    // functions; everything else is called from the polling thread only.

    /// What the polling thread is told about, in the order it happens.
    package struct Listener {
        /// A message (its bytes valid only during the call).
        package var message: (RawMessage) -> Void
        /// Partitions were added to the assignment, each placed where reading resumes.
        package var assigned: ([TopicPartition]) -> Void
        /// Partitions are about to be taken away: whatever their events hold must
        /// be settled before this returns (their stored offsets are committed
        /// next, unless `lost`: then another member may already own them).
        package var revoking: (_ partitions: [TopicPartition], _ lost: Bool) -> Void
    }

    package let client: RDKafkaClient
    private let queue: OpaquePointer

    package init(settings: KafkaClientSettings, groupID: String, overrides: [(String, String)] = [])
        throws(KafkaFailure)
    {
        client = try RDKafkaClient.make(
            .consumer, settings: settings,
            overrides: [
                ("group.id", groupID),
                ("enable.auto.commit", "true"),
                ("auto.commit.interval.ms", "1000"),
                // An offset is stored by hand once the event's handlers have run.
                ("enable.auto.offset.store", "false"),
                // Hypha's `latest` for a group that never committed is placed
                // explicitly below; what librdkafka resets by itself is a position
                // the log no longer has (retention, or a truncation found by leader
                // epoch validation): read on from the earliest offset kept, for
                // "latest" there would skip events (at-least-once).
                ("auto.offset.reset", "earliest"),
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
    package func subscribe(_ topics: [String]) throws(KafkaFailure) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let code = rd_kafka_subscribe(client.handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.failure(code, while: "subscribe") }
    }

    /// Ends a `poll` that is waiting (from any thread).
    package func wake() {
        rd_kafka_queue_yield(queue)
    }

    /// Waits up to `timeoutMilliseconds` for the next event; handles log lines,
    /// errors, commit results and rebalances itself and tells `listener` the rest.
    package func poll(timeoutMilliseconds: Int32, _ listener: Listener) {
        client.serveLogs()
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
                var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                let timestamp = rd_kafka_message_timestamp(message, &timestampType)
                listener.message(
                    RawMessage(
                        topic: String(cString: rd_kafka_topic_name(rkt)), partition: raw.partition, offset: raw.offset,
                        timestampMillis: timestamp >= 0 ? timestamp : nil,
                        key: raw.key.map { UnsafeRawBufferPointer(start: $0, count: raw.key_len) },
                        value: raw.payload.map { UnsafeRawBufferPointer(start: $0, count: raw.len) }))
            }
        case Int32(RD_KAFKA_EVENT_REBALANCE):
            rebalance(event, listener)
        case Int32(RD_KAFKA_EVENT_OFFSET_COMMIT):
            let code = rd_kafka_event_error(event)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR__NO_OFFSET {
                client.logger.warning(
                    "commit: \(String(cString: rd_kafka_err2str(code))); retried with the next commit")
            }
        default:
            client.serveEvent(event)
        }
    }

    /// Whether the group's rebalance protocol is cooperative. librdkafka answers
    /// NULL once the group handler no longer takes requests (the consumer closing,
    /// which revokes everything): not cooperative then.
    private var cooperative: Bool {
        guard let protocolName = rd_kafka_rebalance_protocol(client.handle) else { return false }
        return String(cString: protocolName) == "COOPERATIVE"
    }

    private func rebalance(_ event: OpaquePointer, _ listener: Listener) {
        let list = rd_kafka_event_topic_partition_list(event)!
        let partitions = Self.partitions(list)
        if rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            let copy = rd_kafka_topic_partition_list_copy(list)!
            defer { rd_kafka_topic_partition_list_destroy(copy) }
            let uncommitted = placeAtCommittedOrEnd(copy)
            if cooperative {
                report(rd_kafka_incremental_assign(client.handle, copy), while: "assign")
            } else {
                report(code: rd_kafka_assign(client.handle, copy), while: "assign")
            }
            // A start position that could not be committed goes with the next
            // automatic commit.
            if let uncommitted {
                defer { rd_kafka_topic_partition_list_destroy(uncommitted) }
                _ = rd_kafka_offsets_store(client.handle, uncommitted)
            }
            listener.assigned(partitions)
        } else {
            let lost = rd_kafka_assignment_lost(client.handle) != 0
            listener.revoking(partitions, lost)
            if !lost { commitStored() }
            if cooperative {
                report(rd_kafka_incremental_unassign(client.handle, list), while: "unassign")
            } else {
                report(code: rd_kafka_assign(client.handle, nil), while: "unassign")
            }
        }
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

    /// Places each partition at the group's committed offset; where the lookup
    /// succeeded and found none, at the log end, committed at once (Hypha's
    /// auto.offset.reset=latest, made explicit). Returns those log ends when
    /// they could not be committed, to be stored once assigned. When the lookup keeps failing (the coordinator
    /// moving, say), every partition is left for librdkafka to place at the
    /// committed offset it fetches itself, and nothing is committed: a failed
    /// lookup must never read as "never committed" (should the group have none
    /// after all, librdkafka then starts at the earliest offset: duplicates, not gaps).
    private func placeAtCommittedOrEnd(
        _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? {
        let elements = { UnsafeMutableBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)) }
        let deadline = ContinuousClock.now + client.settings.timeout
        var lookedUp = false
        while !lookedUp {
            for index in elements().indices { elements()[index].offset = Int64(RD_KAFKA_OFFSET_INVALID) }
            let code = rd_kafka_committed(client.handle, list, (deadline - .now).wholeMilliseconds)
            lookedUp =
                code == RD_KAFKA_RESP_ERR_NO_ERROR && elements().allSatisfy { $0.err == RD_KAFKA_RESP_ERR_NO_ERROR }
            if !lookedUp {
                let failed =
                    code != RD_KAFKA_RESP_ERR_NO_ERROR
                    ? code : elements().first { $0.err != RD_KAFKA_RESP_ERR_NO_ERROR }!.err
                client.logger.debug("committed offsets: \(String(cString: rd_kafka_err2str(failed)))")
                guard ContinuousClock.now + .milliseconds(200) < deadline else { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        guard lookedUp else {
            for index in elements().indices { elements()[index].offset = Int64(RD_KAFKA_OFFSET_INVALID) }
            client.logger.warning(
                "the group's committed offsets could not be read within \(client.settings.timeout); librdkafka reads them when fetching starts"
            )
            return nil
        }
        let fresh = rd_kafka_topic_partition_list_new(list.pointee.cnt)!
        for element in elements() where element.offset < 0 {
            rd_kafka_topic_partition_list_add(fresh, element.topic, element.partition).pointee.offset = -1
        }
        guard fresh.pointee.cnt > 0 else {
            rd_kafka_topic_partition_list_destroy(fresh)
            return nil
        }
        // The log ends, asked again while a leader does not answer: a partition
        // left without one is read from the earliest offset (duplicates), since an
        // end found later, uncommitted, would skip what is sent meanwhile.
        let ends = rd_kafka_topic_partition_list_new(fresh.pointee.cnt)!
        var missing = Int(fresh.pointee.cnt)
        while missing > 0 {
            let code = rd_kafka_offsets_for_times(client.handle, fresh, (deadline - .now).wholeMilliseconds)
            missing = 0
            for index in 0..<Int(fresh.pointee.cnt) {
                let end = fresh.pointee.elems[index]
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR, end.err == RD_KAFKA_RESP_ERR_NO_ERROR, end.offset >= 0 else {
                    fresh.pointee.elems[index].offset = -1
                    missing += 1
                    continue
                }
                guard rd_kafka_topic_partition_list_find(ends, end.topic, end.partition) == nil else { continue }
                if let target = rd_kafka_topic_partition_list_find(list, end.topic, end.partition) {
                    target.pointee.offset = end.offset
                    rd_kafka_topic_partition_list_add(ends, end.topic, end.partition).pointee.offset = end.offset
                }
            }
            guard missing > 0 else { break }
            guard ContinuousClock.now + .milliseconds(200) < deadline else {
                client.logger.warning(
                    "the log end of \(missing) partitions could not be read; they are read from their earliest offset")
                break
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        rd_kafka_topic_partition_list_destroy(fresh)
        guard !commitStart(ends, until: deadline) else {
            rd_kafka_topic_partition_list_destroy(ends)
            return nil
        }
        return ends
    }

    /// Commits where reading starts in partitions the group never committed,
    /// retrying until `deadline`: until it is committed, a restart would start
    /// at the log end again and skip what was sent meanwhile. False when it could not.
    private func commitStart(
        _ ends: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, until deadline: ContinuousClock.Instant
    ) -> Bool {
        guard ends.pointee.cnt > 0 else { return true }
        while true {
            let code = rd_kafka_commit(client.handle, ends, 0)
            guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return true }
            guard ContinuousClock.now + .milliseconds(200) < deadline else {
                client.logger.warning(
                    "committing where reading starts: \(String(cString: rd_kafka_err2str(code))); stored for the next automatic commit"
                )
                return false
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    private static func partitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        (0..<Int(list.pointee.cnt)).map {
            TopicPartition(
                topic: String(cString: list.pointee.elems[$0].topic), partition: list.pointee.elems[$0].partition)
        }
    }

    /// Marks everything before `offset` as handled; committed with the next
    /// automatic commit. Thread-safe and never blocks.
    package func store(_ partition: TopicPartition, next offset: Int64) {
        let list = rd_kafka_topic_partition_list_new(1)!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        // Fails for a partition revoked meanwhile: its new owner reads the event again.
        _ = rd_kafka_offsets_store(client.handle, list)
    }

    /// Stops or restarts fetching some partitions (backpressure from slow handlers).
    package func setPaused(_ paused: Bool, _ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
        _ = paused ? rd_kafka_pause_partitions(client.handle, list) : rd_kafka_resume_partitions(client.handle, list)
    }

    /// Commits the stored offsets, waiting at most the Kafka timeout for the
    /// answer; a failed commit is logged (its events may come again).
    package func commitStored() {
        let answers = rd_kafka_queue_new(client.handle)!
        defer { rd_kafka_queue_destroy(answers) }
        let code = rd_kafka_commit_queue(client.handle, nil, answers, nil, nil)
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

    /// Leaves the group: revokes (through `listener`), commits, and closes,
    /// serving the queue meanwhile, for at most the Kafka timeout (and one commit).
    package func close(_ listener: Listener) {
        if let error = rd_kafka_consumer_close_queue(client.handle, queue) {
            report(error, while: "close")
            commitStored()
            return
        }
        let deadline = ContinuousClock.now + client.settings.timeout
        while rd_kafka_consumer_closed(client.handle) == 0 && ContinuousClock.now < deadline {
            poll(timeoutMilliseconds: 100, listener)
        }
    }
}
