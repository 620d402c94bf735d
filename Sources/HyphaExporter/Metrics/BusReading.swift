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

    /// Reads the bus: the server survey, then the cluster snapshot on the survey's connection.
    package static func take(
        settings: KafkaClientSettings, limits: ServerLimits, nowMillis: @escaping @Sendable () -> Int64
    ) async throws(KafkaFailure) -> BusReading {
        let survey = try await ServerSurvey.take(settings: settings, limits: limits, nowMillis: nowMillis)
        let cluster = try await survey.admin.snapshot()
        return BusReading(cluster: cluster, servers: survey.reports, nowMillis: nowMillis())
    }
}
