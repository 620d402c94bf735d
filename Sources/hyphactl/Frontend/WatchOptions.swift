// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `--watch [--interval D] [--count N]`, for commands that can refresh.
struct WatchOptions: ParsableArguments {
    @Flag(help: "Refresh every --interval: in place on a terminal, one snapshot per interval when piped.")
    var watch = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Time between refreshes with --watch: 2s, 500ms, 1m30s or plain seconds; 500ms to 1h (default 2s).",
            valueName: "duration"),
        transform: DurationArgument.parse)
    var interval: DurationArgument?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --watch, stop after N refreshes.", valueName: "n"))
    var count: Int?

    func validate() throws {
        guard watch else {
            if interval != nil { throw ValidationError("--interval needs --watch") }
            if count != nil { throw ValidationError("--count needs --watch") }
            return
        }
        if let interval, interval.duration < Self.shortest {
            throw ValidationError("--interval \(interval): refreshing more often than every 500ms is not allowed")
        }
        if let interval, interval.duration > Self.longest {
            throw ValidationError("--interval \(interval): at most 1h between refreshes")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    /// Refreshes any closer would mostly measure the survey itself.
    static let shortest = Duration.milliseconds(500)
    /// Refreshes further apart are not watching any more.
    static let longest = Duration.seconds(3600)

    /// The time between refreshes.
    var every: Duration { interval?.duration ?? .seconds(2) }
}
