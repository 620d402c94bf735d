// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire

/// An event to send: its name, its type and its value bytes.
public struct OutgoingEvent: Sendable, Equatable {
    /// The Hypha event name (any text; the topic follows the mapping rule).
    public let name: String
    /// The key's prefix.
    public let type: PayloadType
    /// The value's bytes, as they go on the wire.
    public let value: [UInt8]?

    /// An event with a payload, encoded the way the Python server does.
    public init(name: String, payload: EventPayload) {
        self.init(name: name, type: payload.type, value: payload.encodedValue())
    }

    /// An event with value bytes sent as they are, e.g. a recorded message whose
    /// value was not what its key says (replayed unchanged).
    public init(name: String, type: PayloadType, value: [UInt8]?) {
        self.name = name
        self.type = type
        self.value = value
    }
}

/// Where the broker stored one event.
public struct DeliveredEvent: Sendable, Equatable {
    /// The event name.
    public let event: String
    /// The topic it went to.
    public let topic: String
    /// Its payload type.
    public let type: PayloadType
    /// The partition the broker stored it in.
    public let partition: Int32
    /// Its offset there.
    public let offset: Int64
}

/// The outcome of one `send`.
public struct EmitReport: Sendable {
    /// How many events were handed to the producer, those it refused at once
    /// (e.g. larger than `message.max.bytes`) included.
    public let sent: Int
    /// How many events there were to send: `sent`, and those not sent because
    /// no broker took the ones before them.
    public let total: Int
    /// Acknowledged events, in the order they were sent (when kept).
    public let delivered: [DeliveredEvent]
    /// How many were acknowledged.
    public let deliveredCount: Int
    /// Why the first event to fail did (a delivery error, or the producer's
    /// refusal), if any failed.
    public let firstError: String?
    /// Events that failed (refused, not acknowledged), or were never sent.
    public var undelivered: Int { total - deliveredCount }
}

/// Sends events the way a Hypha server does: topic by the mapping rule, key
/// `<t>:<name>`, Python-style JSON, murmur2 partitioning, `acks=all`, and
/// waits for every acknowledgement.
public final class EventProducer: Sendable {
    let producer: RDKafkaProducer
    let settings: KafkaClientSettings

    /// A producer for `settings`.
    public init(settings: KafkaClientSettings) throws(KafkaFailure) {
        self.settings = settings
        producer = try RDKafkaProducer(settings: settings)
    }

    /// Fails with `.unreachable` unless a broker answers within the timeout.
    public func checkReachable() async throws(KafkaFailure) {
        let client = producer.client
        _ = try await Blocking.run { () throws(KafkaFailure) in try client.metadata(allTopics: false) }
    }

    /// Sends every event and waits until each is acknowledged or has failed.
    /// With `keepDeliveries`, the report lists where each one landed. An event the
    /// producer refuses fails alone; once reports say no broker takes events any
    /// more, the rest are not sent.
    public func send<Events: Sequence & Sendable>(
        _ events: Events, keepDeliveries: Bool = true
    ) async throws(KafkaFailure) -> EmitReport where Events.Element == OutgoingEvent {
        let producer = producer
        let timeout = settings.timeout
        return try await Blocking.run { () throws(KafkaFailure) in
            var ledger = DeliveryLedger(keep: keepDeliveries)
            var topics: [String: RDKafkaProducer.Topic] = [:]
            for event in events {
                if ledger.brokerGone {
                    ledger.unsent += 1
                    continue
                }
                let topic: RDKafkaProducer.Topic
                if let known = topics[event.name] {
                    topic = known
                } else {
                    topic = try producer.topic(HyphaTopic.forEvent(event.name))
                    topics[event.name] = topic
                }
                let key = EventKey.encode(type: event.type, event: event.name)
                let queued = key.withUnsafeBytes { key in
                    withOptionalBytes(event.value) { value in
                        EventProducer.queue(
                            producer, &ledger, topic: topic, event: event.name, type: event.type, key: key, value: value
                        )
                    }
                }
                if !queued { ledger.unsent += 1 }
            }
            return EventProducer.awaitDeliveries(&ledger, producer: producer, timeout: timeout)
        }
    }

