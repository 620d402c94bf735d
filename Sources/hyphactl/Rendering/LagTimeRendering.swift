// SPDX-License-Identifier: Apache-2.0
import HyphaKafkaAdmin
import HyphaWire

/// Lag times for people (`45s`, `17m`, `-` when unknown) and for JSON (exact
/// seconds, null when unknown, with the reason beside).
enum LagTimeRendering {
    /// A lag time in a table: an age, `0s` when caught up, `-` when unknown or not measured.
    static func text(_ time: LagTime?) -> String {
        time?.millis.map { Age.text(millis: $0) } ?? "-"
    }

    /// A change of lag time in a table: `+12s`, `-3m`, `±0s`; empty when there is none.
    static func change(_ millis: Int64?) -> String {
        guard let millis else { return "" }
        // To the nearest second: a stopped server's lag time grows by the interval,
        // and 997 ms is +1s, not +0s.
        let rounded = (abs(millis) + 500) / 1000 * 1000
        if rounded == 0 { return "±0s" }
        return (millis > 0 ? "+" : "-") + Age.text(millis: rounded)
    }

    /// The group's longest lag time for the line under its table.
    static func summary(_ time: LagTime?) -> String {
        guard let time else { return "-" }
        if case .unknown(let reason) = time { return "unknown: \(reason.rawValue)" }
        return text(time)
    }

    /// Exact seconds (milliseconds as decimals); null when unknown or not measured.
    static func seconds(_ time: LagTime?) -> JSONValue {
        time?.millis.map { .number(WatchRendering.decimal(Double($0) / 1000)) } ?? .null
    }

    /// Why the lag time is unknown; null when it is known or not measured.
    static func unknownReason(_ time: LagTime?) -> JSONValue {
        guard case .unknown(let reason) = time else { return .null }
        return .string(reason.rawValue)
    }

    /// A change of lag time in exact seconds; null when there is none.
    static func changeSeconds(_ millis: Int64?) -> JSONValue {
        millis.map { .number(WatchRendering.decimal(Double($0) / 1000)) } ?? .null
    }
}
