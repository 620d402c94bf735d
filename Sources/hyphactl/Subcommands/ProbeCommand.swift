import ArgumentParser
import HyphaKafka
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
    @Option(help: ArgumentHelp("How many probe events.", valueName: "n")) var count: Int = 10
    @Option(name: .short, help: "Output format.") var output: ProbeOutput = .text
    @Flag(help: "Also print the bus's metrics in Prometheus' text format.") var metrics = false

    enum ProbeOutput: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let registry = PrometheusCollectorRegistry()
            let settings = try global.clientSettings()
            let result = try await BusProbe.run(
                settings: settings, count: count, timeout: settings.timeout,
                metricsFactory: PrometheusMetricsFactory(registry: registry))
            Terminal.write(ProbeRendering.result(result, as: output))
            if metrics {
                var exposition: [UInt8] = []
                registry.emit(into: &exposition)
                Terminal.write(&exposition)
            }
        }
    }
}

/// What `probe` prints.
enum ProbeRendering {
    static func result(_ result: BusProbe.Result, as format: ProbeCommand.ProbeOutput) -> String {
        let figures: [(String, Duration?)] = [
            ("min", result.roundTrips.min()), ("p50", result.quantile(0.5)),
            ("p99", result.quantile(0.99)), ("max", result.roundTrips.max()),
        ]
        switch format {
        case .json:
            return JSONDocument.line(.object(
                [("server_id", .string(result.serverID)), ("sent", JSONDocument.number(result.sent)),
                 ("received", JSONDocument.number(result.roundTrips.count))]
                    + figures.map { name, value in
                        ("\(name)_ms", value.map { .number(milliseconds($0)) } ?? .null)
                    }))
        case .text:
            let line = figures.map { "\($0.0) \($0.1.map(milliseconds) ?? "-") ms" }.joined(separator: "  ")
            return "\(result.roundTrips.count) of \(result.sent) probes came back through Kafka (as \(result.serverID))\n"
                + "round trip: \(line)\n"
        }
    }

    /// Milliseconds with one decimal, e.g. `4.2`.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = seconds * 10_000 + attoseconds / 100_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
