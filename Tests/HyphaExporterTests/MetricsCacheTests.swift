// SPDX-License-Identifier: Apache-2.0
import HyphaKafkaAdmin
import Synchronization
import Testing

@testable import HyphaExporter

@Suite("Metrics cache: one reading per interval, answers bounded by the timeout", .timeLimit(.minutes(2)))
struct MetricsCacheTests {
    /// Counts readings; each one waits until the test's clock reaches `readyAt`
    /// (a time, not a delay: a reading that starts late, after the test moved the
    /// clock, must not wait longer), then fails or returns an empty bus.
    final class FakeBus: Sendable {
        let readings = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let fails = Atomic<Bool>(false)
        let readyAt: ManualClock.Instant
        let clock: ManualClock

        init(clock: ManualClock, readyAt: Duration = .zero) {
            self.clock = clock
            self.readyAt = ManualClock.Instant(offset: readyAt)
        }

        func read() async throws -> BusReading {
            readings.add(1, ordering: .relaxed)
            defer { finished.add(1, ordering: .relaxed) }
            try await clock.sleep(until: readyAt, tolerance: nil)
            if fails.load(ordering: .relaxed) { throw Unreachable() }
            return BusReading(cluster: ClusterSnapshot(brokers: 1, topics: [], groups: []), servers: [], nowMillis: 0)
        }

        struct Unreachable: Error {}
    }

    /// The sample lines, but the reading's duration (which varies).
    static func samples(_ bytes: [UInt8]) -> [String] {
        ExporterMetricsTests.samples(bytes).filter { !$0.hasPrefix("hyphactl_exporter_scrape_duration_seconds") }
    }

    static func cache(_ bus: FakeBus, minInterval: Duration, timeout: Duration) -> MetricsCache<ManualClock> {
        MetricsCache(minInterval: minInterval, timeout: timeout, clock: bus.clock) { try await bus.read() }
    }

    @Test("scrapes within the minimum interval get the cached answer; one at the interval reads again")
    func minInterval() async throws {
        let bus = FakeBus(clock: ManualClock())
        let cache = Self.cache(bus, minInterval: .seconds(5), timeout: .seconds(10))
        let first = await cache.exposition()
        bus.clock.advance(by: .milliseconds(4999))
        let second = await cache.exposition()
        #expect(bus.readings.load(ordering: .relaxed) == 1)
        #expect(first == second)
        #expect(Self.samples(first).contains("hyphactl_exporter_up 1.0"))
        bus.clock.advance(by: .milliseconds(1))
        _ = await cache.exposition()
        #expect(bus.readings.load(ordering: .relaxed) == 2)
    }

    @Test("with no minimum interval every scrape reads")
    func noInterval() async {
        let bus = FakeBus(clock: ManualClock())
        let cache = Self.cache(bus, minInterval: .zero, timeout: .seconds(10))
        for _ in 0..<3 { _ = await cache.exposition() }
        #expect(bus.readings.load(ordering: .relaxed) == 3)
    }

    @Test("concurrent scrapes share one reading")
    func singleFlight() async {
        let bus = FakeBus(clock: ManualClock(), readyAt: .seconds(2))
        let cache = Self.cache(bus, minInterval: .zero, timeout: .seconds(10))
        let scrapes = (0..<5).map { _ in Task { await cache.exposition() } }
        await eventually { cache.waitingScrapes == 5 }
        bus.clock.advance(by: .seconds(2))
        for scrape in scrapes {
            #expect(Self.samples(await scrape.value).contains("hyphactl_exporter_up 1.0"))
        }
        #expect(bus.readings.load(ordering: .relaxed) == 1)
    }

    @Test("a failed reading answers up 0 and counts one error per reading")
    func failure() async {
        let bus = FakeBus(clock: ManualClock())
        bus.fails.store(true, ordering: .relaxed)
        let cache = Self.cache(bus, minInterval: .zero, timeout: .seconds(10))
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
        let bus = FakeBus(clock: ManualClock(), readyAt: .seconds(6))
        let cache = Self.cache(bus, minInterval: .seconds(60), timeout: .seconds(2))
        let scrape = Task { await cache.exposition() }
        await eventually { cache.waitingScrapes == 1 }
        bus.clock.advance(by: .seconds(2))
        await eventually { cache.waitingScrapes == 0 }
        #expect(cache.waitingScrapes == 0, "still waiting at the timeout")
        #expect(bus.finished.load(ordering: .relaxed) == 0, "answered before the reading ended")
        if cache.waitingScrapes > 0 { bus.clock.advance(by: .seconds(60)) } // unblock it, to fail rather than hang
        let answer = Self.samples(await scrape.value)
        #expect(answer == ["hyphactl_exporter_scrape_errors_total 1", "hyphactl_exporter_up 0.0"])
        // Within the interval: the timed-out answer, no second reading started.
        #expect(Self.samples(await cache.exposition()) == answer)
        #expect(bus.readings.load(ordering: .relaxed) == 1)
        #expect(cache.errors == 1)
        // The late reading replaces the failure answer when it ends.
        bus.clock.advance(by: .seconds(4))
        await eventually { bus.finished.load(ordering: .relaxed) == 1 }
        var late: [String] = []
        await eventually {
            late = Self.samples(cache.lastAnswer ?? [])
            return late.contains("hyphactl_exporter_up 1.0")
        }
        #expect(Self.samples(await cache.exposition()) == late)
        #expect(late.contains("hyphactl_exporter_scrape_errors_total 1"))
        #expect(bus.readings.load(ordering: .relaxed) == 1)
    }

    @Test("a scrape whose task is cancelled returns at once, without the clock moving")
    func cancelled() async {
        let bus = FakeBus(clock: ManualClock(), readyAt: .seconds(10))
        let cache = Self.cache(bus, minInterval: .zero, timeout: .seconds(60))
        let scrape = Task { await cache.exposition() }
        await eventually { cache.waitingScrapes == 1 }
        scrape.cancel()
        await eventually { cache.waitingScrapes == 0 }
        #expect(cache.waitingScrapes == 0, "still waiting after its task was cancelled")
        #expect(bus.finished.load(ordering: .relaxed) == 0)
        bus.clock.advance(by: .seconds(10)) // ends the reading (and unblocks a scrape that kept waiting)
        #expect(Self.samples(await scrape.value).contains("hyphactl_exporter_up 0.0"))
    }
}
