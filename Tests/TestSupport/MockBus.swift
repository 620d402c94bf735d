// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Foundation
import HyphaEventBus
import HyphaWire
import Logging
import RDKafkaMock
import Synchronization
import Testing

/// librdkafka's and the bus's debug lines on stderr when HYPHA_TEST_DEBUG is set.
package func testLogger() -> Logger {
    var logger = Logger(label: "test-bus") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = TestEnvironment.variables["HYPHA_TEST_DEBUG"] == nil ? .critical : .debug
    return logger
}

/// Events a handler received, for tests to wait on.
package actor Inbox {
    package private(set) var events: [BusEvent] = []

    package init() {}

    package func add(_ event: BusEvent) { events.append(event) }

    /// Waits until `count` events arrived or `timeout` passed; returns what arrived.
    package func wait(for count: Int, timeout: Duration = .seconds(20)) async -> [BusEvent] {
        let deadline = ContinuousClock.now + timeout
        while events.count < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return events
    }

    /// A handler that adds to this inbox.
    package nonisolated var handler: EventHandler { { [self] event in await add(event) } }
}

/// The text payloads among `events`, in order.
package func texts(_ events: [BusEvent]) -> [String] {
    events.compactMap { event -> String? in
        if case .text(let text)? = event.payload { text } else { nil }
    }
}

extension MockKafkaCluster {
    /// One broker with each event's topic (of the given partitions) and each
    /// server's health-check topic.
    package static func hypha(events: [String: Int], servers: [String]) throws -> MockKafkaCluster {
        let cluster = try MockKafkaCluster(brokers: 1)
        for (event, partitions) in events {
            try cluster.createTopic(HyphaTopic.forEvent(event), partitions: partitions)
        }
        for server in servers { try cluster.createTopic(HyphaTopic.healthCheck(serverID: server), partitions: 1) }
        return cluster
    }
}

/// Event buses on librdkafka's mock cluster, with short group timings.
package enum MockBus {
    package static func make(
        _ serverID: String, _ cluster: MockKafkaCluster, metrics: (any MetricsFactory)? = nil,
        handlerTimeout: Duration = .seconds(30), healthEvery: Duration = .seconds(1),
        deliveryTimeout: Duration = .seconds(30), timeout: Duration = .seconds(20),
        properties: [KafkaProperty] = []
    ) -> KafkaEventBus {
        let settings = KafkaClientSettings(
            bootstrapServers: cluster.bootstrapServers,
            properties: [
                KafkaProperty(name: "session.timeout.ms", value: "6000"),
                KafkaProperty(name: "max.poll.interval.ms", value: "6000"),
                KafkaProperty(name: "heartbeat.interval.ms", value: "1000"),
            ]
                + properties,
            timeout: timeout, logger: testLogger())
        return KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: settings, serverID: serverID, healthCheckInterval: healthEvery, deliveryTimeout: deliveryTimeout,
                handlerTimeout: handlerTimeout),
            metricsFactory: metrics)
    }
}

/// The body's result, or a recorded issue naming `what` when it has not
/// returned within `limit` (the body is left running: a hang must fail the
/// test, not hang the run).
package func within<T: Sendable>(
    _ limit: Duration, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T? {
    let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>?, Never>) in
        let once = OnceFlag()
        Task {
            let result = await Result(catching: body)
            if once.claim() { continuation.resume(returning: result) }
        }
        Task {
            try? await Task.sleep(for: limit)
            if once.claim() { continuation.resume(returning: nil) }
        }
    }
    guard let outcome else {
        Issue.record("\(what) did not return within \(limit)", sourceLocation: sourceLocation)
        return nil
    }
    return try outcome.get()
}

/// Set once, by the first caller of `claim`.
package final class OnceFlag: Sendable {
    private let taken = Mutex(false)

    package init() {}

    package func claim() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}

extension Result where Failure == any Error {
    package init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
