// SPDX-License-Identifier: Apache-2.0
import HyphaKafkaAdmin

/// The exporter's own state, shown in every answer.
package struct ExporterHealth: Sendable, Equatable {
    /// Whether this answer's reading of Kafka succeeded.
    package var up: Bool
    /// Readings that failed or ran past the timeout since the exporter started.
    package var scrapeErrors: Int
    /// How long the reading took; nil when it ran past the timeout.
    package var scrapeSeconds: Double?

    /// The exporter's state.
    package init(up: Bool, scrapeErrors: Int, scrapeSeconds: Double?) {
        self.up = up
        self.scrapeErrors = scrapeErrors
        self.scrapeSeconds = scrapeSeconds
    }
}

/// A reading of the bus as Prometheus metrics: kafka_exporter's names and labels
/// (so its dashboards and alerts work unchanged), then what only hyphactl knows
/// (`hypha_server_*`), then the exporter's own health (`hyphactl_exporter_*`).
///
/// Each answer is written afresh: a topic, group or server that went away
/// leaves no stale series behind.
package enum ExporterMetrics {
    /// The metrics of `reading` (nil when reading Kafka failed: then only the
    /// exporter's own), in Prometheus' text format.
    package static func exposition(_ reading: BusReading?, health: ExporterHealth) -> [UInt8] {
        var out = Exposition()
        if let reading {
            addKafka(reading.cluster, to: &out)
            addServers(reading.servers, nowMillis: reading.nowMillis, to: &out)
        }
        addHealth(health, to: &out)
        return out.bytes
    }

    /// kafka_exporter's metrics, with its help texts.
    static func addKafka(_ cluster: ClusterSnapshot, to out: inout Exposition) {
        out.gauge("kafka_brokers", help: "Number of Brokers in the Kafka Cluster.", Double(cluster.brokers))
        for topic in cluster.topics {
            out.gauge(
                "kafka_topic_partitions", labels: [("topic", topic.name)],
                help: "Number of partitions for this Topic", Double(topic.partitionCount))
            for partition in topic.partitions {
                let labels = [("topic", topic.name), ("partition", String(partition.id))]
                out.gauge(
                    "kafka_topic_partition_current_offset", labels: labels,
                    help: "Current Offset of a Broker at Topic/Partition", Double(partition.newest))
                out.gauge(
                    "kafka_topic_partition_oldest_offset", labels: labels,
                    help: "Oldest Offset of a Broker at Topic/Partition", Double(partition.oldest))
            }
        }
        for group in cluster.groups {
            out.gauge(
                "kafka_consumergroup_members", labels: [("consumergroup", group.group)],
                help: "Amount of members in a consumer group", Double(group.members.count))
            var offsetSums: [String: Int64] = [:]
            var lagSums: [String: Int64] = [:]
            for partition in group.partitions {
                let labels = [
                    ("consumergroup", group.group), ("topic", partition.topic),
                    ("partition", String(partition.partition)),
                ]
                // As kafka_exporter: a partition the group reads but never committed
                // shows offset -1 and lag -1 (so that it can be alerted on), and
                // counts towards neither sum.
                out.gauge(
                    "kafka_consumergroup_current_offset", labels: labels,
                    help: "Current Offset of a ConsumerGroup at Topic/Partition", Double(partition.committed ?? -1))
                offsetSums[partition.topic, default: 0] += partition.committed ?? 0
                guard partition.end != nil else { continue }
                out.gauge(
                    "kafka_consumergroup_lag", labels: labels,
                    help: "Current Approximate Lag of a ConsumerGroup at Topic/Partition", Double(partition.lag ?? -1))
                lagSums[partition.topic, default: 0] += partition.lag ?? 0
                // Absent when unknown (the record is gone, nothing committed): a
                // made-up value would page someone or hide a server that is behind.
                if let millis = partition.lagTime?.millis {
                    out.gauge(
                        "kafka_consumergroup_lag_seconds", labels: labels,
                        help: "Seconds the event at the ConsumerGroup's committed offset has waited at Topic/Partition",
                        Double(millis) / 1000)
                }
            }
            for (topic, sum) in offsetSums {
                out.gauge(
                    "kafka_consumergroup_current_offset_sum",
                    labels: [("consumergroup", group.group), ("topic", topic)],
                    help: "Current Offset of a ConsumerGroup at Topic for all partitions", Double(sum))
            }
            for (topic, sum) in lagSums {
                out.gauge(
                    "kafka_consumergroup_lag_sum",
                    labels: [("consumergroup", group.group), ("topic", topic)],
                    help: "Current Approximate Lag of a ConsumerGroup at Topic for all partitions", Double(sum))
            }
        }
    }

    /// One series set per Hypha server.
    static func addServers(_ servers: [ServerReport], nowMillis: Int64, to out: inout Exposition) {
        let statuses: [ServerReport.Status] = [.ok, .lagging, .stalled, .silent, .gone]
        for server in servers {
            let id = [("server_id", server.serverID)]
            out.gauge(
                "hypha_server_up", labels: id, help: "1 when the Hypha server's status is ok, else 0.",
                server.status == .ok ? 1 : 0)
            // Every status, 1 for the current one: a change shows as 1 → 0, not as a vanished series.
            for status in statuses {
                out.gauge(
                    "hypha_server_status", labels: id + [("status", status.rawValue)],
                    help:
                        "1 for the Hypha server's current status (ok, lagging, stalled, silent, gone), 0 for the others.",
                    server.status == status ? 1 : 0)
            }
            if let last = server.lastHealthCheckMillis {
                out.gauge(
                    "hypha_server_health_check_age_seconds", labels: id,
                    help: "Seconds since the Hypha server's newest health-check message.",
                    Double(max(0, nowMillis - last)) / 1000)
            }
            if let lag = server.totalLag {
                out.gauge(
                    "hypha_server_lag", labels: id,
                    help: "Total lag of the Hypha server's consumer group (hypha_server_<id>), in events.", Double(lag))
            }
            if let millis = server.lagTime?.millis {
                out.gauge(
                    "hypha_server_lag_seconds", labels: id,
                    help: "Seconds the Hypha server's oldest unhandled event has waited (0 when caught up).",
                    Double(millis) / 1000)
            }
        }
    }

    /// The exporter's own health.
    static func addHealth(_ health: ExporterHealth, to out: inout Exposition) {
        out.gauge(
            "hyphactl_exporter_up", help: "1 when this answer's reading of Kafka succeeded, else 0.", health.up ? 1 : 0)
        out.counter(
            "hyphactl_exporter_scrape_errors_total",
            help: "Readings of Kafka that failed or ran past --timeout since the exporter started.",
            Int64(health.scrapeErrors))
        if let seconds = health.scrapeSeconds {
            out.gauge(
                "hyphactl_exporter_scrape_duration_seconds",
                help: "How long this answer's reading of Kafka took.", seconds)
        }
    }
}
