// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import MetricsTestKit
import RDKafkaAdmin
import TestSupport
import Testing

@Suite("the event bus against the test broker")
struct EventBusTests {
    @Test("two buses with different server ids both receive one event (broadcast)")
    func broadcast() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let first = try TestBus.make("a-\(event)")
        let second = try TestBus.make("b-\(event)")
        try await first.start()
        try await second.start()
        let inboxA = Inbox()
        let inboxB = Inbox()
        async let subscribedA = first.on(event, inboxA.handler)
        async let subscribedB = second.on(event, inboxB.handler)
        _ = try await (subscribedA, subscribedB)

        try await first.emit(event, .json(try JSONValue.parse(#"{"n": 1}"#)))
        let receivedA = await inboxA.wait(for: 1)
        let receivedB = await inboxB.wait(for: 1)
        #expect(receivedA.count == 1 && receivedB.count == 1)
        #expect(receivedB.first?.payload == .json(try JSONValue.parse(#"{"n": 1}"#)))
        if case .kafka(let partition, _, _)? = receivedB.first?.origin {
            #expect(partition.topic == "hypha_event_\(event)")
        } else {
            Issue.record("the event did not come from Kafka")
        }
        await first.stop()
        await second.stop()
    }

    @Test("d:, s: and b: payloads round-trip; off stops delivery; once fires once")
    func handlers() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let bus = try TestBus.make("h-\(event)")
        try await bus.start()
        let all = Inbox()
        let single = Inbox()
        let id = try await bus.on(event, all.handler)
        try await bus.once(event, single.handler)

        let payloads: [EventPayload] = [
            .json(try JSONValue.parse(#"{"text": "grüß", "list": [1, 2.5, null]}"#)),
            .text("plain ✓"),
            .bytes([0x81, 0xA1, 0x61, 0x01, 0x00, 0xFF]),
        ]
        for payload in payloads { try await bus.emit(event, payload) }
        let received = await all.wait(for: 3)
        // Each type has its own key, so its own partition: no order between them.
        #expect(received.count == 3)
        for payload in payloads { #expect(received.contains { $0.payload == payload }) }
        #expect(await single.wait(for: 1).count == 1)

        await bus.off(event, id)
        try await bus.emit(event, .text("after off"))
        try await Task.sleep(for: .seconds(2))
        #expect(await all.events.count == 3)
        #expect(await single.events.count == 1)
        await bus.stop()
    }

    @Test("events of one partition reach a handler in order, even when the handler takes its time")
    func order() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let bus = try TestBus.make("o-\(event)")
        try await bus.start()
        let inbox = Inbox()
        try await bus.on(event) { received in
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...20)))
            await inbox.add(received)
        }
        for index in 0..<40 { try await bus.emit(event, .text(String(index))) }
        let received = await inbox.wait(for: 40)
        #expect(received.map(\.payload) == (0..<40).map { .text(String($0)) })
        await bus.stop()
    }

