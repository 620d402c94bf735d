// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import KafkaConnection
import Synchronization

/// What the broker said about one produced message.
package struct RDKafkaDelivery {
    /// The number the message was produced with.
    package let tag: Int
    package let partition: Int32
    package let offset: Int64
    /// nil when delivered.
    package let error: String?
    /// It failed because no broker took it in time (timed out, connection lost).
    package var brokerUnreachable = false
    /// It failed because of the message itself (too large, an invalid record),
    /// not because of Kafka: the sender's error.
    package var refusedMessage = false

    package init(
        tag: Int, partition: Int32, offset: Int64, error: String?, brokerUnreachable: Bool = false,
        refusedMessage: Bool = false
    ) {
        self.tag = tag
        self.partition = partition
        self.offset = offset
        self.error = error
        self.brokerUnreachable = brokerUnreachable
        self.refusedMessage = refusedMessage
    }
}

extension RDKafkaDelivery {
    /// The report of one message of a delivery-report event, copied out of C memory.
    init(_ message: UnsafePointer<rd_kafka_message_t>) {
        let tag = Int(bitPattern: message.pointee._private) - 1
        let code = message.pointee.err
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else {
            self.init(tag: tag, partition: message.pointee.partition, offset: message.pointee.offset, error: nil)
            return
        }
        self.init(
            tag: tag, partition: message.pointee.partition, offset: message.pointee.offset,
            error: String(cString: rd_kafka_err2str(code)), brokerUnreachable: Self.meansNoBroker(code),
            refusedMessage: Self.meansBadMessage(code))
    }

    /// Whether a delivery failed for want of a broker rather than a broker's refusal.
    private static func meansNoBroker(_ code: rd_kafka_resp_err_t) -> Bool {
        switch code {
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
            RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
            true
        default:
            false
        }
    }

    /// Whether the broker refused the message itself rather than failing to take it.
    private static func meansBadMessage(_ code: rd_kafka_resp_err_t) -> Bool {
        switch code {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE,
            RD_KAFKA_RESP_ERR_INVALID_RECORD,
            RD_KAFKA_RESP_ERR_INVALID_MSG:
            true
        default:
            false
        }
    }
}

/// A producer handle and the topic handles it has opened.
package final class RDKafkaProducer: Sendable {
    package let client: RDKafkaClient
    private let topics = Mutex<[String: TopicHandle]>([:])

    /// An `rd_kafka_topic_t`, thread-safe in librdkafka.
    private struct TopicHandle: @unchecked Sendable {
        // @unchecked Sendable: librdkafka's topic handles may be used from any thread.
        let pointer: OpaquePointer
    }

    /// A producer that partitions like aiokafka and waits for every in-sync replica.
    package init(settings: KafkaClientSettings) throws(KafkaFailure) {
        client = try RDKafkaClient.make(
            .producer, settings: settings,
            overrides: [
                // One key, one partition, whoever sends it (aiokafka's Java-compatible murmur2).
                ("partitioner", "murmur2_random"),
                // Every in-sync replica has each event before it counts as delivered.
                // No idempotence: in bench/run it cost about a third of emit's throughput,
                // and Hypha's own producer (aiokafka) runs without it; a retry after a lost
                // acknowledgement may then store an event twice. `-X enable.idempotence=true`
                // turns it on.
                ("acks", "all"),
                ("message.timeout.ms", String(max(settings.timeoutMilliseconds, 1000))),
                ("linger.ms", "5"),
                ("queue.buffering.max.messages", "500000"),
                ("queue.buffering.max.kbytes", "262144"),
            ])
    }

    deinit {
        // Whatever was never acknowledged is dropped: the caller already counted it.
        client.withHandle { _ = rd_kafka_purge($0, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)) }
        client.serveMainQueue { _ in }
        topics.withLock { $0.values.forEach { rd_kafka_topic_destroy($0.pointer) } }
    }

    /// A topic opened for producing: many messages to one topic go without
    /// looking its handle up each time.
    package struct Topic {
        package let name: String
        fileprivate let pointer: OpaquePointer
    }

    /// The handle of `name`, opened on first use and kept until the producer goes.
    package func topic(_ name: String) throws(KafkaFailure) -> Topic {
        let opened = topics.withLock { topics -> OpaquePointer? in
            if let existing = topics[name] { return existing.pointer }
            guard let created = client.withHandle({ rd_kafka_topic_new($0, name, nil) }) else { return nil }
            topics[name] = TopicHandle(pointer: created)
            return created
        }
        guard let opened else {
            throw KafkaFailure(.invalidInput, "\(name) is not a topic name librdkafka accepts (at most 249 characters)")
        }
        return Topic(name: name, pointer: opened)
    }

    /// Queues one message from borrowed bytes (copied before this returns);
    /// false, with nothing queued, while librdkafka's queue is full.
    package func tryProduce(
        to topic: Topic, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, tag: Int
    ) throws(KafkaFailure) -> Bool {
        // RD_KAFKA_MSG_F_COPY: librdkafka copies both buffers before returning.
        let result = rd_kafka_produce(
            topic.pointer, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
            value.map { UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!) },
            value?.count ?? 0, key.baseAddress, key.count, UnsafeMutableRawPointer(bitPattern: tag + 1))
        if result == 0 { return true }
        let code = rd_kafka_last_error()
        guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
            throw client.failure(code, while: "queue an event for \(topic.name)")
        }
        return false
    }

    /// Reads delivery reports (and log lines) now on the queue.
    package func serve(timeoutMilliseconds: Int32, onDelivery: (RDKafkaDelivery) -> Void) {
        client.serveMainQueue(timeoutMilliseconds: timeoutMilliseconds, onDelivery: onDelivery)
    }

    /// Stops waiting for messages still unacknowledged: each gets a failed report.
    package func purge(onDelivery: (RDKafkaDelivery) -> Void) {
        client.withHandle { _ = rd_kafka_purge($0, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)) }
        serve(timeoutMilliseconds: 100, onDelivery: onDelivery)
    }
}

/// Runs `body` on the bytes of `value`, or on nil.
package func withOptionalBytes<R>(_ value: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let value else { return body(nil) }
    return value.withUnsafeBytes { body($0) }
}
