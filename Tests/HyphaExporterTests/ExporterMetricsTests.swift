// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import Testing

@testable import HyphaExporter

@Suite("Exporter metrics: a reading of the bus as kafka_exporter's and hyphactl's series")
struct ExporterMetricsTests {
    static let now: Int64 = 1_800_000_000_000

    /// One topic of two partitions, read by a live Hypha server's group (one member,
    /// partition 1 never committed), an empty group of a server that went away, and
    /// reports for both servers.
    static func reading() -> BusReading {
        let topic = "hypha_event_chat"
        let p0 = TopicPartition(topic: topic, partition: 0)
        let p1 = TopicPartition(topic: topic, partition: 1)
        let member = GroupMember(memberID: "m-1", clientID: "hypha-a", host: "/10.0.0.1", assignments: [p0, p1])
        let live = GroupLag(
            group: "hypha_server_a", state: "Stable", coordinator: nil, members: [member],
            committed: [p0: 7], ends: [p0: 10, p1: 4])
        let gone = GroupLag(
            group: "hypha_server_b", state: "Empty", coordinator: nil, members: [],
            committed: [p0: 10, p1: 4], ends: [p0: 10, p1: 4])
        let limits = ServerLimits(silenceMillis: 15_000, maxLag: 100)
        return BusReading(
            cluster: ClusterSnapshot(
                brokers: 3,
                topics: [
                    ClusterSnapshot.Topic(
                        name: topic, partitionCount: 2,
                        partitions: [.init(id: 0, oldest: 2, newest: 10), .init(id: 1, oldest: 0, newest: 4)])
                ],
                groups: [live, gone]),
            servers: [
                ServerReport(
                    serverID: "a", state: "Stable", members: 1, totalLag: 3, lastHealthCheckMillis: now - 2_500,
                    nowMillis: now, limits: limits),
                ServerReport(
                    serverID: "b", state: "Empty", members: 0, totalLag: 0, lastHealthCheckMillis: nil,
                    nowMillis: now, limits: limits),
            ],
            nowMillis: now)
    }

    /// The sample lines of an exposition, sorted (the registry emits families in no fixed order).
    static func samples(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
            .sorted()
    }

    @Test("every series of a reading, with kafka_exporter's names and labels")
    func fullReading() {
        let bytes = ExporterMetrics.exposition(
            Self.reading(), health: ExporterHealth(up: true, scrapeErrors: 2, scrapeSeconds: 0.25))
        let expected = [
            #"hypha_server_health_check_age_seconds{server_id="a"} 2.5"#,
            #"hypha_server_lag{server_id="a"} 3.0"#,
            #"hypha_server_lag{server_id="b"} 0.0"#,
            #"hypha_server_status{server_id="a",status="gone"} 0.0"#,
            #"hypha_server_status{server_id="a",status="lagging"} 0.0"#,
            #"hypha_server_status{server_id="a",status="ok"} 1.0"#,
            #"hypha_server_status{server_id="a",status="silent"} 0.0"#,
            #"hypha_server_status{server_id="a",status="stalled"} 0.0"#,
            #"hypha_server_status{server_id="b",status="gone"} 1.0"#,
            #"hypha_server_status{server_id="b",status="lagging"} 0.0"#,
            #"hypha_server_status{server_id="b",status="ok"} 0.0"#,
            #"hypha_server_status{server_id="b",status="silent"} 0.0"#,
            #"hypha_server_status{server_id="b",status="stalled"} 0.0"#,
            #"hypha_server_up{server_id="a"} 1.0"#,
            #"hypha_server_up{server_id="b"} 0.0"#,
            #"hyphactl_exporter_scrape_duration_seconds 0.25"#,
            #"hyphactl_exporter_scrape_errors_total 2"#,
            #"hyphactl_exporter_up 1.0"#,
            #"kafka_brokers 3.0"#,
            #"kafka_consumergroup_current_offset_sum{consumergroup="hypha_server_a",topic="hypha_event_chat"} 7.0"#,
            #"kafka_consumergroup_current_offset_sum{consumergroup="hypha_server_b",topic="hypha_event_chat"} 14.0"#,
            #"kafka_consumergroup_current_offset{consumergroup="hypha_server_a",topic="hypha_event_chat",partition="0"} 7.0"#,
            #"kafka_consumergroup_current_offset{consumergroup="hypha_server_a",topic="hypha_event_chat",partition="1"} -1.0"#,
            #"kafka_consumergroup_current_offset{consumergroup="hypha_server_b",topic="hypha_event_chat",partition="0"} 10.0"#,
            #"kafka_consumergroup_current_offset{consumergroup="hypha_server_b",topic="hypha_event_chat",partition="1"} 4.0"#,
            #"kafka_consumergroup_lag_sum{consumergroup="hypha_server_a",topic="hypha_event_chat"} 3.0"#,
            #"kafka_consumergroup_lag_sum{consumergroup="hypha_server_b",topic="hypha_event_chat"} 0.0"#,
            #"kafka_consumergroup_lag{consumergroup="hypha_server_a",topic="hypha_event_chat",partition="0"} 3.0"#,
            #"kafka_consumergroup_lag{consumergroup="hypha_server_a",topic="hypha_event_chat",partition="1"} -1.0"#,
            #"kafka_consumergroup_lag{consumergroup="hypha_server_b",topic="hypha_event_chat",partition="0"} 0.0"#,
            #"kafka_consumergroup_lag{consumergroup="hypha_server_b",topic="hypha_event_chat",partition="1"} 0.0"#,
            #"kafka_consumergroup_members{consumergroup="hypha_server_a"} 1.0"#,
            #"kafka_consumergroup_members{consumergroup="hypha_server_b"} 0.0"#,
            #"kafka_topic_partition_current_offset{topic="hypha_event_chat",partition="0"} 10.0"#,
            #"kafka_topic_partition_current_offset{topic="hypha_event_chat",partition="1"} 4.0"#,
            #"kafka_topic_partition_oldest_offset{topic="hypha_event_chat",partition="0"} 2.0"#,
            #"kafka_topic_partition_oldest_offset{topic="hypha_event_chat",partition="1"} 0.0"#,
            #"kafka_topic_partitions{topic="hypha_event_chat"} 2.0"#,
        ]
        #expect(Self.samples(bytes) == expected)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("# TYPE hyphactl_exporter_scrape_errors_total counter\n"))
        #expect(text.contains("# TYPE kafka_consumergroup_lag gauge\n"))
        #expect(text.contains("# HELP kafka_brokers Number of Brokers in the Kafka Cluster.\n"))
    }

