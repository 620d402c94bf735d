// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import MetricsTestKit
import RDKafkaMock
import TestSupport
import Testing

/// librdkafka's mock cluster, where brokers can be taken down.
@Suite("the event bus through a broker outage")
struct FaultInjectionTests {
    @Test("brokers down for 10 s while 1,000 events are emitted: every one arrives; the breaker opens and closes")
    func outage() async throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        try cluster.createTopic("hypha_event_fault", partitions: 2)
        try cluster.createTopic("health_check_sender", partitions: 1)
        try cluster.createTopic("health_check_receiver", partitions: 1)
        let senderMetrics = TestMetrics()
        let sender = MockBus.make("sender", cluster, metrics: senderMetrics, deliveryTimeout: .seconds(60))
        let receiver = MockBus.make("receiver", cluster, deliveryTimeout: .seconds(60))
        try await sender.start()
        try await receiver.start()
        let inbox = Inbox()
        try await receiver.on("fault", inbox.handler)

        // Some events through first; then the brokers stay down until the breaker
        // has opened (at least 10 s): on a loaded machine the health checks that
        // open it may come late, and a fixed outage could end before them.
        let outage = Task {
            while await inbox.events.count < 20 { try await Task.sleep(for: .milliseconds(20)) }
            cluster.takeDown()
            let shortest = ContinuousClock.now + .seconds(10)
            let longest = ContinuousClock.now + .seconds(180)
            while (!sender.isCircuitOpen || ContinuousClock.now < shortest) && ContinuousClock.now < longest {
                try await Task.sleep(for: .milliseconds(100))
            }
            cluster.bringUp()
        }
        var retries = 0
        for index in 0..<1000 {
            while true {
                do {
                    try await sender.emit("fault", .text(String(index)))
                    break
                } catch {
                    retries += 1
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        try await outage.value

        func texts(_ events: [BusEvent]) -> Set<String> {
            Set(
                events.compactMap { event -> String? in
                    if case .text(let text)? = event.payload { text } else { nil }
                })
        }
        var received = await inbox.wait(for: 1000, timeout: .seconds(60))
        let deadline = ContinuousClock.now + .seconds(30)
        while texts(received).count < 1000 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            received = await inbox.events
        }
        let unique = texts(received)
        let duplicates = received.count - unique.count
        print(
            "outage: 1000 events emitted, \(unique.count) distinct received, \(duplicates) duplicates, \(retries) emit retries"
        )
        #expect(unique.count == 1000, "lost \(1000 - unique.count) events")
        #expect(unique == Set((0..<1000).map(String.init)))

        // Closed again at the first health check answered after the outage.
        let closing = ContinuousClock.now + .seconds(60)
        while sender.isCircuitOpen && ContinuousClock.now < closing { try await Task.sleep(for: .milliseconds(100)) }
        let transitions = sender.circuitTransitions
        #expect(transitions.opened >= 1, "the breaker never opened")
        #expect(transitions.closed >= 1, "the breaker never closed again")
        #expect(!sender.isCircuitOpen)
        #expect(try senderMetrics.expectGauge("kafka_event_bus_circuit_open").lastValue == 0)
        #expect(
            try senderMetrics.expectCounter(
                "kafka_event_bus", [("event", "health_check_sender"), ("status", "circuit_opened")]
            ).totalValue >= 1)
        #expect(
            try senderMetrics.expectCounter(
                "kafka_event_bus", [("event", "health_check_sender"), ("status", "circuit_closed")]
            ).totalValue >= 1)
        await sender.stop()
        await receiver.stop()
    }

    @Test("while the breaker is open, emit delivers locally and throws the Kafka failure")
    func openBreaker() async throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        try cluster.createTopic("hypha_event_local", partitions: 1)
        try cluster.createTopic("health_check_lonely", partitions: 1)
        let bus = MockBus.make("lonely", cluster, deliveryTimeout: .seconds(60))
        try await bus.start()
        let local = Inbox()
        bus.onLocal("local", local.handler)
        cluster.takeDown()
        // Three failed health checks, a second apart: far later on a loaded machine.
        let deadline = ContinuousClock.now + .seconds(120)
        while !bus.isCircuitOpen && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(bus.isCircuitOpen)
        await #expect(throws: KafkaFailure.self) { try await bus.emit("local", .text("still here")) }
        #expect(await local.events.map(\.payload) == [.text("still here")])
        cluster.bringUp()
        let closing = ContinuousClock.now + .seconds(40)
        while bus.isCircuitOpen && ContinuousClock.now < closing {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!bus.isCircuitOpen, "the breaker did not close after the broker came back")
        try await bus.emit("local", .text("through Kafka again"))
        await bus.stop()
    }
}
