// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import RDKafkaAdmin

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
    /// Why input lines stopped being read before the input's end: the first bad
    /// line, by its number, or a read error. The lines before it were sent.
    public internal(set) var inputError: String?
    /// Whether reading stopped early because it was asked to (SIGINT, SIGTERM).
    public internal(set) var interrupted = false
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
            EventProducer.awaitDeliveries(&ledger, producer: producer, timeout: timeout)
            return ledger.report()
        }
    }

    /// Events queued and not yet acknowledged, at most: past it, sending waits for
    /// reports. It bounds memory whatever the input's length: librdkafka holds
    /// about 400 bytes for each small event in flight, so about 16 MB here (kcat's
    /// default queue holds 100,000). Four of librdkafka's default batches: in
    /// bench runs emit was no faster with more, only larger (stdin, 1,000,000
    /// lines: 47 MB peak RSS, about 68 MB with 100,000). Large events are bounded by
    /// `queue.buffering.max.kbytes` too.
    static let maximumInFlight = 40_000

    /// Queues one event, waiting for room in librdkafka's queue while reading
    /// reports, then while ``maximumInFlight`` events wait for theirs. An event
    /// librdkafka refuses (too large, …) is recorded as failed at once, and the
    /// caller goes on with the next. False, with nothing recorded, once the
    /// reports say no broker takes events any more (each waited the whole
    /// message timeout).
    static func queue(
        _ producer: RDKafkaProducer, _ ledger: inout DeliveryLedger, topic: RDKafkaProducer.Topic,
        event: String, type: PayloadType, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?
    ) -> Bool {
        let tag = ledger.record(event: event, topic: topic.name, type: type)
        do throws(KafkaFailure) {
            while try !producer.tryProduce(to: topic, key: key, value: value, tag: tag) {
                serve(producer, &ledger, timeoutMilliseconds: 50)
                if ledger.brokerGone {
                    ledger.withdrawLast()
                    return false
                }
            }
        } catch {
            let size = key.count + (value?.count ?? 0)
            ledger.refuseLast(
                because: error.code == .messageSizeTooLarge
                    ? "\(error.reason); this event is \(size) bytes" : error.reason)
            return true
        }
        // Reports are read now and then, not after every message.
        if tag & 0x3FF == 0 { serve(producer, &ledger, timeoutMilliseconds: 0) }
        while ledger.pending >= maximumInFlight && !ledger.brokerGone {
            serve(producer, &ledger, timeoutMilliseconds: 10)
        }
        return true
    }

    /// Reads the reports there are (waiting up to the timeout for one), and hands
    /// over the deliveries they complete.
    static func serve(_ producer: RDKafkaProducer, _ ledger: inout DeliveryLedger, timeoutMilliseconds: Int32) {
        producer.serve(timeoutMilliseconds: timeoutMilliseconds) { ledger.settle($0) }
        ledger.handOver()
    }

    /// Reads reports until every message is settled; message.timeout.ms bounds
    /// each one, the margin covers the last reports.
    static func awaitDeliveries(_ ledger: inout DeliveryLedger, producer: RDKafkaProducer, timeout: Duration) {
        let deadline = ContinuousClock.now + timeout + .seconds(5)
        while ledger.pending > 0 && ContinuousClock.now < deadline {
            serve(producer, &ledger, timeoutMilliseconds: 100)
        }
        if ledger.pending > 0 {
            producer.purge { ledger.settle($0) }
        }
        ledger.handOver()
    }
}

/// Bookkeeping of what was sent and what the broker has acknowledged. Where
/// each delivered event landed is kept, in the order they were sent, either
/// whole for the report (`keep`) or until it is handed over to a receiver, which
/// keeps only what is still in flight.
struct DeliveryLedger {
    private struct Sent {
        let event: String
        let topic: String
        let type: PayloadType
        var settled = false
        var landed: (partition: Int32, offset: Int64)?
    }

