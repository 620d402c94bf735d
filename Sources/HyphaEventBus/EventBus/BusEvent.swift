// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaWire

/// An event as handlers see it.
public struct BusEvent: Sendable, Equatable {
    /// Where an event came from.
    public enum Origin: Sendable, Equatable {
        /// `emit` or `emitLocal` in this process.
        case local
        /// A Kafka message (sent by any server, this one included).
        case kafka(partition: TopicPartition, offset: Int64, timestampMillis: Int64?)
    }

    /// The event name.
    public let name: String
    /// Its payload; nil for a Kafka message without a value.
    public let payload: EventPayload?
    /// Where it came from.
    public let origin: Origin
    /// Which assignment of its partition to this bus it was read under (0 for a
    /// local event): within one generation a partition's events come in offset
    /// order; a later generation may bring an event again (at-least-once).
    package let generation: UInt64

    /// An event.
    public init(name: String, payload: EventPayload?, origin: Origin) {
        self.init(name: name, payload: payload, origin: origin, generation: 0)
    }

    package init(name: String, payload: EventPayload?, origin: Origin, generation: UInt64) {
        self.name = name
        self.payload = payload
        self.origin = origin
        self.generation = generation
    }
}

/// What `on` and `onLocal` return, to remove that one handler with `off`.
public struct HandlerID: Hashable, Sendable {
    let value: UInt64
}

/// A handler: runs once per event; events of one partition reach it in order.
public typealias EventHandler = @Sendable (BusEvent) async throws -> Void

/// How a `KafkaEventBus` joins the bus.
public struct EventBusConfiguration: Sendable {
    /// Kafka, and the bound on connecting and on each admin call.
    public var kafka: KafkaClientSettings
    /// This server's id: its group is `hypha_server_<id>`, its health topic `health_check_<id>`.
    public var serverID: String
    /// How often a health check is sent (Hypha: 5 s).
    public var healthCheckInterval: Duration
    /// Consecutive Kafka failures that open the circuit breaker (Hypha: 3).
    public var failureThreshold: Int
    /// The waits between reconnection attempts while the breaker is open (Hypha: 1 s, 30 s).
    public var backoff: Backoff
    /// How long `emit` waits for the broker's acknowledgement.
    public var deliveryTimeout: Duration
    /// How long one handler may hold up its partition before the bus moves on
    /// without it (the handler keeps running; the event counts as `handler_timeout`).
    public var handlerTimeout: Duration
    /// Events waiting in one partition before that partition is paused.
    public var partitionBacklog: Int

    /// A configuration. `serverID` nil: `HYPHA_SERVER_ID`, else a random UUID.
    public init(
        kafka: KafkaClientSettings,
        serverID: String? = nil,
        healthCheckInterval: Duration = .seconds(5),
        failureThreshold: Int = 3,
        backoff: Backoff = Backoff(),
        deliveryTimeout: Duration = .seconds(30),
        handlerTimeout: Duration = .seconds(30),
        partitionBacklog: Int = 1000,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.kafka = kafka
        self.serverID =
            serverID ?? environment["HYPHA_SERVER_ID"].flatMap { $0.isEmpty ? nil : $0 }
            ?? UUID().uuidString.lowercased()
        self.healthCheckInterval = healthCheckInterval
        self.failureThreshold = failureThreshold
        self.backoff = backoff
        self.deliveryTimeout = deliveryTimeout
        self.handlerTimeout = handlerTimeout
        self.partitionBacklog = partitionBacklog
    }

    /// The waits between reconnection attempts while the circuit breaker is open:
    /// the first wait, doubled after each failed attempt up to the longest.
    public struct Backoff: Sendable, Hashable {
        /// The wait before the first attempt once the breaker opens.
        ///
        /// Default: 1 s.
        public var first: Duration
        /// The bound on the doubling wait.
        ///
        /// Default: 30 s.
        public var longest: Duration

        /// Waits from `first`, doubling up to `longest`.
        public init(first: Duration = .seconds(1), longest: Duration = .seconds(30)) {
            self.first = first
            self.longest = longest
        }
    }
}
