// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin

/// What one refresh read off the bus: the cluster (for kafka_exporter's
/// metrics) and each Hypha server's report (for `hypha_server_*`).
package struct BusReading: Sendable, Equatable {
    /// Brokers, topics and groups.
    package let cluster: ClusterSnapshot
    /// Each Hypha server seen on the bus.
    package let servers: [ServerReport]
    /// When the reports were judged, in milliseconds since the epoch (health-check ages count from it).
    package let nowMillis: Int64

    /// A reading of these parts.
    package init(cluster: ClusterSnapshot, servers: [ServerReport], nowMillis: Int64) {
        self.cluster = cluster
        self.servers = servers
        self.nowMillis = nowMillis
    }

    /// Reads the bus once on `admin`'s connection (one made by
    /// `KafkaAdmin.reading`): the cluster snapshot, health checks and lag times
    /// included, and the servers' reports derived from it.
    package static func take(
        admin: KafkaAdmin, limits: ServerLimits, nowMillis: @Sendable () -> Int64
    ) async throws(KafkaFailure) -> BusReading {
        let cluster = try await admin.snapshot()
        let now = nowMillis()
        return BusReading(
            cluster: cluster, servers: ServerSurvey.reports(from: cluster, limits: limits, nowMillis: now),
            nowMillis: now)
    }
}
