// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import Testing

@testable import HyphaExporter

@Suite("Exporter: lag in seconds, one reading per scrape, stalled servers")
struct LagSecondsMetricsTests {
    static let now: Int64 = 1_800_000_000_000
    static let p0 = TopicPartition(topic: "hypha_event_chat", partition: 0)
    static let p1 = TopicPartition(topic: "hypha_event_chat", partition: 1)

    /// A snapshot as a reading admin takes it: a server behind by 95.5 s in
    /// partition 0, one whose committed event is gone, a group that is not a
    /// server's, a probe's, and health checks (one of a server with no group).
    static func cluster() -> ClusterSnapshot {
        let behind = GroupLag(
            group: "hypha_server_a", state: "Empty", coordinator: nil, members: [],
            committed: [p0: 7, p1: 4], ends: [p0: 10, p1: 4]
        ).withLagTimes { $0.partition == 0 ? .waiting(millis: 95_500) : .caughtUp }
        let gone = GroupLag(
            group: "hypha_server_b", state: "Empty", coordinator: nil, members: [],
            committed: [p0: 1], ends: [p0: 10]
        ).withLagTimes { _ in .unknown(.gone) }
        let other = GroupLag(
            group: "billing", state: "Empty", coordinator: nil, members: [], committed: [p0: 2], ends: [p0: 10]
        ).withLagTimes { _ in .waiting(millis: 4000) }
        let probe = GroupLag(
            group: "hypha_server_hyphactl-probe-1", state: "Empty", coordinator: nil, members: [], committed: [:],
            ends: [:])
        return ClusterSnapshot(
            brokers: 1,
            topics: [
                ClusterSnapshot.Topic(
                    name: "hypha_event_chat", partitionCount: 2,
                    partitions: [.init(id: 0, oldest: 0, newest: 10), .init(id: 1, oldest: 0, newest: 4)]),
                ClusterSnapshot.Topic(name: "health_check_a", partitionCount: 1, partitions: []),
                ClusterSnapshot.Topic(name: "health_check_c", partitionCount: 1, partitions: []),
            ],
            groups: [behind, gone, other, probe],
            healthChecks: ["health_check_a": now - 2000, "health_check_c": now - 60_000])
    }

    @Test("the servers' reports come from the snapshot: no survey of their own")
    func reportsFromSnapshot() {
        let reports = ServerSurvey.reports(
            from: Self.cluster(), limits: ServerLimits(maxLagMillis: 60_000), nowMillis: Self.now)
        #expect(reports.map(\.serverID) == ["a", "b", "c"], "server groups and health topics; no probe, no billing")
        #expect(reports[0].lagTime == .waiting(millis: 95_500) && reports[0].totalLag == 3)
        #expect(reports[0].status == .lagging, "95.5 s is over the 60 s limit")
        #expect(reports[0].committed == [Self.p0: 7, Self.p1: 4])
        #expect(reports[0].lastHealthCheckMillis == Self.now - 2000)
        #expect(reports[1].lagTime == .unknown(.gone) && reports[1].status == .gone)
        #expect(reports[2].state == nil && reports[2].lagTime == nil && reports[2].status == .gone)
    }

    @Test("kafka_consumergroup_lag_seconds per partition, hypha_server_lag_seconds per server; absent when unknown")
    func series() {
        let cluster = Self.cluster()
        let servers = ServerSurvey.reports(from: cluster, limits: ServerLimits(), nowMillis: Self.now)
        let reading = BusReading(cluster: cluster, servers: servers, nowMillis: Self.now)
        let samples = ExporterMetricsTests.samples(
            ExporterMetrics.exposition(reading, health: ExporterHealth(up: true, scrapeErrors: 0, scrapeSeconds: 0.1)))
        let lagSeconds = samples.filter { $0.hasPrefix("kafka_consumergroup_lag_seconds") }
        #expect(
            lagSeconds == [
                #"kafka_consumergroup_lag_seconds{consumergroup="billing",topic="hypha_event_chat",partition="0"} 4.0"#,
                #"kafka_consumergroup_lag_seconds{consumergroup="hypha_server_a",topic="hypha_event_chat",partition="0"} 95.5"#,
                #"kafka_consumergroup_lag_seconds{consumergroup="hypha_server_a",topic="hypha_event_chat",partition="1"} 0.0"#,
            ])
        #expect(
            samples.filter { $0.hasPrefix("hypha_server_lag_seconds") } == [
                #"hypha_server_lag_seconds{server_id="a"} 95.5"#
            ])
    }

    @Test("hypha_server_status has stalled: 1 once the watch's stall rule holds")
    func stalled() {
        var watch = LagWatch()
        let limits = ServerLimits()
        var servers: [ServerReport] = []
        // Lag grows by one at each of four scrapes 5 s apart, its commit standing still.
        for scrape in 0..<4 {
            let report = ServerReport(
                serverID: "a", state: "Empty", members: 0, totalLag: Int64(scrape + 1),
                lastHealthCheckMillis: Self.now, committed: [Self.p0: 7], nowMillis: Self.now, limits: limits)
            servers = watch.servers([report], ends: [:], atMillis: Int64(scrape) * 5000).servers.map(\.report)
        }
        let reading = BusReading(
            cluster: ClusterSnapshot(brokers: 1, topics: [], groups: []), servers: servers, nowMillis: Self.now)
        let samples = ExporterMetricsTests.samples(
            ExporterMetrics.exposition(reading, health: ExporterHealth(up: true, scrapeErrors: 0, scrapeSeconds: 0.1)))
        #expect(samples.contains(#"hypha_server_status{server_id="a",status="stalled"} 1.0"#))
        #expect(samples.contains(#"hypha_server_status{server_id="a",status="ok"} 0.0"#))
        #expect(samples.contains(#"hypha_server_up{server_id="a"} 0.0"#))
    }
}