    @Test("a failed reading shows only the exporter's own health: up 0 and the error count")
    func failedReading() {
        let bytes = ExporterMetrics.exposition(
            nil, health: ExporterHealth(up: false, scrapeErrors: 1, scrapeSeconds: nil))
        #expect(Self.samples(bytes) == ["hyphactl_exporter_scrape_errors_total 1", "hyphactl_exporter_up 0.0"])
    }

    @Test("a topic, group or server gone from the next reading leaves no series behind")
    func vanishedSeries() {
        let health = ExporterHealth(up: true, scrapeErrors: 0, scrapeSeconds: 0.1)
        let first = ExporterMetrics.exposition(Self.reading(), health: health)
        #expect(Self.samples(first).contains { $0.contains(#"server_id="b""#) })
        let before = Self.reading()
        let after = BusReading(
            cluster: ClusterSnapshot(brokers: 1, topics: [], groups: [before.cluster.groups[0]]),
            servers: [before.servers[0]], nowMillis: before.nowMillis)
        let second = Self.samples(ExporterMetrics.exposition(after, health: health))
        #expect(!second.contains { $0.contains(#"server_id="b""#) || $0.contains("hypha_server_b") })
        #expect(!second.contains { $0.hasPrefix("kafka_topic_partition") })
        #expect(second.contains(#"kafka_brokers 1.0"#))
    }

    @Test("label values are escaped as the text format requires")
    func escaping() {
        let odd = GroupLag(
            group: "we\"ird\\group\nx", state: "Empty", coordinator: nil, members: [], committed: [:], ends: [:])
        let reading = BusReading(
            cluster: ClusterSnapshot(brokers: 1, topics: [], groups: [odd]), servers: [], nowMillis: Self.now)
        let samples = Self.samples(
            ExporterMetrics.exposition(reading, health: ExporterHealth(up: true, scrapeErrors: 0, scrapeSeconds: nil)))
        #expect(samples.contains(#"kafka_consumergroup_members{consumergroup="we\"ird\\group\nx"} 0.0"#))
    }

    @Test("each family's HELP and TYPE come once, before all of its samples, however many series")
    func familiesTogether() {
        let topics = (0..<1000).map { index in
            ClusterSnapshot.Topic(
                name: "hypha_event_e\(index)", partitionCount: 4,
                partitions: (0..<4).map { .init(id: $0, oldest: 0, newest: 3) })
        }
        let reading = BusReading(
            cluster: ClusterSnapshot(brokers: 1, topics: topics, groups: []), servers: [], nowMillis: Self.now)
        let lines = String(
            decoding: ExporterMetrics.exposition(
                reading, health: ExporterHealth(up: true, scrapeErrors: 0, scrapeSeconds: nil)),
            as: UTF8.self
        ).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("# TYPE ") }.count == 6)
        #expect(lines.filter { $0.hasPrefix("# HELP ") }.count == 6)
        #expect(lines.filter { $0.hasPrefix("kafka_topic_partition_current_offset{") }.count == 4000)
        // A family's samples follow its own TYPE line, with no other family between.
        var family = ""
        for line in lines {
            if line.hasPrefix("# TYPE ") {
                family = String(line.split(separator: " ")[2])
            } else if !line.hasPrefix("#") {
                #expect(line.split(separator: "{")[0].split(separator: " ")[0] == family, "\(line)")
            }
        }
    }
}
