// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaKafkaAdmin

/// `hyphactl servers`: each Hypha server seen on the bus.
struct ServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "Each Hypha server on the bus: its group, lag and last health check.",
        discussion: """
            STATUS is gone (group missing, empty or dead), silent (no health check for over \
            --silence seconds), lagging (total lag over --max-lag) or ok. --check exits 3 \
            when any server is not ok.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions<OutputFormat>
    @Flag(help: "Exit 3 when any server is not ok.") var check = false
    @Option(help: ArgumentHelp("A total lag over N is lagging.", valueName: "n")) var maxLag: Int64 = 100
    @Option(help: ArgumentHelp("No health check for this long is silent.", valueName: "seconds")) var silence: Double =
        15

    func validate() throws {
        if maxLag < 0 { throw ValidationError("--max-lag must be 0 or more") }
        if !(silence > 0) { throw ValidationError("--silence must be a positive number of seconds") }
    }

    func run() async throws {
        let limits = ServerLimits(silenceMillis: Int64(silence * 1000), maxLag: maxLag)
        let now = WallClock.nowMillis
        let reports = try await ServerSurvey.run(settings: global.clientSettings(), limits: limits) { now() }
        Terminal.write(
            GroupRendering.servers(
                reports, as: output.format, nowMillis: now(), style: Style(enabled: global.colorEnabled)))
        if check, let bad = reports.first(where: { $0.status != .ok }) {
            let count = reports.filter { $0.status != .ok }.count
            throw CommandFailure.thresholdExceeded(
                "\(count) of \(reports.count) servers are not ok (first: \(bad.serverID) is \(bad.status.rawValue))")
        }
    }
}