    private let keep: Bool
    private let receiver: (([DeliveredEvent]) -> Void)?
    /// Events from tag `firstKept` on, while kept.
    private var sent: [Sent] = []
    private var firstKept = 0
    /// Entries of `sent` already handed over.
    private var handedOver = 0
    /// The first event, so that a single one is described even when none are kept.
    private var first: Sent?
    private(set) var count = 0
    /// Events not handed to the producer because no broker took the ones before.
    var unsent = 0
    /// A report said an event failed for want of a broker (timed out, connection lost).
    private(set) var brokerGone = false
    private var settled = 0
    private var deliveredCount = 0
    private var firstError: String?

    /// A ledger that lists every delivered event in its report when `keep`.
    init(keep: Bool) {
        self.keep = keep
        receiver = nil
    }

    /// A ledger that hands delivered events to `receiver` in the order they were
    /// sent, as soon as every one before them is settled (``handOver()``).
    init(handingOverTo receiver: @escaping ([DeliveredEvent]) -> Void) {
        keep = true
        self.receiver = receiver
    }

    var pending: Int { count - settled }

    /// Notes one event handed to the producer; returns its tag.
    mutating func record(event: String, topic: String, type: PayloadType) -> Int {
        if keep {
            sent.append(Sent(event: event, topic: topic, type: type))
        } else if count == 0 {
            first = Sent(event: event, topic: topic, type: type)
        }
        count += 1
        return count - 1
    }

    /// Takes back the last `record`, for an event that was not queued after all.
    mutating func withdrawLast() {
        count -= 1
        if keep {
            sent.removeLast()
        } else if count == 0 {
            first = nil
        }
    }

    /// Notes that the producer refused to queue the last recorded event: it
    /// failed, with no report to come.
    mutating func refuseLast(because reason: String) {
        settled += 1
        firstError = firstError ?? reason
        if keep { sent[sent.count - 1].settled = true }
    }

    /// Notes one delivery report.
    mutating func settle(_ delivery: RDKafkaDelivery) {
        settled += 1
        let index = delivery.tag - firstKept
        if keep, index >= 0, index < sent.count { sent[index].settled = true }
        guard delivery.error == nil else {
            if delivery.brokerUnreachable { brokerGone = true }
            firstError = firstError ?? delivery.error
            return
        }
        deliveredCount += 1
        if keep, index >= 0, index < sent.count {
            sent[index].landed = (delivery.partition, delivery.offset)
        } else if delivery.tag == 0 {
            first?.landed = (delivery.partition, delivery.offset)
        }
    }

    /// Hands the receiver the delivered events whose turn has come: those sent
    /// before the first one still unsettled. Nothing without a receiver.
    mutating func handOver() {
        guard let receiver else { return }
        var end = handedOver
        while end < sent.count && sent[end].settled { end += 1 }
        guard end > handedOver else { return }
        let delivered = sent[handedOver..<end].compactMap(Self.delivered)
        handedOver = end
        // Dropped in bulk, not one by one: removing from the front moves the rest.
        if handedOver >= 4096 && handedOver * 2 >= sent.count {
            sent.removeFirst(handedOver)
            firstKept += handedOver
            handedOver = 0
        }
        if !delivered.isEmpty { receiver(delivered) }
    }

    private static func delivered(_ sent: Sent) -> DeliveredEvent? {
        sent.landed.map {
            DeliveredEvent(
                event: sent.event, topic: sent.topic, type: sent.type, partition: $0.partition, offset: $0.offset)
        }
    }

    /// The counts, and the delivered events not handed over (all of them when
    /// kept; a single event's, when there was only one).
    func report() -> EmitReport {
        let delivered =
            keep
            ? sent[handedOver...].compactMap(Self.delivered)
            : (count == 1 ? first : nil).flatMap(Self.delivered).map { [$0] } ?? []
        return EmitReport(
            sent: count, total: count + unsent, delivered: delivered, deliveredCount: deliveredCount,
            firstError: firstError)
    }
}
