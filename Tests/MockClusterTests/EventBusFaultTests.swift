// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import MetricsTestKit
import RDKafkaMock
import Synchronization
import TestSupport
import Testing

/// The event bus's failure and concurrency paths on librdkafka's mock cluster,
/// where request errors can be injected and brokers slowed, moved and taken down.
@Suite("the event bus under faults and concurrency")
struct EventBusFaultTests {
    private static func offset(_ event: BusEvent) -> Int64 {
        if case .kafka(_, let offset, _) = event.origin { offset } else { -1 }
    }

    @Test(
        "a restarted server whose committed-offset lookup fails at first still gets every event sent while it was away")
    func committedLookupFails() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["away": 1], servers: ["sender", "receiver"])
        let sender = MockBus.make("sender", cluster)
        try await sender.start()
        let first = MockBus.make("receiver", cluster)
        try await first.start()
        let before = Inbox()
        try await first.on("away", before.handler)
        for index in 0..<10 { try await sender.emit("away", .text("\(index)")) }
        #expect(await before.wait(for: 10).count == 10)
        await first.stop()

        for index in 10..<20 { try await sender.emit("away", .text("\(index)")) }
        // What a coordinator moving looks like to the group's OffsetFetch.
        cluster.failNext(.offsetFetch, with: [16, 16, 16])
        let second = MockBus.make("receiver", cluster)
        try await second.start()
        let after = Inbox()
        try await second.on("away", after.handler)
        let received = await after.wait(for: 10)
        #expect(texts(received) == (10..<20).map(String.init))
        await second.stop()
        await sender.stop()
    }

    @Test("subscribing to new events while a partition is being worked through: no duplicate, no step back")
    func subscribeWhileBusy() async throws {
        let news = (0..<5).map { "new\($0)" }
        var topics = ["busy": 1]
        for name in news { topics[name] = 1 }
        let cluster = try MockKafkaCluster.hypha(events: topics, servers: ["worker", "feeder"])
        let bus = MockBus.make("worker", cluster)
        try await bus.start()
        let inbox = Inbox()
        try await bus.on("busy") { event in
            try await Task.sleep(for: .milliseconds(20))
            await inbox.add(event)
        }
        let producer = try EventProducer(
            settings: KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, logger: testLogger()))
        let report = try await producer.send((0..<300).map { OutgoingEvent(name: "busy", payload: .text("\($0)")) })
        #expect(report.deliveredCount == 300)
        for name in news {
            try await Task.sleep(for: .milliseconds(300))
            try await bus.on(name) { _ in }
        }
        let received = await inbox.wait(for: 300, timeout: .seconds(30))
        try await Task.sleep(for: .seconds(1))
        let all = await inbox.events
        #expect(all.count == 300, "\(all.count) handler calls for 300 events")
        let offsets = all.map(Self.offset)
        let backwards = zip(offsets, offsets.dropFirst()).filter { $0 >= $1 }.count
        #expect(backwards == 0, "\(backwards) steps backwards in offset order")
        #expect(texts(received).prefix(300) == ArraySlice((0..<300).map(String.init)))
        await bus.stop()
    }

    @Test(
        "leader moves while events flow: a position librdkafka has to reset resumes at the earliest kept offset, nothing is skipped"
    )
    func leaderMoves() async throws {
        let cluster = try MockKafkaCluster(brokers: 3)
        try cluster.createTopic(HyphaTopic.forEvent("moving"), partitions: 1, replicationFactor: 3)
        for server in ["follower", "mover"] {
            try cluster.createTopic(HyphaTopic.healthCheck(serverID: server), partitions: 1, replicationFactor: 3)
        }
        let bus = MockBus.make("follower", cluster)
        let sender = MockBus.make("mover", cluster)
        try await bus.start()
        try await sender.start()
        let inbox = Inbox()
        cluster.moveLeader(topic: HyphaTopic.forEvent("moving"), partition: 0, to: 2)
        try await bus.on("moving", inbox.handler)
        for round in 0..<6 {
            // A new leader: the consumer validates its position, while events keep coming.
            cluster.moveLeader(topic: HyphaTopic.forEvent("moving"), partition: 0, to: Int32(round % 3 + 1))
            for index in 0..<10 { try await sender.emit("moving", .text("\(round * 10 + index)")) }
        }
        let received = await inbox.wait(for: 60, timeout: .seconds(30))
        let missing = Set((0..<60).map(String.init)).subtracting(texts(received))
        #expect(missing.isEmpty, "\(missing.count) of 60 events never arrived")
        await bus.stop()
        await sender.stop()
    }

    @Test(
        "an event too large for Kafka is the caller's error: valid emits beside it all succeed, the breaker stays closed"
    )
    func oversizedEmits() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["sized": 4], servers: ["emitter"])
        let bus = MockBus.make("emitter", cluster)
        try await bus.start()
        let big = String(repeating: "x", count: 2_000_000)
        let results = try await within(.seconds(180), "400 concurrent emits") {
            await withTaskGroup(of: (Bool, Result<Void, KafkaFailure>).self) { group in
                for index in 0..<400 {
                    let oversized = index % 50 == 7
                    group.addTask {
                        do throws(KafkaFailure) {
                            try await bus.emit("sized", .text(oversized ? big : "event \(index)"))
                            return (oversized, .success(()))
                        } catch {
                            return (oversized, .failure(error))
                        }
                    }
                }
                var results: [(Bool, Result<Void, KafkaFailure>)] = []
                for await result in group { results.append(result) }
                return results
            }
        }
        let all = try #require(results)
        let valid = all.filter { !$0.0 }
        let oversized = all.filter { $0.0 }
        #expect(oversized.count == 8)
        let validFailures = valid.compactMap { if case .failure(let error) = $0.1 { error } else { nil } }
        #expect(
            validFailures.isEmpty,
            "\(validFailures.count) valid emits failed, e.g. \(validFailures.first.map(\.description) ?? "")")
        for (_, result) in oversized {
            guard case .failure(let error) = result else {
                Issue.record("a 2 MB event was accepted")
                continue
            }
            #expect(error.kind == .invalidInput)
            #expect(error.reason.contains("message.max.bytes"), "\(error.reason)")
            #expect(!error.reason.contains("broker refused"), "\(error.reason)")
        }
        #expect(bus.circuitTransitions.opened == 0)
        #expect(!bus.isCircuitOpen)
        await bus.stop()
    }

    @Test("emits racing stop all return; an emit after stop fails at once, saying the bus is not running")
    func emitDuringStop() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["racing": 2], servers: ["stopper"])
        let bus = MockBus.make("stopper", cluster)
        try await bus.start()
        let outcome = try await within(.seconds(180), "350 emits around stop") {
            await withTaskGroup(of: Bool.self) { group in
                for index in 0..<350 {
                    group.addTask {
                        try? await Task.sleep(for: .microseconds(index * 200))
                        do throws(KafkaFailure) {
                            try await bus.emit("racing", .text("\(index)"))
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(30))
                    await bus.stop()
                    return true
                }
                var returned = 0
                for await _ in group { returned += 1 }
                return returned
            }
        }
        #expect(outcome == 351)
        let error = await #expect(throws: KafkaFailure.self) { try await bus.emit("racing", .text("late")) }
        #expect(error?.kind == .wrongState)
        #expect(error?.reason.contains("not running") == true)
    }

    @Test("waitFor ends by its timeout however short, and at once when its task is cancelled")
    func waitForEnds() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["awaited": 1], servers: ["waiter"])
        let bus = MockBus.make("waiter", cluster)
        try await bus.start()
        let timedOut = try await within(.seconds(180), "200 waitFor calls with tiny timeouts") {
            var count = 0
            for index in 0..<200 {
                do {
                    _ = try await bus.waitFor("awaited", timeout: index.isMultiple(of: 2) ? .zero : .microseconds(50))
                } catch let failure as KafkaFailure where failure.kind == .notFound {
                    count += 1
                }
            }
            return count
        }
        #expect(timedOut == 200)

        let waiting = Task { try await bus.waitFor("awaited", timeout: .seconds(120)) }
        try await Task.sleep(for: .milliseconds(200))
        waiting.cancel()
        let cancelled = try await within(.seconds(60), "a cancelled waitFor") { await waiting.result }
        if case .success? = cancelled { Issue.record("a cancelled waitFor returned an event") }
        #expect(
            cancelled.map { if case .failure(let error) = $0 { error is CancellationError } else { false } } == true)
        await bus.stop()
    }

    @Test("a waitFor predicate may use the bus; stop ends a waiting waitFor")
    func waitForPredicateUsesBus() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["inner": 1], servers: ["reentrant"])
        let bus = MockBus.make("reentrant", cluster)
        try await bus.start()
        let waiting = Task { try await bus.waitFor("inner", where: { _ in !bus.isCircuitOpen }, timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(200))
        await bus.emitLocal("inner", .text("check"))
        let found = try await within(.seconds(60), "waitFor with a predicate that reads the bus") {
            try await waiting.value
        }
        #expect(found?.payload == .text("check"))

        let orphan = Task { try await bus.waitFor("inner", timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(200))
        await bus.stop()
        let ended = try await within(.seconds(60), "a waitFor when the bus stops") { await orphan.result }
        if case .success? = ended { Issue.record("waitFor returned an event after stop") }
    }

    @Test("on and off from many tasks at once: the subscription ends as the handlers are")
    func concurrentSubscriptions() async throws {
        let names = (0..<12).map { "sub\($0)" }
        let cluster = try MockKafkaCluster.hypha(
            events: Dictionary(uniqueKeysWithValues: names.map { ($0, 1) }), servers: ["juggler", "caller"])
        let bus = MockBus.make("juggler", cluster)
        let caller = MockBus.make("caller", cluster)
        try await bus.start()
        try await caller.start()
        let inboxes = Dictionary(uniqueKeysWithValues: names.map { ($0, Inbox()) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, name) in names.enumerated() {
                group.addTask {
                    let id = try await bus.on(name, inboxes[name]!.handler)
                    if index.isMultiple(of: 2) { await bus.off(name, id) }
                }
            }
            try await group.waitForAll()
        }
        for name in names { try await caller.emit(name, .text(name)) }
        for (index, name) in names.enumerated() where !index.isMultiple(of: 2) {
            #expect(
                await inboxes[name]!.wait(for: 1, timeout: .seconds(15)).count == 1, "\(name) lost its subscription")
        }
        for (index, name) in names.enumerated() where index.isMultiple(of: 2) {
            #expect(await inboxes[name]!.events.isEmpty, "\(name) got an event after off")
        }
        await bus.stop()
        await caller.stop()
    }

    @Test("off returns only once the handler's running call has ended; none starts after it")
    func offWaitsForRunningCall() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["steady": 1], servers: ["offer"])
        let bus = MockBus.make("offer", cluster)
        try await bus.start()
        let log = CallLog()
        let id = try await bus.on("steady") { _ in
            log.began()
            try await Task.sleep(for: .milliseconds(300))
            log.ended()
        }
        let feeder = Task {
            for index in 0..<40 {
                try? await bus.emit("steady", .text("\(index)"))
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        while log.counts.began == 0 { try await Task.sleep(for: .milliseconds(20)) }
        await bus.off("steady", id)
        let atOff = log.counts
        #expect(atOff.began == atOff.ended, "off returned while a call was running")
        try await Task.sleep(for: .seconds(1))
        #expect(log.counts.began == atOff.began, "a call started after off returned")
        await feeder.value
        await bus.stop()
    }

    @Test("a handler that throws has had its event: the event is counted, not read again after a restart")
    func throwingHandler() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["poison": 1], servers: ["victim", "source"])
        let metrics = TestMetrics()
        let source = MockBus.make("source", cluster)
        try await source.start()
        let first = MockBus.make("victim", cluster, metrics: metrics)
        try await first.start()
        let calls = Inbox()
        try await first.on("poison") { event in
            await calls.add(event)
            throw KafkaFailure(.invalidInput, "cannot handle this")
        }
        try await source.emit("poison", .text("bad"))
        #expect(await calls.wait(for: 1).count == 1)
        try await Task.sleep(for: .milliseconds(200))
        await first.stop()
        #expect(
            try metrics.expectCounter("kafka_event_bus", [("event", "poison"), ("status", "handler_failed")]).totalValue
                == 1)

        let second = MockBus.make("victim", cluster)
        try await second.start()
        let again = Inbox()
        try await second.on("poison", again.handler)
        try await source.emit("poison", .text("good"))
        let received = await again.wait(for: 1)
        try await Task.sleep(for: .milliseconds(500))
        #expect(texts(await again.events) == ["good"], "\(texts(received))")
        await second.stop()
        await source.stop()
    }

    @Test("start failing leaves the bus stoppable and startable; a server id too long for a topic is a clear error")
    func failedStart() async throws {
        let nowhere = KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: KafkaClientSettings(bootstrapServers: "127.0.0.1:1", timeout: .seconds(1), logger: testLogger()),
                serverID: "nowhere"))
        await #expect(throws: KafkaFailure.self) { try await nowhere.start() }
        _ = try await within(.seconds(60), "stop after a failed start") { await nowhere.stop() }

        // Kafka refuses topic names over 249 characters; librdkafka refuses to open one over 512.
        let cluster = try MockKafkaCluster.hypha(events: [:], servers: [])
        for length in [300, 600] {
            let bus = MockBus.make(String(repeating: "s", count: length), cluster)
            let error = await #expect(throws: KafkaFailure.self) { try await bus.start() }
            #expect(error?.kind == .invalidInput)
            #expect(error?.reason.contains("server id") == true)
            _ = try await within(.seconds(60), "stop after a refused start") { await bus.stop() }
        }
    }
}

/// How many handler calls began and ended.
private final class CallLog: Sendable {
    private let state = Mutex((began: 0, ended: 0))

    func began() { state.withLock { $0.began += 1 } }
    func ended() { state.withLock { $0.ended += 1 } }
    var counts: (began: Int, ended: Int) { state.withLock { $0 } }
}
