// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import Logging
import ServiceLifecycle

/// `hyphactl exporter`: the bus's metrics for Prometheus, read afresh per scrape
/// (at most once per minimum interval, one reading on a connection kept between
/// scrapes) and served at `/metrics` until SIGTERM or SIGINT.
package struct MetricsExporter: Sendable {
    /// How the exporter reads the bus and answers.
    package struct Configuration: Sendable {
        /// The Kafka client's settings; their timeout bounds each scrape.
        package var settings: KafkaClientSettings
        /// When a Hypha server counts as lagging or silent.
        package var limits: ServerLimits
        /// Scrapes closer together than this get the last answer.
        package var minInterval: Duration

        /// A configuration of these parts.
        package init(settings: KafkaClientSettings, limits: ServerLimits, minInterval: Duration) {
            self.settings = settings
            self.limits = limits
            self.minInterval = minInterval
        }
    }

    private let server: MetricsServer
    private let logger: Logger

    /// Where it listens (the bound port, also when 0 was asked for).
    package var address: ListenAddress { server.address }

    /// Binds `listen` now (a port in use fails here); `nowMillis` is the wall clock.
    package static func bind(
        _ listen: ListenAddress, configuration: Configuration, logger: Logger,
        nowMillis: @escaping @Sendable () -> Int64
    ) async throws(ListenFailure) -> MetricsExporter {
        let reader = BusReader(settings: configuration.settings, limits: configuration.limits, nowMillis: nowMillis)
        let cache = MetricsCache(
            minInterval: configuration.minInterval, timeout: configuration.settings.timeout, clock: ContinuousClock()
        ) {
            try await reader.read()
        }
        let server = try await MetricsServer.bind(listen, logger: logger) { await cache.exposition() }
        return MetricsExporter(server: server, logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then closes its connections and returns.
    package func run() async throws {
        let group = ServiceGroup(
            services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
