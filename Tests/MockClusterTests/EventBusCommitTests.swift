// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import MetricsTestKit
import RDKafka
import RDKafkaMock
import Synchronization
import TestSupport
import Testing

/// What must never be committed unhandled (a dropped bus, an `events()` loop that
/// left, an event whose handlers were cut short by `stop()`), and the bus's edges
/// that need brokers taken down or errors injected: cancelled calls, a storm of
/// waits, a fatal consumer error, metrics, handles.
@Suite("nothing committed unhandled, and the bus's edges, on the mock cluster")
struct EventBusCommitTests {
    @Test("a bus dropped without stop() commits only what its handlers had: a restart gets every other event")
    func droppedBusStoresNothingUnhandled() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["drop": 1], servers: ["dropper", "feeder"])
        let handled = Mutex<Set<String>>([])
        let fifth = Latch()
        var bus: KafkaEventBus? = MockBus.make("dropper", cluster)
        try await bus!.start()
        try await bus!.on("drop") { event in
            try await Task.sleep(for: .milliseconds(50))
            let count = handled.withLock { handled in
                handled.formUnion(texts([event]))
                return handled.count
            }
            if count >= 5 { fifth.open() }
        }
        let producer = try EventProducer(
            settings: KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, logger: testLogger()))
        let report = try await producer.send((0..<300).map { OutgoingEvent(name: "drop", payload: .text("\($0)")) })
        #expect(report.deliveredCount == 300)
        await fifth.wait()
        bus = nil

        let restarted = MockBus.make("dropper", cluster)
        try await restarted.start()
        let inbox = Inbox()
        try await restarted.on("drop", inbox.handler)
        let all = Set((0..<300).map(String.init))
        let deadline = ContinuousClock.now + .seconds(30)
        var missing = all
        while !missing.isEmpty && ContinuousClock.now < deadline {
            let seen = Set(texts(await inbox.events)).union(handled.withLock { $0 })
            missing = all.subtracting(seen)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(missing.isEmpty, "\(missing.count) of 300 events never handled by either run")
        await restarted.stop()
    }

    @Test("on() of an event never read before returns once where it starts is committed, or throws")
    func startCommittedBeforeOnReturns() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["fresh": 1], servers: ["starter"])
        // Every commit is refused (GROUP_AUTHORIZATION_FAILED, at once): a start
        // only stored would go with the bus, and a restart would begin at the log
        // end again, past every event sent meanwhile.
        cluster.failNext(.offsetCommit, with: Array(repeating: 30, count: 10_000))
        let bus = MockBus.make("starter", cluster, handlerTimeout: .seconds(1), timeout: .seconds(5))
        try await bus.start()
        let refused = await #expect(throws: KafkaFailure.self) { try await bus.on("fresh") { _ in } }
        #expect(refused?.kind == .unreachable)
        #expect(bus.handlerCount("fresh") == 0)
        await bus.stop()

        // Once commits are answered, on() returns with the start committed: a bus
        // stopped before it read anything leaves every later event to the restart.
        cluster.clearErrors(.offsetCommit)
        try await bus.start()
        try await bus.on("fresh") { _ in }
        await bus.stop()
        let producer = try EventProducer(
            settings: KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, logger: testLogger()))
        let report = try await producer.send((0..<3).map { OutgoingEvent(name: "fresh", payload: .text("\($0)")) })
        #expect(report.deliveredCount == 3)

        let restarted = MockBus.make("starter", cluster)
        try await restarted.start()
        let inbox = Inbox()
        try await restarted.on("fresh", inbox.handler)
        #expect(texts(await inbox.wait(for: 3)) == ["0", "1", "2"])
        await restarted.stop()
    }

    @Test("an events() loop that leaves commits nothing it did not finish: a restart gets those events")
    func streamLeavesUnhandledForTheRestart() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["stream": 1], servers: ["streamer", "feeder"])
        let bus = MockBus.make("streamer", cluster)
        let sender = MockBus.make("feeder", cluster)
        try await bus.start()
        try await sender.start()
        // The loop's first next() subscribes: a sentinel, sent until the loop has one,
        // says it reads; then five events, of which it takes the first and leaves.
        let reading = Latch()
        let loop = Task {
            var taken: [String] = []
            for try await event in bus.events("stream") {
                let text = texts([event]).first ?? ""
                if text == "sentinel" {
                    reading.open()
                    continue
                }
                taken.append(text)
                break
            }
            return taken
        }
        let sentinels = Task {
            while !Task.isCancelled {
                try? await sender.emit("stream", .text("sentinel"))
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        await reading.wait()
        sentinels.cancel()
        _ = await sentinels.value
        for index in 0..<5 { try await sender.emit("stream", .text("\(index)")) }
        let taken = try await loop.value
        #expect(taken == ["0"])
        await bus.stop()

        let restarted = MockBus.make("streamer", cluster)
        try await restarted.start()
        let inbox = Inbox()
        try await restarted.on("stream", inbox.handler)
        let received = Set(texts(await inbox.wait(for: 5)))
        #expect(received.isSuperset(of: ["0", "1", "2", "3", "4"]), "after a restart: \(received.sorted())")
        await restarted.stop()
        await sender.stop()
    }

    @Test("stop() during an event's first handler starts none of its later handlers; a restart gets the event")
    func stopStartsNoLaterHandler() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["pair": 1], servers: ["pair", "feeder"])
        let bus = MockBus.make("pair", cluster, handlerTimeout: .seconds(2))
        let sender = MockBus.make("feeder", cluster)
        try await bus.start()
        try await sender.start()
        let firstStarted = Latch()
        let firstEnded = Latch()
        let secondStarted = Mutex(false)
        try await bus.on("pair") { _ in
            firstStarted.open()
            try? await Task.sleep(for: .milliseconds(500))
            firstEnded.open()
        }
        try await bus.on("pair") { _ in secondStarted.withLock { $0 = true } }
        try await sender.emit("pair", .text("one"))
        await firstStarted.wait()
        await bus.stop()
        await firstEnded.wait()
        for _ in 0..<20 { await Task.yield() }
        #expect(!secondStarted.withLock { $0 }, "the second handler started after stop() returned")

        let restarted = MockBus.make("pair", cluster)
        try await restarted.start()
        let inbox = Inbox()
        try await restarted.on("pair", inbox.handler)
        #expect(texts(await inbox.wait(for: 1)) == ["one"])
        await restarted.stop()
        await sender.stop()
    }

    @Test("a cancelled on() ends at once with CancellationError, even while Kafka does not answer")
    func cancelledOn() async throws {
        let cluster = try MockKafkaCluster.hypha(events: [:], servers: ["cancel"])
        let bus = MockBus.make("cancel", cluster)
        try await bus.start()
        cluster.takeDown()
        let call = Task { try await bus.on("never-looked-up") { _ in } }
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()
        let outcome = try await within(.seconds(5), "a cancelled on()") { await Result { try await call.value } }
        if case .failure(let error)? = outcome {
            #expect(error is CancellationError, "threw \(error)")
        } else {
            Issue.record("a cancelled on() returned \(String(describing: outcome))")
        }
        #expect(bus.handlerCount("never-looked-up") == 0)
        cluster.bringUp()
        await bus.stop()
    }

    @Test("2,000 waitFor during an outage start no thread each")
    func waitForStormThreads() async throws {
        let cluster = try MockKafkaCluster.hypha(events: [:], servers: ["storm"])
        let bus = MockBus.make("storm", cluster)
        try await bus.start()
        cluster.takeDown()
        let before = ThreadCount.now()
        let peak = Mutex(before)
        let sampler = Task {
            while !Task.isCancelled {
                let count = ThreadCount.now()
                peak.withLock { $0 = max($0, count) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<2000 {
                group.addTask {
                    (try? await bus.waitFor("storm-\(index)", timeout: .seconds(2))) == nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        sampler.cancel()
        #expect(outcomes == 2000)
        // Bounded, not exact: the suite's other tests start and end threads meanwhile.
        let grew = peak.withLock { $0 } - before
        #expect(grew < 1000, "threads grew by \(grew) for 2,000 waitFor")
        cluster.bringUp()
        await bus.stop()
    }

    @Test("a fatal consumer error ends events() loops by throwing, and run() throws it after stopping the bus")
    func fatalErrorEndsRun() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["fatal": 1], servers: ["fatal"])
        let bus = MockBus.make("fatal", cluster)
        let running = Task { try await bus.run() }
        while !bus.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        let loop = Task {
            do {
                for try await _ in bus.events("fatal") {}
                return "ended without an error"
            } catch {
                return "\(error)"
            }
        }
        while bus.handlerCount("fatal") == 0 { try await Task.sleep(for: .milliseconds(10)) }
        bus.raiseConsumerFatalErrorForTesting("injected by the test")
        let loopEnd = try await within(.seconds(10), "the events() loop after a fatal error") { await loop.value }
        #expect(loopEnd?.contains("fatal") == true, "\(loopEnd ?? "")")
        let runEnd = try await within(.seconds(30), "run() after a fatal error") {
            await Result { try await running.value }
        }
        if case .failure(let error)? = runEnd {
            #expect("\(error)".contains("fatal"))
        } else {
            Issue.record("run() ended with \(String(describing: runEnd))")
        }
        #expect(!bus.isRunning)
    }

    @Test("start() after an open breaker resets the circuit gauge and the transition counts")
    func restartResetsBreakerMetrics() async throws {
        let cluster = try MockKafkaCluster.hypha(events: [:], servers: ["breaker"])
        let metrics = TestMetrics()
        let bus = MockBus.make(
            "breaker", cluster, metrics: metrics, healthEvery: .milliseconds(200), deliveryTimeout: .seconds(1))
        try await bus.start()
        cluster.takeDown()
        while !bus.isCircuitOpen { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try metrics.expectGauge("kafka_event_bus_circuit_open").lastValue == 1)
        await bus.stop()
        cluster.bringUp()
        try await bus.start()
        #expect(try metrics.expectGauge("kafka_event_bus_circuit_open").lastValue == 0)
        #expect(bus.circuitTransitions.opened == 0 && bus.circuitTransitions.closed == 0)
        await bus.stop()
    }

    @Test("per-client event names do not grow the metrics' event label without bound")
    func boundedEventLabels() async throws {
        let cluster = try MockKafkaCluster.hypha(events: [:], servers: ["labels"])
        let metrics = TestMetrics()
        let bus = MockBus.make("labels", cluster, metrics: metrics)
        try await bus.start()
        for index in 0..<50 { try await bus.emit("ws-1/client-\(index):msg", .text("x")) }
        for index in 0..<300 { try await bus.emit("event-\(index)", .text("x")) }
        let labels = Set(
            metrics.counters.filter { $0.label == "kafka_event_bus" }.compactMap { counter in
                counter.dimensions.first { $0.0 == "event" }?.1
            })
        #expect(labels.contains("*/*:msg"))
        #expect(!labels.contains("ws-1/client-0:msg"))
        #expect(labels.count <= 201, "\(labels.count) event label values")
        #expect(labels.contains("other"))
        await bus.stop()
    }

    @Test("stop() destroys the bus's librdkafka handles before it returns, even with a handler still running")
    func handlesGoBeforeStopReturns() async throws {
        let cluster = try MockKafkaCluster.hypha(events: ["late": 1], servers: ["late", "feeder"])
        let clientID = TestEnvironment.uniqueEvent("handles")
        let settings = KafkaClientSettings(
            bootstrapServers: cluster.bootstrapServers, timeout: .seconds(20), logger: testLogger(),
            clientID: clientID)
        let bus = KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: settings, serverID: "late", healthCheckInterval: .seconds(1),
                handlerTimeout: .milliseconds(200)))
        let sender = MockBus.make("feeder", cluster)
        try await bus.start()
        try await sender.start()
        #expect(RDKafkaClient.liveHandles(clientID: clientID) == 2)
        let started = Latch()
        let release = Latch()
        try await bus.on("late") { _ in
            started.open()
            await release.wait()
        }
        try await sender.emit("late", .text("slow"))
        await started.wait()
        await bus.stop()
        #expect(RDKafkaClient.liveHandles(clientID: clientID) == 0)
        release.open()
        await sender.stop()
    }
}
