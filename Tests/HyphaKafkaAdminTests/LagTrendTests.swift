// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import Testing

@testable import HyphaKafkaAdmin

@Suite("lag trends, Burrow's stall rule and event rates")
struct LagTrendTests {
    private static let partition = TopicPartition(topic: "hypha_event_chat", partition: 0)

    /// Refreshes 5 s apart: (total lag, committed offset) each.
    private func readings(_ refreshes: [(lag: Int64, committed: Int64)], rule: StallRule = StallRule())
        -> [LagReading]
    {
        var rule = rule
        return refreshes.enumerated().map { index, refresh in
            rule.record(
                LagSample(
                    totalLag: refresh.lag, committed: [Self.partition: refresh.committed], atMillis: Int64(index) * 5000
                ))
        }
    }

    @Test("the trend follows the total lag; the first refresh has none")
    func trend() {
        let seen = readings([(5, 10), (8, 10), (8, 10), (2, 16)])
        #expect(seen.map(\.trend) == [nil, .growing, .steady, .shrinking])
        #expect(seen.map(\.change) == [nil, 3, 0, -6])
    }

    @Test("lag growing at three refreshes while the commits stand still: stalled")
    func growingUnmoved() {
        let seen = readings([(1, 10), (3, 10), (6, 10), (9, 10), (12, 10)])
        #expect(seen.map(\.stalled) == [false, false, false, true, true])
    }

    @Test("lag growing while the commits move: lagging, never stalled")
    func growingMoving() {
        let seen = readings([(1, 10), (3, 11), (6, 12), (9, 13), (12, 14)])
        #expect(seen.allSatisfy { !$0.stalled })
        #expect(seen.dropFirst().allSatisfy { $0.trend == .growing })
    }

    @Test("a shrinking lag is not stalled, and the count starts over")
    func shrinking() {
        let seen = readings([(1, 10), (3, 10), (6, 10), (9, 10), (4, 10), (6, 10), (8, 10)])
        #expect(seen.map(\.stalled) == [false, false, false, true, false, false, false])
    }

    @Test("a steady lag keeps the count: an idle stalled server stays stalled")
    func steadyKeepsCount() {
        let seen = readings([(1, 10), (3, 10), (3, 10), (6, 10), (6, 10), (9, 10), (9, 10)])
        #expect(seen.map(\.stalled) == [false, false, false, false, false, true, true])
    }

    @Test("no lag is never stalled")
    func noLag() {
        #expect(readings([(0, 10), (0, 10), (0, 10), (0, 10), (0, 10)]).allSatisfy { !$0.stalled })
    }

    @Test("quick refreshes need the commits still for the minimum time too")
    func minimumTime() {
        var rule = StallRule()
        let seen = (0..<6).map { index in
            rule.record(
                LagSample(
                    totalLag: Int64(index) * 2, committed: [Self.partition: 10], atMillis: Int64(index) * 1000))
        }
        // Three growths by the fourth refresh, but only 3 s after the commits were first seen.
        #expect(seen.allSatisfy { !$0.stalled })
        #expect(
            rule.record(LagSample(totalLag: 20, committed: [Self.partition: 10], atMillis: 10_000)).stalled)
    }

    @Test("events per second from the change of the end offsets over the time between refreshes")
    func rates() {
        var rates = EventRates()
        let chat0 = TopicPartition(topic: "hypha_event_chat", partition: 0)
        let chat1 = TopicPartition(topic: "hypha_event_chat", partition: 1)
        let ping = TopicPartition(topic: "hypha_event_ping", partition: 0)
        let fresh = TopicPartition(topic: "hypha_event_new", partition: 0)
        #expect(rates.record([chat0: 10, chat1: 5, ping: 100], atMillis: 1000) == nil)
        let second = rates.record([chat0: 14, chat1: 7, ping: 90, fresh: 500], atMillis: 3000)
        #expect(second == ["chat": 3, "ping": 0].mapKeys { "hypha_event_\($0)" })
    }

    @Test("a watch marks a stalled server, keeps gone and silent, and ranks event topics busiest first")
    func serverWatch() {
        var watch = LagWatch(rule: StallRule(growthsToStall: 2, minimumMillis: 0))
        let chat = TopicPartition(topic: "hypha_event_chat", partition: 0)
        let ping = TopicPartition(topic: "hypha_event_ping", partition: 0)
        let health = TopicPartition(topic: "health_check_1", partition: 0)
        func report(_ id: String, lag: Int64?, state: String? = "Stable", health: Int64? = 0) -> ServerReport {
            ServerReport(
                serverID: id, state: state, members: 1, totalLag: lag, lastHealthCheckMillis: health,
                committed: lag == nil ? [:] : [chat: 3], nowMillis: 0, limits: ServerLimits())
        }
        var last: (servers: [WatchedServer], rates: [EventRate]?) = ([], nil)
        for (index, lag) in [Int64(1), 4, 9].enumerated() {
            let ends = [chat: 4 + Int64(index) * 10, ping: 4 + Int64(index) * 20, health: Int64(index) * 100]
            last = watch.servers(
                [
                    report("1", lag: lag), report("2", lag: lag, state: "Empty", health: nil),
                    report("3", lag: nil, state: nil),
                ],
                ends: ends,
                atMillis: Int64(index) * 1000)
            if index == 0 {
                #expect(last.rates == nil)
                #expect(last.servers.map(\.report.status) == [.ok, .gone, .gone])
            }
        }
        #expect(last.servers.map(\.report.status) == [.stalled, .gone, .gone])
        #expect(last.servers[0].reading?.trend == .growing && last.servers[0].reading?.change == 5)
        #expect(last.servers[2].reading == nil)
        #expect(
            last.rates == [
                EventRate(event: "ping", topic: "hypha_event_ping", perSecond: 20),
                EventRate(event: "chat", topic: "hypha_event_chat", perSecond: 10),
            ])
    }

    @Test("a group's sample comes from its partitions' committed and end offsets")
    func groupWatch() {
        var watch = LagWatch()
        func group(committed: Int64, end: Int64) -> GroupLag {
            GroupLag(
                group: "hypha_server_1", state: "Stable", coordinator: nil, members: [],
                committed: [Self.partition: committed], ends: [Self.partition: end])
        }
        _ = watch.groups([group(committed: 3, end: 5)], atMillis: 0)
        let second = watch.groups([group(committed: 4, end: 9)], atMillis: 2000)
        #expect(second.groups[0].reading == LagReading(trend: .growing, change: 3, stalled: false))
        #expect(second.rates == [EventRate(event: "chat", topic: "hypha_event_chat", perSecond: 2)])
    }
}

extension Dictionary {
    fileprivate func mapKeys(_ transform: (Key) -> Key) -> [Key: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
