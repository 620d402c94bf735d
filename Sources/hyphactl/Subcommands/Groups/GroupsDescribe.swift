// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import RDKafkaAdmin

/// `groups describe GROUP|SERVER_ID`.
struct GroupsDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "A group's state, members and lag per partition.",
        discussion: """
            A server id stands for its group: `1` means hypha_server_1. LAG-TIME is how long the \
            event at the committed offset has waited (0s when caught up; - when it is no longer \
            stored or nothing was committed; -o json says why). Exits 3 when --max-lag or \
            --max-lag-seconds is exceeded. --watch refreshes every --interval (in place on a terminal, one snapshot per \
            interval when piped) with the lag's trend and the events per second of the group's topics.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp("A group, or a Hypha server id.", valueName: "group|server-id"),
        completion: Completions.groups) var name: String?
    @Flag(help: "Every Hypha server group.") var all = false
    @OptionGroup var output: OutputOptions<OutputFormat>
    @Option(parsing: .unconditional, help: ArgumentHelp("Exit 3 when a group's total lag is over N.", valueName: "n"))
    var maxLag: Int64?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Exit 3 when a group's oldest unhandled event has waited over N seconds.", valueName: "n"))
    var maxLagSeconds: Double?
    @OptionGroup var watching: WatchOptions

    func validate() throws {
        if (name == nil) == !all { throw ValidationError("name one GROUP or SERVER_ID, or use --all") }
        if let name { try EventNameArgument.check([name], as: "a group or server id") }
        if let maxLag, maxLag < 0 { throw ValidationError("--max-lag must be 0 or more") }
        if let maxLagSeconds, !(maxLagSeconds >= 0 && maxLagSeconds < 1e9) {
            throw ValidationError("--max-lag-seconds must be 0 or more")
        }
        if watching.watch && (maxLag != nil || maxLagSeconds != nil) {
            throw ValidationError("--max-lag and --max-lag-seconds judge one look: they do not go with --watch")
        }
    }

    func run() async throws {
        // Watching goes on through failed refreshes, a refused connection included.
        let settings =
            try watching.watch
            ? global.clientSettings(environment: ProcessInfo.processInfo.environment) : global.clientSettings()
        let admin = try KafkaAdmin.reading(settings: settings)
        if watching.watch {
            let format = output.format
            var watch = LagWatch()
            let name = name
            return try await WatchLoop(
                title: "hyphactl groups describe \(name ?? "--all")", options: watching, timeout: settings.timeout,
                json: format == .json, style: Style(enabled: global.colorEnabled)
            ).run(
                refresh: { try await Self.describe(name, admin: admin) },
                render: { lags, steadyMillis, nowMillis in
                    let (groups, rates) = watch.groups(lags, atMillis: steadyMillis)
                    return WatchRendering.groups(groups, rates: rates, as: format, nowMillis: nowMillis)
                })
        }
        let lags = try await Self.describe(name, admin: admin)
        Terminal.write(GroupRendering.describe(lags, as: output.format, single: name != nil))
        if let maxLag, let problem = Self.overLimit(lags, maxLag: maxLag) {
            throw CommandFailure.thresholdExceeded(problem)
        }
        if let maxLagSeconds, let problem = Self.overLimit(lags, maxLagSeconds: maxLagSeconds) {
            throw CommandFailure.thresholdExceeded(problem)
        }
    }

    /// What `--max-lag-seconds` found: every group whose lag time is over the
    /// limit (an unknown one is not); nil when none is.
    static func overLimit(_ lags: [GroupLag], maxLagSeconds: Double) -> String? {
        let limit = Int64((maxLagSeconds * 1000).rounded())
        let over = lags.filter { ($0.maxLagTime?.millis ?? 0) > limit }
        guard !over.isEmpty else { return nil }
        let named = over.prefix(5).map { "\($0.group) (\(LagTimeRendering.text($0.maxLagTime)))" }
        let more = over.count > 5 ? " and \(over.count - 5) more" : ""
        let subject =
            over.count == 1
            ? "\(named[0]): its oldest unhandled event has"
            : "\(over.count) groups: \(named.joined(separator: ", "))\(more); their oldest unhandled events have"
        return "\(subject) waited over --max-lag-seconds \(WatchRendering.decimal(maxLagSeconds))"
    }

    /// What `--max-lag` found: every group over the limit (the first five by
    /// name, then how many more); nil when none is.
    static func overLimit(_ lags: [GroupLag], maxLag: Int64) -> String? {
        let over = lags.filter { $0.totalLag > maxLag }
        guard let first = over.first else { return nil }
        if over.count == 1 { return "\(first.group): total lag \(first.totalLag) is over --max-lag \(maxLag)" }
        let named = over.prefix(5).map { "\($0.group) (\($0.totalLag))" }.joined(separator: ", ")
        let more = over.count > 5 ? " and \(over.count - 5) more" : ""
        return "\(over.count) of \(lags.count) groups have a total lag over --max-lag \(maxLag): \(named)\(more)"
    }

    /// The named group (a server id resolved to its group), or every Hypha server group.
    static func describe(_ name: String?, admin: KafkaAdmin) async throws(KafkaFailure) -> [GroupLag] {
        let groups: [String]
        if let name {
            groups = [HyphaGroup.resolve(name, existing: Set(try await admin.groupNames()))]
        } else {
            groups = try await admin.listGroups().map(\.group)
        }
        return try await admin.describeGroups(groups)
    }
}
