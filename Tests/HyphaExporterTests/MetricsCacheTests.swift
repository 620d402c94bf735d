// SPDX-License-Identifier: Apache-2.0
import HyphaKafkaAdmin
import Synchronization
import Testing

@testable import HyphaExporter

@Suite("Metrics cache: one reading per interval, answers bounded by the timeout")
struct MetricsCacheTests {
    /// Counts readings; each one sleeps `delay`, then fails or returns an empty bus.
    final class FakeBus: Sendable {
        let readings = Atomic<Int>(0)
        let fails = Atomic<Bool>(false)
        let delay: Duration

        init(delay: Duration = .zero) { self.delay = delay }

        func read() async throws -> BusReading {
            readings.add(1, ordering: .relaxed)
            if delay > .zero { try? await Task.sleep(for: delay) }
            if fails.load(ordering: .relaxed) { throw Unreachable() }
            return BusReading(cluster: ClusterSnapshot(brokers: 1, topics: [], groups: []), servers: [], nowMillis: 0)
        }

        struct Unreachable: Error {}
    }

    /// The sample lines, but the reading's duration (which varies).
    static func samples(_ bytes: [UInt8]) -> [String] {
        ExporterMetricsTests.samples(bytes).filter { !$0.hasPrefix("hyphactl_exporter_scrape_duration_seconds") }
    }

    // The bounds below leave wide margins: the whole suite runs at once on two
    // cores, and the broker tests block threads of the pool these tasks run on.

    @Test("scrapes within the minimum interval get the cached answer; a later one reads again")
    func minInterval() async throws {
        let bus = FakeBus()
        let cache = MetricsCache(minInterval: .seconds(3), timeout: .seconds(5)) { try await bus.read() }
        let clock = ContinuousClock()
        let started = clock.now
        let first = await cache.exposition()
        let second = await cache.exposition()
        try #require(started.duration(to: clock.now) < .seconds(3), "too slow to tell")
        #expect(bus.readings.load(ordering: .relaxed) == 1)
        #expect(first == second)
        #expect(Self.samples(first).contains("hyphactl_exporter_up 1.0"))
        try await Task.sleep(until: started + .seconds(3.5))
        _ = await cache.exposition()
        #expect(bus.readings.load(ordering: .relaxed) == 2)
    }

    @Test("with no minimum interval every scrape reads")
    func noInterval() async {
        let bus = FakeBus()
        let cache = MetricsCache(minInterval: .zero, timeout: .seconds(5)) { try await bus.read() }
        for _ in 0..<3 { _ = await cache.exposition() }
        #expect(bus.readings.load(ordering: .relaxed) == 3)
    }

    @Test("concurrent scrapes share one reading")
    func singleFlight() async {
        let bus = FakeBus(delay: .seconds(2))
        let cache = MetricsCache(minInterval: .zero, timeout: .seconds(30)) { try await bus.read() }
        let answers = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<5 { group.addTask { await cache.exposition() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bus.readings.load(ordering: .relaxed) == 1)
        #expect(answers.allSatisfy { Self.samples($0).contains("hyphactl_exporter_up 1.0") })
    }

    @Test("a failed reading answers up 0 and counts one error per reading")
    func failure() async {
        let bus = FakeBus()
        bus.fails.store(true, ordering: .relaxed)
        let cache = MetricsCache(minInterval: .zero, timeout: .seconds(5)) { try await bus.read() }
        let first = Self.samples(await cache.exposition())
        #expect(first == ["hyphactl_exporter_scrape_errors_total 1", "hyphactl_exporter_up 0.0"])
        let second = Self.samples(await cache.exposition())
        #expect(second.contains("hyphactl_exporter_scrape_errors_total 2"))
        bus.fails.store(false, ordering: .relaxed)
        let third = Self.samples(await cache.exposition())
        #expect(third.contains("hyphactl_exporter_up 1.0") && third.contains("hyphactl_exporter_scrape_errors_total 2"))
    }

    @Test("a reading slower than the timeout answers up 0 at the timeout, counted once; its late result is cached")
    func timeout() async throws {
        let bus = FakeBus(delay: .seconds(6))
        let cache = MetricsCache(minInterval: .seconds(60), timeout: .milliseconds(300)) { try await bus.read() }
        let clock = ContinuousClock()
        let started = clock.now
        let answer = Self.samples(await cache.exposition())
        #expect(started.duration(to: clock.now) < .seconds(4), "answered only when the reading ended")
        #expect(answer == ["hyphactl_exporter_scrape_errors_total 1", "hyphactl_exporter_up 0.0"])
        // Within the interval: the timed-out answer, no second reading started.
        _ = await cache.exposition()
        #expect(bus.readings.load(ordering: .relaxed) == 1)
        #expect(cache.errors == 1)
        // The late reading replaces the failure answer when it ends.
        var late: [String] = []
        while started.duration(to: clock.now) < .seconds(20) {
            late = Self.samples(await cache.exposition())
            if late.contains("hyphactl_exporter_up 1.0") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(late.contains("hyphactl_exporter_up 1.0"))
        #expect(late.contains("hyphactl_exporter_scrape_errors_total 1"))
        #expect(bus.readings.load(ordering: .relaxed) == 1)
    }

    @Test("a scrape whose task is cancelled returns at once")
    func cancelled() async {
        let bus = FakeBus(delay: .seconds(10))
        let cache = MetricsCache(minInterval: .zero, timeout: .seconds(60)) { try await bus.read() }
        let clock = ContinuousClock()
        let started = clock.now
        let task = Task { await cache.exposition() }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let answer = Self.samples(await task.value)
        #expect(started.duration(to: clock.now) < .seconds(6), "answered only when the reading ended")
        #expect(answer.contains("hyphactl_exporter_up 0.0"))
    }
}
