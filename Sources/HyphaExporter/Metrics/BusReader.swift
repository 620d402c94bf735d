// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import Synchronization

/// Reads the bus for the exporter's scrapes: one reading per scrape on one
/// connection kept from scrape to scrape (made anew after a reading fails),
/// and the lag history `--watch` keeps, so that a server whose lag grows while
/// its commits stand still is `stalled` here too.
package final class BusReader: Sendable {
    private let connection: KeptAdmin
    private let limits: ServerLimits
    private let nowMillis: @Sendable () -> Int64
    private let started = ContinuousClock.now

    private let watch = Mutex(LagWatch())

    /// A reader that connects at its first reading.
    package init(settings: KafkaClientSettings, limits: ServerLimits, nowMillis: @escaping @Sendable () -> Int64) {
        connection = KeptAdmin(settings: settings)
        self.limits = limits
        self.nowMillis = nowMillis
    }

    /// One reading of the bus, its servers judged with their history. Not to be
    /// called again before it returns (the scrape cache runs one at a time).
    package func read() async throws(KafkaFailure) -> BusReading {
        let limits = limits
        let nowMillis = nowMillis
        let reading = try await connection.refresh { admin throws(KafkaFailure) in
            try await BusReading.take(admin: admin, limits: limits, nowMillis: nowMillis)
        }
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        let steadyMillis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        let servers = watch.withLock { watch in
            watch.servers(reading.servers, ends: [:], atMillis: steadyMillis).servers.map(\.report)
        }
        return BusReading(cluster: reading.cluster, servers: servers, nowMillis: reading.nowMillis)
    }
}
