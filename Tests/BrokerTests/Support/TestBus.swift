import Foundation
import HyphaKafka
import HyphaWire
import Logging
import Testing

/// Event buses on the test broker, with group timings Tansu can serve quickly.
enum TestBus {
    static func make(_ serverID: String, bootstrap: String? = nil, healthEvery: Duration = .seconds(5)) throws -> KafkaEventBus {
        let settings = KafkaClientSettings(
            bootstrapServers: try bootstrap ?? TestEnvironment.bootstrap(),
            properties: [
                ("session.timeout.ms", "6000"), ("max.poll.interval.ms", "6000"), ("heartbeat.interval.ms", "1000"),
            ],
            timeout: .seconds(20), logger: testLogger())
        return KafkaEventBus(configuration: EventBusConfiguration(kafka: settings, serverID: serverID, healthCheckInterval: healthEvery))
    }
}

/// librdkafka's and the bus's debug lines on stderr when HYPHA_TEST_DEBUG is set.
func testLogger() -> Logger {
    var logger = Logger(label: "test-bus") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = TestEnvironment.variables["HYPHA_TEST_DEBUG"] == nil ? .critical : .debug
    return logger
}

/// Events a handler received, for tests to wait on.
actor Inbox {
    private(set) var events: [BusEvent] = []

    func add(_ event: BusEvent) { events.append(event) }

    /// Waits until `count` events arrived or `timeout` passed; returns what arrived.
    func wait(for count: Int, timeout: Duration = .seconds(20)) async -> [BusEvent] {
        let deadline = ContinuousClock.now + timeout
        while events.count < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return events
    }

    /// A handler that adds to this inbox.
    nonisolated var handler: EventHandler { { [self] event in await add(event) } }
}
