// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `--watch [--interval D] [--count N]`, for commands that can refresh.
struct WatchOptions: ParsableArguments {
    @Flag(help: "Refresh every --interval: in place on a terminal, one snapshot per interval when piped.")
    var watch = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Time between refreshes with --watch: 2s, 500ms, 1m or plain seconds; at least 500ms (default 2s).",
            valueName: "duration"))
    var interval: WatchInterval?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --watch, stop after N refreshes.", valueName: "n"))
    var count: Int?

    func validate() throws {
        guard watch else {
            if interval != nil { throw ValidationError("--interval needs --watch") }
            if count != nil { throw ValidationError("--count needs --watch") }
            return
        }
        if let interval, interval.milliseconds < WatchInterval.floorMilliseconds {
            throw ValidationError("--interval \(interval.text): refreshing more often than every 500ms is not allowed")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    /// The time between refreshes.
    var every: Duration { .milliseconds(interval?.milliseconds ?? 2000) }
}

/// A duration on the command line: `2s`, `500ms`, `1m`, or plain (fractional) seconds.
struct WatchInterval: ExpressibleByArgument, Equatable {
    /// Refreshes any closer would mostly measure the survey itself.
    static let floorMilliseconds: Int64 = 500

    /// As typed.
    let text: String
    /// The duration.
    let milliseconds: Int64

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        let (number, scale) =
            units.first { argument.hasSuffix($0.0) }.map {
                (argument.dropLast($0.0.count), $0.1)
            } ?? (Substring(argument), 1000)
        guard number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(number),
            value.isFinite, value * scale < 86_400_000
        else { return nil }
        text = argument
        milliseconds = Int64((value * scale).rounded())
    }
}
