// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Foundation
import Synchronization

/// The bus's metrics, under the Python server's names: counter `kafka_event_bus`
/// (labels `event`, `status`) and gauge `kafka_consumer_latency_seconds`; plus
/// gauge `kafka_event_bus_circuit_open` (1 while the breaker is open).
///
/// The `event` label is bounded: a Hypha server has an event per connected
/// client (`<workspace>/<client>:msg`), and a label value per client would grow
/// the series without end. A name with a `/` is labelled by its kind alone
/// (`*/*:msg`), and past `EventLabels.limit` distinct values every new one is
/// labelled `other`.
final class BusMetrics: Sendable {
    /// Values of the `status` label.
    enum Status: String {
        /// Sent to Kafka and acknowledged.
        case emitted
        /// Sending to Kafka failed (or the breaker was open).
        case emitFailed = "emit_failed"
        /// Received from Kafka and handed to the handlers.
        case received
        /// A handler threw.
        case handlerFailed = "handler_failed"
        /// A handler ran past the handler timeout.
        case handlerTimeout = "handler_timeout"
        /// A Kafka message whose value was not what its key said.
        case undecodable
        /// The breaker opened / closed (event label: the health topic).
        case circuitOpened = "circuit_opened"
        case circuitClosed = "circuit_closed"
    }

    let factory: any MetricsFactory
    private let latency: Gauge
    private let circuitOpen: Gauge
    private let counters: Mutex<Counters>

    private struct Counters {
        var labels: EventLabels
        var made: [String: Counter] = [:]
    }

    init(factory: any MetricsFactory, eventLabelLimit: Int = EventLabels.defaultLimit) {
        self.factory = factory
        latency = Gauge(label: "kafka_consumer_latency_seconds", factory: factory)
        circuitOpen = Gauge(label: "kafka_event_bus_circuit_open", factory: factory)
        counters = Mutex(Counters(labels: EventLabels(limit: eventLabelLimit)))
    }

    func count(_ event: String, _ status: Status) {
        let counter = counters.withLock { counters in
            let label = counters.labels.label(for: event)
            let key = label + "\u{0}" + status.rawValue
            if let counter = counters.made[key] { return counter }
            let counter = Counter(
                label: "kafka_event_bus", dimensions: [("event", label), ("status", status.rawValue)],
                factory: factory)
            counters.made[key] = counter
            return counter
        }
        counter.increment()
    }

    /// From the message's timestamp to its handlers starting.
    func recordLatency(sinceMillis timestamp: Int64) {
        let now = Date().timeIntervalSince1970
        latency.record(max(0, now - Double(timestamp) / 1000))
    }

    func circuit(open: Bool) {
        circuitOpen.record(open ? 1 : 0)
    }
}

/// The `event` label's values: a bounded set (see `BusMetrics`).
struct EventLabels: Sendable {
    /// The distinct values kept by default.
    static let defaultLimit = 200
    /// The value past the limit.
    static let overflow = "other"

    let limit: Int
    private var seen: Set<String> = []

    init(limit: Int) { self.limit = max(0, limit) }

    /// The label value for an event name; remembered, within the limit.
    mutating func label(for event: String) -> String {
        let value: String
        if let slash = event.lastIndex(of: "/") {
            let rest = event[event.index(after: slash)...]
            value = rest.firstIndex(of: ":").map { "*/*" + rest[$0...] } ?? "*/*"
        } else {
            value = event
        }
        if seen.contains(value) { return value }
        guard seen.count < limit else { return Self.overflow }
        seen.insert(value)
        return value
    }
}
