// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import Logging
import RDKafka
import RDKafkaAdmin
import ServiceLifecycle
import TestSupport
import Testing

/// The bus as a swift-service-lifecycle service, as an asynchronous sequence, and
/// dropped without `stop()`.
@Suite("the event bus's lifecycle against the test broker")
struct EventBusLifecycleTests {
    @Test("under a ServiceGroup: run starts the bus, graceful shutdown stops it and commits")
    func serviceGroup() async throws {
        let event = TestEnvironment.uniqueEvent("svc")
        let server = "svc-\(event)"
        let bus = try TestBus.make(server)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: bus)], logger: Logger(label: "test-group")))
        let running = Task { try await group.run() }
        try await waitUntil("the bus runs", timeout: .seconds(300)) { bus.isRunning }
        // A new group starts at the log end: subscribe (and be assigned the topic) first.
        let inbox = Inbox()
        try await bus.on(event, inbox.handler)
        let sender = try TestBus.make("svc-sender-\(event)")
        try await sender.start()
        for index in 0..<3 { try await sender.emit(event, .text("svc \(index)")) }
        await sender.stop()
        #expect(await inbox.wait(for: 3).count == 3)

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(!bus.isRunning)
        let described = try await admin().describeGroups([HyphaGroup.forServer(server)])
        let lag = try #require(described.first)
        #expect(lag.partitions.contains { $0.topic == HyphaTopic.forEvent(event) && $0.committed == 3 })
    }

    @Test("run ends when its task is cancelled, and stops the bus all the same")
    func runCancelled() async throws {
        let bus = try TestBus.make("cancel-\(TestEnvironment.uniqueEvent("svc"))")
        let running = Task { try await bus.run() }
        try await waitUntil("the bus runs", timeout: .seconds(300)) { bus.isRunning }
        running.cancel()
        try await running.value
        #expect(!bus.isRunning)
    }

    @Test("events(name): a for-await loop gets each event; leaving it unsubscribes")
    func eventStream() async throws {
        let event = TestEnvironment.uniqueEvent("seq")
        let bus = try TestBus.make("seq-\(event)")
        try await bus.start()
        let received = Task {
            var payloads: [EventPayload?] = []
            for try await busEvent in bus.events(event) {
                payloads.append(busEvent.payload)
                if payloads.count == 3 { break }
            }
            return payloads
        }
        // The first next() subscribes; send until the loop has the first one.
        let inbox = Inbox()
        try await bus.on(event, inbox.handler)
        try await bus.emit(event, .json(.object([("n", .number("0"))])))
        try await bus.emit(event, .text("one"))
        try await bus.emit(event, .bytes([2]))
        let payloads = try #require(
            try await within(.seconds(30), "the loop's three events") { try await received.value })
        #expect(payloads.count == 3)
        #expect(payloads.contains(.text("one")) && payloads.contains(.bytes([2])))
        // Gone from the registry: only the inbox's handler is left for the event.
        try await waitUntil("the loop's handler is removed") { bus.handlerCount(event) == 1 }
        await bus.stop()
    }

    @Test("a bus dropped without stop() lets its handles go and ends its threads")
    func droppedWithoutStop() async throws {
        let event = TestEnvironment.uniqueEvent("drop")
        let server = "drop-\(event)"
        weak var weakBus: KafkaEventBus?
        var configuration = try TestBus.make(server).configuration
        configuration.kafka.clientID = "drop-\(event)"
        do {
            let bus = KafkaEventBus(configuration: configuration)
            weakBus = bus
            try await bus.start()
            try await bus.on(event) { _ in }
            #expect(RDKafkaClient.liveHandles(clientID: configuration.kafka.clientID) == 2)
        }
        try await waitUntil("the bus is deinitialized") { weakBus == nil }
        try await waitUntil("its librdkafka handles are destroyed") {
            RDKafkaClient.liveHandles(clientID: configuration.kafka.clientID) == 0
        }
    }

    private func admin() throws -> KafkaAdmin {
        try KafkaAdmin(
            settings: KafkaClientSettings(bootstrapServers: try TestEnvironment.bootstrap(), timeout: .seconds(20)))
    }
}

/// Waits until `condition` holds, recording an issue naming `what` after `timeout`:
/// a guard against a hang, not a speed check (while the broker tests that wait on
/// processes hold the cooperative pool, an async test may not run for a minute).
func waitUntil(
    _ what: String, timeout: Duration = .seconds(120), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("\(what): not within \(timeout)", sourceLocation: sourceLocation)
}
