// SPDX-License-Identifier: Apache-2.0
import HyphaKafkaAdmin

/// What `probe` prints.
enum ProbeRendering {
    static func result(_ result: BusProbe.Result, as format: ProbeOutput) -> String {
        let figures: [(String, Duration?)] = [
            ("min", result.roundTrips.min()), ("p50", result.quantile(0.5)),
            ("p99", result.quantile(0.99)), ("max", result.roundTrips.max()),
        ]
        switch format {
        case .json:
            return JSONDocument.line(
                .object(
                    [
                        ("server_id", .string(result.serverID)), ("sent", JSONDocument.number(result.sent)),
                        ("received", JSONDocument.number(result.roundTrips.count)),
                    ]
                        + figures.map { name, value in
                            ("\(name)_ms", value.map { .number(milliseconds($0)) } ?? .null)
                        }))
        case .text:
            let line = figures.map { "\($0.0) \($0.1.map(milliseconds) ?? "-") ms" }.joined(separator: "  ")
            return
                "\(result.roundTrips.count) of \(result.sent) probes came back through Kafka (as \(result.serverID))\n"
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
