// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import Prometheus

/// `hyphactl probe`: does the bus carry events, and how fast?
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Join the bus briefly, send probe events and time each round trip.",
        discussion: """
            Joins as a short-lived server (group hypha_server_hyphactl-probe-…), emits \
            --count events to hyphactl-probe one after another and waits for each to come \
            back through Kafka. Prints min, p50, p99 and max; exits 69 when one does not \
            come back within --timeout.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: ArgumentHelp("How many probe events.", valueName: "n")) var count: Int = 10
    @OptionGroup var output: OutputOptions<ProbeOutput>
    @Flag(help: "Also print the bus's metrics in Prometheus' text format.") var metrics = false

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let registry = PrometheusCollectorRegistry()
        let settings = try global.clientSettings()
        let result = try await BusProbe.run(
            settings: settings, count: count, timeout: settings.timeout,
            metricsFactory: PrometheusMetricsFactory(registry: registry))
        Terminal.write(ProbeRendering.result(result, as: output.format))
        if metrics {
            var exposition: [UInt8] = []
            registry.emit(into: &exposition)
            Terminal.write(&exposition)
        }
    }
}
