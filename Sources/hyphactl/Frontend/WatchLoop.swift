// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import RDKafka
import Synchronization

/// `--watch`: one refresh per interval until SIGINT or SIGTERM (exit 0) or
/// `--count`. On a terminal (table output) each refresh is drawn in place on
/// the alternate screen, which Ctrl-C leaves as it was; otherwise each is
/// printed, a timestamp line above a table or one JSON line with its own.
///
/// A refresh that fails, or does not end within the timeout, is shown in the
/// frame (terminal) or on stderr (piped), and watching goes on; it still counts
/// towards `--count`, and when it is the last the command fails with it. While
/// a refresh that ran out of time has not ended, no other is started.
struct WatchLoop {
    /// Before the table on a terminal, e.g. `hyphactl servers`.
    let title: String
    let options: WatchOptions
    /// Bound on one refresh (`--timeout`).
    let timeout: Duration
    /// One JSON line per refresh.
    let json: Bool
    let style: Style

    /// Runs `refresh` every interval; `render` turns what it read, with the
    /// refresh's start on a clock that only goes forward and on the wall clock
    /// (both in milliseconds), into text.
    func run<Reading: Sendable>(
        refresh: @escaping @Sendable () async throws -> Reading,
        render: (Reading, _ steadyMillis: Int64, _ nowMillis: Int64) -> String
    ) async throws {
        let onScreen = !json && isatty(STDOUT_FILENO) == 1
        let stop = TailStopSignal()
        let signals = SignalWatch(stop)
        defer { signals.cancel() }
        if onScreen { Terminal.write(WatchScreen.enter) }
        var screenShown = onScreen
        defer { if screenShown { Terminal.write(WatchScreen.leave) } }

        let clock = ContinuousClock()
        let origin = clock.now
        var running: PendingRefresh<Reading>?
        var lastGood: (body: String, atMillis: Int64)?
        var refreshes = 0
        while !stop.isRaised {
            let started = clock.now
            let nowMillis = WallClock.nowMillis()
            let steadyMillis = Self.millis(origin.duration(to: started))
            // A refresh that ran out of time earlier and has not ended yet is
            // waited for, not doubled; what it brings back is too old to show.
            let stale = running != nil
            let pending = running ?? PendingRefresh.start(refresh)
            running = pending
            // The grace lets a refresh that fails at its own --timeout say why.
            guard let outcome = await pending.outcome(until: started + timeout + Self.grace, stop: stop) else {
                if stop.isRaised { break }
                refreshes += 1
                let line =
                    "no answer within --timeout \(Self.seconds(timeout)) s (the refresh goes on in the background)"
                try report(
                    line, error: nil, last: isLast(refreshes), onScreen: onScreen, nowMillis: nowMillis, lastGood)
                if isLast(refreshes) { throw CommandFailure(exitCode: 69, description: line) }
                try await sleep(until: started + options.every, stop: stop)
                continue
            }
            running = nil
            if stale { continue }
            refreshes += 1
            switch outcome {
            case .success(let reading):
                let body = render(reading, steadyMillis, nowMillis)
                lastGood = (body, nowMillis)
                if onScreen {
                    let header = WatchScreen.header(
                        title, every: options.every, nowMillis: nowMillis, last: isLast(refreshes))
                    let text = header + body
                    if isLast(refreshes) {
                        // The last frame stays: on the screen the command returns to.
                        Terminal.write(WatchScreen.leave)
                        screenShown = false
                        Terminal.write(text)
                    } else {
                        Terminal.write(WatchScreen.frame(text, rows: Terminal.rows))
                    }
                } else {
                    Terminal.write(json ? body : WireTimestampLine.text(nowMillis) + body + "\n")
                }
            case .failure(let error):
                let line = (error as? KafkaFailure).map(ExitCodes.line(for:)) ?? "\(error)"
                try report(
                    line, error: error, last: isLast(refreshes), onScreen: onScreen, nowMillis: nowMillis, lastGood)
            }
            if isLast(refreshes) { break }
            try await sleep(until: started + options.every, stop: stop)
        }
    }

    private static let grace = Duration.milliseconds(250)

    private func isLast(_ refreshes: Int) -> Bool { options.count.map { refreshes >= $0 } ?? false }

    /// A failed refresh: in the frame on a terminal, on stderr when piped; the
    /// last refresh's failure is the command's (thrown for its exit code).
    private func report(
        _ line: String, error: (any Error)?, last: Bool, onScreen: Bool, nowMillis: Int64,
        _ lastGood: (body: String, atMillis: Int64)?
    ) throws {
        if last {
            if let error { throw error }
            return
        }
        if onScreen {
            let text =
                WatchScreen.header(title, every: options.every, nowMillis: nowMillis)
                + WatchScreen.failure(line, lastGood: lastGood, style: style)
            Terminal.write(WatchScreen.frame(text, rows: Terminal.rows))
        } else {
            Terminal.printError("\(WireTimestampLine.stamp(nowMillis)): \(line)")
        }
    }

    /// Sleeps in short steps until `deadline`, or until a signal asks to stop.
    private func sleep(until deadline: ContinuousClock.Instant, stop: TailStopSignal) async throws {
        while !stop.isRaised && ContinuousClock.now < deadline {
            try await Task.sleep(for: min(.milliseconds(50), ContinuousClock.now.duration(to: deadline)))
        }
    }

    private static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    private static func seconds(_ duration: Duration) -> String { (Double(millis(duration)) / 1000).formatted1 }
}

/// The timestamp line above each table when `--watch` output is piped.
enum WireTimestampLine {
    static func stamp(_ millis: Int64) -> String { WireTimestamp.iso8601(millis: millis) }
    static func text(_ millis: Int64) -> String { stamp(millis) + "\n" }
}

/// A refresh running on a task of its own, so that waiting for it can give up
/// (a timeout, a signal) while it goes on.
final class PendingRefresh<Reading: Sendable>: Sendable {
    private let result = Mutex<Result<Reading, any Error>?>(nil)

    private init() {}

    /// Starts `refresh`.
    static func start(_ refresh: @escaping @Sendable () async throws -> Reading) -> PendingRefresh {
        let pending = PendingRefresh()
        Task {
            let outcome: Result<Reading, any Error>
            do { outcome = .success(try await refresh()) } catch { outcome = .failure(error) }
            pending.result.withLock { $0 = outcome }
        }
        return pending
    }

    /// Its outcome once it has ended; nil at `deadline` or when `stop` is raised first.
    func outcome(until deadline: ContinuousClock.Instant, stop: TailStopSignal) async -> Result<Reading, any Error>? {
        while true {
            if let outcome = result.withLock({ $0 }) { return outcome }
            if stop.isRaised || ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