    @Test("a stuck handler holds up its partition for the handler timeout only, and is counted")
    func stuckHandler() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let metrics = TestMetrics()
        var configuration = try TestBus.make("t-\(event)").configuration
        configuration.handlerTimeout = .seconds(1)
        let bus = KafkaEventBus(configuration: configuration, metricsFactory: metrics)
        try await bus.start()
        let inbox = Inbox()
        try await bus.on(event) { received in
            await inbox.add(received)
            if received.payload == .text("stuck") { try await Task.sleep(for: .seconds(30)) }
        }
        try await bus.emit(event, .text("stuck"))
        try await bus.emit(event, .text("next"))
        // The stuck call lasts 30 s: "next" arriving within 20 s shows the partition moved on
        // (a bound on a condition, not a timed assertion: a busy machine only makes it slower).
        let received = await inbox.wait(for: 2, timeout: .seconds(20))
        #expect(received.map(\.payload) == [.text("stuck"), .text("next")])
        let timeouts = try metrics.expectCounter("kafka_event_bus", [("event", event), ("status", "handler_timeout")])
        #expect(timeouts.totalValue == 1)
        #expect(
            try metrics.expectCounter("kafka_event_bus", [("event", event), ("status", "emitted")]).totalValue == 2)
        #expect(
            try metrics.expectCounter("kafka_event_bus", [("event", event), ("status", "received")]).totalValue == 2)
        await bus.stop()
    }

    @Test("stop commits what was handled: a restarted server does not see those events again")
    func stopCommits() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let server = "c-\(event)"
        let first = try TestBus.make(server)
        try await first.start()
        let inbox = Inbox()
        try await first.on(event, inbox.handler)
        for index in 0..<3 { try await first.emit(event, .text("before \(index)")) }
        #expect(await inbox.wait(for: 3).count == 3)
        await first.stop()

        let lag = try Hyphactl.succeed(["groups", "describe", server, "-o", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: lag.stdout) as? [String: Any])
        let partitions = try #require(document["partitions"] as? [[String: Any]])
        // The event's topic only: the group also reads the server's health checks, and one
        // the bus wrote just before stop (every 5 s; a slow run meets one) is rightly unread.
        let read = partitions.filter { $0["topic"] as? String == "hypha_event_\(event)" }
        #expect(read.compactMap { $0["committed"] as? Int }.reduce(0, +) == 3, "\(partitions)")
        #expect(!read.isEmpty && read.allSatisfy { $0["lag"] as? Int == 0 }, "\(partitions)")
    }

    @Test("waitFor: a match from Kafka or from this process, and a timeout")
    func waitFor() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let bus = try TestBus.make("w-\(event)")
        let sender = try TestBus.make("s-\(event)")
        try await bus.start()
        try await sender.start()
        try await bus.on(event) { _ in }

        async let matched = bus.waitFor(event, where: { $0.payload == .text("second") }, timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(200))
        try await sender.emit(event, .text("first"))
        try await sender.emit(event, .text("second"))
        let found = try await matched
        #expect(found.payload == .text("second"))
        if case .local = found.origin { Issue.record("expected the Kafka copy") }

        async let local = bus.waitFor(event, timeout: .seconds(5))
        try await Task.sleep(for: .milliseconds(100))
        await bus.emitLocal(event, .text("local"))
        #expect(try await local.origin == .local)

        await #expect(throws: KafkaFailure.self) {
            try await bus.waitFor(event, where: { $0.payload == .text("never") }, timeout: .milliseconds(300))
        }
        await bus.stop()
        await sender.stop()
    }

    @Test("onLocal handlers get emitLocal and emit; Kafka handlers do not get emitLocal")
    func localHandlers() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let bus = try TestBus.make("l-\(event)")
        try await bus.start()
        let local = Inbox()
        let remote = Inbox()
        let once = Inbox()
        bus.onLocal(event, local.handler)
        bus.onceLocal(event, once.handler)
        try await bus.on(event, remote.handler)
        await bus.emitLocal(event, .text("only here"))
        try await bus.emit(event, .text("everywhere"))
        #expect(await remote.wait(for: 1).map(\.payload) == [.text("everywhere")])
        #expect(await local.events.map(\.payload) == [.text("only here"), .text("everywhere")])
        #expect(await once.events.count == 1)
        await bus.offLocal(event)
        await bus.emitLocal(event, .text("nobody"))
        #expect(await local.events.count == 2)
        await bus.stop()
    }

    @Test("an aiokafka Hypha peer and a Swift bus exchange d:, s: and b: events both ways")
    func withPythonPeer() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let bus = try TestBus.make("swift-\(event)")
        try await bus.start()
        let inbox = Inbox()
        try await bus.on(event, inbox.handler)

        // Python to Swift.
        let sent: [[String: Any]] = [
            ["event": event, "type": "d", "data": ["from": "python", "n": 1]],
            ["event": event, "type": "s", "data": "text from python"],
            ["event": event, "type": "b", "data": Data([0x92, 0x01, 0xC0]).base64EncodedString()],
        ]
        _ = try PythonPeer.produce(sent)
        let received = await inbox.wait(for: 3)
        #expect(received.count == 3)
        #expect(received.contains { $0.payload == .text("text from python") })
        #expect(received.contains { $0.payload == .bytes([0x92, 0x01, 0xC0]) })
        let object = received.compactMap { event -> [UInt8]? in
            if case .json(let value)? = event.payload { value.compactJSON() } else { nil }
        }.first
        #expect(
            try canonical(try JSONSerialization.jsonObject(with: Data(try #require(object))))
                == canonical(["from": "python", "n": 1]))

        // Swift to Python.
        let peer = try BackgroundPeer([
            "consume", "--server-id", "py-\(event)", "--events", event, "--count", "3", "--timeout", "40",
        ])
        try await bus.emit(event, .json(try JSONValue.parse(#"{"from": "swift", "ü": true}"#)))
        try await bus.emit(event, .text("text from swift"))
        try await bus.emit(event, .bytes([0x00, 0x01, 0xFE]))
        let lines = try peer.finish()
        #expect(lines.count == 3)
        let byType = Dictionary(uniqueKeysWithValues: lines.map { ($0["type"] as? String ?? "?", $0) })
        #expect(try canonical(byType["d"]?["data"]) == canonical(["from": "swift", "ü": true]))
        #expect(byType["s"]?["data"] as? String == "text from swift")
        #expect(byType["b"]?["data"] as? String == Data([0x00, 0x01, 0xFE]).base64EncodedString())
        await bus.stop()
    }

    @Test("an undecodable message's offset is stored in turn, never past events still waiting for their handler")
    func undecodableInOrder() async throws {
        let event = TestEnvironment.uniqueEvent("bus")
        let settings = KafkaClientSettings(bootstrapServers: try TestEnvironment.bootstrap(), logger: testLogger())
        let bus = try TestBus.make("u-\(event)")
        try await bus.start()
        let inbox = Inbox()
        try await bus.on(event) { event in
            await inbox.add(event)
            try await Task.sleep(for: .seconds(3))
        }
        let producer = try EventProducer(settings: settings)
        // One at a time: Tansu counts a batch of several messages as one.
        // JSON, as the undecodable one claims to be: one key, so one partition.
        for index in 0..<5 {
            _ = try await producer.send([OutgoingEvent(name: event, payload: .json(.number("\(index)")))])
        }
        _ = try await producer.send([OutgoingEvent(name: event, type: .json, value: Array("{not json".utf8))])
        // Long enough for automatic commits (every second), short of the first handler call's end.
        try await Task.sleep(for: .milliseconds(2500))
        let lag = try #require(
            try await KafkaAdmin(settings: settings).describeGroups([HyphaGroup.forServer("u-\(event)")]).first)
        let committed = try #require(lag.partitions.first { $0.topic == HyphaTopic.forEvent(event) }?.committed)
        let handled = await inbox.events.count
        print("undecodable: committed \(committed) with \(handled) of 5 events started")
        #expect(handled < 5)
        #expect(committed <= Int64(handled), "committed \(committed) with \(handled) of 5 events started")
        await bus.stop()
    }
}