    /// Queues one event, waiting for room in librdkafka's queue while reading
    /// reports. An event librdkafka refuses (too large, …) is recorded as failed
    /// at once, and the caller goes on with the next. False, with nothing
    /// recorded, once the reports say no broker takes events any more (each
    /// waited the whole message timeout).
    static func queue(
        _ producer: RDKafkaProducer, _ ledger: inout DeliveryLedger, topic: RDKafkaProducer.Topic,
        event: String, type: PayloadType, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?
    ) -> Bool {
        let tag = ledger.record(event: event, topic: topic.name, type: type)
        do throws(KafkaFailure) {
            while try !producer.tryProduce(to: topic, key: key, value: value, tag: tag) {
                producer.serve(timeoutMilliseconds: 50) { ledger.settle($0) }
                if ledger.brokerGone {
                    ledger.withdrawLast()
                    return false
                }
            }
        } catch {
            ledger.refuseLast(because: error.reason)
            return true
        }
        // Reports are read now and then, not after every message.
        if tag & 0x3FF == 0 { producer.serve(timeoutMilliseconds: 0) { ledger.settle($0) } }
        return true
    }

    /// Reads reports until every message is settled; message.timeout.ms bounds
    /// each one, the margin covers the last reports.
    static func awaitDeliveries(_ ledger: inout DeliveryLedger, producer: RDKafkaProducer, timeout: Duration)
        -> EmitReport
    {
        let deadline = ContinuousClock.now + timeout + .seconds(5)
        while ledger.pending > 0 && ContinuousClock.now < deadline {
            producer.serve(timeoutMilliseconds: 100) { ledger.settle($0) }
        }
        if ledger.pending > 0 {
            producer.purge { ledger.settle($0) }
        }
        return ledger.report()
    }
}

/// Bookkeeping of what was sent and what the broker has acknowledged.
struct DeliveryLedger {
    private struct Sent {
        let event: String
        let topic: String
        let type: PayloadType
    }

    private let keep: Bool
    private var sent: [Sent] = []
    private var landed: [(partition: Int32, offset: Int64)?] = []
    private(set) var count = 0
    /// Events not handed to the producer because no broker took the ones before.
    var unsent = 0
    /// A report said an event failed for want of a broker (timed out, connection lost).
    private(set) var brokerGone = false
    private var settled = 0
    private var deliveredCount = 0
    private var firstError: String?

    init(keep: Bool) { self.keep = keep }

    var pending: Int { count - settled }

    /// Notes one event handed to the producer; returns its tag.
    mutating func record(event: String, topic: String, type: PayloadType) -> Int {
        if keep {
            sent.append(Sent(event: event, topic: topic, type: type))
            landed.append(nil)
        }
        count += 1
        return count - 1
    }

    /// Takes back the last `record`, for an event that was not queued after all.
    mutating func withdrawLast() {
        count -= 1
        if keep {
            sent.removeLast()
            landed.removeLast()
        }
    }

    /// Notes that the producer refused to queue the last recorded event: it
    /// failed, with no report to come.
    mutating func refuseLast(because reason: String) {
        settled += 1
        firstError = firstError ?? reason
    }

    /// Notes one delivery report.
    mutating func settle(_ delivery: RDKafkaDelivery) {
        settled += 1
        guard delivery.error == nil else {
            if delivery.brokerUnreachable { brokerGone = true }
            firstError = firstError ?? delivery.error
            return
        }
        deliveredCount += 1
        if keep, delivery.tag >= 0, delivery.tag < landed.count {
            landed[delivery.tag] = (delivery.partition, delivery.offset)
        }
    }

    func report() -> EmitReport {
        let delivered: [DeliveredEvent] = zip(sent, landed).compactMap { sent, landed in
            landed.map {
                DeliveredEvent(
                    event: sent.event, topic: sent.topic, type: sent.type, partition: $0.partition, offset: $0.offset)
            }
        }
        return EmitReport(
            sent: count, total: count + unsent, delivered: delivered, deliveredCount: deliveredCount,
            firstError: firstError)
    }
}
