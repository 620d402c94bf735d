// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Foundation

/// The bus's metrics, under the Python server's names: counter `kafka_event_bus`
/// (labels `event`, `status`) and gauge `kafka_consumer_latency_seconds`; plus
/// gauge `kafka_event_bus_circuit_open` (1 while the breaker is open).
struct BusMetrics: Sendable {
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

    init(factory: any MetricsFactory) {
        self.factory = factory
        latency = Gauge(label: "kafka_consumer_latency_seconds", factory: factory)
        circuitOpen = Gauge(label: "kafka_event_bus_circuit_open", factory: factory)
    }

    func count(_ event: String, _ status: Status) {
        Counter(
            label: "kafka_event_bus", dimensions: [("event", event), ("status", status.rawValue)], factory: factory
        )
        .increment()
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
