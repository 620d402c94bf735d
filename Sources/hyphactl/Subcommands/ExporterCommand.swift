// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaExporter
import HyphaKafkaAdmin

/// `hyphactl exporter`: serves the bus's metrics for Prometheus.
struct ExporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exporter",
        abstract: "Serve /metrics for Prometheus: kafka_exporter's metrics plus hypha_server_*.",
        discussion: """
            Each scrape of http://HOST:PORT/metrics reads the bus afresh (brokers, every \
            topic's offsets, every consumer group's offsets, lag and members, each Hypha \
            server's status), unless the last reading is younger than --min-interval. Metric \
            names and labels are kafka_exporter's (kafka_brokers, kafka_topic_partition_*, \
            kafka_consumergroup_*), so its dashboards and alerts work unchanged; hypha_server_up, \
            hypha_server_status, hypha_server_lag and hypha_server_health_check_age_seconds \
            are hyphactl's own, judged as `servers` judges them. A reading that fails or \
            takes longer than --timeout answers 200 with hyphactl_exporter_up 0 and counts \
            in hyphactl_exporter_scrape_errors_total. Other paths answer 404, methods other \
            than GET and HEAD 405. SIGTERM and SIGINT end it with exit 0.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Where to serve /metrics: HOST:PORT, [IPv6]:PORT or :PORT.", valueName: "host:port"))
    var listen = ListenAddress.default.description
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Scrapes closer together than this get the last answer; default 5s.", valueName: "duration"),
        transform: DurationArgument.parse)
    var minInterval = DurationArgument(argument: "5s")!
    @Option(parsing: .unconditional, help: ArgumentHelp("A total lag over N makes a server lagging.", valueName: "n"))
    var maxLag: Int64 = 100
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("No health check for this long makes a server silent; default 15s.", valueName: "duration"),
        transform: DurationArgument.parse)
    var silence = DurationArgument(argument: "15s")!

    func validate() throws {
        if maxLag < 0 { throw ValidationError("--max-lag must be 0 or more") }
        if silence.duration <= .zero { throw ValidationError("--silence must be longer than 0") }
    }

    func run() async throws {
        // Checked here rather than by ArgumentParser, whose usage errors take several lines.
        guard let listen = ListenAddress(parsing: listen) else {
            throw CommandFailure.usage(
                "--listen \(listen): expected HOST:PORT, [IPv6]:PORT or :PORT (e.g. 0.0.0.0:9308 or 127.0.0.1:9308)")
        }
        let configuration = MetricsExporter.Configuration(
            settings: try global.clientSettings(environment: ProcessInfo.processInfo.environment),
            limits: ServerLimits(silenceMillis: Int64(silence.seconds * 1000), maxLag: maxLag),
            minInterval: minInterval.duration)
        let exporter: MetricsExporter
        do {
            exporter = try await MetricsExporter.bind(
                listen, configuration: configuration, logger: global.logger(), nowMillis: WallClock.nowMillis)
        } catch {
            throw CommandFailure.failed(error.description)
        }
        Terminal.printError("exporter serving http://\(exporter.address)/metrics")
        try await exporter.run()
    }
}
