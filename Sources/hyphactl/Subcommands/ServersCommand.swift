// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin

/// `hyphactl servers`: each Hypha server seen on the bus.
struct ServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "Each Hypha server on the bus: its group, lag and last health check.",
        discussion: """
            STATUS is gone (group missing or dead, or empty with no recent health check), silent (no health check for longer than \
            --silence, 15s by default), lagging (total lag over --max-lag, or lag time over \
            --max-lag-seconds) or ok. LAG-TIME is how long the server's oldest unhandled event \
            has waited (the record at its committed offset; - when unknown). --check exits 3 \
            when any server is not ok; --max-lag-seconds exits 3 when any server's lag time is over it. --watch refreshes every --interval: in place on a \
            terminal, one snapshot per interval when piped (-o json: one JSON line each), \
            with each server's lag trend and the busiest event topics' events per second; \
            a server whose lag grew at 3 refreshes while its group committed nothing for \
            10 s or more is stalled. Ctrl-C ends it with exit 0.

            On a narrow terminal the table drops LAST-HEALTH-CHECK, then MEMBERS, then \
            STATE, then LAG-TIME; server ids are never cut. -o wide shows every column.
            """,
        aliases: ["server"])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions<OutputFormat>
    @Flag(help: "Exit 3 when any server is not ok.") var check = false
    @Option(parsing: .unconditional, help: ArgumentHelp("A total lag over N is lagging.", valueName: "n"))
    var maxLag: Int64 = 100
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Exit 3 when a server's oldest unhandled event has waited over N seconds (it is lagging).",
            valueName: "n"))
    var maxLagSeconds: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("No health check for this long is silent; default 15s.", valueName: "duration"),
        transform: DurationArgument.parse)
    var silence = DurationArgument(argument: "15s")!
    @OptionGroup var watching: WatchOptions

    func validate() throws {
        if maxLag < 0 { throw ValidationError("--max-lag must be 0 or more") }
        if let maxLagSeconds, !(maxLagSeconds >= 0 && maxLagSeconds < 1e9) {
            throw ValidationError("--max-lag-seconds must be 0 or more")
        }
        if silence.duration <= .zero { throw ValidationError("--silence must be longer than 0") }
        if watching.watch && check { throw ValidationError("--check judges one survey: it does not go with --watch") }
    }

    func run() async throws {
        let limits = ServerLimits(
            silenceMillis: Int64(silence.seconds * 1000), maxLag: maxLag,
            maxLagMillis: maxLagSeconds.map { Int64(($0 * 1000).rounded()) })
        let now = WallClock.nowMillis
        if watching.watch { return try await watch(limits: limits) }
        let reports = try await ServerSurvey.run(settings: global.clientSettings(), limits: limits) { now() }
        Terminal.write(
            GroupRendering.servers(
                reports, as: output.format, nowMillis: now(), style: Style(enabled: global.colorEnabled)))
        let behind = reports.filter { limits.isOver($0.lagTime) }
        if let first = behind.first, let maxLagSeconds, !check {
            let more = behind.count > 1 ? " (and \(behind.count - 1) more)" : ""
            throw CommandFailure.thresholdExceeded(
                "server \(first.serverID)'s oldest unhandled event has waited \(LagTimeRendering.text(first.lagTime)),"
                    + " over --max-lag-seconds \(WatchRendering.decimal(maxLagSeconds))\(more)")
        }
        if check, let bad = reports.first(where: { $0.status != .ok }) {
            let count = reports.filter { $0.status != .ok }.count
            throw CommandFailure.thresholdExceeded(
                "\(count) of \(reports.count) servers are not ok (first: \(bad.serverID) is \(bad.status.rawValue))")
        }
    }

    /// One survey per interval, with trends, stalls and event rates.
    private func watch(limits: ServerLimits) async throws {
        // Watching goes on through failed refreshes, a refused connection included.
        let settings = try global.clientSettings(environment: ProcessInfo.processInfo.environment)
        let style = Style(enabled: global.colorEnabled)
        let format = output.format
        var lags = LagWatch()
        // One connection for every refresh, made anew after one that failed.
        let connection = KeptAdmin(settings: settings)
        try await WatchLoop(
            title: "hyphactl servers", options: watching, timeout: settings.timeout, json: format == .json, style: style
        ).run(
            refresh: {
                try await connection.refresh { admin throws(KafkaFailure) in
                    try await ServerSurvey.take(
                        admin: admin, limits: limits, everyEnd: true, nowMillis: WallClock.nowMillis)
                }
            },
            render: { findings, steadyMillis, nowMillis in
                let (servers, rates) = lags.servers(findings.reports, ends: findings.ends, atMillis: steadyMillis)
                return WatchRendering.servers(servers, rates: rates, as: format, nowMillis: nowMillis, style: style)
            })
    }
}
